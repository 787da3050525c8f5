"""CLI commands for therapists and families: ``check-note`` (documentation checker) and
``estimate`` (reimbursement estimator). Both dispatch through the tool registry."""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.cli.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    HelpFormatter,
    add_common,
    emit,
    parse_date,
    run_tool,
)
from assistant.cli.tool_commands import _read_input
from tools.ruledata.medicare_fees import gpcis

CHECK_NOTE_EPILOG = """\
examples:
  otbill check-note --text note.txt --payer medicare
      read a free-text note: minutes, codes, totals, signature, goals; say what is missing
  cat note.txt | otbill check-note --text - --payer medicare --start-of-care 2026-02-10 \\
        --certified 2026-02-20 --treatment-day 6
      add the plan-of-care facts a daily note does not carry
  otbill check-note --input @note.json --json
      a structured note (fields as in `otbill tools --json`, tool check_note)
  otbill check-note --text eval.txt --type evaluation --payer medicare --date 2026-03-02

Status: complete (exit 0), incomplete (an error; exit 1) or indeterminate (a fact or the payer's
rules are missing; exit 1). Bad input: one line on stderr, exit 2. Only Original Medicare's rules
are on file; for other payers Medicare's are shown as a reference.
"""

ESTIMATE_EPILOG = """\
examples:
  otbill estimate --date 2026-03-02 97530=38 97110=15
      Medicare, national: units from minutes, MPPR, deductible and 20% coinsurance
  otbill estimate --date 2025-06-10 97530=38 97110=15 --locality AR-13 --deductible-remaining 0
      a payment locality (otbill estimate --list-localities shows those on file)
  otbill estimate --date 2026-03-02 97110=2u 97110-CO=1u --prior-ot 2400
      assistant lines (CO, paid at 85% after MPPR) and the KX threshold running total
  otbill estimate --date 2026-03-02 97530=38 --percent-of-medicare 110 --coinsurance 20 \\
        --method cms --deductible-remaining 0
      a commercial contract paying 110% of Medicare
  otbill estimate --allowed 120 --deductible-remaining 500 --coinsurance 20
      the plan's allowed amount for the visit: what the plan and the family pay
  otbill estimate --out-of-network --allowed 90 --billed 200 --coinsurance 40 \\
        --deductible-remaining 0
      out of network: the plan's allowed amount, coinsurance, and the balance bill

Each SERVICE is [PT:|SLP:]CODE[-MOD...]=MINUTES, CODE=Nu (units) or a bare untimed CODE, e.g.
97530=38, 97110-CO=15, PT:97110=23, 97165. Commercial estimates use only your plan's terms:
never other providers' rates. Exit 0 with an answer; 1 when a rate is missing (indeterminate,
the output says which); 2 on bad input.
"""

_LINE_RE = re.compile(
    r"^\s*(?:(OT|PT|SLP)\s*:\s*)?([0-9A-Za-z]{5})((?:-[0-9A-Za-z]{2})*)\s*(?:=\s*(.*?)\s*)?$",
    re.IGNORECASE,
)
_VALUE_RE = re.compile(r"^(\d+)\s*(u|units?|m|min|mins|minutes)?$", re.IGNORECASE)
_FEE_RE = re.compile(r"^\s*([0-9A-Za-z]{5})\s*=\s*(.+)$")


def _money(text: str, field: str) -> Decimal:
    raw = text.strip().replace("$", "").replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise CliError(field, f"{text!r} is not an amount", f"write it as {field} 120.50") from None
    if not value.is_finite() or value < 0:
        raise CliError(field, f"{text!r} is not an amount of 0 or more", "e.g. 120.50")
    return value


def _as_arg(convert: Any, flag: str) -> Any:
    """argparse type from `convert(text, flag)`: its CliError becomes a one-line usage error."""

    def wrapped(text: str) -> Decimal:
        try:
            value: Decimal = convert(text, flag)
        except CliError as exc:
            raise argparse.ArgumentTypeError(f"{exc.message}; {exc.fix}") from None
        return value

    return wrapped


def _percent(text: str, field: str) -> Decimal:
    value = _money(text.rstrip("%"), field)
    if value > 1000:
        raise CliError(field, f"{text!r} is more than 1000%", "give a percent such as 20")
    return value


