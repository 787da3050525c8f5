"""Request and result models of the documentation checker."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from tools.common import CptCode, Frozen, Modifier, Request, RuleRef
from tools.eval_complexity import Comorbidities, Decision, History, Modification
from tools.payers import PlanType
from tools.ruledata.documentation import Element, NoteType

Severity = Literal["error", "warning", "info"]
NoteStatus = Literal["complete", "incomplete", "indeterminate"]
PocElement = Literal["diagnoses", "long_term_goals", "type", "amount", "frequency", "duration"]
MAX_TEXT = 60_000


class BilledLine(Request):
    """A code billed for the date of service."""

    code: CptCode = Field(description="CPT/HCPCS code billed, e.g. 97530.")
    units: int | None = Field(default=None, ge=0, le=40, description="Units billed.")
    minutes: int | None = Field(
        default=None, ge=0, le=24 * 60, description="Minutes documented for the code, if any."
    )
    modifiers: tuple[Modifier, ...] = Field(
        default=(), max_length=4, description="Modifiers on the line (GO, CO, 59, KX...)."
    )


class Intervention(Request):
    """An intervention documented in the note, in the note's own words."""

    description: str = Field(
        min_length=1, max_length=300, description="What was done, e.g. 'ther ex: grip strength'."
    )
    minutes: int | None = Field(
        default=None, ge=0, le=24 * 60, description="Minutes documented for it, if any."
    )
    code: CptCode | None = Field(
        default=None, description="The code it was billed as, if the note says so."
    )


class Signature(Request):
    """Who signed the note."""

    name: str | None = Field(default=None, max_length=120, description="Signer's name.")
    credentials: str | None = Field(
        default=None, max_length=40, description="Professional credentials, e.g. OTR/L or COTA/L."
    )
    signed_on: date | None = Field(default=None, description="Date the note was signed.")


class PlanOfCareDates(Request):
    """The facts about the plan of care and its certification that a note is checked against."""

    start_of_care: date | None = Field(
        default=None, description="First treatment day under the plan (the evaluation counts)."
    )
    certified_on: date | None = Field(
        default=None, description="Date the physician/NPP signed the plan of care."
    )
    verbal_order_on: date | None = Field(
        default=None, description="Date of a verbal order certifying the plan, if any."
    )
    signed_order_on_file: bool | None = Field(
        default=None, description="A signed, dated order or referral is in the record."
    )
    sent_to_practitioner_on: date | None = Field(
        default=None, description="Date the plan of care was sent to the referring practitioner."
    )
    recertified_on: date | None = Field(
        default=None, description="Date of the latest recertification signature."
    )
    certified_through: date | None = Field(
        default=None, description="Last day of the certified period, if the plan states it."
    )
    delay_reason: str | None = Field(
        default=None, max_length=500, description="Reason documented for a late certification."
    )
    elements: tuple[PocElement, ...] | None = Field(
        default=None,
        description="Plan-of-care elements present: diagnoses, long_term_goals, type, amount, "
        "frequency, duration.",
    )


class EvaluationFindings(Request):
    """The components an OT evaluation documents (for the complexity check)."""

    history: History | None = Field(default=None, description="brief, expanded or extensive.")
    deficits: int | None = Field(
        default=None, ge=0, le=60, description="Number of performance deficits."
    )
    decision: Decision | None = Field(default=None, description="low, moderate or high.")
    comorbidities: Comorbidities | None = Field(default=None, description="none or present.")
    modification: Modification | None = Field(
        default=None, description="none, minimal_to_moderate or significant."
    )


class ReevalReasons(Request):
    """Why a re-evaluation was done."""

    new_clinical_findings: bool = Field(default=False, description="New clinical findings.")
    significant_change: bool = Field(default=False, description="Significant change in status.")
    failure_to_respond: bool = Field(default=False, description="Not responding to treatment.")
    routine: bool = Field(default=False, description="Scheduled or routine re-evaluation.")


