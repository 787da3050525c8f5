"""Medicare Part B cost sharing: the date picks the year's deductible; a year not on file is
indeterminate, never a guess."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tools.cost_sharing import CostSharingRequest, get_medicare_cost_sharing
from tools.registry import get_tool


@pytest.mark.parametrize(
    ("day", "deductible"),
    [
        (date(2024, 6, 1), Decimal("240")),
        (date(2025, 1, 1), Decimal("257")),
        (date(2026, 12, 31), Decimal("283")),
    ],
)
def test_the_date_picks_the_years_deductible(day: date, deductible: Decimal) -> None:
    result = get_medicare_cost_sharing(CostSharingRequest(date_of_service=day))
    assert result.status == "ok"
    assert result.part_b_deductible == deductible
    assert result.coinsurance_percent == Decimal("20")
    assert {r.key for r in result.rule_data} == {"part_b_deductible", "part_b_coinsurance"}
    assert "Medicare Advantage" in " ".join(result.notes)


def test_a_year_not_on_file_is_indeterminate() -> None:
    result = get_medicare_cost_sharing(CostSharingRequest(date_of_service=date(2023, 5, 1)))
    assert result.status == "indeterminate"
    assert result.part_b_deductible is None
    assert result.missing == ("the Part B deductible for 2023",)
    assert "Not on file" in result.to_text()


def test_it_is_registered() -> None:
    assert get_tool("medicare-cost-sharing").name == "get_medicare_cost_sharing"
