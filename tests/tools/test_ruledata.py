"""Every rule table: loads, sorted dates, no overlaps, a sourced and dated reference on every row."""

from __future__ import annotations

import itertools
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from tools.errors import RuleDataMissing
from tools.ruledata.loader import RuleRow, TableError, load_table, parse_table
from tools.ruledata.tables import TABLES, codes, unit_table

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_is_valid(name: str) -> None:
    table = load_table(name, TABLES[name])
    assert table.rows
    raw = tomllib.loads(resources.files("tools.ruledata").joinpath(f"{name}.toml").read_text())
    for key in table.all_keys():
        starts = [r["effective_from"] for r in raw["rows"] if r["key"] == key]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), f"{name}:{key} order"
        hist = table.history(key)
        for a, b in itertools.pairwise(hist):
            end = table.end_of(a)
            assert end is not None and end < b.effective_from, f"{name}:{key} overlaps"
    for row in table.rows:
        assert row.source_names, f"{name}:{row.key} has no source"
        for src in row.source_names:
            doc = table.sources[src]
            assert doc.url.startswith(("https://", "http://"))
            assert doc.checked <= date.today()
        ref = table.ref(row)
        assert ref.url and ref.checked and ref.source


def test_every_source_is_used() -> None:
    for name, model in TABLES.items():
        table = load_table(name, model)
        used = {s for r in table.rows for s in r.source_names}
        assert used == set(table.sources), f"{name}: unused sources {set(table.sources) - used}"


def test_unit_table_formula_reproduces_every_printed_band() -> None:
    from tools.units import band_units

    for key in ("cms", "ama"):
        row = unit_table().require(key, TODAY)
        for units, low, high in row.bands:
            for minutes in range(low, high + 1):
                assert band_units(minutes, row) == units, (key, minutes)


def test_code_labels_are_short_and_addons_point_to_known_codes() -> None:
    table = codes()
    keys = set(table.all_keys())
    for row in table.rows:
        assert len(row.label) <= 80, f"{row.key}: labels are short own words, not descriptors"
        assert row.timed == (row.unit_minutes is not None), row.key
        if row.addon_of:
            assert row.addon_of in keys
    assert table.require("97010", TODAY).timed is False
    assert table.require("97530", TODAY).unit_minutes == 15


def test_value_at_boundaries() -> None:
    table = codes()
    row = table.require("97129", date(2020, 1, 1))
    assert row.key == "97129"
    assert table.at("97129", date(2019, 12, 31)) is None
    assert table.at("97127", date(2019, 12, 31)) is not None
    assert table.at("97127", date(2020, 1, 1)) is None
    with pytest.raises(RuleDataMissing):
        table.require("97129", date(2019, 6, 1))


HEAD = """
[table]
id = "t"
title = "t"
description = "t"
[sources.s]
url = "https://example.org/x"
title = "x"
publisher = "x"
grade = "primary"
checked = 2026-01-01
"""


class Row(RuleRow):
    value: Decimal


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ('[[rows]]\nkey="a"\neffective_from=2024-01-01\nvalue=1.5\n', "no source"),
        ('[[rows]]\nkey="a"\neffective_from=2024-01-01\nsource="zz"\nvalue=1\n', "unknown source"),
        (
            '[[rows]]\nkey="a"\neffective_from=2025-01-01\nsource="s"\nvalue=1\n'
            '[[rows]]\nkey="a"\neffective_from=2024-01-01\nsource="s"\nvalue=2\n',
            "increasing",
        ),
        (
            '[[rows]]\nkey="a"\neffective_from=2024-01-01\neffective_to=2025-06-01\nsource="s"\nvalue=1\n'
            '[[rows]]\nkey="a"\neffective_from=2025-01-01\nsource="s"\nvalue=2\n',
            "overlap",
        ),
        (
            '[[rows]]\nkey="a"\neffective_from=2024-01-01\neffective_to=2023-01-01\nsource="s"\nvalue=1\n',
            "ends before",
        ),
        ("", "no \\[\\[rows\\]\\]"),
    ],
)
def test_bad_tables_are_refused(rows: str, problem: str) -> None:
    with pytest.raises(TableError, match=problem):
        parse_table(HEAD + rows, Row)


def test_money_is_decimal_and_open_rows_end_at_the_next() -> None:
    text = HEAD + (
        '[[rows]]\nkey="kx"\neffective_from=2025-01-01\nsource="s"\nvalue=2410.00\n'
        '[[rows]]\nkey="kx"\neffective_from=2026-01-01\nsource="s"\nvalue=2480.00\n'
    )
    table = parse_table(text, Row)
    first = table.require("kx", date(2025, 12, 31))
    assert first.value == Decimal("2410.00") and isinstance(first.value, Decimal)
    assert table.end_of(first) == date(2026, 1, 1) - timedelta(days=1)
    assert table.require("kx", date(2026, 1, 1)).value == Decimal("2480.00")
    assert table.at("kx", date(2024, 12, 31)) is None
