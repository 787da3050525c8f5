"""The validator shares work between rules and across a batch (memoised look-ups, one units pass,
results built without re-validation). These tests pin that sharing never changes a verdict."""

from __future__ import annotations

import json
from typing import Any

from tests.claims.conftest import make
from tools.claims.batch import read_records, scrub
from tools.claims.core import check_claim, trusted
from tools.claims.models import Claim, ClaimResult, Finding


def run(raw: dict[str, Any]) -> ClaimResult:
    return check_claim(Claim.model_validate(raw))


def ids(result: ClaimResult) -> list[str]:
    return [f.rule_id for f in result.findings]


def test_trusted_builds_what_model_construct_builds() -> None:
    result = run(make(diagnoses=["I69.3X9", "R26.89"]))
    finding = result.findings[0]
    values = {name: getattr(finding, name) for name in Finding.model_fields}
    assert trusted(Finding, **values) == Finding.model_construct(**values)
    # And the result survives a full validation round trip unchanged.
    assert ClaimResult.model_validate(result.model_dump()) == result
    assert json.loads(result.model_dump_json())["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_cached_diagnosis_findings_are_not_accumulated_across_claims() -> None:
    raw = make(diagnoses=["I69.3X9", "I69.35"])
    first, second = run(raw), run(raw)
    assert ids(first) == ids(second)
    assert ids(first).count("ICD10_INVALID") == 1 and ids(first).count("ICD10_NOT_BILLABLE") == 1


def test_diagnosis_cache_keeps_the_code_set_range_apart() -> None:
    inside = run(make(diagnoses=["I69.3X9", "R26.89"]))
    outside = make(diagnoses=["I69.3X9", "R26.89"], submitted_on="2020-03-10")
    for line in outside["lines"]:
        line["date_of_service"] = "2020-03-02"
    out = run(outside)
    inside_f = next(f for f in inside.findings if f.rule_id == "ICD10_INVALID")
    outside_f = next(f for f in out.findings if f.rule_id == "ICD10_INVALID")
    assert inside_f.severity == "error" and outside_f.severity == "warning"
    assert "outside it" in outside_f.message and "outside it" not in inside_f.message


def test_units_verdict_depends_on_the_units_billed_not_only_the_minutes() -> None:
    assert "UNITS_EXCEED_MINUTES" not in ids(run(make()))
    # Same codes and minutes, so the cached minutes-to-units answer is reused; 4 units is too many.
    assert "UNITS_EXCEED_MINUTES" in ids(run(make(**{"lines.0.units": 4})))
    assert "UNITS_EXCEED_MINUTES" not in ids(run(make()))


def test_repeated_line_is_found_whatever_the_modifier_order() -> None:
    raw = make()
    raw["lines"][0]["modifiers"] = ["GO", "59"]
    raw["lines"][1] = {**raw["lines"][0], "modifiers": ["59", "GO"]}
    hits = [f for f in run(raw).findings if f.rule_id == "DUPLICATE_LINE"]
    assert len(hits) == 1 and hits[0].line == 1


def test_jsonl_records_parse_in_one_pass_with_the_same_verdicts_as_dicts() -> None:
    claims = [make(claim_id=f"S-{i}", **{"patient.member_id": f"M{i}"}) for i in range(3)]
    claims[1]["lines"][0]["units"] = 4
    text = "\n".join(json.dumps(c) for c in claims)
    from_lines = list(scrub(read_records(text, "jsonl")))
    from_dicts = list(scrub(read_records(json.dumps(claims), "json")))
    assert from_lines == from_dicts
    assert [r.status for r in from_lines if isinstance(r, ClaimResult)] == [
        "clean",
        "errors",
        "clean",
    ]


def test_units_answer_shared_by_payers_with_one_method_keeps_each_payers_wording() -> None:
    """The minutes-to-units answer is cached per counting method, so Medicare and UnitedHealthcare
    (both CMS total-time) share it; each finding still names its own payer's rule, and a payer
    with no method on file is still checked against both methods."""
    over = {"lines.0.units": 4}
    found = {}
    for name, plan in (
        ("Medicare", "medicare"),
        ("UnitedHealthcare", "commercial"),
        ("Acme Health", "commercial"),
    ):
        result = run(make(**over, **{"payer.name": name, "payer.plan_type": plan}))
        exceed = [f for f in result.findings if f.rule_id == "UNITS_EXCEED_MINUTES"]
        assert len(exceed) == 1, name
        found[name] = exceed[0].message
    assert "Original Medicare" in found["Medicare"]
    assert "UnitedHealthcare" in found["UnitedHealthcare"]
    assert "Medicare" not in found["UnitedHealthcare"]
    assert "both methods" in found["Acme Health"]
