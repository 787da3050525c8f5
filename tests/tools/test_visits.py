"""Visits versus units on an authorization."""

from __future__ import annotations

from datetime import date

import pytest

from tools.visits import VisitsRequest, convert_visits


@pytest.mark.parametrize(
    ("units", "minutes", "per", "visits", "left"),
    [
        (20, 60, 4, 5, 0),
        (20, 45, 3, 6, 2),
        (24, 30, 2, 12, 0),
        (10, 53, 4, 2, 2),
        (12, 22, 1, 12, 0),
    ],
)
def test_units_to_visits(units: int, minutes: int, per: int, visits: int, left: int) -> None:
    r = convert_visits(VisitsRequest(units=units, session_minutes=minutes))
    assert (r.units_per_visit, r.visits, r.leftover_units) == (per, visits, left)
    assert any(f"{units} units / {per}" in s for s in r.working)


def test_leftover_units_give_a_minute_range() -> None:
    r = convert_visits(VisitsRequest(units=20, session_minutes=45))
    assert r.leftover_minutes == (23, 37)


def test_visits_to_units() -> None:
    r = convert_visits(VisitsRequest(visits=12, session_minutes=30))
    assert (r.units, r.units_per_visit, r.visits) == (24, 2, 12)


def test_short_session_bills_nothing() -> None:
    r = convert_visits(VisitsRequest(units=8, session_minutes=7))
    assert r.units_per_visit == 0 and r.visits == 0


def test_exactly_one_of_units_or_visits() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        VisitsRequest(units=4, visits=2, session_minutes=60)
    with pytest.raises(ValueError, match="exactly one"):
        VisitsRequest(session_minutes=60)


def test_before_unit_table_is_indeterminate() -> None:
    r = convert_visits(VisitsRequest(units=8, session_minutes=60, date_of_service=date(2001, 1, 1)))
    assert r.status == "indeterminate"


def test_a_payer_adds_its_counting_method_with_the_source() -> None:
    per_code = convert_visits(VisitsRequest(visits=1, session_minutes=120, payer="Premera"))
    assert per_code.units == 8  # one code or pooled: the table's count
    assert per_code.payer_method and "AMA per-code" in per_code.payer_method
    assert any(r.table == "counting-methods" for r in per_code.rule_data)
    pooled = convert_visits(VisitsRequest(units=20, session_minutes=60, payer="UnitedHealthcare"))
    assert pooled.payer_method and "CMS total-time" in pooled.payer_method
    assert "confirm" in pooled.payer_method  # the row is unconfirmed


def test_a_payer_with_no_method_on_file_is_told_to_ask() -> None:
    r = convert_visits(VisitsRequest(visits=1, session_minutes=50, payer="Aetna"))
    assert r.units == 3
    assert r.payer_method and "No counting method is on file for Aetna" in r.payer_method
    assert all(ref.table != "counting-methods" for ref in r.rule_data)
    assert convert_visits(VisitsRequest(visits=1, session_minutes=50)).payer_method is None


@pytest.mark.parametrize(("minutes", "band"), [(50, "3 for 38 to 52"), (53, "4 for 53 to 67")])
def test_the_working_gives_the_band_the_session_falls_in(minutes: int, band: str) -> None:
    result = convert_visits(
        VisitsRequest(session_minutes=minutes, visits=1, date_of_service=date(2025, 5, 1))
    )
    assert band + " minutes" in result.working[0]
