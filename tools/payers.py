"""Find which payer row a free-text payer name or a claim plan type refers to."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Literal

from tools.ruledata.loader import RowT, RuleTable

PlanType = Literal["medicare", "medicare_advantage", "medicaid", "commercial", "tricare", "other"]
"""Plan types of the claim contract."""

_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """Lower-case a payer name and reduce punctuation to single spaces."""
    return " " + _NON_WORD.sub(" ", name.lower()).strip() + " "


def match_payer(
    table: RuleTable[RowT],
    when: date,
    *,
    name: str | None = None,
    plan_type: str | None = None,
) -> RowT | None:
    """Return the row in force on `when` for a payer name, else for the plan type, else None.

    The longest alias found as whole words in the name wins, so "Aetna Medicare" (an alias of the
    Medicare Advantage row) beats plain "medicare". The plan type is only used when the name
    matches nothing, because one plan type (commercial) covers payers with different rules.
    """
    rows = table.in_force(when)
    if name:
        text = normalize_name(name)
        best: tuple[int, RowT] | None = None
        for row in rows:
            for alias in getattr(row, "aliases", ()):
                if normalize_name(alias) in text and (best is None or len(alias) > best[0]):
                    best = (len(alias), row)
        if best is not None:
            return best[1]
    if plan_type:
        for row in rows:
            if plan_type in getattr(row, "plan_types", ()):
                return row
    return None
