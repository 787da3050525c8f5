"""CLI commands for the knowledge base: ingest, search and the retrieval evaluation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.cli.base import EXIT_OK, CliError, HelpFormatter, add_common


def _kb() -> Any:
    from assistant.settings import get_settings

    return get_settings().knowledge()


def _cmd_ingest(args: argparse.Namespace) -> int:
    from knowledge.store import _terminal_progress

    kb = _kb()
    report = kb.ingest(rebuild=args.rebuild, progress=_terminal_progress())
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    sys.stdout.write(
        f"index at {kb.location}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged documents; "
        f"{report.passages_embedded} passages embedded, {report.passages_total} in all "
        f"({report.seconds:.1f} s)\n"
    )
    return EXIT_OK


def _cmd_search(args: argparse.Namespace) -> int:
    from knowledge.corpus import PAYERS

    if args.payer and args.payer not in PAYERS:
        raise CliError(
            "--payer", f"{args.payer!r} is not a payer id", f"use one of {', '.join(PAYERS)}"
        )
    if not args.query.strip():
        raise CliError("query", "is empty", 'give the question in quotes, e.g. "KX threshold 2026"')
    if not 1 <= args.k <= 50:
        raise CliError("--k", f"{args.k} is out of range", "use a number from 1 to 50")
    kb = _kb()
    kb.ensure_ready()
    hits = kb.search(args.query, k=args.k, payer=args.payer, audience=args.audience, on=args.date)
    results = [h.record() for h in hits]
    if args.json:
        sys.stdout.write(json.dumps({"query": args.query, "results": results}, indent=2) + "\n")
        return EXIT_OK
    if not results:
        sys.stdout.write("No passage matched (try fewer filters).\n")
    for i, r in enumerate(results, 1):
        until = r["effective_to"] or "now"
        sys.stdout.write(
            f"{i}. {r['title']} > {r['section']}  [{r['publisher']}, {r['effective_from']} to "
            f"{until}]\n"
            f"   {r['url']}\n"
        )
        snippet = " ".join(r["text"].split())
        sys.stdout.write(f"   {snippet[:300]}{'...' if len(snippet) > 300 else ''}\n\n")
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.evaluate import evaluate, load_questions

    folder = Path(args.questions)
    if not folder.is_dir():
        raise CliError(
            "--questions", f"{folder} is not a folder", "point it at tests/eval/retrieval"
        )
    kb = _kb()
    kb.ensure_ready()
    report = evaluate(kb, load_questions(folder), k=args.k)
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    sys.stdout.write(
        f"{report.questions} questions: recall@{report.k} {report.recall_at_k:.3f}, "
        f"MRR {report.mrr:.3f}\n"
    )
    for aud, row in report.by_audience.items():
        sys.stdout.write(
            f"  {aud:<10} {int(row['questions']):>4} questions  recall@{report.k} "
            f"{row['recall_at_k']:.3f}  MRR {row['mrr']:.3f}\n"
        )
    for miss in report.misses:
        sys.stdout.write(
            f"  miss {miss.id}: {miss.question!r} wanted {list(miss.relevant)} "
            f"got {list(miss.got)}\n"
        )
    return EXIT_OK


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the knowledge commands."""
    p = sub.add_parser(
        "ingest",
        help="build or update the knowledge index (only changed documents are re-embedded)",
        epilog="""\
examples:
  otbill ingest              update the index in $OTBILL_DATA_DIR (~/.local/share/otbill)
  otbill ingest --rebuild    drop the index and embed every document again
  OTBILL_CHROMA_HOST=localhost otbill ingest     use a chroma server instead
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--rebuild", action="store_true", help="drop the index and rebuild it")
    add_common(p, dated=False)
    p.set_defaults(handler=_cmd_ingest)

    p = sub.add_parser(
        "search",
        help="search the knowledge base (hybrid: meaning + exact codes), with citations",
        epilog="""\
examples:
  otbill search "what does cigna need for a medical necessity review"
  otbill search "CO-97 denial" --k 3
  otbill search "telehealth for OT" --payer medicare --date 2025-10-15
  otbill search "superbill" --audience parent --json
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument("query", help="the question, in quotes")
    p.add_argument(
        "--payer",
        help="payer id: medicare, medicaid, aetna, cigna, ... (passages for 'all' are kept)",
    )
    p.add_argument(
        "--audience",
        choices=["biller", "therapist", "parent"],
        help="only passages for this audience",
    )
    p.add_argument("--k", type=int, default=5, help="number of results (default 5)")
    add_common(p)
    p.set_defaults(handler=_cmd_search)

    p = sub.add_parser(
        "eval-retrieval",
        help="score retrieval on the labelled questions (recall@k, MRR)",
        epilog="""\
examples:
  otbill eval-retrieval                       tests/eval/retrieval, k=5
  otbill eval-retrieval --k 3 --json
""",
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "--questions", default="tests/eval/retrieval", help="folder of question TOML files"
    )
    p.add_argument("--k", type=int, default=5, help="cut-off rank (default 5)")
    add_common(p, dated=False)
    p.set_defaults(handler=_cmd_eval)
