"""``otbill advocacy``: antitrust-safe advocacy guidance from the registry's classify_advocacy."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.cli.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    CliError,
    HelpFormatter,
    emit,
    guarded,
    run_tool,
)

ADVOCACY_EPILOG = """\
examples:
  otbill advocacy "can our state association negotiate rates with Aetna for members?"
  otbill advocacy "how do I use my outcomes data to ask Cigna for a raise?" --json
  echo "lets all drop UHC in january" | otbill advocacy -

Classification: prohibited (per se antitrust risk: rates shared or agreed with competitors,
group boycotts, association fee negotiation, market division), caution (lawful only when
structured right: messenger model, IPA, clinically integrated network, surveys), safe (individual
negotiation with your own data, coverage and policy advocacy, appeals, education, legislation), or
unclear (not about payers or rates). General information, not legal advice.
Exit status: 0 safe/caution/unclear, 1 prohibited, 2 bad input.
"""


def _cmd_advocacy(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if text.strip() == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise CliError("TEXT", "nothing to check", "pass the request in quotes, or - for stdin")
    payload: dict[str, Any] = {"text": text.strip()}
    if args.role:
        payload["role"] = args.role
    result = run_tool("classify_advocacy", payload)
    emit(result, args.json)
    return EXIT_FINDINGS if result.classification == "prohibited" else EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add advocacy."""
    p = sub.add_parser(
        "advocacy",
        help="is this advocacy request about payers or rates antitrust-safe? what to do instead",
        description="Classify a request as prohibited, caution or safe, with reasons and sources.",
        epilog=ADVOCACY_EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="the request, or - for stdin")
    p.add_argument(
        "--role", choices=["therapist", "biller", "parent", "association", "other"], help="who asks"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=lambda a: guarded("otbill advocacy", a.json, lambda: _cmd_advocacy(a)))


__all__ = ["register"]
