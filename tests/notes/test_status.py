"""The verdict: complete only when every required fact is present and every rule passes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.notes.cases import COMPLETE, DAILY, variant
from tests.notes.test_parse import NOTE
from tools.notes import NoteCheckRequest, NoteCheckResult, check_note


def check(note: dict[str, Any]) -> NoteCheckResult:
    return check_note(NoteCheckRequest.model_validate(note))


@pytest.mark.parametrize(
    "field",
    [
        "date_of_service",
        "billed",
        "interventions",
        "total_timed_minutes",
        "total_treatment_minutes",
        "signature",
        "plan_of_care",
        "treatment_days_in_period",
        "payer",
    ],
)
def test_a_daily_note_missing_any_required_fact_is_never_complete(field: str) -> None:
    result = check(variant(DAILY, **{field: None}))
    assert result.status != "complete", field
    assert result.findings or result.missing


def test_missing_external_facts_are_indeterminate_not_errors() -> None:
    result = check(variant(DAILY, plan_of_care=None, treatment_days_in_period=None))
    assert result.status == "indeterminate"
    assert not [f for f in result.findings if f.severity == "error"]
    assert any("start of care" in m for m in result.missing)
    assert any("treatment day" in m for m in result.missing)


def test_unknown_payer_uses_medicare_only_as_a_reference() -> None:
    result = check(variant(DAILY, payer="Aetna", total_timed_minutes=None))
    assert result.status == "indeterminate"
    assert result.rules_known is False
    assert result.payer_program is None
    finding = next(f for f in result.findings if f.rule_id == "DOC-TIME-01")
    assert finding.severity == "warning"
    assert finding.message.startswith("Medicare rule (your payer's own rule is not on file)")
    assert any("Aetna's own documentation requirements" in m for m in result.missing)


def test_medicare_advantage_is_not_treated_as_original_medicare() -> None:
    result = check(variant(DAILY, payer="Aetna Medicare"))
    assert result.payer_program == "medicare_advantage"
    assert result.rules_known is False
    assert result.status == "indeterminate"


def test_plan_type_selects_medicare_rules() -> None:
    result = check(variant(DAILY, payer=None, plan_type="medicare"))
    assert result.status == "complete"


def test_no_note_type_is_indeterminate() -> None:
    result = check(variant(DAILY, note_type=None))
    assert result.status == "indeterminate"
    assert any("note type" in m for m in result.missing)
    assert result.findings == ()


def test_empty_request_is_indeterminate() -> None:
    result = check({})
    assert result.status == "indeterminate"
    assert result.missing


def test_free_text_note_end_to_end() -> None:
    # NOTE bills 97110 x1, 97530 x2, 97112 x1 (4 timed units) for 46 timed minutes (3 units).
    result = check({"text": NOTE, "payer": "Medicare"})
    assert result.note_type == "daily"
    assert result.status == "incomplete"
    assert "DOC-UNITS-01" in {f.rule_id for f in result.findings}
    assert result.extracted is not None
    assert "interventions_matched" in result.checked
    assert "certification" in result.checked


def test_fields_win_over_the_text() -> None:
    fixed = NOTE.replace("Billed: 97110 x1, 97530 x2, 97112 x1, 97010", "")
    result = check(
        {
            "text": fixed,
            "payer": "Medicare",
            "billed": [
                {"code": "97110", "units": 1},
                {"code": "97530", "units": 2},
            ],
        }
    )
    assert "DOC-UNITS-01" not in {f.rule_id for f in result.findings}
    assert result.status == "complete", (result.findings, result.missing)


def test_ambiguous_text_is_not_complete() -> None:
    text = NOTE.replace(
        "Total treatment time: 56 min", "Total treatment time: 56 min\nTotal time: 60"
    )
    result = check({"text": text, "payer": "Medicare"})
    assert result.status != "complete"
    assert any("total treatment time" in m for m in result.missing)


def test_not_found_lists_only_what_the_note_type_needs() -> None:
    text = "Daily note\nDOS: 03/02/2026\nTher ex 15 min\n"
    result = check({"text": text, "payer": "Medicare"})
    assert result.extracted is not None
    joined = " ".join(result.extracted.not_found)
    assert "total timed minutes" in joined
    assert "goals" not in joined  # a daily note needs no goals


def test_every_complete_note_type_renders() -> None:
    for note in COMPLETE.values():
        text = check(note).to_text()
        assert "COMPLETE" in text and "Sources:" in text
