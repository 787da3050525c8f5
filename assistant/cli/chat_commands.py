"""CLI commands for the assistant itself: ask one question, chat in the terminal, serve HTTP."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.cli.base import EXIT_OK, CliError, HelpFormatter

PERSONAS = ["biller", "therapist", "parent"]


def _assistant() -> Any:
    from assistant.service import Assistant
    from assistant.settings import get_settings

    bot = Assistant(get_settings())
    bot.prepare()
    return bot


def _cmd_ask(args: argparse.Namespace) -> int:
    from assistant.schemas import ChatRequest

    if not args.question.strip():
        raise CliError(
            "question",
            "is empty",
            'ask in quotes, e.g. otbill ask "how many units for 38 minutes?"',
        )
    if args.conversation and not all(c.isalnum() or c in "-_" for c in args.conversation):
        raise CliError(
            "--conversation",
            "may hold only letters, digits, - and _",
            "use the id a previous answer printed",
        )
    bot = _assistant()
    try:
        answer = bot.chat(
            ChatRequest(
                message=args.question, persona=args.persona, conversation_id=args.conversation
            )
        )
    finally:
        bot.close()
    if args.json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(answer.answer + "\n")
        sys.stdout.write(
            f"\n(conversation {answer.conversation_id}; continue with --conversation "
            f"{answer.conversation_id})\n"
        )
    return EXIT_OK


def _cmd_chat(args: argparse.Namespace) -> int:
    from assistant.schemas import ChatRequest

    bot = _assistant()
    conversation = args.conversation
    persona = args.persona
    out = sys.stdout
    out.write(
        "OT Billing Assistant. Ask about units, modifiers, evaluations, claims, notes or "
        "insurance.\n"
        "Commands: /persona biller|therapist|parent, /new (new conversation), /quit\n"
    )
    try:
        while True:
            try:
                line = input("you> ").strip()
            except EOFError:
                break
            if not line:
                continue
            if line in {"/quit", "/exit", ":q", "quit", "exit"}:
                break
            if line == "/new":
                conversation = None
                out.write("(new conversation)\n")
                continue
            if line.startswith("/persona"):
                choice = line.split(maxsplit=1)[1].strip() if " " in line else ""
                if choice not in PERSONAS:
                    out.write(f"(choose one of {', '.join(PERSONAS)})\n")
                    continue
                persona = choice
                out.write(f"(answering as for a {persona})\n")
                continue
            answer = bot.chat(
                ChatRequest(message=line[:8000], persona=persona, conversation_id=conversation)
            )
            conversation = answer.conversation_id
            out.write(f"\nassistant> {answer.answer}\n\n")
            out.flush()
    finally:
        bot.close()
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.api import create_app
    from assistant.settings import get_settings

    if not 1 <= args.port <= 65535:
        raise CliError("--port", f"{args.port} is not a port", "use 1-65535, e.g. 8000")
    settings = get_settings()
    sys.stderr.write(
        f"OT Billing Assistant on http://{args.host}:{args.port} (docs at /docs; "
        f"data in {settings.data_dir}; engine "
        f"{'llm ' + settings.chat_model if settings.chat_model else 'offline'})\n"
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return EXIT_OK


def _cmd_eval_chat(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.evaluate import load_cases, run

    folder = Path(args.cases)
    if not folder.is_dir():
        raise CliError("--cases", f"{folder} is not a folder", "point it at tests/eval/chat")
    bot = _assistant()
    try:
        report = run(bot, load_cases(folder))
    finally:
        bot.close()
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    sys.stdout.write(f"{report.right}/{report.cases} right ({report.accuracy:.1%})\n")
    for persona, share in report.by_persona.items():
        sys.stdout.write(f"  {persona:<10} {share:.1%}\n")
    for o in report.wrong:
        sys.stdout.write(
            f"  wrong {o.id}: missing {list(o.missing)} forbidden {list(o.forbidden)} "
            f"(intent {o.intent})\n"
        )
    return EXIT_OK


def _cmd_mcp(args: argparse.Namespace) -> int:
    import anyio

    from assistant.mcp_server import serve_stdio
    from assistant.settings import get_settings

    kb = None
    if not args.no_search:
        kb = get_settings().knowledge()
        kb.ensure_ready()
    anyio.run(serve_stdio, kb)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ask, chat and serve."""
    p = sub.add_parser(
        "ask",
        help="ask the assistant one question (offline by default)",
        epilog="""\
examples:
  otbill ask "how many units for 33 min ther ex and 7 min manual, Medicare?"
  otbill ask "and if the manual had been 10 minutes?" --conversation <id from the last answer>
  otbill ask "what goes on a superbill?" --persona parent --json
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("question", help="the question, in quotes")
    p.add_argument(
        "--persona", choices=PERSONAS, help="who is asking (default: inferred from the wording)"
    )
    p.add_argument(
        "--conversation", metavar="ID", help="continue a conversation (follow-ups reuse its facts)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the full answer object: answer, citations, tool_calls, engine, conversation_id",
    )
    p.set_defaults(handler=_cmd_ask)

    p = sub.add_parser(
        "chat",
        help="an interactive conversation in the terminal",
        epilog="examples:\n  otbill chat\n  otbill chat --persona parent\n",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--persona", choices=PERSONAS, help="who is asking (default: inferred)")
    p.add_argument("--conversation", metavar="ID", help="resume a stored conversation")
    p.set_defaults(handler=_cmd_chat)

    p = sub.add_parser(
        "serve",
        help="run the HTTP API (chat, OpenAI-compatible endpoint, tools, search)",
        epilog="""\
examples:
  otbill serve                              http://127.0.0.1:8000, docs at /docs
  otbill serve --host 0.0.0.0 --port 9000
  OTBILL_DATABASE_URL=postgresql+psycopg://user:pw@db/otbill otbill serve
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    p.set_defaults(handler=_cmd_serve)

    p = sub.add_parser(
        "eval-chat",
        help="score the offline engine on the chat evaluation cases",
        epilog="examples:\n  otbill eval-chat\n  otbill eval-chat --cases tests/eval/chat --json\n",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--cases", default="tests/eval/chat", help="folder of case TOML files")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.set_defaults(handler=_cmd_eval_chat)

    p = sub.add_parser(
        "mcp",
        help="serve every tool to MCP clients over stdio (Claude Desktop, IDEs, agents)",
        epilog="""\
examples:
  otbill mcp                      tools plus knowledge search
  otbill mcp --no-search          tools only (no index is opened)

MCP host configuration: {"command": "/path/to/.venv/bin/otbill", "args": ["mcp"]}
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--no-search", action="store_true", help="leave out the knowledge search tool")
    p.set_defaults(handler=_cmd_mcp)
