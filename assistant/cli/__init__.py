"""The ``otbill`` command line. Each command module registers its subcommands; tool commands
dispatch through the tool registry, so the CLI never re-implements a rule.

Heavy libraries (langchain, fastapi, chromadb) are imported only inside the commands that need
them, so the tool commands start fast.
"""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

from assistant.cli.base import EXIT_INTERNAL, EXIT_USAGE, HelpFormatter, Parser, guarded

COMMAND_MODULES = (
    "assistant.cli.tool_commands",
    "assistant.cli.therapist_commands",
    "assistant.cli.claim_commands",
    "assistant.cli.parent_commands",
    "assistant.cli.oon_commands",
    "assistant.cli.knowledge_commands",
    "assistant.cli.chat_commands",
)
"""Modules that add subcommands; each exposes ``register(subparsers)``."""

EPILOG = """\
start here:
  otbill units --payer medicare 97110=33 97140=7     units under the 8-minute rule
  otbill visits --units 20 --session-minutes 60      visits an authorization covers
  otbill eval-complexity --history expanded --deficits 4 --decision moderate
  otbill validate-claim claim.json                   scrub a claim before submission
  otbill advocacy "can we all drop UHC?"             antitrust-safe advocacy check
  otbill oon-guide --codes 97165,97530 --payer Aetna  what a family should ask the insurer
  otbill tools                                       every tool, one line each

Every command has --help with examples. Exit status: 0 answered, 1 findings with errors
(claim and note checks), 2 bad input (one line says which field and how to fix it).
"""


def _version() -> str:
    try:
        return version("ot-billing-assistant")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_parser() -> Parser:
    """The full parser with every registered command."""
    parser = Parser(
        prog="otbill",
        description="OT Billing Assistant: sourced answers to occupational-therapy billing.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"otbill {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status (0 ok, 1 findings, 2 bad input, 3 internal)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    prog = f"otbill {args.command}"
    try:
        return guarded(prog, bool(getattr(args, "json", False)), lambda: args.handler(args))
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into head and closed
        return 0
    except Exception as exc:  # never a traceback for users; the message says what broke
        logging.getLogger("otbill").debug("internal error", exc_info=True)
        sys.stderr.write(
            f"{prog}: internal error: {type(exc).__name__}: {exc} (please report it)\n"
        )
        return EXIT_INTERNAL


def entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


__all__ = ["EXIT_USAGE", "build_parser", "entry", "main"]
