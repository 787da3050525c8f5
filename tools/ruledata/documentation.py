"""Row model and accessor of the documentation-requirements table (what each note type needs)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tools.ruledata.loader import RuleRow, RuleTable, load_table

Element = Literal[
    "date_of_service",
    "interventions_matched",
    "total_timed_minutes",
    "total_treatment_minutes",
    "units_consistent",
    "signature",
    "credentials",
    "clinician_author",
    "assistant_modifier",
    "progress_report_interval",
    "certification",
    "recertification",
    "eval_complexity",
    "reeval_justification",
    "goals",
    "goal_quality",
    "goal_progress",
    "medical_necessity",
    "plan_of_care_elements",
]
"""Every element the documentation checker knows how to test."""

NoteType = Literal["evaluation", "daily", "progress", "reevaluation", "discharge"]


class DocRequirementRow(RuleRow):
    """The elements each note type needs for one payer program (key: counting-method payer id)."""

    known: bool = Field(description="False when the payer's own requirements are not on file.")
    evaluation: tuple[Element, ...] = Field(description="Elements an initial evaluation needs.")
    daily: tuple[Element, ...] = Field(description="Elements a daily treatment note needs.")
    progress: tuple[Element, ...] = Field(description="Elements a progress report needs.")
    reevaluation: tuple[Element, ...] = Field(description="Elements a re-evaluation needs.")
    discharge: tuple[Element, ...] = Field(description="Elements a discharge note needs.")

    def elements(self, note_type: NoteType) -> tuple[Element, ...]:
        """The elements required for `note_type`."""
        result: tuple[Element, ...] = getattr(self, note_type)
        return result


def documentation_requirements() -> RuleTable[DocRequirementRow]:
    """Documentation requirements per payer program."""
    return load_table("documentation_requirements", DocRequirementRow)