def _parse_line(text: str, index: int) -> dict[str, Any]:
    match = _LINE_RE.match(text)
    if not match:
        raise CliError(
            f"service {index + 1} ({text!r})",
            "is not CODE=MINUTES",
            "write e.g. 97530=38, 97110=2u, 97110-CO=15, PT:97110=23 or a bare untimed code",
        )
    discipline, code, mods, value = match.groups()
    line: dict[str, Any] = {"code": code.upper()}
    if discipline:
        line["discipline"] = discipline.upper()
    if mods:
        line["modifiers"] = [m.upper() for m in mods.strip("-").split("-")]
    if value is not None:
        found = _VALUE_RE.match(value)
        if not found:
            raise CliError(
                f"{code} value",
                f"{value!r} is not minutes or units",
                f"write {code}=38 (minutes) or {code}=2u (units)",
            )
        number, suffix = int(found.group(1)), (found.group(2) or "").lower()
        if suffix.startswith("u"):
            if not 1 <= number <= 40:
                raise CliError(f"{code} units", f"{number} units", "give 1 to 40 units")
            line["units"] = number
        else:
            if number > 24 * 60:
                raise CliError(
                    f"{code} minutes", f"{number} is more than a day", "give one day's minutes"
                )
            line["minutes"] = number
    return line


def _cmd_estimate(args: argparse.Namespace) -> int:
    if args.list_localities:
        return _list_localities(args)
    lines = [_parse_line(s, i) for i, s in enumerate(args.services)]
    for fee in args.fee or []:
        match = _FEE_RE.match(fee)
        if not match:
            raise CliError("--fee", f"{fee!r} is not CODE=AMOUNT", "e.g. --fee 97530=45.00")
        code, amount = match.group(1).upper(), _money(match.group(2), "--fee")
        targets = [ln for ln in lines if ln["code"] == code]
        if not targets:
            raise CliError("--fee", f"{code} is not among the services", f"add {code}=MINUTES")
        for ln in targets:
            ln["fee_schedule_amount"] = str(amount)
    commercial = any(
        v is not None for v in (args.allowed, args.percent_of_medicare, args.fee or None)
    )
    basis = "out_of_network" if args.out_of_network else "commercial" if commercial else "medicare"
    payload: dict[str, Any] = {"lines": lines, "payer_basis": basis}
    options = {
        "date_of_service": args.date,
        "locality": args.locality,
        "deductible_remaining": args.deductible_remaining,
        "prior_incurred_ot": args.prior_ot,
        "prior_incurred_pt_slp": args.prior_pt_slp,
        "percent_of_medicare": args.percent_of_medicare,
        "allowed_amount": args.allowed,
        "coinsurance_percent": args.coinsurance,
        "copay": args.copay,
        "oop_max_remaining": args.oop_remaining,
        "billed_charge_total": args.billed,
        "counting_method": args.method,
    }
    payload.update({k: v for k, v in options.items() if v is not None})
    if args.facility:
        payload["setting"] = "facility"
    if args.apm:
        payload["qualifying_apm"] = True
    if args.institutional:
        payload["claim_type"] = "institutional"
    if args.mppr:
        payload["apply_mppr"] = True
    result = run_tool("estimate_payment", payload)
    emit(result, args.json)
    return EXIT_OK if result.status == "ok" else EXIT_FINDINGS


def _list_localities(args: argparse.Namespace) -> int:
    table = gpcis()
    rows = []
    for key in table.all_keys():
        hist = table.history(key)
        years = sorted({r.effective_from.year for r in hist})
        last = hist[-1]
        rows.append((key, last.name, last.mac, years))
    if args.json:
        import json

        data = [{"key": k, "name": n, "mac": m, "years": y} for k, n, m, y in rows]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    for key, name, mac, years in rows:
        span = "all years" if key == "NATIONAL" else ", ".join(map(str, years))
        sys.stdout.write(f"{key:<9} {mac or '-':<6} {span:<11} {name}\n")
    sys.stdout.write(
        "Other localities are not on file: their estimate is indeterminate. Use --locality "
        "national for the national rate.\n"
    )
    return EXIT_OK


