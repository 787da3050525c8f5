"""check_code_pair: NCCI pairs and MUEs for codes billed on one day."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from tools.claims.pairs import CodePairRequest, check_code_pair

DAY = date(2026, 3, 2)


def _verdicts(*codes: str) -> dict[frozenset[str], str]:
    result = check_code_pair(CodePairRequest(codes=codes, date_of_service=DAY))
    return {frozenset((p.column1, p.column2)): p.verdict for p in result.pairs}


def test_known_pair_needs_a_modifier_on_column_2() -> None:
    result = check_code_pair(CodePairRequest(codes=("97530", "97140"), date_of_service=DAY))
    (pair,) = result.pairs
    assert (pair.column1, pair.column2, pair.verdict) == ("97140", "97530", "modifier_required")
    assert pair.unconfirmed and pair.reference is not None
    assert result.status == "ok" and result.unit_limits == {"97530": 6}


def test_reevaluation_is_column_2_under_treatment_codes() -> None:
    verdicts = _verdicts("97110", "97168")
    assert verdicts[frozenset(("97110", "97168"))] == "modifier_required"


def test_two_evaluations_on_one_day() -> None:
    assert _verdicts("97165", "97168")[frozenset(("97165", "97168"))] == "one_per_day"


@pytest.mark.parametrize("order", [("97129", "97130"), ("97130", "97129")])
def test_a_code_and_its_add_on_go_together_by_design(order: tuple[str, str]) -> None:
    result = check_code_pair(CodePairRequest(codes=order, date_of_service=DAY))
    (pair,) = result.pairs
    assert (pair.column1, pair.column2, pair.verdict) == ("97129", "97130", "add_on")
    assert "not a double charge" in pair.explanation and pair.reference is not None
    assert pair.reference.table == "codes" and result.status == "ok"
    # before the cognitive codes existed there is no add-on to find
    old = check_code_pair(CodePairRequest(codes=order, date_of_service=date(2019, 6, 1)))
    assert old.pairs[0].verdict == "not_on_file"


def test_pair_not_on_file_is_unknown_not_allowed() -> None:
    result = check_code_pair(CodePairRequest(codes=("97535", "97530"), date_of_service=DAY))
    assert result.status == "indeterminate"
    assert result.pairs[0].verdict == "not_on_file"
    assert "CMS practitioner PTP file" in result.pairs[0].explanation


def test_each_pair_once_and_unknown_codes_named() -> None:
    result = check_code_pair(
        CodePairRequest(codes=("97530", "97140", "97530", "99213"), date_of_service=DAY)
    )
    assert len(result.pairs) == 3  # {97530,97140}, {97530,99213}, {97140,99213}
    assert result.unknown_codes == ("99213",)


def test_needs_two_codes() -> None:
    with pytest.raises(ValidationError, match="codes"):
        CodePairRequest(codes=("97530",))
