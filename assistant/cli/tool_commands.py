"""CLI commands for the deterministic tools: units, visits, evaluation complexity, re-evaluation,
plus the generic ``tool`` runner and the ``tools``/``codes``/``data`` listings."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from typing import Any

from assistant.cli.base import (
    EXIT_OK,
    CliError,
    HelpFormatter,
    add_common,
    emit,
    guarded,
    run_tool,
)
from tools.registry import TOOLS, get_tool
from tools.ruledata.loader import load_table
from tools.ruledata.tables import TABLES, codes
from tools.units import MAX_DAY_MINUTES

_SERVICE_RE = re.compile(r"^\s*([0-9A-Za-z]{5})\s*(?:[=:]\s*(.*?)\s*)?$")
_MINUTES_RE = re.compile(r"^(-?\d+)\s*(?:m|min|mins|minutes)?$", re.IGNORECASE)

UNITS_EPILOG = """\
examples:
  otbill units --payer medicare 97110=33 97140=7
      CMS total-time method: 40 timed minutes = 3 units; 97110 x2, 97140 x1
  otbill units --method ama 97110=33 97140=7
      AMA per-code method: 97110 x2, 97140 x0 (7 minutes alone earn nothing)
  otbill units --payer "Aetna Medicare" --date 2026-03-01 97530=38 97165 --json
      untimed codes (the evaluation 97165) need no minutes and bill one unit

