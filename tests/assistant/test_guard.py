"""The grounding guard on its own: what counts as a claim and what counts as support."""

from __future__ import annotations

from assistant.engine.guard import check, claims


def test_claims_cover_numbers_money_codes_modifiers_and_dates() -> None:
    found = claims(
        "The 2026 OT threshold is $2,480.00 [1]. Bill 97110 x2 with GO and -59 for I69.351 on 2026-03-02."
    )
    assert {"2480", "2026", "97110", "2", "mod:GO", "mod:59", "I69.351", "2026-03-02"} <= found
    assert "1" not in found  # citation markers are not claims


def test_list_numbering_is_not_a_claim() -> None:
    assert claims("1. Add the minutes.\n2. Read the table.") == set()


def test_supported_answer_passes() -> None:
    outcome = check(
        "Bill 97110 x2 and 97140 x1: 3 units.",
        ['{"units_by_code": {"97110": 2, "97140": 1}, "total_units": 3}'],
    )
    assert outcome.passed


def test_invented_figure_is_caught_and_repaired_when_enough_remains() -> None:
    answer = (
        "Under the 8-minute rule you bill 97110 x2 and 97140 x1 for 40 timed minutes, three units in all. "
        "Medicare pays about $97.50 for that."
    )
    outcome = check(
        answer, ['{"units_by_code": {"97110": 2, "97140": 1}, "total_timed_minutes": 40}']
    )
    assert outcome.unsupported == ("97.5",)
    assert (
        outcome.repaired is not None
        and "97.50" not in outcome.repaired
        and "97110 x2" in outcome.repaired
    )


def test_answer_mostly_invented_is_not_repaired() -> None:
    outcome = check(
        "It is $81.12 per unit, 4 units a day, under modifier KX.", ['{"total_units": 3}']
    )
    assert not outcome.passed and outcome.repaired is None
    assert set(outcome.unsupported) == {"81.12", "4", "KX"}


def test_money_matches_across_formats() -> None:
    assert check("The threshold is $2,480.", ['{"ot_kx_threshold": "2480.00"}']).passed
