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
