"""API benchmark: server start time and offline answer latency (p50/p95) through POST /v1/chat.

Starts `otbill serve` in a fresh data directory twice (first start builds the index, second
reuses it), then sends a mix of biller, therapist and parent questions. Run:

    .venv/bin/python bench/bench_api.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "how many units for 33 min ther ex and 7 min manual for a medicare patient?",
    "38 minutes of TA and 15 of neuro re-ed, Premera",
    "our insurance approved 20 units, sessions are one hour, how many visits is that?",
    "expanded history, 4 performance deficits, moderate decision making: which eval code?",
    "what is the KX threshold for 2026?",
    "what is 97010?",
    "what does a CO-97 denial mean?",
    "what goes on a superbill for out-of-network reimbursement?",
    "what does Cigna need for a medical necessity review of OT?",
    "how often does a Medicare progress report have to be written?",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OTBILL_DATA_DIR": str(data_dir)}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("otbill")),
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url, time.perf_counter() - began
        except httpx.HTTPError:
            if time.perf_counter() - began > 120:
                proc.kill()
                raise
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, first = start(Path(tmp))
        proc.terminate()
        proc.wait()
        proc, url, second = start(Path(tmp))
        try:
            latencies = []
            with httpx.Client(timeout=60) as client:
                client.post(f"{url}/v1/chat", json={"message": QUESTIONS[0]})
                for _ in range(args.rounds):
                    for q in QUESTIONS:
                        began = time.perf_counter()
                        r = client.post(f"{url}/v1/chat", json={"message": q})
                        latencies.append((time.perf_counter() - began) * 1000)
                        r.raise_for_status()
        finally:
            proc.terminate()
            proc.wait()
    print("| measure | result |\n|---|---|")
    print(f"| server start, first run (builds the index) | {first:.2f} s |")
    print(f"| server start, index already built | {second:.2f} s |")
    print(
        f"| offline answer latency via POST /v1/chat ({len(latencies)} requests) | "
        f"p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms |"
    )


if __name__ == "__main__":
    main()