def _read_text(spec: str) -> str:
    if spec == "-":
        return sys.stdin.read()
    try:
        with open(spec, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise CliError(
            "--text", f"cannot read {spec!r}: {exc.strerror}", "give a text file or -"
        ) from None
    except UnicodeDecodeError:
        raise CliError(
            "--text", f"{spec!r} is not UTF-8 text", "save the note as plain text"
        ) from None


def _cmd_check_note(args: argparse.Namespace) -> int:
    if args.text is None and args.input is None:
        raise CliError("--text/--input", "give the note", "--text FILE (or -) or --input JSON")
    payload: dict[str, Any] = {}
    if args.input is not None:
        data = _read_input(args.input)
        if not isinstance(data, dict):
            raise CliError("--input", "is not a JSON object", 'pass {"note_type": ...}')
        payload.update(data)
    if args.text is not None:
        text = _read_text(args.text)
        if not text.strip():
            raise CliError("--text", "the note is empty", "give the note's text")
        payload["text"] = text
    for key, value in (
        ("note_type", args.type),
        ("date_of_service", args.date),
        ("payer", args.payer),
        ("plan_type", args.plan_type),
        ("treatment_days_in_period", args.treatment_day),
    ):
        if value is not None:
            payload[key] = value
    poc = dict(payload.get("plan_of_care") or {})
    for key, value in (
        ("start_of_care", args.start_of_care),
        ("certified_on", args.certified),
        ("verbal_order_on", args.verbal_order),
        ("sent_to_practitioner_on", args.poc_sent),
        ("recertified_on", args.recertified),
        ("certified_through", args.certified_through),
    ):
        if value is not None:
            poc[key] = value
    if args.signed_order:
        poc["signed_order_on_file"] = True
    if poc:
        payload["plan_of_care"] = poc
    result = run_tool("check_note", payload)
    emit(result, args.json)
    return EXIT_OK if result.status == "complete" else EXIT_FINDINGS


def _cmd_assistant_rate(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {"modifier": args.modifier.upper()}
    if args.date:
        payload["date_of_service"] = args.date
    if args.amount is not None:
        payload["full_amount"] = args.amount
    if (args.assistant_minutes is None) != (args.total_minutes is None):
        raise CliError(
            "--assistant-minutes/--total-minutes",
            "only one of them was given",
            "give both, e.g. --assistant-minutes 4 --total-minutes 40, or neither",
        )
    if args.assistant_minutes is not None:
        payload["assistant_minutes"] = args.assistant_minutes
        payload["total_minutes"] = args.total_minutes
    result = run_tool("check_assistant_modifier", payload)
    if result.status != "ok":
        raise CliError("--date", "; ".join(result.missing), "give a date from 2020-01-01 on")
    emit(result, args.json)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add check-note and estimate to the top-level parser."""
    p = sub.add_parser(
        "check-note",
        help="check a therapy note against the payer's documentation rules",
        description="Check an evaluation, daily note, progress report, re-evaluation or discharge.",
        epilog=CHECK_NOTE_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("--text", metavar="FILE", help="the note as plain text (- for stdin)")
    p.add_argument("--input", metavar="JSON", help="structured note: JSON, @FILE or - for stdin")
    p.add_argument(
        "--type",
        type=str.lower,
        choices=["evaluation", "daily", "progress", "reevaluation", "discharge"],
        help="note type (found in the text when omitted)",
    )
    p.add_argument("--payer", metavar="NAME", help="payer, e.g. Medicare")
    p.add_argument(
        "--plan-type",
        choices=["medicare", "medicare_advantage", "medicaid", "commercial", "tricare", "other"],
        help="plan type, when the payer name is not recognised",
    )
    for flag, what in (
        ("--start-of-care", "first treatment day of the plan (the evaluation counts)"),
        ("--certified", "date the physician/NPP signed the plan of care"),
        ("--verbal-order", "date of a verbal order"),
        ("--poc-sent", "date the plan was sent to the referring practitioner"),
        ("--recertified", "date of the latest recertification"),
        ("--certified-through", "last day of the certified period"),
    ):
        p.add_argument(flag, type=parse_date, metavar="YYYY-MM-DD", help=what)
    p.add_argument(
        "--signed-order", action="store_true", help="a signed, dated order is in the record"
    )
    p.add_argument(
        "--treatment-day",
        type=int,
        metavar="N",
        help="treatment day of the current progress-report period, counting this one",
    )
    add_common(p)
    p.set_defaults(handler=_cmd_check_note)

    p = sub.add_parser(
        "estimate",
        help="what Medicare or a plan pays for a visit, and what the family pays",
        description="Estimate a therapy visit's payment with the arithmetic shown.",
        epilog=ESTIMATE_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("services", nargs="*", metavar="SERVICE", help="CODE=MINUTES, CODE=Nu or CODE")
    p.add_argument(
        "--locality", metavar="KEY", help="Medicare locality, e.g. AR-13 (default national)"
    )
    p.add_argument("--list-localities", action="store_true", help="list the localities on file")
    p.add_argument("--facility", action="store_true", help="use the facility fee schedule column")
    p.add_argument("--apm", action="store_true", help="qualifying APM participant (2026 factor)")
    p.add_argument("--institutional", action="store_true", help="institutional claim (MPPR rate)")
    money = (
        ("--deductible-remaining", "deductible left this year (Medicare default: all of it)"),
        ("--prior-ot", "Medicare OT amounts already incurred this year (KX running total)"),
        ("--prior-pt-slp", "Medicare PT+SLP amounts already incurred this year"),
        ("--allowed", "commercial: the plan's allowed amount for the visit"),
        ("--copay", "commercial: copay per visit"),
        ("--oop-remaining", "commercial: out-of-pocket maximum left this year"),
        ("--billed", "out of network: the provider's charge for the visit"),
    )
    for flag, what in money:
        p.add_argument(flag, metavar="USD", type=_as_arg(_money, flag), help=what, default=None)
    p.add_argument(
        "--percent-of-medicare",
        metavar="PCT",
        type=_as_arg(_percent, "--percent-of-medicare"),
        help="commercial: the contract pays this percent of Medicare",
    )
    p.add_argument(
        "--coinsurance",
        metavar="PCT",
        type=_as_arg(_percent, "--coinsurance"),
        help="commercial: the family's coinsurance percent",
    )
    p.add_argument(
        "--fee",
        action="append",
        metavar="CODE=USD",
        help="commercial: your contract's amount per unit of a code (repeat per code)",
    )
    p.add_argument("--out-of-network", action="store_true", help="out-of-network terms")
    p.add_argument(
        "--method", choices=["cms", "ama"], help="commercial: how minutes turn into units"
    )
    p.add_argument("--mppr", action="store_true", help="percent-of-Medicare contracts: apply MPPR")
    add_common(p)
    p.set_defaults(handler=_cmd_estimate)

    p = sub.add_parser(
        "assistant-rate",
        help="when a line needs CO/CQ (therapy assistant) and what Medicare pays with it",
        description="Medicare pays a reduced percent of the fee schedule for services an OTA "
        "(CO) or PTA (CQ) furnishes in whole or in part; the modifier is needed when the "
        "assistant's own minutes are more than the de minimis share. Both come from the dated "
        "modifier table.",
        epilog="""\
examples:
  otbill assistant-rate --amount 60                 what a $60 line pays with CO
  otbill assistant-rate --assistant-minutes 4 --total-minutes 40
      4 of 40 minutes is 10%: not more than 10%, so no CO
  otbill assistant-rate --modifier CQ --date 2021-06-01 --json
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "--modifier", default="CO", choices=["CO", "CQ", "co", "cq"], help="CO (OTA, default) or CQ"
    )
    p.add_argument(
        "--amount",
        type=_as_arg(_money, "--amount"),
        metavar="DOLLARS",
        help="the line's allowed amount without the modifier (after MPPR)",
    )
    p.add_argument(
        "--assistant-minutes",
        type=int,
        metavar="N",
        help="minutes the assistant furnished without the therapist",
    )
    p.add_argument("--total-minutes", type=int, metavar="N", help="total minutes of the service")
    add_common(p)
    p.set_defaults(handler=_cmd_assistant_rate)


__all__ = ["register"]
