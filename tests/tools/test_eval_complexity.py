"""Evaluation complexity over every combination of components, against an independent oracle."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from tools.eval_complexity import (
    EvalComplexityRequest,
    EvalLevelRequest,
    ReevalRequest,
    check_eval_complexity,
    check_reevaluation,
    describe_eval_level,
)

CODE = {1: "97165", 2: "97166", 3: "97167"}


def oracle(
    history: str, deficits: int, decision: str, comorbid: str | None, mod: str | None
) -> str:
    """The AMA rule written out directly: each component's highest level, then the minimum."""
    levels = [
        {"brief": 1, "expanded": 2, "extensive": 3}[history],
        3 if deficits >= 5 else 2 if deficits >= 3 else 1,  # 1-3 low, 3-5 moderate, 5+ high
        {"low": 1, "moderate": 2, "high": 3}[decision],
    ]
    if comorbid is not None:
        levels.append(3 if comorbid == "present" else 2)  # high needs comorbidities present
    if mod is not None:
        levels.append({"none": 1, "minimal_to_moderate": 2, "significant": 3}[mod])
    return CODE[min(levels)]


COMBOS = list(
    itertools.product(
        ["brief", "expanded", "extensive"],
        range(1, 9),
        ["low", "moderate", "high"],
        [None, "none", "present"],
        [None, "none", "minimal_to_moderate", "significant"],
    )
)


@pytest.mark.parametrize(("history", "deficits", "decision", "comorbid", "mod"), COMBOS)
def test_every_combination(history, deficits, decision, comorbid, mod) -> None:
    req = EvalComplexityRequest(
        history=history,
        deficits=deficits,
        decision=decision,
        comorbidities=comorbid,
        modification=mod,
        date_of_service=date(2026, 5, 1),
    )
    result = check_eval_complexity(req)
    assert result.status == "ok"
    assert result.code == oracle(history, deficits, decision, comorbid, mod)
    reached = {c.component: c.reaches for c in result.components}
    assert set(result.limited_by) <= set(reached)
    assert all(reached[name] == result.level for name in result.limited_by)
    if result.code != "97167":
        assert result.to_support_higher
    else:
        assert result.to_support_higher == ()


def test_count_alone_never_decides_the_overlapping_boundaries() -> None:
    three = {"deficits": 3, "date_of_service": date(2026, 5, 1)}
    assert (
        check_eval_complexity(EvalComplexityRequest(history="brief", decision="low", **three)).code
        == "97165"
    )
    assert (
        check_eval_complexity(
            EvalComplexityRequest(history="expanded", decision="moderate", **three)
        ).code
        == "97166"
    )
    five = {"deficits": 5, "date_of_service": date(2026, 5, 1)}
    assert (
        check_eval_complexity(
            EvalComplexityRequest(history="expanded", decision="moderate", **five)
        ).code
        == "97166"
    )
    assert (
        check_eval_complexity(
            EvalComplexityRequest(history="extensive", decision="high", **five)
        ).code
        == "97167"
    )


def test_limiting_component_and_advice_are_named() -> None:
    r = check_eval_complexity(
        EvalComplexityRequest(
            history="brief", deficits=6, decision="high", date_of_service=date(2026, 5, 1)
        )
    )
    assert r.code == "97165"
    assert r.limited_by == ("occupational profile and history",)
    assert any("expanded occupational profile" in a for a in r.to_support_higher)
    assert any(rr.key == "97165" for rr in r.rule_data)


def test_before_2017_is_indeterminate() -> None:
    r = check_eval_complexity(
        EvalComplexityRequest(
            history="brief", deficits=2, decision="low", date_of_service=date(2016, 12, 31)
        )
    )
    assert r.status == "indeterminate" and r.code is None


def test_zero_deficits_is_refused() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        EvalComplexityRequest(history="brief", deficits=0, decision="low")


@pytest.mark.parametrize(
    ("kw", "supported"),
    [
        ({"significant_change": True}, True),
        ({"new_clinical_findings": True}, True),
        ({"failure_to_respond": True}, True),
        ({"routine": True}, False),
        ({}, False),
    ],
)
def test_reevaluation_conditions(kw: dict, supported: bool) -> None:
    r = check_reevaluation(ReevalRequest(date_of_service=date(2026, 5, 1), **kw))
    assert r.supported is supported and r.code == "97168"


def test_reevaluation_for_unknown_program_is_indeterminate() -> None:
    r = check_reevaluation(ReevalRequest(payer="commercial", significant_change=True))
    assert r.status == "indeterminate" and r.supported is None


@pytest.mark.parametrize(
    ("level", "code", "deficits", "minutes"),
    [
        ("97165", "97165", "1 to 3", 30),
        ("moderate", "97166", "3 to 5", 45),
        ("high", "97167", "5 or more", 60),
    ],
)
def test_a_level_is_described_from_the_table(level, code, deficits, minutes) -> None:
    r = describe_eval_level(EvalLevelRequest(level=level, date_of_service=date(2025, 3, 1)))
    assert (r.status, r.code, r.typical_minutes) == ("ok", code, minutes)
    assert f"Performance deficits (physical, cognitive or psychosocial): {deficits}." in (
        r.requirements
    )
    assert r.rule_data and r.rule_data[0].table == "eval-complexity"


def test_low_level_records_where_sources_disagree() -> None:
    r = describe_eval_level(EvalLevelRequest(level="low", date_of_service=date(2025, 3, 1)))
    assert any("97161" in n for n in r.notes)  # the 1-2 figure belongs to the PT code


def test_a_level_before_the_codes_existed_is_indeterminate() -> None:
    r = describe_eval_level(EvalLevelRequest(level="high", date_of_service=date(2016, 6, 1)))
    assert r.status == "indeterminate" and r.missing


@pytest.mark.parametrize(
    ("said", "code"), [("low", "97165"), ("moderate", "97166"), ("high", "97167")]
)
def test_deficits_judged_as_a_level_reach_that_level_only(said, code) -> None:
    r = check_eval_complexity(
        EvalComplexityRequest(
            history="extensive",
            deficits_level=said,
            decision="high",
            comorbidities="present",
            modification="significant",
            date_of_service=date(2025, 3, 1),
        )
    )
    assert r.code == code
    deficits = next(c for c in r.components if c.component == "performance deficits")
    assert deficits.given == f"{said} (no count)" and "document the count" in deficits.explanation


@pytest.mark.parametrize("extra", [{}, {"deficits": 4, "deficits_level": "moderate"}])
def test_deficits_need_exactly_one_of_count_or_level(extra) -> None:
    with pytest.raises(ValueError, match="deficits"):
        EvalComplexityRequest(history="brief", decision="low", **extra)