Each SERVICE is CODE=MINUTES (minutes of direct one-on-one treatment) or, for an untimed code,
just CODE. Choose the counting method with --method, or name the payer with --payer and the rule
table picks it. A payer without a method on file is an error: add --method cms or --method ama.
"""


def _parse_service(text: str, index: int) -> dict[str, Any]:
    match = _SERVICE_RE.match(text)
    if not match:
        raise CliError(
            f"service {index + 1} ({text!r})",
            "is not CODE=MINUTES",
            "write each service as CODE=MINUTES, e.g. 97110=38, or a bare CODE for untimed codes",
        )
    code, raw = match.group(1).upper(), match.group(2)
    if raw is None or raw == "":
        if raw == "":
            raise CliError(f"{code} minutes", "are empty", f"write {code}=MINUTES, e.g. {code}=15")
        return {"code": code}
    minutes = _MINUTES_RE.match(raw)
    if not minutes:
        raise CliError(
            f"{code} minutes", f"{raw!r} is not a whole number of minutes", f"write {code}=38"
        )
    value = int(minutes.group(1))
    if value < 0:
        raise CliError(f"{code} minutes", f"{value} is negative", "give minutes of 0 or more")
    if value > MAX_DAY_MINUTES:
        raise CliError(
            f"{code} minutes",
            f"{value} is more than a day ({MAX_DAY_MINUTES} minutes)",
            "give the minutes of one date of service",
        )
    return {"code": code, "minutes": value}


def _cmd_units(args: argparse.Namespace) -> int:
    services = [_parse_service(s, i) for i, s in enumerate(args.services)]
    payload: dict[str, Any] = {"services": services}
    for key, value in (
        ("method", args.method),
        ("payer", args.payer),
        ("plan_type", args.plan_type),
    ):
        if value:
            payload[key] = value
    if args.date:
        payload["date_of_service"] = args.date
    result = run_tool("calculate_units", payload)
    if result.status != "ok":
        if result.method is None:
            raise CliError(
                "payer",
                f"{args.payer or args.plan_type!r} has no unit-counting method on file",
                "add --method cms (total minutes pooled, as Medicare) or --method ama (each code "
                "on its own), from the payer's policy",
            )
        raise CliError("date", "; ".join(result.missing), "give a date the rule tables cover")
    emit(result, args.json)
    return EXIT_OK


def _cmd_visits(args: argparse.Namespace) -> int:
    if (args.units is None) == (args.visits is None):
        raise CliError("--units/--visits", "give exactly one of them", "e.g. --units 20")
    payload: dict[str, Any] = {"session_minutes": args.session_minutes}
    if args.units is not None:
        payload["units"] = args.units
    if args.visits is not None:
        payload["visits"] = args.visits
    if args.payer:
        payload["payer"] = args.payer
    if args.date:
        payload["date_of_service"] = args.date
    result = run_tool("convert_visits", payload)
    if result.status != "ok":
        raise CliError("date", "; ".join(result.missing), "give a date the rule tables cover")
    emit(result, args.json)
    return EXIT_OK


_COMORBID_NONE = {"none", "no", "0", "false", "absent"}
_COMORBID_PRESENT = {"present", "yes", "true", "some"}
_MODIFICATION = {
    "none": "none",
    "no": "none",
    "not-needed": "none",
    "minimal": "minimal_to_moderate",
    "moderate": "minimal_to_moderate",
    "min-mod": "minimal_to_moderate",
    "minimal-to-moderate": "minimal_to_moderate",
    "minimal_to_moderate": "minimal_to_moderate",
    "significant": "significant",
    "substantial": "significant",
    "maximal": "significant",
}


def _comorbidities(values: list[str] | None) -> str | None:
    """Accept none/present, a count, or a list of named comorbidities."""
    if not values:
        return None
    joined = ",".join(values)
    items = [v.strip().lower() for v in joined.split(",") if v.strip()]
    if len(items) == 1 and items[0] in _COMORBID_NONE:
        return "none"
    if len(items) == 1 and items[0].isdigit():
        return "present" if int(items[0]) > 0 else "none"
    if len(items) == 1 and items[0] in _COMORBID_PRESENT:
        return "present"
    if any(i in _COMORBID_NONE for i in items):
        raise CliError(
            "--comorbidities",
            f"{joined!r} mixes 'none' with named conditions",
            "give none, present, a count, or the conditions",
        )
    return "present"


def _cmd_eval(args: argparse.Namespace) -> int:
    said = args.deficits.strip().lower()
    payload: dict[str, Any] = {"history": args.history.lower(), "decision": args.decision.lower()}
    if said in ("low", "moderate", "high"):
        payload["deficits_level"] = said
    elif said.lstrip("-").isdigit():
        if int(said) < 1:
            raise CliError(
                "--deficits",
                f"{said} performance deficits cannot support an evaluation code",
                "count at least 1 deficit (physical, cognitive or psychosocial) that limits "
                "activity",
            )
        payload["deficits"] = int(said)
    else:
        raise CliError(
            "--deficits",
            f"{args.deficits!r} is neither a count nor a level",
            "give the number of performance deficits (e.g. 4), or low, moderate or high",
        )
    com = _comorbidities(args.comorbidities)
    if com is not None:
        payload["comorbidities"] = com
    if args.modification:
        key = args.modification.strip().lower().replace(" ", "-")
        if key not in _MODIFICATION:
            raise CliError(
                "--modification",
                f"{args.modification!r} is not a level",
                "use none, minimal-to-moderate or significant",
            )
        payload["modification"] = _MODIFICATION[key]
    if args.date:
        payload["date_of_service"] = args.date
    result = run_tool("check_eval_complexity", payload)
    if result.status != "ok":
        raise CliError("date", "; ".join(result.missing), "give a date from 2017-01-01 on")
    emit(result, args.json)
    return EXIT_OK


def _cmd_reeval(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {
        "new_clinical_findings": args.new_findings,
        "significant_change": args.significant_change,
        "failure_to_respond": args.no_response,
        "routine": args.routine,
        "payer": args.payer,
    }
    if args.date:
        payload["date_of_service"] = args.date
    result = run_tool("check_reevaluation", payload)
    if result.status != "ok":
        raise CliError("--payer", "; ".join(result.missing), "check the payer's written policy")
    emit(result, args.json)
    return EXIT_OK


def _cmd_code(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {"code": args.code}
    if args.date:
        payload["date_of_service"] = args.date
    result = run_tool("lookup_code", payload)
    if result.status != "ok":
        raise CliError(
            "CODE", "; ".join(result.missing), "run 'otbill codes' to list the codes on file"
        )
    emit(result, args.json)
    return EXIT_OK


def _cmd_thresholds(args: argparse.Namespace) -> int:
    when = args.date or (date(args.year, 1, 1) if args.year else date.today())
    result = run_tool("get_therapy_thresholds", {"date_of_service": when})
    if result.status != "ok":
        raise CliError("--year", "; ".join(result.missing), "give a year from 2021 on")
    emit(result, args.json)
    return EXIT_OK


def _cmd_conversion_factor(args: argparse.Namespace) -> int:
    when = args.date or (date(args.year, 1, 1) if args.year else date.today())
    result = run_tool("get_conversion_factor", {"date_of_service": when})
    if result.status != "ok":
        raise CliError("--date", "; ".join(result.missing), "give a date the table covers")
    emit(result, args.json)
    return EXIT_OK


def _read_input(text: str) -> Any:
    if text == "-":
        raw = sys.stdin.read()
    elif text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as handle:
                raw = handle.read()
        except OSError as exc:
            raise CliError(
                "--input",
                f"cannot read {text[1:]!r}: {exc.strerror}",
                "give an existing file after @",
            ) from None
    else:
        raw = text
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CliError(
            "--input",
            f"not valid JSON ({exc.msg} at line {exc.lineno})",
            "pass a JSON object, @FILE or - for stdin",
        ) from None


def _cmd_tool(args: argparse.Namespace) -> int:
    try:
        spec = get_tool(args.name)
    except KeyError as exc:
        raise CliError("NAME", str(exc.args[0]), "run 'otbill tools' to list them") from None
    payload = _read_input(args.input)
    emit(spec.run(payload), args.json)
    return EXIT_OK


def _cmd_tools(args: argparse.Namespace) -> int:
    if args.json:
        rows = [s.describe() for s in TOOLS]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    for s in TOOLS:
        sys.stdout.write(f"{s.cli_name:<18} {s.summary}\n")
    return EXIT_OK


def _cmd_codes(args: argparse.Namespace) -> int:
    when = args.date or date.today()
    rows = sorted(codes().in_force(when), key=lambda r: r.key)
    if args.json:
        data = [r.model_dump(mode="json", exclude={"source", "sources"}) for r in rows]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    for r in rows:
        timing = (
            f"timed, {r.unit_minutes} min" if r.timed else f"untimed, {r.unit_basis or 'one unit'}"
        )
        addon = f" (add-on to {r.addon_of})" if r.addon_of else ""
        sys.stdout.write(f"{r.key}  {r.label}{addon} [{timing}; {'/'.join(r.disciplines)}]\n")
    return EXIT_OK


def _cmd_data(args: argparse.Namespace) -> int:
    tables = [load_table(name, model) for name, model in TABLES.items()]
    if args.json:
        out = [
            {
                "id": t.id,
                "file": t.file,
                "title": t.title,
                "version": t.version,
                "rows": len(t.rows),
                "sources": len(t.sources),
            }
            for t in tables
        ]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return EXIT_OK
    for t in tables:
        sys.stdout.write(f"{t.id:<24} v{t.version}  {len(t.rows):>4} rows  {t.title}\n")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands to the top-level parser."""
    p = sub.add_parser(
        "units",
        help="billable units for minutes per code (8-minute rule, CMS or AMA method)",
        description="Compute units per code for one date of service.",
        epilog=UNITS_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "services", nargs="+", metavar="SERVICE", help="CODE=MINUTES, or CODE if untimed"
    )
    p.add_argument(
        "--payer", metavar="NAME", help="payer name, e.g. Medicare, 'Aetna Medicare', Premera"
    )
    p.add_argument(
        "--method", choices=["cms", "ama"], help="counting method; overrides the payer's"
    )
    p.add_argument(
        "--plan-type",
        choices=["medicare", "medicare_advantage", "medicaid", "commercial", "tricare", "other"],
        help="plan type, used when the payer name is not in the table",
    )
    add_common(p)
    p.set_defaults(handler=_cmd_units)

    p = sub.add_parser(
        "visits",
        help="convert an authorization between units and visits",
        description="How many sessions N units cover, or how many units N visits need.",
        epilog="""\
examples:
  otbill visits --units 20 --session-minutes 60
      20 units = 5 one-hour sessions (a 60-minute session bills 4 units)
  otbill visits --units 20 --session-minutes 45
      6 sessions of 45 minutes, with 2 units left for a shorter one
  otbill visits --visits 12 --session-minutes 30 --json
      12 half-hour visits need 24 units
  otbill visits --visits 1 --session-minutes 120 --payer Premera
      one 2-hour session, and how Premera counts a session split over codes
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--units", type=int, metavar="N", help="units approved on the authorization")
    p.add_argument("--visits", type=int, metavar="N", help="visits approved (gives units needed)")
    p.add_argument(
        "--session-minutes",
        type=int,
        required=True,
        metavar="M",
        help="timed treatment minutes per session",
    )
    p.add_argument(
        "--payer",
        metavar="NAME",
        help="payer name: adds how it counts a session split over several codes",
    )
    add_common(p)
    p.set_defaults(handler=_cmd_visits)

    p = sub.add_parser(
        "eval-complexity",
        help="which OT evaluation code (97165/97166/97167) the findings support",
        description="The code is the highest level every component reaches.",
        epilog="""\
examples:
  otbill eval-complexity --history expanded --deficits 4 --decision moderate
      97166: every component reaches moderate
  otbill eval-complexity --history brief --deficits 5 --decision high
      97165: a brief history holds the code at low, whatever the other components
  otbill eval-complexity --history extensive --deficits 6 --decision high \\
        --comorbidities diabetes,copd --modification significant --json
      97167: comorbidities present and significant task modification

--deficits takes a count (best: the record should list them) or a level (low, moderate, high).
--comorbidities takes none, present, a count, or named conditions (comma-separated).
--modification takes none, minimal-to-moderate (or minimal, moderate) or significant.
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "--history",
        required=True,
        type=str.lower,
        choices=["brief", "expanded", "extensive"],
        help="occupational profile and history",
    )
    p.add_argument(
        "--deficits",
        required=True,
        metavar="N|LEVEL",
        help="number of performance deficits, or low/moderate/high when only judged as a level",
    )
    p.add_argument(
        "--decision",
        required=True,
        type=str.lower,
        choices=["low", "moderate", "high"],
        help="clinical decision making",
    )
    p.add_argument(
        "--comorbidities",
        nargs="+",
        metavar="VALUE",
        help="none, present, a count, or the conditions",
    )
    p.add_argument(
        "--modification", metavar="LEVEL", help="task modification needed during the evaluation"
    )
    add_common(p)
    p.set_defaults(handler=_cmd_eval)

    p = sub.add_parser(
        "reeval",
        help="whether an OT re-evaluation (97168) is billable",
        epilog="""\
examples:
  otbill reeval --significant-change
      supported: a significant change in condition
  otbill reeval --routine
      not supported: scheduled re-evaluations are not covered by Medicare
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--new-findings", action="store_true", help="new clinical findings")
    p.add_argument(
        "--significant-change", action="store_true", help="significant change in condition"
    )
    p.add_argument("--no-response", action="store_true", help="failure to respond to treatment")
    p.add_argument("--routine", action="store_true", help="a scheduled or routine re-evaluation")
    p.add_argument(
        "--payer",
        default="medicare",
        choices=["medicare", "medicare_advantage", "medicaid", "commercial", "tricare", "other"],
        help="payer program (default medicare)",
    )
    add_common(p)
    p.set_defaults(handler=_cmd_reeval)

    p = sub.add_parser(
        "code",
        help="what a code is: timed or untimed, unit length, add-ons, Medicare status",
        epilog="""\
examples:
  otbill code 97533
  otbill code 97010 --json          bundled for Medicare (status B)
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("code", metavar="CODE", help="CPT/HCPCS code")
    add_common(p)
    p.set_defaults(handler=_cmd_code)

    p = sub.add_parser(
        "thresholds",
        help="Medicare therapy KX and targeted-review thresholds for a year",
        epilog="""\
examples:
  otbill thresholds --year 2026
  otbill thresholds --date 2025-06-01 --json
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--year", type=int, help="calendar year (default: this year)")
    add_common(p)
    p.set_defaults(handler=_cmd_thresholds)

    p = sub.add_parser(
        "conversion-factor",
        help="Medicare fee schedule conversion factor for a date of service (APM and non-APM)",
        epilog="""\
examples:
  otbill conversion-factor --date 2024-02-15      before the March 9, 2024 raise
  otbill conversion-factor --year 2026 --json     non-APM and APM factors
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--year", type=int, help="calendar year (its 1 January; default: today)")
    add_common(p)
    p.set_defaults(handler=_cmd_conversion_factor)

    p = sub.add_parser(
        "tool",
        help="run any registered tool with a JSON request",
        epilog="""\
examples:
  otbill tool calculate_units --method-free \
      --input '{"services": [{"code": "97530", "minutes": 38}], "method": "ama"}'
  otbill tool convert_visits --input @auth.json
  echo '{"history": "brief", "deficits": 2, "decision": "low"}' \
      | otbill tool eval-complexity --input -
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("name", metavar="NAME", help="tool name or CLI name (see 'otbill tools')")
    p.add_argument(
        "--input", required=True, metavar="JSON", help="JSON object, @FILE, or - for stdin"
    )
    add_common(p, dated=False)
    p.set_defaults(handler=_cmd_tool)

    p = sub.add_parser("tools", help="list every tool in the registry")
    add_common(p, dated=False)
    p.set_defaults(handler=_cmd_tools)

    p = sub.add_parser(
        "codes", help="list the code table (timed/untimed, unit length, disciplines)"
    )
    add_common(p)
    p.set_defaults(handler=_cmd_codes)

    p = sub.add_parser("data", help="list the rule tables with their versions")
    add_common(p, dated=False)
    p.set_defaults(handler=_cmd_data)


__all__ = ["guarded", "register"]
