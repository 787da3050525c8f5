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
