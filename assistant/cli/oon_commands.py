"""``otbill superbill`` and ``otbill oon-guide``: out-of-network OT for families.

Both dispatch through the tool registry (make_superbill, oon_guide). ``superbill`` can also write
the PDF (`assistant.superbill_pdf`), but only for a ready superbill unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from assistant.cli.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    HelpFormatter,
    emit,
    guarded,
    json_object,
    parse_date,
    read_text,
    run_tool,
)

EXAMPLE_SUPERBILL: dict[str, Any] = {
    "superbill_id": "SB-2026-014",
    "issued_on": "2026-03-10",
    "provider": {
        "name": "Alex Sample",
        "credentials": "OTR/L",
        "npi": "1245319599",
        "tax_id": "12-3456789",
        "license_number": "OT-0000",
        "practice_name": "Example Pediatric OT",
        "address": "100 Example Ave, Springfield, ST 00000",
        "phone": "555-0100",
    },
    "patient": {"name": "Sam Example", "date_of_birth": "2019-05-01"},
    "insured": {
        "name": "Pat Example",
        "relationship": "child",
        "member_id": "XYZ123456",
        "group_number": "G-100",
    },
    "payer": {"name": "Aetna", "plan_type": "commercial", "network": "out"},
    "diagnoses": ["F82"],
    "place_of_service": "11",
    "visits": [
        {
            "date_of_service": "2026-03-02",
            "lines": [{"cpt": "97165", "modifiers": ["GO"], "units": 1, "charge": "200.00"}],
        },
        {
            "date_of_service": "2026-03-09",
            "lines": [
                {"cpt": "97530", "modifiers": ["GO"], "units": 3, "minutes": 45, "charge": "270.00"}
            ],
        },
    ],
    "payments": [{"date": "2026-03-09", "amount": "470.00", "method": "card"}],
}

SUPERBILL_EPILOG = """\
examples:
  otbill superbill superbill.json                   the superbill and whether it is ready to send
  otbill superbill superbill.json --pdf march.pdf   also write the PDF (only when ready)
  otbill superbill superbill.json --pdf draft.pdf --force   write it anyway, marked DRAFT
  cat superbill.json | otbill superbill - --json
  otbill superbill --example > superbill.json       a filled-in example (synthetic data)

The input (JSON) has provider (name, credentials, npi, tax_id, address, phone), patient (name,
date_of_birth, member_id), insured (name, relationship, member_id, group_number), payer (name,
plan_type default commercial, network default out), diagnoses (ICD-10-CM), place_of_service,
visits (date_of_service, lines: cpt, modifiers, units, minutes, charge) and payments (date,
amount, method). The codes are checked by the claim validator (same rule ids as validate-claim).
Exit status: 0 ready, 1 not ready (errors to fix), 2 bad input (one line names the field).
"""

GUIDE_EPILOG = """\
examples:
  otbill oon-guide --codes 97165,97530,97110 --payer Aetna
  otbill oon-guide --codes 97530 --payer Cigna --session-minutes 60 --units 20
  otbill oon-guide --codes 97165,97530 --payer Aetna --no-in-network \\
      --letter network_gap --facts @facts.json
  otbill oon-guide --codes 97530 --payer UHC --letter appeal \\
      --facts '{"child_name": "Sam Example", "denial_reason": "visit limit reached"}' --json

