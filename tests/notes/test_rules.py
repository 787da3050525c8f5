"""Every documentation rule: a note that makes it fire, and complete notes that fire none.

If a rule is removed (or stops firing), its case here fails; if a rule is added without a case,
`test_every_rule_has_a_case` fails.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.notes.cases import COMPLETE, RULE_CASES, variant
from tools.notes import NoteCheckRequest, NoteCheckResult, check_note
from tools.notes.rules import RULES


def check(note: dict[str, Any]) -> NoteCheckResult:
    return check_note(NoteCheckRequest.model_validate(note))


def ids(result: NoteCheckResult) -> set[str]:
    return {f.rule_id for f in result.findings}


def test_every_rule_has_a_case() -> None:
    assert set(RULE_CASES) == set(RULES)


@pytest.mark.parametrize("kind", sorted(COMPLETE))
def test_complete_notes_pass(kind: str) -> None:
    result = check(COMPLETE[kind])
    errors = [f for f in result.findings if f.severity != "info"]
    assert result.status == "complete", (result.findings, result.missing)
    assert not [e for e in errors if e.severity == "error"]
    assert result.rules_known is True
    assert result.payer_program == "medicare"


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires(rule_id: str) -> None:
    result = check(RULE_CASES[rule_id])
    assert rule_id in ids(result), [f"{f.rule_id}: {f.message}" for f in result.findings]
    finding = next(f for f in result.findings if f.rule_id == rule_id)
    assert finding.element == RULES[rule_id][0]
    assert finding.fix
    assert finding.sources, "every finding cites the rule rows it rests on"
    if finding.severity == "error":
        assert result.status == "incomplete"


def test_units_rule_uses_the_cms_table() -> None:
    result = check(RULE_CASES["DOC-UNITS-01"])
    finding = next(f for f in result.findings if f.rule_id == "DOC-UNITS-01")
    assert "40 total timed minutes support only 3" in finding.message
    assert any(s.table == "cms-unit-table" for s in finding.sources)


def test_equally_valid_allocations_are_accepted() -> None:
    # CMS Example 2: 20 + 20 minutes = 3 units; 2+1 or 1+2 are both correct.
    for units in ((2, 1), (1, 2)):
        note = variant(
            COMPLETE["daily"],
            billed=[
                {"code": "97530", "units": units[0], "minutes": 20},
                {"code": "97110", "units": units[1], "minutes": 20},
            ],
            interventions=[
                {"description": "TA: laundry folding", "minutes": 20},
                {"description": "Ther ex: putty", "minutes": 20},
            ],
        )
        assert "DOC-UNITS-03" not in ids(check(note))


def test_progress_interval_reads_the_plan_of_care_table() -> None:
    finding = next(f for f in check(RULE_CASES["PR-INT-01"]).findings if f.rule_id == "PR-INT-01")
    assert any(s.key == "progress_report_treatment_days" for s in finding.sources)


def test_signed_order_exception_does_not_apply_before_2025() -> None:
    note = variant(
        RULE_CASES["POC-CERT-02"],
        date_of_service="2024-12-02",
        plan_of_care={
            "start_of_care": "2024-10-01",
            "signed_order_on_file": True,
            "sent_to_practitioner_on": "2024-10-05",
        },
    )
    found = ids(check(note))
    assert "POC-CERT-02" not in found
    assert "POC-CERT-01" in found


def test_exception_needs_the_plan_sent_within_30_days() -> None:
    note = variant(
        RULE_CASES["POC-CERT-02"],
        plan_of_care={
            "start_of_care": "2026-01-20",
            "signed_order_on_file": True,
            "sent_to_practitioner_on": "2026-02-25",
        },
    )
    found = ids(check(note))
    assert "POC-CERT-02" not in found
    assert "POC-CERT-01" in found


def test_exception_does_not_cover_recertification() -> None:
    note = variant(
        COMPLETE["daily"],
        plan_of_care={
            "start_of_care": "2025-11-01",
            "signed_order_on_file": True,
            "sent_to_practitioner_on": "2025-11-05",
        },
    )
    result = check(note)
    assert "POC-CERT-02" in ids(result)
    assert "POC-RECERT-01" in ids(result)


def test_late_certification_with_a_reason_passes() -> None:
    note = variant(
        RULE_CASES["POC-CERT-05"],
        plan_of_care={
            "start_of_care": "2025-12-20",
            "certified_on": "2026-02-25",
            "delay_reason": "Physician on leave; plan re-sent twice.",
        },
    )
    assert "POC-CERT-05" not in ids(check(note))


def test_recertification_resets_the_90_days() -> None:
    note = variant(
        RULE_CASES["POC-RECERT-01"],
        plan_of_care={
            "start_of_care": "2025-11-01",
            "certified_on": "2025-11-10",
            "recertified_on": "2026-01-25",
        },
    )
    assert "POC-RECERT-01" not in ids(check(note))


def test_evaluation_findings_come_from_the_evaluation_tool() -> None:
    finding = next(f for f in check(RULE_CASES["EVAL-01"]).findings if f.rule_id == "EVAL-01")
    assert "findings support 97165 (low)" in finding.message
    assert any(s.table == "eval-complexity" for s in finding.sources)


def test_reevaluation_reasons_come_from_the_reevaluation_tool() -> None:
    finding = next(f for f in check(RULE_CASES["REEVAL-01"]).findings if f.rule_id == "REEVAL-01")
    assert any(s.table == "reevaluation" for s in finding.sources)


def test_goal_quality_checks_each_goal() -> None:
    result = check(variant(COMPLETE["evaluation"], goals=["Improve strength."]))
    assert {"GOAL-02", "GOAL-03", "GOAL-04"} <= ids(result)
    good = check(
        variant(
            COMPLETE["evaluation"],
            goals=["Child will write her name legibly in 4 of 5 trials by 12/15/2026."],
        )
    )
    assert not {"GOAL-02", "GOAL-03", "GOAL-04"} & ids(good)


def test_assistant_with_the_right_modifier_passes() -> None:
    note = variant(
        RULE_CASES["DOC-ASST-01"],
        billed=[
            {"code": "97530", "units": 2, "minutes": 25, "modifiers": ["GO", "CO"]},
            {"code": "97110", "units": 1, "minutes": 15, "modifiers": ["GO", "CO"]},
        ],
    )
    assert not {"DOC-ASST-01", "DOC-ASST-02"} & ids(check(note))
