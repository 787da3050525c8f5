"""Retrieval benchmark: embedding-model load, index build, and query latency (p50/p95).

Measured on the shipped corpus and on a synthetic 10,000-passage index made by re-labelling
copies of the corpus's passages (same text length and vocabulary as real ones). Run:

    .venv/bin/python bench/bench_retrieval.py [--passages 10000] [--queries 200]

and copy the printed table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.corpus import chunk, load_corpus  # noqa: E402
from knowledge.evaluate import load_questions  # noqa: E402
from knowledge.store import KnowledgeBase  # noqa: E402

LOAD_SNIPPET = (
    "import time; t=time.perf_counter(); from knowledge.embeddings import embed; embed(['x']); "
    "print(time.perf_counter()-t)"
)
"""Import of the embedding module plus the model load and a first embedding, in a new process."""


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def model_load(runs: int = 5) -> list[float]:
    """Seconds to import the library and load the model in a fresh process."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD_SNIPPET],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        times.append(float(out.stdout.strip()))
    return times


def query_latencies(kb: KnowledgeBase, queries: list[str], rounds: int = 3) -> list[float]:
    kb.search(queries[0])  # warm: loads the BM25 side and the model
    times = []
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            kb.search(q, k=5)
            times.append((time.perf_counter() - start) * 1000)
    return times


def synthetic_corpus(target: int, folder: Path, source: Path | None) -> int:
    """Copies of the corpus documents under new ids until `target` passages exist."""
    docs = load_corpus(source)
    per_copy = sum(len(chunk(d)) for d in docs)
    copies = max(1, -(-target // max(per_copy, 1)))
    rng = random.Random(7)
    written = 0
    for c in range(copies):
        for d in docs:
            text = Path(d.path).read_text()
            new_id = f"{d.meta.id}-copy{c}"
            text = text.replace(f'id = "{d.meta.id}"', f'id = "{new_id}"', 1)
            text += f"\n\nVariant note {c}-{rng.randint(0, 10**6)}.\n"
            (folder / f"{new_id}.md").write_text(text)
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--corpus", type=Path, default=None, help="corpus folder (default: shipped)"
    )
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "eval" / "retrieval")
    args = parser.parse_args()

    questions = [q.question for q in load_questions(args.questions)] or [
        "how many units for 38 minutes",
        "CO-97 denial",
        "KX threshold 2026",
        "what goes on a superbill",
    ]
    queries = (questions * (args.queries // max(len(questions), 1) + 1))[: args.queries]

    loads = model_load()
    rows = [
        (
            "embedding model load (fresh process, 5 runs)",
            f"median {statistics.median(loads):.3f} s, max {max(loads):.3f} s",
        )
    ]

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(data_dir=Path(tmp) / "data", corpus_dir=args.corpus)
        start = time.perf_counter()
        report = kb.ingest()
        build = time.perf_counter() - start
        rows.append(
            (f"index build, shipped corpus ({report.passages_total} passages)", f"{build:.2f} s")
        )
        lat = query_latencies(kb, queries)
        rows.append(
            (
                f"query latency, shipped corpus ({len(lat)} queries)",
                f"p50 {percentile(lat, 50):.2f} ms, p95 {percentile(lat, 95):.2f} ms",
            )
        )

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        synthetic_corpus(args.passages, corpus, args.corpus)
        kb = KnowledgeBase(data_dir=Path(tmp) / "data", corpus_dir=corpus)
        start = time.perf_counter()
        report = kb.ingest()
        build = time.perf_counter() - start
        rows.append(
            (f"index build, synthetic ({report.passages_total} passages)", f"{build:.2f} s")
        )
        lat = query_latencies(kb, queries)
        rows.append(
            (
                f"query latency, {report.passages_total} passages ({len(lat)} queries)",
                f"p50 {percentile(lat, 50):.2f} ms, p95 {percentile(lat, 95):.2f} ms",
            )
        )

    print("| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
