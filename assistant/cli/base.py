"""Shared CLI plumbing: one-line errors, JSON or text output, and registry dispatch.

Every command ends in one of three ways: exit 0 with its answer, exit 2 with one line naming the
field and the fix (bad input, or an answer that needs a choice the caller has not made), or, for
commands that judge something (claims, notes), exit 1 when the judgement found errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from tools.errors import InvalidBillingInput
from tools.registry import get_tool

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class CliError(Exception):
    """Input the user must change; printed as one line, exit status 2."""

    def __init__(self, field: str, message: str, fix: str = "") -> None:
        self.field = field
        self.message = message
        self.fix = fix
        super().__init__(f"{field}: {message}")


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line naming the fix, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}; see '{self.prog} --help'\n")
        raise SystemExit(EXIT_USAGE)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-written examples in epilogs as they are."""


def add_common(
    parser: argparse.ArgumentParser, *, json_flag: bool = True, dated: bool = True
) -> None:
    """Add --json and --date, which most commands share."""
    if json_flag:
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object instead of a readable table"
        )
    if dated:
        parser.add_argument(
            "--date",
            type=parse_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="date of service (default: today); it selects the rule rows in force",
        )


def parse_date(text: str) -> date:
    """argparse type for ISO dates with a helpful message."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01"
        ) from None


def emit(result: BaseModel, as_json: bool) -> None:
    """Print a result as JSON or as its own readable text."""
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    to_text: Callable[[], str] | None = getattr(result, "to_text", None)
    if to_text is not None:
        sys.stdout.write(to_text() + "\n")
    else:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")


def run_tool(name: str, payload: BaseModel | dict[str, Any]) -> Any:
    """Dispatch through the registry, so the CLI never calls a tool function directly."""
    return get_tool(name).run(payload)


def fail(prog: str, field: str, message: str, fix: str, as_json: bool) -> int:
    """Report one input problem: a line on stderr, and a JSON error object with --json."""
    line = f"{prog}: error: {field}: {message}"
    if fix:
        line += f"; fix: {fix}"
    sys.stderr.write(line + "\n")
    if as_json:
        body = {"error": {"field": field, "message": message, "fix": fix}}
        sys.stdout.write(json.dumps(body) + "\n")
    return EXIT_USAGE


def explain_validation(exc: ValidationError) -> tuple[str, str]:
    """Turn a pydantic error into (field, message) using its first problem."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "input"
    msg = first.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return loc, msg


def guarded(prog: str, as_json: bool, body: Callable[[], int]) -> int:
    """Run a command body and turn every expected failure into one line and exit status 2."""
    try:
        return body()
    except CliError as exc:
        return fail(prog, exc.field, exc.message, exc.fix, as_json)
    except InvalidBillingInput as exc:
        return fail(prog, exc.field, exc.message, exc.fix, as_json)
    except ValidationError as exc:
        field, msg = explain_validation(exc)
        return fail(prog, field, msg, f"see '{prog} --help'", as_json)


def read_text(spec: str, flag: str) -> str:
    """The text of a file argument, or of stdin for '-'; a bad path is a CliError on `flag`."""
    if spec == "-":
        return sys.stdin.read()
    try:
        return Path(spec).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(flag, f"cannot read {spec!r}: {exc.strerror}", "give a file or -") from None
    except UnicodeDecodeError:
        raise CliError(flag, f"{spec!r} is not UTF-8 text", "save it as UTF-8") from None


def json_object(text: str, flag: str, fix: str = "pass one object in braces") -> dict[str, Any]:
    """Parse text that must hold one JSON object; say which argument is wrong otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            flag, f"not valid JSON ({exc.msg} at line {exc.lineno})", "fix the JSON"
        ) from None
    if not isinstance(data, dict):
        raise CliError(flag, "is not a JSON object", fix)
    return data
