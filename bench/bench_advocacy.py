"""Advocacy classifier benchmark: latency per request over the labelled sets.

The chat engine consults the classifier on advocacy-flavoured questions and the CI suite runs it
over every labelled request, so its cost per request matters. Run:

    .venv/bin/python bench/bench_advocacy.py [--rounds 3]

and copy the printed table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.advocacy import AdvocacyRequest, classify_advocacy, load_model, load_patterns  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over all requests")
    args = parser.parse_args()
    start = time.perf_counter()
    load_patterns()
    load_model()
    loaded = time.perf_counter() - start
    requests = [
        AdvocacyRequest(text=c["text"], role=c.get("role"))
        for path in sorted((ROOT / "tests" / "advocacy").glob("*.toml"))
        for c in tomllib.loads(path.read_text(encoding="utf-8"))["cases"]
    ]
    times: list[float] = []
    for _ in range(args.rounds):
        for request in requests:
            t = time.perf_counter()
            classify_advocacy(request)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print("| measure | result |")
    print("|---|---|")
    print(f"| pattern file, learned model and known words loaded | {loaded:.2f} s |")
    print(
        f"| classification ({len(requests)} labelled requests x {args.rounds}) | "
        f"p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.1f} ms |"
    )


if __name__ == "__main__":
    main()
