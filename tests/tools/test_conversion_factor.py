"""The conversion-factor look-up: the date of service picks the row, a mid-year change shows,
and a date before the table is indeterminate, never a guess."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from tools.conversion_factor import ConversionFactorRequest, get_conversion_factor
from tools.registry import get_tool


def factor(day: date):
    return get_conversion_factor(ConversionFactorRequest(date_of_service=day))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 8), Decimal("32.7442")),  # the last day of the final rule's factor
        (date(2024, 3, 9), Decimal("33.2875")),  # the Consolidated Appropriations Act raise
        (date(2025, 7, 1), Decimal("32.3465")),
        (date(2026, 2, 1), Decimal("33.4009")),
    ],
)
def test_the_date_of_service_picks_the_factor(day: date, expected: Decimal) -> None:
    result = factor(day)
    assert result.status == "ok"
    assert result.non_apm == expected
    assert all(r.url.startswith("http") for r in result.rule_data)


def test_2024_shows_both_of_its_periods_whichever_date_is_asked() -> None:
    for day in (date(2024, 2, 15), date(2024, 11, 1)):
        periods = factor(day).periods_in_year
        assert [p.effective_from for p in periods] == [date(2024, 1, 1), date(2024, 3, 9)]
        assert periods[0].effective_to == date(2024, 3, 8)


def test_from_2026_apm_participants_have_their_own_factor() -> None:
    result = factor(date(2026, 6, 1))
    assert result.apm is not None and result.non_apm is not None
    assert result.apm > result.non_apm
    assert "APM" in result.to_text()
    assert len(result.periods_in_year) == 1


@pytest.mark.parametrize(
    ("on", "previous", "change"),
    [
        # CMS announced a 2.83% cut for 2025 and a 3.26% rise for 2026 (non-APM)
        (date(2025, 5, 1), "33.2875", "-2.83"),
        (date(2026, 5, 1), "32.3465", "3.26"),
        (date(2024, 6, 1), "32.7442", "1.66"),
    ],
)
def test_change_from_the_factor_before(on: date, previous: str, change: str) -> None:
    result = factor(on)
    assert result.previous is not None and result.previous.non_apm == Decimal(previous)
    assert result.change_percent == Decimal(change)
    # the earlier row is cited as well as the date's own
    assert any(
        r.key == "non_apm" and r.effective_from == result.previous.effective_from
        for r in result.rule_data
    )


def test_the_first_row_has_no_change() -> None:
    result = factor(date(2024, 1, 5))
    assert result.previous is None and result.change_percent is None


def test_a_date_before_the_table_is_indeterminate() -> None:
    result = factor(date(2023, 5, 1))
    assert result.status == "indeterminate"
    assert result.non_apm is None
    assert "2024-01-01" in result.missing[0]


def test_it_is_registered_once_and_validates_its_input() -> None:
    spec = get_tool("get_conversion_factor")
    assert spec.cli_name == "conversion-factor"
    with pytest.raises(ValidationError, match="date_of_service"):
        ConversionFactorRequest.model_validate({"date_of_service": "2024-02-30"})