class NoteCheckRequest(Request):
    """A therapy note as structured fields, as free text, or both (fields win over the text)."""

    note_type: NoteType | None = Field(
        default=None,
        description="evaluation, daily, progress, reevaluation or discharge; found in the text "
        "when omitted.",
    )
    date_of_service: date | None = Field(default=None, description="Date of treatment.")
    payer: str | None = Field(
        default=None, max_length=120, description="Payer name, e.g. Medicare or Aetna."
    )
    plan_type: PlanType | None = Field(
        default=None, description="Plan type, used when the payer name is not recognised."
    )
    billed: tuple[BilledLine, ...] = Field(
        default=(), max_length=40, description="Codes billed for the date of service."
    )
    interventions: tuple[Intervention, ...] = Field(
        default=(), max_length=60, description="Interventions documented."
    )
    total_timed_minutes: int | None = Field(
        default=None, ge=0, le=24 * 60, description="Total timed-code treatment minutes."
    )
    total_treatment_minutes: int | None = Field(
        default=None, ge=0, le=24 * 60, description="Total treatment time, timed plus untimed."
    )
    signature: Signature | None = Field(default=None, description="Signature of the note.")
    goals: tuple[str, ...] = Field(
        default=(), max_length=40, description="Goals as written in the note."
    )
    goal_progress: tuple[str, ...] = Field(
        default=(), max_length=40, description="Statements of progress toward the goals."
    )
    medical_necessity: str | None = Field(
        default=None, max_length=4000, description="The note's statement of medical necessity."
    )
    plan_of_care: PlanOfCareDates | None = Field(
        default=None, description="Plan-of-care and certification facts."
    )
    treatment_days_in_period: int | None = Field(
        default=None,
        ge=1,
        le=400,
        description="Treatment days in the current progress-report period, counting this one "
        "(the evaluation starts the first period).",
    )
    evaluation: EvaluationFindings | None = Field(
        default=None, description="Evaluation components, for evaluation notes."
    )
    reevaluation: ReevalReasons | None = Field(
        default=None, description="Reasons for a re-evaluation, for re-evaluation notes."
    )
    text: str | None = Field(
        default=None,
        max_length=MAX_TEXT,
        description="The note as free text; the checker extracts what it can and says what it "
        "could not find.",
    )


class Finding(Frozen):
    """One problem (or observation) with the note, the rule behind it and how to fix it."""

    rule_id: str = Field(description="Stable rule id, e.g. DOC-TIME-01.")
    element: Element = Field(description="The required element the rule checks.")
    severity: Severity = Field(description="error (must fix), warning (check) or info.")
    message: str = Field(description="What is wrong, in plain words.")
    fix: str = Field(description="What to add or change.")
    sources: tuple[RuleRef, ...] = Field(description="Rule rows the finding rests on.")


class ExtractedLine(Frozen):
    """A billed code found in free text."""

    code: str = Field(description="Code found.")
    units: int | None = Field(description="Units found next to it, if any.")
    minutes: int | None = Field(description="Minutes found next to it, if any.")
    source_line: str = Field(description="The line of text it came from.")


class ExtractedIntervention(Frozen):
    """An intervention found in free text."""

    description: str = Field(description="The text of the intervention.")
    code: str | None = Field(description="The code its words point to, if recognised.")
    minutes: int | None = Field(description="Minutes found with it, if any.")


class Extracted(Frozen):
    """What the free-text parser found, and what it looked for and did not find."""

    note_type: str | None = Field(description="Note type found.")
    date_of_service: date | None = Field(description="Date of service found.")
    billed: tuple[ExtractedLine, ...] = Field(description="Billed codes found.")
    interventions: tuple[ExtractedIntervention, ...] = Field(description="Interventions found.")
    total_timed_minutes: int | None = Field(description="Total timed minutes found.")
    total_treatment_minutes: int | None = Field(description="Total treatment minutes found.")
    signer: str | None = Field(description="Signer's name found.")
    credentials: str | None = Field(description="Signer's credentials found.")
    signed_on: date | None = Field(description="Signature date found.")
    goals: tuple[str, ...] = Field(description="Goals found.")
    goal_progress: tuple[str, ...] = Field(description="Progress statements found.")
    medical_necessity: str | None = Field(description="Medical-necessity statement found.")
    start_of_care: date | None = Field(description="Start of care found.")
    certified_on: date | None = Field(description="Certification date found.")
    recertified_on: date | None = Field(description="Recertification date found.")
    treatment_days_in_period: int | None = Field(description="Treatment day in period found.")
    poc_elements: tuple[str, ...] = Field(description="Plan-of-care elements found.")
    evaluation: dict[str, str] = Field(description="Labelled evaluation components found.")
    reeval_reasons: tuple[str, ...] = Field(description="Re-evaluation reasons named in the text.")
    not_found: tuple[str, ...] = Field(description="What the parser looked for but did not find.")
    ambiguous: tuple[str, ...] = Field(description="What the text states in conflicting ways.")


class NoteCheckResult(Frozen):
    """The verdict on a note: every finding, what was checked and what could not be."""

    status: NoteStatus = Field(
        description="complete (every required element present and consistent), incomplete (at "
        "least one error) or indeterminate (facts or payer rules missing, no errors found)."
    )
    note_type: str | None = Field(description="Note type checked.")
    payer_program: str | None = Field(description="Payer program whose rules applied.")
    rules_known: bool = Field(description="Whether the payer's own rules are on file.")
    findings: tuple[Finding, ...] = Field(description="Every finding, errors first.")
    checked: tuple[str, ...] = Field(description="Elements checked and passed.")
    missing: tuple[str, ...] = Field(description="Facts needed to finish the check.")
    extracted: Extracted | None = Field(description="What the free-text parser found.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the verdict, the findings with fixes, and what is missing."""
        from tools.notes.render import render

        return render(self)
