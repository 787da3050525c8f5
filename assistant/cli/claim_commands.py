"""``otbill validate-claim``, ``otbill scrub`` and ``otbill rules``: the claim validator's CLI.

All three dispatch through the tool registry (validate_claim, list_claim_rules); ``scrub`` reads
a batch with `tools.claims.batch` and runs each record through the same validator.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from assistant.cli.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    HelpFormatter,
    emit,
    explain_validation,
    guarded,
    json_object,
    parse_date,
    read_text,
    run_tool,
)
from tools.claims.batch import CSV_COLUMNS, RecordError, read_records, scrub, summarize
from tools.claims.models import ClaimResult

EXAMPLE_CLAIM = {
    "claim_id": "C-1001",
    "submitted_on": "2026-03-10",
    "payer": {"name": "Medicare", "plan_type": "medicare", "network": "in"},
    "patient": {
        "member_id": "1EG4TE5MK73",
        "first_name": "Ann",
        "last_name": "Example",
        "date_of_birth": "1950-02-01",
        "sex": "F",
    },
    "billing_provider": {"npi": "1234567893", "tax_id": "12-3456789"},
    "rendering_provider": {"npi": "1245319599", "discipline": "OT"},
    "place_of_service": "11",
    "diagnoses": ["I69.351", "R26.89"],
    "lines": [
        {
            "date_of_service": "2026-03-02",
            "cpt": "97530",
            "modifiers": ["GO"],
            "units": 2,
            "minutes": 30,
            "diagnosis_pointers": [1],
            "charge": "120.00",
        }
    ],
    "context": {"ytd_ot_allowed": "500.00"},
}

VALIDATE_EPILOG = f"""\
examples:
  otbill validate-claim claim.json            a readable verdict with each finding's fix
  cat claim.json | otbill validate-claim - --json
  otbill validate-claim --example > claim.json   a filled-in example to start from

The claim (JSON) follows the contract in the README ("Claim validator"); a minimal one:
{json.dumps(EXAMPLE_CLAIM)}

Exit status: 0 no errors (warnings may remain), 1 the claim has errors, 2 bad input (not JSON, or
a field of the wrong type; one line says which). `otbill rules` lists every rule.
"""

SCRUB_EPILOG = f"""\
examples:
  otbill scrub claims.jsonl                   one JSON claim per line; table on the terminal
  otbill scrub claims.json --format jsonl --output results.jsonl
  otbill scrub claims.csv --format csv --output findings.csv
  otbill scrub claims.jsonl --summary-only

Input type comes from the extension (.json array, .jsonl/.ndjson, .csv) or --input-format.
CSV input: one row per service line; rows with the same claim_id form a claim. Columns:
  {", ".join(CSV_COLUMNS)}
(lists such as diagnoses, modifiers and pointers are separated by ';').
A malformed record is reported with its line or row number and the rest of the batch goes on.
Output --format: table (default), json (results and summary), jsonl (one result per line, then
the summary), csv (one row per finding; clean claims get one row with an empty rule).
Exit status: 0 no claim has errors, 1 some claim has errors or a record was malformed, 2 bad usage.
"""


def _cmd_validate(args: argparse.Namespace) -> int:
    if args.example:
        sys.stdout.write(json.dumps(EXAMPLE_CLAIM, indent=2) + "\n")
        return EXIT_OK
    if args.file is None:
        raise CliError("FILE", "no claim given", "pass a JSON file, or - to read stdin")
    data = json_object(
        read_text(args.file, "FILE"), "FILE", "pass one claim object; use scrub for lists"
    )
    payload = {"claim": data.get("claim", data)}
    try:
        result: ClaimResult = run_tool("validate_claim", payload)
    except ValidationError as exc:
        field, message = explain_validation(exc)
        raise CliError(
            field, message, "see the claim contract in `otbill validate-claim --help`"
        ) from None
    emit(result, args.json)
    return EXIT_FINDINGS if result.status == "errors" else EXIT_OK


def _input_format(path: str, given: str | None) -> str:
    if given:
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    raise CliError(
        "--input-format", f"cannot tell the format of {path!r}", "add --input-format json|jsonl|csv"
    )


def _progress(items: Iterator[Any], total: int) -> Iterable[Any]:
    """A progress bar on a terminal only; pipes and files get clean output."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    bar: Iterable[Any] = tqdm(items, total=total, unit="claim", file=sys.stderr)
    return bar


