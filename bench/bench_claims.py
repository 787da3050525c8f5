"""Claim-scrubbing benchmark: claims per second on one core, split into parsing and rules.

Claims are synthetic, shaped like the issue's contract example (2 diagnoses, 2 lines, a Medicare
or commercial payer, context facts), with dates, codes, minutes and payers varied so caches do not
see one claim over and over. Run:

    .venv/bin/python bench/bench_claims.py [--claims 20000]

and copy the printed table into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tools.claims  # noqa: E402
from tools.claims.batch import read_records, scrub  # noqa: E402
from tools.claims.core import check_claim  # noqa: E402
from tools.claims.models import Claim  # noqa: E402

PAYERS = [
    ("Medicare", "medicare"),
    ("Cigna", "commercial"),
    ("Aetna", "commercial"),
    ("UnitedHealthcare", "commercial"),
    ("Humana Gold Plus", "medicare_advantage"),
]
CODES = ["97530", "97110", "97112", "97140", "97535"]


def make_claims(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        dos = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
        name, plan = rng.choice(PAYERS)
        codes = rng.sample(CODES, 2)
        minutes = [rng.choice([15, 23, 30, 38, 45]) for _ in codes]
        claim = {
            "claim_id": f"B{i:06d}",
            "submitted_on": (dos + timedelta(days=rng.randrange(5, 60))).isoformat(),
            "payer": {"name": name, "plan_type": plan, "network": "in"},
            "patient": {
                "member_id": f"M{rng.randrange(10**8):08d}",
                "first_name": "Synthetic",
                "last_name": "Patient",
                "date_of_birth": "1950-02-01",
                "sex": "F",
            },
            "billing_provider": {"npi": "1234567893", "tax_id": "12-3456789"},
            "rendering_provider": {"npi": "1245319599", "discipline": "OT"},
            "place_of_service": "11",
            "diagnoses": ["I69.351", "R26.89"],
            "lines": [
                {
                    "date_of_service": dos.isoformat(),
                    "cpt": code,
                    "modifiers": ["GO"],
                    "units": max(1, (m + 7) // 15),
                    "minutes": m,
                    "diagnosis_pointers": [1],
                    "charge": "120.00",
                }
                for code, m in zip(codes, minutes, strict=True)
            ],
            "context": {
                "ytd_ot_allowed": str(rng.randrange(0, 3000)),
                "plan_of_care": {
                    "start": (dos - timedelta(days=20)).isoformat(),
                    "certified_on": (dos - timedelta(days=15)).isoformat(),
                },
                "treatment_days_since_progress_report": rng.randrange(0, 10),
            },
        }
        out.append(json.dumps(claim))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="warm measurements repeated this many times; the best is reported (this machine's "
        "speed swings from minute to minute, and the best round is the least disturbed)",
    )
    args = parser.parse_args()
    lines = make_claims(args.claims)
    check_claim(Claim.model_validate_json(lines[0]))  # load tables and code set once

    # As `otbill scrub` does: no cyclic garbage collection during the batch (claims and results
    # hold no cycles), which otherwise rescans every live claim again and again.
    gc.disable()
    text = "\n".join(lines)
    t0 = time.perf_counter()
    items = list(scrub(read_records(text, "jsonl")))
    first = time.perf_counter() - t0
    n = args.claims
    assert len(items) == n
    del items
    warm, parse, rules = [], [], []
    for _ in range(args.rounds):
        t1 = time.perf_counter()
        again = list(scrub(read_records(text, "jsonl")))
        t2 = time.perf_counter()
        claims = [Claim.model_validate_json(x) for x in lines]
        t3 = time.perf_counter()
        results = [check_claim(c) for c in claims]
        t4 = time.perf_counter()
        assert len(again) == n
        warm.append(t2 - t1)
        parse.append(t3 - t2)
        rules.append(t4 - t3)
        del again, claims
    clean = sum(r.status == "clean" for r in results)
    per = 1e6 / n
    how = "compiled (mypyc)" if tools.claims.COMPILED else "pure Python"
    print(f"| claims | {n} (clean {clean / n:.0%}); claim rules {how} |")
    print(
        f"| batch scrub, first pass (JSONL text -> results; each new code/minutes/payer "
        f"combination runs the units tool once) | {n / first:,.0f} claims/s |"
    )
    print(
        f"| batch scrub, same batch again (look-ups warm), best of {args.rounds} | "
        f"{n / min(warm):,.0f} claims/s (median {n / sorted(warm)[len(warm) // 2]:,.0f}) |"
    )
    print(f"| of which parse (JSON -> validated Claim) | {min(parse) * per:.0f} us/claim |")
    print(f"| of which rules (38-rule catalog, warm) | {min(rules) * per:.0f} us/claim |")


if __name__ == "__main__":
    main()