Gives the questions to ask the insurer about these codes (out-of-network deductible and
coinsurance, allowed amount, visit limits, habilitative benefits, prior authorization, exclusions,
telehealth, call reference), how many sessions an authorization covers (from the visits tool),
hard vs soft limits, network gap exception advice and, with --letter, a draft letter. Facts for
the letter (JSON object, inline or @file): child_name, child_date_of_birth, parent_name,
parent_address, parent_phone, member_id, group_number, provider_name, provider_credentials,
provider_npi, provider_tax_id, provider_address, start_date, visits_requested, frequency,
functional_needs, in_network_contacts (list), claim_number, denial_date, dates_of_service,
denial_reason, reference_number, letter_date. Missing facts appear as [placeholders].
Exit status: 0 answered, 2 bad input (one line names the field).
"""


def _cmd_superbill(args: argparse.Namespace) -> int:
    if args.example:
        sys.stdout.write(json.dumps(EXAMPLE_SUPERBILL, indent=2) + "\n")
        return EXIT_OK
    if args.file is None:
        raise CliError("INPUT", "no superbill given", "pass a JSON file, or - to read stdin")
    data = json_object(read_text(args.file, "INPUT"), "INPUT")
    result = run_tool("make_superbill", data)
    emit(result, args.json)
    if args.pdf:
        if result.ready or args.force:
            from assistant.superbill_pdf import render_pdf

            try:
                render_pdf(result, args.pdf)
            except OSError as exc:
                raise CliError(
                    "--pdf", f"cannot write {args.pdf!r}: {exc.strerror}", "check the folder"
                ) from None
            note = "" if result.ready else " (marked DRAFT: the superbill is not ready)"
            sys.stderr.write(f"otbill superbill: wrote {args.pdf}{note}\n")
        else:
            sys.stderr.write(
                f"otbill superbill: not writing {args.pdf}: the superbill is not ready; fix the "
                "errors above, or add --force to write a draft\n"
            )
    return EXIT_OK if result.ready else EXIT_FINDINGS


def _codes(text: str) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise CliError("--codes", "no code given", "e.g. --codes 97165,97530")
    return codes


def _cmd_guide(args: argparse.Namespace) -> int:
    payload: dict[str, Any] = {"codes": _codes(args.codes), "payer": args.payer}
    if args.diagnosis:
        payload["diagnosis"] = args.diagnosis
    if args.session_minutes is not None:
        payload["session_minutes"] = args.session_minutes
    if args.units is not None:
        payload["authorization"] = {"units": args.units}
    elif args.visits is not None:
        payload["authorization"] = {"visits": args.visits}
    if args.in_network is not None:
        payload["in_network_available"] = args.in_network
    if args.date is not None:
        payload["date_of_service"] = args.date
    if args.facts and not args.letter:
        raise CliError("--facts", "facts are only used for a letter", "add --letter KIND")
    if args.letter:
        payload["letter"] = args.letter
        if args.facts:
            spec = args.facts
            text = read_text(spec[1:], "--facts") if spec.startswith("@") else spec
            payload["facts"] = json_object(text, "--facts")
    emit(run_tool("oon_guide", payload), args.json)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add superbill and oon-guide."""
    p = sub.add_parser(
        "superbill",
        help="build an out-of-network superbill, check it, and write the PDF",
        description="Build a superbill from visits and payments; check it with the claim "
        "validator and superbill checks; optionally write a PDF.",
        epilog=SUPERBILL_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("file", nargs="?", metavar="INPUT", help="superbill JSON file, or - for stdin")
    p.add_argument("--pdf", metavar="FILE", help="write the superbill as a PDF (when ready)")
    p.add_argument("--force", action="store_true", help="write the PDF even when not ready")
    p.add_argument("--example", action="store_true", help="print an example input and exit")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=lambda a: guarded("otbill superbill", a.json, lambda: _cmd_superbill(a)))

    p = sub.add_parser(
        "oon-guide",
        help="out-of-network OT: questions for the insurer, visits vs units, letters",
        description="What a family should ask its insurer about out-of-network OT for these "
        "codes, with sources; optionally a draft letter.",
        epilog=GUIDE_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("--codes", required=True, metavar="CODES", help="comma-separated CPT codes")
    p.add_argument("--payer", required=True, metavar="NAME", help="insurer's name")
    p.add_argument("--diagnosis", metavar="TEXT", help="diagnosis (ICD-10-CM code or words)")
    p.add_argument("--session-minutes", type=int, metavar="N", help="timed minutes per session")
    auth = p.add_mutually_exclusive_group()
    auth.add_argument("--units", type=int, metavar="N", help="units the insurer approved")
    auth.add_argument("--visits", type=int, metavar="N", help="visits the insurer approved")
    net = p.add_mutually_exclusive_group()
    net.add_argument(
        "--no-in-network",
        dest="in_network",
        action="store_const",
        const=False,
        default=None,
        help="no in-network OT is available nearby",
    )
    net.add_argument(
        "--in-network",
        dest="in_network",
        action="store_const",
        const=True,
        help="an in-network OT is available nearby",
    )
    p.add_argument(
        "--letter",
        choices=["preauthorization", "network_gap", "appeal"],
        help="draft this letter",
    )
    p.add_argument("--facts", metavar="JSON|@FILE", help="facts for the letter (JSON object)")
    p.add_argument(
        "--date", type=parse_date, metavar="YYYY-MM-DD", help="date of the sessions (unit table)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=lambda a: guarded("otbill oon-guide", a.json, lambda: _cmd_guide(a)))


__all__ = ["register"]
