"""Held-out claims (tests/claims/data/heldout.jsonl): one planted error per rule on three bases
unlike the unit-test claim (2025 Medicare with an OTA, Cigna commercial, Medicare Advantage), plus
clean claims. Each planted rule must fire, no other error may appear, and clean claims stay clean.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.claims.core import RULES, check_claim
from tools.claims.models import Claim

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "heldout.jsonl").read_text().splitlines()
]


def test_every_rule_has_a_held_out_case() -> None:
    planted = {rule for case in CASES for rule in case["expect"]}
    assert set(RULES) - planted == {"NCCI_NOT_ALLOWED"}  # no indicator-0 pair in the data yet
    assert sum(1 for case in CASES if not case["expect"]) >= 4


@pytest.mark.parametrize("case", CASES, ids=[c["claim"]["claim_id"] for c in CASES])
def test_held_out_claim_is_judged_right(case: dict) -> None:
    result = check_claim(Claim.model_validate(case["claim"]))
    expected = set(case["expect"])
    fired = {f.rule_id for f in result.findings}
    errors = {f.rule_id for f in result.findings if f.severity == "error"}
    if not expected:
        assert result.status == "clean", sorted(fired)
    else:
        assert expected <= fired, f"missing {expected - fired}; got {sorted(fired)}"
        assert errors <= expected, f"unexpected errors {errors - expected}"
