"""lookup_code: what the code table, the Medicare status table and the MUE table say."""

from __future__ import annotations

from datetime import date

from tools.lookup import CodeLookupRequest, lookup_code

DAY = date(2026, 3, 2)


def test_a_timed_code_with_its_units_per_day_limit() -> None:
    result = lookup_code(CodeLookupRequest(code="97530", date_of_service=DAY))
    assert result.status == "ok" and result.timed and result.unit_minutes == 15
    assert result.units_per_day_limit == 6
    assert "mue" in {r.table for r in result.rule_data}  # the limit carries its row
    assert "at most 6 units per day" in result.to_text()


def test_an_add_on_names_its_primary_and_a_primary_its_add_on() -> None:
    assert lookup_code(CodeLookupRequest(code="97130", date_of_service=DAY)).addon_of == "97129"
    assert lookup_code(CodeLookupRequest(code="97129", date_of_service=DAY)).addons == ("97130",)


def test_a_code_not_on_file_is_indeterminate_without_a_limit() -> None:
    result = lookup_code(CodeLookupRequest(code="99213", date_of_service=DAY))
    assert result.status == "indeterminate" and result.units_per_day_limit is None
    assert result.missing and not result.rule_data


def test_thresholds_give_the_year_before_and_the_change_from_the_table() -> None:
    from decimal import Decimal

    from tools.lookup import ThresholdRequest, get_therapy_thresholds
    from tools.ruledata.tables import kx_thresholds

    result = get_therapy_thresholds(ThresholdRequest(date_of_service=date(2022, 5, 1)))
    before = kx_thresholds().at("OT", date(2021, 12, 31))
    assert before is not None
    assert result.previous_ot_kx_threshold == before.value == Decimal("2110.00")
    assert result.ot_kx_change == result.ot_kx_threshold - before.value  # 2150 - 2110
    assert result.ot_kx_change == Decimal("40.00")
    assert kx_thresholds().ref(before) in result.rule_data  # the earlier row is cited too
    assert "OT KX threshold in 2021: $2,110.00 (change +40.00)" in result.to_text()


def test_the_first_year_on_file_has_no_year_before() -> None:
    from tools.lookup import ThresholdRequest, get_therapy_thresholds

    first = get_therapy_thresholds(ThresholdRequest(date_of_service=date(2021, 6, 1)))
    assert first.status == "ok"
    assert first.previous_ot_kx_threshold is None and first.ot_kx_change is None
    missing = get_therapy_thresholds(ThresholdRequest(date_of_service=date(2030, 6, 1)))
    assert missing.status == "indeterminate" and missing.previous_ot_kx_threshold is None
