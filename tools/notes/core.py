"""The documentation checker: merge the note's fields over what the text says, find the payer's
requirements, run the rule for every required element, and decide complete / incomplete /
indeterminate."""

from __future__ import annotations

from datetime import date
from typing import cast

from tools.notes.models import (
    EvaluationFindings,
    Extracted,
    NoteCheckRequest,
    NoteCheckResult,
    NoteStatus,
    PlanOfCareDates,
    ReevalReasons,
)
from tools.notes.parse import extract, relevant
from tools.notes.rules import CHECKS, Ctx, Facts
from tools.payers import match_payer
from tools.ruledata.documentation import NoteType, documentation_requirements
from tools.ruledata.tables import counting_methods

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_note(request: NoteCheckRequest) -> NoteCheckResult:
    """Check a therapy note (evaluation, daily note, progress report, re-evaluation, discharge).

    Use when a therapist asks whether a note will hold up: give it as fields or as free text. For
    Medicare the checker tests what the note type needs: interventions matched to billed codes,
    total timed and total treatment minutes, units consistent with the minutes (units tool),
    signature and credentials, a progress report every 10 treatment days by the therapist,
    certification within 30 days (and the 2025 signed-order exception), recertification every 90
    days, evaluation complexity and re-evaluation reasons (evaluation tools), goals and medical
    necessity. Each finding names its rule and source. For payers whose rules are not on file it
    says so. The status is never complete while a required fact is missing.
    """
    extracted = extract(request.text) if request.text else None
    facts = _merge(request, extracted)
    when = facts.dos or date.today()
    table = documentation_requirements()
    payer_row = None
    if request.payer or request.plan_type:
        payer_row = match_payer(
            counting_methods(), when, name=request.payer, plan_type=request.plan_type
        )
    program = payer_row.key if payer_row else None
    req_row = table.at(program, when) if program else None
    reference_only = req_row is None or not req_row.known
    fallback = table.require("medicare", when)
    rows = req_row if req_row is not None and req_row.known else fallback
    ctx = Ctx(
        facts=facts,
        when=when,
        requirements=rows,
        req_ref=table.ref(rows),
        reference_only=reference_only,
    )
    ctx.cite(ctx.req_ref)
    if facts.dos is None and request.date_of_service is None:
        ctx.need("the date of service (rules were read for today's date)")
    if not (request.payer or request.plan_type):
        ctx.need("the payer (e.g. --payer medicare): requirements differ by payer")
    elif req_row is None or not req_row.known:
        who = request.payer or request.plan_type
        ctx.need(
            f"{who}'s own documentation requirements (not on file): Medicare's are shown as a "
            "reference, not as this payer's rules"
        )
    if facts.note_type is None:
        ctx.need("the note type (evaluation, daily, progress, reevaluation or discharge)")
    else:
        for element in rows.elements(facts.note_type):
            CHECKS[element](ctx)
    if extracted is not None:
        for item in extracted.ambiguous:
            ctx.need(f"a single value for {item}")
        if facts.note_type is not None:
            wanted = rows.elements(facts.note_type)
            extracted = extracted.model_copy(
                update={"not_found": tuple(m for m in extracted.not_found if relevant(m, wanted))}
            )
    findings = sorted(ctx.findings, key=lambda f: _SEVERITY_ORDER[f.severity])
    errors = any(f.severity == "error" for f in findings)
    status: NoteStatus = (
        "incomplete" if errors else ("indeterminate" if ctx.missing else "complete")
    )
    return NoteCheckResult(
        status=status,
        note_type=facts.note_type,
        payer_program=program,
        rules_known=not reference_only,
        findings=tuple(findings),
        checked=tuple(ctx.passed),
        missing=tuple(ctx.missing),
        extracted=extracted,
        rule_data=tuple(ctx.refs.values()),
    )


def _merge(request: NoteCheckRequest, ex: Extracted | None) -> Facts:
    """Structured fields win; the parsed text fills what they leave empty."""
    billed = [(b.code, b.units, b.minutes, b.modifiers) for b in request.billed]
    if not billed and ex is not None:
        billed = [(b.code, b.units, b.minutes, ()) for b in ex.billed]
    interventions = [(i.description, i.code, i.minutes) for i in request.interventions]
    if not interventions and ex is not None:
        interventions = [(i.description, i.code, i.minutes) for i in ex.interventions]
    sig = request.signature
    poc = request.plan_of_care or PlanOfCareDates()
    if ex is not None:
        poc = poc.model_copy(
            update={
                "start_of_care": poc.start_of_care or ex.start_of_care,
                "certified_on": poc.certified_on or ex.certified_on,
                "recertified_on": poc.recertified_on or ex.recertified_on,
            }
        )
    poc_elements: tuple[str, ...] | None = (
        request.plan_of_care.elements if request.plan_of_care else None
    )
    if poc_elements is None and ex is not None:
        poc_elements = ex.poc_elements
    evaluation = request.evaluation
    if evaluation is None and ex is not None and ex.evaluation:
        evaluation = _evaluation_from_text(ex.evaluation)
    reeval = request.reevaluation
    if reeval is None and ex is not None and ex.reeval_reasons:
        reeval = ReevalReasons(**dict.fromkeys(ex.reeval_reasons, True))
    note_type = request.note_type or (cast(NoteType, ex.note_type) if ex and ex.note_type else None)
    return Facts(
        note_type=note_type,
        dos=request.date_of_service or (ex.date_of_service if ex else None),
        billed=billed,
        interventions=interventions,
        total_timed=_first(request.total_timed_minutes, ex.total_timed_minutes if ex else None),
        total_treatment=_first(
            request.total_treatment_minutes, ex.total_treatment_minutes if ex else None
        ),
        signer=(sig.name if sig else None) or (ex.signer if ex else None),
        credentials=(sig.credentials if sig else None) or (ex.credentials if ex else None),
        goals=request.goals or (ex.goals if ex else ()),
        goal_progress=request.goal_progress or (ex.goal_progress if ex else ()),
        necessity=request.medical_necessity or (ex.medical_necessity if ex else None),
        poc=poc,
        poc_elements=poc_elements,
        days_in_period=_first(
            request.treatment_days_in_period, ex.treatment_days_in_period if ex else None
        ),
        evaluation=evaluation,
        reeval=reeval,
    )


def _first(a: int | None, b: int | None) -> int | None:
    return a if a is not None else b


def _evaluation_from_text(found: dict[str, str]) -> EvaluationFindings:
    comorbid = found.get("comorbidities")
    modification = found.get("modification")
    if modification in {"minimal", "moderate", "minimal-to-moderate", "minimal to moderate"}:
        modification = "minimal_to_moderate"
    return EvaluationFindings.model_validate(
        {
            "history": found.get("history"),
            "deficits": int(found["deficits"]) if "deficits" in found else None,
            "decision": found.get("decision"),
            "comorbidities": (
                None
                if comorbid is None
                else ("present" if comorbid in {"present", "yes"} else "none")
            ),
            "modification": modification,
        }
    )