def _write_item(out: TextIO, fmt: str, item: ClaimResult | RecordError, writer: Any) -> None:
    if fmt == "jsonl":
        kind = "input_error" if isinstance(item, RecordError) else "result"
        out.write(json.dumps({kind: item.model_dump(mode="json")}) + "\n")
    elif fmt == "csv":
        if isinstance(item, RecordError):
            writer.writerow(
                [
                    item.claim_id or "",
                    "input_error",
                    "INPUT_ERROR",
                    "error",
                    item.location,
                    item.field,
                    item.message,
                    "fix the record",
                ]
            )
            return
        if not item.findings:
            writer.writerow([item.claim_id, item.status, "", "", "", "", "", ""])
        for f in item.findings:
            writer.writerow(
                [
                    item.claim_id,
                    item.status,
                    f.rule_id,
                    f.severity,
                    "" if f.line is None else f.line + 1,
                    f.field,
                    f.message,
                    f.fix,
                ]
            )
    elif fmt == "table":
        if isinstance(item, RecordError):
            out.write(f"{item.location}: INPUT ERROR {item.field}: {item.message}\n")
        else:
            rules = ", ".join(dict.fromkeys(f.rule_id for f in item.findings)) or "-"
            out.write(f"{item.claim_id:<16} {item.status:<9} {rules}\n")


def _cmd_scrub(args: argparse.Namespace) -> int:
    fmt_in = _input_format(args.file, args.input_format)
    text = read_text(args.file, "FILE")
    started = time.perf_counter()
    records = list(read_records(text, fmt_in))  # type: ignore[arg-type]
    # Closed in the finally below; a with-block would close stdout too.
    out: TextIO = sys.stdout
    if args.output:
        out = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    items: list[ClaimResult | RecordError] = []
    writer = csv.writer(out) if args.format == "csv" else None
    if writer is not None and not args.summary_only:
        writer.writerow(
            ["claim_id", "status", "rule_id", "severity", "line", "field", "message", "fix"]
        )
    # Claims and results hold no reference cycles, so reference counting frees them; the cyclic
    # collector only rescans the growing batch (it tripled the time per claim at 20,000 claims).
    gc.disable()
    try:
        for item in _progress(scrub(records), len(records)):
            items.append(item)
            if not args.summary_only and args.format != "json":
                _write_item(out, args.format, item, writer)
        summary = summarize(items, started)
        if args.format == "json" and not args.summary_only:
            body = {
                "results": [i.model_dump(mode="json") for i in items if isinstance(i, ClaimResult)],
                "input_errors": [
                    i.model_dump(mode="json") for i in items if isinstance(i, RecordError)
                ],
                "summary": summary.model_dump(mode="json"),
            }
            out.write(json.dumps(body, indent=2) + "\n")
        elif args.format == "jsonl" or (args.summary_only and args.format == "json"):
            out.write(json.dumps({"summary": summary.model_dump(mode="json")}) + "\n")
    finally:
        gc.enable()
        if args.output:
            out.close()
    rate = f"{summary.clean_rate:.1%}"
    per_rule = ", ".join(f"{k} {v}" for k, v in list(summary.findings_by_rule.items())[:8])
    sys.stderr.write(
        f"{summary.claims} claim(s): {summary.clean} clean ({rate}), {summary.with_warnings} "
        f"with warnings, {summary.with_errors} with errors; {summary.input_errors} malformed "
        f"record(s); {summary.seconds}s.\n"
        + (f"Findings by rule: {per_rule}\n" if per_rule else "")
    )
    return EXIT_FINDINGS if summary.with_errors or summary.input_errors else EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {}
    if args.rule_id:
        payload["rule_id"] = args.rule_id
    if args.date:
        payload["on"] = args.date
    emit(run_tool("list_claim_rules", payload), args.json)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add validate-claim, scrub and rules."""
    p = sub.add_parser(
        "validate-claim",
        help="scrub one claim before submission: findings with fixes and sources",
        description="Check one OT claim against the rule catalog (`otbill rules`).",
        epilog=VALIDATE_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="claim JSON file, or - for stdin")
    p.add_argument("--example", action="store_true", help="print an example claim and exit")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(
        handler=lambda a: guarded("otbill validate-claim", a.json, lambda: _cmd_validate(a))
    )

    p = sub.add_parser(
        "scrub",
        help="scrub a batch of claims (JSON, JSON Lines or CSV) with a summary",
        description="Check many claims; one result per claim, malformed records reported.",
        epilog=SCRUB_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="claims file (.json, .jsonl, .csv) or -")
    p.add_argument("--input-format", choices=["json", "jsonl", "csv"], help="override detection")
    p.add_argument(
        "--format",
        choices=["table", "json", "jsonl", "csv"],
        default="table",
        help="output format (default table)",
    )
    p.add_argument("--output", metavar="FILE", help="write results here instead of stdout")
    p.add_argument("--summary-only", action="store_true", help="print only the summary")
    p.set_defaults(handler=lambda a: guarded("otbill scrub", False, lambda: _cmd_scrub(a)))

    p = sub.add_parser(
        "rules",
        help="list the claim validator's rules with severity, dates and sources",
        description="The public rule catalog of the claim validator.",
        epilog="examples:\n  otbill rules\n  otbill rules KX_MODIFIER_REQUIRED --json\n",
        formatter_class=HelpFormatter,
    )
    p.add_argument("rule_id", nargs="?", help="show one rule")
    p.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="rules in force on a date")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=lambda a: guarded("otbill rules", a.json, lambda: _cmd_rules(a)))


__all__ = ["register"]
