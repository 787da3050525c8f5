"""The documentation rules: one function per required element, each with stable rule ids.

Which elements a note type needs comes from ``documentation_requirements.toml``; the numbers
(30, 14, 90, 10 days...) from ``plan_of_care.toml``; units from the units tool; evaluation and
re-evaluation verdicts from the evaluation tools. A rule that lacks a fact it needs records the
fact as missing instead of passing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tools.common import RuleRef
from tools.eval_complexity import (
    EvalComplexityRequest,
    ReevalRequest,
    check_eval_complexity,
    check_reevaluation,
)
from tools.notes.models import (
    EvaluationFindings,
    Finding,
    PlanOfCareDates,
    ReevalReasons,
    Severity,
)
from tools.notes.vocabulary import assistant_kind, codes_for, recognised
from tools.ruledata.documentation import DocRequirementRow, Element, NoteType
from tools.ruledata.loader import RuleTable
from tools.ruledata.tables import (
    ScalarRow,
    assistant_modifiers,
    codes,
    plan_of_care_rules,
    unit_table,
)
from tools.units import ServiceMinutes, UnitsRequest, band_units, calculate_units

RULES: dict[str, tuple[Element, str]] = {
    "DOC-DATE-01": ("date_of_service", "The note has a date of service."),
    "DOC-INTV-01": (
        "interventions_matched",
        "Every billed code matches a documented intervention.",
    ),
    "DOC-TIME-01": ("total_timed_minutes", "Total timed-code minutes are documented."),
    "DOC-TIME-02": ("total_treatment_minutes", "Total treatment minutes are documented."),
    "DOC-TIME-03": ("total_treatment_minutes", "Total treatment time is not below timed minutes."),
    "DOC-UNITS-01": (
        "units_consistent",
        "Timed units billed do not exceed what the minutes allow.",
    ),
    "DOC-UNITS-02": ("units_consistent", "Fewer timed units billed than the minutes support."),
    "DOC-UNITS-03": ("units_consistent", "Units per code follow the CMS allocation."),
    "DOC-UNITS-04": ("units_consistent", "Minutes per code add up to the total timed minutes."),
    "DOC-SIGN-01": ("signature", "The note is signed."),
    "DOC-CRED-01": ("credentials", "The signer's credentials are stated."),
    "DOC-CRED-02": ("credentials", "The credentials are recognised."),
    "DOC-AUTH-01": ("clinician_author", "Written by the therapist, not an assistant."),
    "DOC-ASST-01": ("assistant_modifier", "An assistant's note carries CO/CQ on its lines."),
    "DOC-ASST-02": ("assistant_modifier", "The assistant modifier matches the assistant."),
    "PR-INT-01": ("progress_report_interval", "A progress report is overdue (past day 10)."),
    "PR-INT-02": ("progress_report_interval", "A progress report is due today (day 10)."),
    "PR-INT-03": ("progress_report_interval", "This progress report came after day 10."),
    "POC-CERT-01": ("certification", "The plan of care is certified within 30 days."),
    "POC-CERT-02": ("certification", "The 2025 signed-order exception is met."),
    "POC-CERT-03": ("certification", "A verbal order is signed within 14 days."),
    "POC-CERT-04": ("certification", "A late certification is within the 30-day grace."),
    "POC-CERT-05": ("certification", "A certification later than the grace has a reason."),
    "POC-CERT-06": ("certification", "The plan is not yet certified but not yet due."),
    "POC-RECERT-01": ("recertification", "Recertified at least every 90 days."),
    "EVAL-01": ("eval_complexity", "The evaluation code billed is supported by the findings."),
    "EVAL-02": ("eval_complexity", "The findings support a higher evaluation code."),
    "EVAL-03": ("eval_complexity", "An evaluation documents at least one performance deficit."),
    "REEVAL-01": ("reeval_justification", "The re-evaluation has a covered reason."),
    "GOAL-01": ("goals", "The note states goals."),
    "GOAL-02": ("goal_quality", "Each goal is measurable."),
    "GOAL-03": ("goal_quality", "Each goal is functional."),
    "GOAL-04": ("goal_quality", "Each goal is time-bound."),
    "GOAL-05": ("goal_progress", "The note states progress toward the goals."),
    "MEDNEC-01": ("medical_necessity", "The note states why skilled therapy is needed."),
    "POC-ELEM-01": ("plan_of_care_elements", "The plan of care has all its elements."),
}
"""Every rule id, the element it checks and what it asks. Tests hold a case for each."""

SOC_NEEDED = "the start of care (first treatment day), to check certification and recertification"
POC_ELEMENTS = ("diagnoses", "long_term_goals", "type", "amount", "frequency", "duration")
EVAL_CODES = {"97165": 1, "97166": 2, "97167": 3}
_MEASURABLE = re.compile(
    r"\d|\bindependent(?:ly)?\b|\b(?:min(?:imal)?|mod(?:erate)?|max(?:imal)?)\s*(?:\(?A\)?|assist"
    r"\w*)|\bsupervision\b|\bset-?up\b|\bCGA\b|\bcontact\s+guard\b|\bstand[- ]by\b|\bSBA\b|"
    r"\bwithout\s+(?:cues|assist\w*)",
    re.IGNORECASE,
)
_FUNCTIONAL = re.compile(
    r"\b(?:dress\w*|don\w*|doff\w*|bath\w*|shower\w*|toilet\w*|groom\w*|feed\w*|eat\w*|cook\w*|"
    r"meal\w*|laundry|writ\w*|handwriting|typ\w*|school|work|job|driv\w*|transfer\w*|"
    r"bed\s+mobility|home\s+management|hygiene|brush\w*|button\w*|zip\w*|self[- ]care|ADLs?|"
    r"IADLs?|play\w*|community|shop\w*|medication\w*|money|phone|clean\w*|utensil\w*|"
    r"fasten\w*|tie\w*|cut\w*|scissors|open\w*|carry\w*|reach\w*|lift\w*|participat\w*|"
    r"occupation\w*)\b",
    re.IGNORECASE,
)
_TIME_BOUND = re.compile(
    r"\b(?:within|in|by|after|over)\s+(?:\d+|one|two|three|four|five|six|eight|ten|twelve)\s+"
    r"(?:days?|weeks?|wks?|months?|visits?|sessions?|treatments?)\b|\bby\s+\d{1,2}/\d{1,2}|"
    r"\bby\s+(?:discharge|d/c|the\s+end\s+of|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))|"
    r"\b(?:at|upon)\s+discharge\b|\b\d+\s*(?:weeks?|wks?|visits)\b",
    re.IGNORECASE,
)


@dataclass
class Facts:
    """The note after merging the structured fields over the parsed text."""

    note_type: NoteType | None
    dos: date | None
    billed: list[tuple[str, int | None, int | None, tuple[str, ...]]]
    interventions: list[tuple[str, str | None, int | None]]
    total_timed: int | None
    total_treatment: int | None
    signer: str | None
    credentials: str | None
    goals: tuple[str, ...]
    goal_progress: tuple[str, ...]
    necessity: str | None
    poc: PlanOfCareDates
    poc_elements: tuple[str, ...] | None
    days_in_period: int | None
    evaluation: EvaluationFindings | None
    reeval: ReevalReasons | None


@dataclass
class Ctx:
    """Where rules put their findings, passes, gaps and the rule rows they used."""

    facts: Facts
    when: date
    requirements: DocRequirementRow
    req_ref: RuleRef
    reference_only: bool
    findings: list[Finding] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    refs: dict[tuple[str, str, date], RuleRef] = field(default_factory=dict)

    def cite(self, ref: RuleRef) -> RuleRef:
        self.refs.setdefault((ref.table, ref.key, ref.effective_from), ref)
        return ref

    def add(
        self,
        rule_id: str,
        severity: Severity,
        message: str,
        fix: str,
        refs: tuple[RuleRef, ...] = (),
    ) -> None:
        """Record a finding; with the payer's rules unknown, Medicare errors become warnings."""
        element = RULES[rule_id][0]
        if self.reference_only and severity == "error":
            severity = "warning"
            message = "Medicare rule (your payer's own rule is not on file): " + message
        self.findings.append(
            Finding(
                rule_id=rule_id,
                element=element,
                severity=severity,
                message=message,
                fix=fix,
                sources=(self.cite(self.req_ref), *(self.cite(r) for r in refs)),
            )
        )

    def need(self, what: str) -> None:
        if what not in self.missing:
            self.missing.append(what)

    def ok(self, element: str) -> None:
        if element not in self.passed:
            self.passed.append(element)

    def poc_value(self, key: str) -> tuple[ScalarRow, RuleRef] | None:
        table: RuleTable[ScalarRow] = plan_of_care_rules()
        row = table.at(key, self.when)
        if row is None:
            self.need(f"the plan-of-care rule {key!r} for {self.when}")
            return None
        return row, self.cite(table.ref(row))


def _date(ctx: Ctx) -> None:
    if ctx.facts.dos is None:
        ctx.add(
            "DOC-DATE-01",
            "error",
            "The note has no date of service.",
            "Write the date of treatment (e.g. 'DOS: 03/02/2026').",
        )
    else:
        ctx.ok("date_of_service")


def _family(code: str) -> set[str]:
    """A code with its primary or add-on partner (97129/97130, 97550/97551, 97545/97546)."""
    table = codes()
    out = {code}
    for row in table.rows:
        if row.addon_of == code:
            out.add(row.key)
        if row.key == code and row.addon_of:
            out.add(row.addon_of)
    return out


def _interventions(ctx: Ctx) -> None:
    f = ctx.facts
    if not f.billed:
        ctx.need("the codes billed for the visit (to match them to the interventions)")
        return
    documented: set[str] = set()
    for description, code, _ in f.interventions:
        if code:
            documented.add(code)
        documented.update(codes_for(description))
    unmatched = [c for c, *_ in f.billed if not (_family(c) & documented)]
    for code in dict.fromkeys(unmatched):
        row = codes().at(code, ctx.when)
        label = row.label if row else code
        ctx.add(
            "DOC-INTV-01",
            "error",
            f"{code} ({label}) is billed, but no documented intervention matches it.",
            f"Describe the {label} provided (what, why it needed a therapist's skill) in words "
            f"that match {code}, or remove the code.",
        )
    if not unmatched:
        ctx.ok("interventions_matched")


def _timed_billed(ctx: Ctx) -> list[tuple[str, int | None, int | None]]:
    table = codes()
    out = []
    for code, units, minutes, _ in ctx.facts.billed:
        row = table.at(code, ctx.when)
        if row is not None and row.timed:
            out.append((code, units, minutes))
    return out


def _total_timed(ctx: Ctx) -> None:
    if ctx.facts.total_timed is None:
        ctx.add(
            "DOC-TIME-01",
            "error",
            "Total timed-code treatment minutes are not documented.",
            "Add 'Total timed minutes: N' (minutes of the 15-minute timed codes); the billed "
            "units must agree with it.",
        )
    else:
        ctx.ok("total_timed_minutes")


def _total_treatment(ctx: Ctx) -> None:
    f = ctx.facts
    if f.total_treatment is None:
        ctx.add(
            "DOC-TIME-02",
            "error",
            "Total treatment time (timed plus untimed minutes) is not documented.",
            "Add 'Total treatment time: N min' (timed and untimed services; not rest or waiting).",
        )
        return
    if f.total_timed is not None and f.total_treatment < f.total_timed:
        ctx.add(
            "DOC-TIME-03",
            "error",
            f"Total treatment time ({f.total_treatment} min) is less than the total timed "
            f"minutes ({f.total_timed} min).",
            "Correct one of the two: treatment time includes every timed minute.",
        )
        return
    ctx.ok("total_treatment_minutes")


def _units(ctx: Ctx) -> None:
    f = ctx.facts
    timed = _timed_billed(ctx)
    if not timed:
        if f.billed:
            ctx.ok("units_consistent")
        else:
            ctx.need("the codes and units billed (to compare units with minutes)")
        return
    if any(units is None for _, units, _ in timed):
        ctx.need("units billed for " + ", ".join(c for c, u, _ in timed if u is None))
        return
    if f.total_timed is None:
        ctx.need("total timed minutes (to check the billed units)")
        return
    table = unit_table()
    row = table.require("cms", ctx.when)
    ref = ctx.cite(table.ref(row))
    allowed = band_units(f.total_timed, row)
    billed = sum(u or 0 for _, u, _ in timed)
    ok = True
    if billed > allowed:
        ok = False
        ctx.add(
            "DOC-UNITS-01",
            "error",
            f"{billed} timed units are billed, but {f.total_timed} total timed minutes support "
            f"only {allowed} (CMS s20.2 table).",
            f"Bill {allowed} timed units, or document the minutes that support more.",
            (ref,),
        )
    elif billed < allowed:
        ctx.add(
            "DOC-UNITS-02",
            "info",
            f"{f.total_timed} total timed minutes support {allowed} timed units; {billed} billed.",
            "Check for a missed unit (under-billing is not an error).",
            (ref,),
        )
    per_code = _minutes_per_code(ctx, timed)
    if per_code:
        summed = sum(per_code.values())
        if summed != f.total_timed:
            ok = False
            ctx.add(
                "DOC-UNITS-04",
                "warning",
                f"Minutes per code add up to {summed}, but the total timed minutes say "
                f"{f.total_timed}.",
                "Make the per-code minutes and the total agree.",
                (ref,),
            )
        result = calculate_units(
            UnitsRequest(
                services=tuple(ServiceMinutes(code=c, minutes=m) for c, m in per_code.items()),
                method="cms",
                date_of_service=ctx.when,
            )
        )
        if result.status == "ok":
            expected = result.units_by_code
            given = {c: u or 0 for c, u, _ in timed}
            allowed_allocs = [expected, *result.alternatives]
            if not any(all(a.get(c, 0) == n for c, n in given.items()) for a in allowed_allocs):
                ok = False
                want = ", ".join(f"{c} x{n}" for c, n in expected.items())
                ctx.add(
                    "DOC-UNITS-03",
                    "warning",
                    f"Units per code differ from the CMS allocation of these minutes ({want}).",
                    "Allocate units as the units tool shows (`otbill units --payer medicare`).",
                    tuple(ctx.cite(r) for r in result.rule_data),
                )
    if ok:
        ctx.ok("units_consistent")


def _minutes_per_code(ctx: Ctx, timed: list[tuple[str, int | None, int | None]]) -> dict[str, int]:
    """Minutes per billed timed code, from the billed lines or else from the interventions."""
    per: dict[str, int] = {}
    for code, _, minutes in timed:
        if minutes is not None:
            per[code] = per.get(code, 0) + minutes
    if len(per) == len({c for c, *_ in timed}):
        return per
    per = {}
    for description, named, minutes in ctx.facts.interventions:
        if minutes is None:
            continue
        found = [named] if named else codes_for(description)
        hits = [c for c in found if c in {t[0] for t in timed}]
        if len(hits) == 1:
            per[hits[0]] = per.get(hits[0], 0) + minutes
    return per if len(per) == len({c for c, *_ in timed}) else {}


def _signature(ctx: Ctx) -> None:
    if not ctx.facts.signer:
        ctx.add(
            "DOC-SIGN-01",
            "error",
            "The note is not signed.",
            "Sign it with your name and credentials (and the names of everyone who contributed).",
        )
    else:
        ctx.ok("signature")


def _credentials(ctx: Ctx) -> None:
    creds = ctx.facts.credentials
    if not creds:
        ctx.add(
            "DOC-CRED-01",
            "error",
            "The signer's professional credentials are not stated.",
            "Add them after the name, e.g. 'Jane Doe, OTR/L' or 'Sam Lee, COTA/L'.",
        )
    elif not recognised(creds):
        ctx.add(
            "DOC-CRED-02",
            "warning",
            f"{creds!r} is not a therapy credential this checker knows.",
            "Use the licensed credential (OTR/L, OT, COTA/L, PT, PTA, SLP, ...).",
        )
    else:
        ctx.ok("credentials")


def _author(ctx: Ctx) -> None:
    kind = assistant_kind(ctx.facts.credentials)
    if kind is None:
        if ctx.facts.credentials:
            ctx.ok("clinician_author")
        return
    found = ctx.poc_value("progress_report_treatment_days")
    refs = (found[1],) if found else ()
    what = ctx.facts.note_type or "note"
    ctx.add(
        "DOC-AUTH-01",
        "error",
        f"This {what} is signed by an assistant ({ctx.facts.credentials}); evaluations, "
        "re-evaluations, progress reports and discharge notes must be written by the therapist.",
        "Have the supervising therapist write and sign it (an assistant may contribute data).",
        refs,
    )


def _assistant_modifier(ctx: Ctx) -> None:
    kind = assistant_kind(ctx.facts.credentials)
    if kind not in {"OTA", "PTA"}:
        if ctx.facts.credentials:
            ctx.ok("assistant_modifier")
        return
    table = assistant_modifiers()
    rows = [r for r in table.in_force(ctx.when) if r.assistant == kind]
    if not rows:
        ctx.ok("assistant_modifier")
        return
    row = rows[0]
    ref = ctx.cite(table.ref(row))
    mods = {m for *_, ms in ctx.facts.billed for m in ms}
    other = {"OTA": "CQ", "PTA": "CO"}[kind]
    if other in mods:
        ctx.add(
            "DOC-ASST-02",
            "error",
            f"An {kind} signed the note, but the lines carry {other}, the modifier of the other "
            "assistant.",
            f"Use {row.key} (with {row.discipline_modifier}) for services of an {kind}.",
            (ref,),
        )
    elif ctx.facts.billed and row.key not in mods:
        ctx.add(
            "DOC-ASST-01",
            "warning",
            f"An {kind} signed the note, but no line carries {row.key}.",
            f"Add {row.key} to every line the {kind} furnished in whole or in more than "
            f"{row.de_minimis_percent}% part; it is paid at {row.payment_percent}%.",
            (ref,),
        )
    else:
        ctx.ok("assistant_modifier")


def _progress_interval(ctx: Ctx) -> None:
    found = ctx.poc_value("progress_report_treatment_days")
    days = ctx.facts.days_in_period
    if found is None:
        return
    row, ref = found
    limit = int(row.value)
    if days is None:
        ctx.need(
            "the treatment day of the current progress-report period (e.g. 'visit 6 since last "
            "progress report'), to check the 10-treatment-day interval"
        )
        return
    if ctx.facts.note_type == "progress":
        if days > limit:
            ctx.add(
                "PR-INT-03",
                "error",
                f"This progress report covers {days} treatment days; one is required at least "
                f"every {limit}.",
                "Write progress reports at or before the 10th treatment day of each period.",
                (ref,),
            )
            return
    elif days > limit:
        ctx.add(
            "PR-INT-01",
            "error",
            f"Treatment day {days} of the reporting period: a progress report was due by "
            f"treatment day {limit}.",
            "Write the progress report (the therapist, not an assistant) before billing more "
            "visits.",
            (ref,),
        )
        return
    elif days == limit:
        ctx.add(
            "PR-INT-02",
            "warning",
            f"Treatment day {limit} of the reporting period: the progress report is due today.",
            "Write the progress report today, or make this note one.",
            (ref,),
        )
        return
    ctx.ok("progress_report_interval")


def _start_of_care(ctx: Ctx) -> date | None:
    soc = ctx.facts.poc.start_of_care
    if soc is None and ctx.facts.note_type == "evaluation" and ctx.facts.dos is not None:
        return ctx.facts.dos
    return soc


def _certification(ctx: Ctx) -> None:
    poc = ctx.facts.poc
    soc = _start_of_care(ctx)
    if soc is None:
        ctx.need(SOC_NEEDED)
        return
    cert = ctx.poc_value("initial_certification_days")
    verbal = ctx.poc_value("verbal_order_signature_days")
    grace = ctx.poc_value("delayed_certification_grace_days")
    if cert is None or verbal is None or grace is None:
        return
    due = soc + timedelta(days=int(cert[0].value))
    when = ctx.when
    refs = (cert[1],)
    if poc.certified_on is not None:
        if poc.verbal_order_on is not None:
            signed_by = poc.verbal_order_on + timedelta(days=int(verbal[0].value))
            if poc.certified_on > signed_by:
                ctx.add(
                    "POC-CERT-03",
                    "error",
                    f"The verbal order of {poc.verbal_order_on} was signed on {poc.certified_on}, "
                    f"after the {int(verbal[0].value)} days allowed ({signed_by}).",
                    "Document the reason for the late signature with the certification.",
                    (verbal[1],),
                )
                return
        if poc.certified_on <= due or (
            poc.verbal_order_on is not None and poc.verbal_order_on <= due
        ):
            ctx.ok("certification")
            return
        late = (poc.certified_on - due).days
        if late <= int(grace[0].value):
            ctx.add(
                "POC-CERT-04",
                "warning",
                f"The plan was certified on {poc.certified_on}, {late} days after it was due "
                f"({due}); CMS accepts a delay of up to {int(grace[0].value)} days without a "
                "stated reason.",
                "Keep the signed certification with the record.",
                (grace[1],),
            )
            return
        if not poc.delay_reason:
            ctx.add(
                "POC-CERT-05",
                "error",
                f"The plan was certified on {poc.certified_on}, {late} days after it was due "
                f"({due}), with no reason for the delay.",
                "Document why the certification was late (a delayed certification needs its "
                "reason).",
                (grace[1],),
            )
            return
        ctx.ok("certification")
        return
    if poc.verbal_order_on is not None:
        signed_by = poc.verbal_order_on + timedelta(days=int(verbal[0].value))
        if when > signed_by:
            ctx.add(
                "POC-CERT-03",
                "error",
                f"A verbal order was given on {poc.verbal_order_on}, but no signed certification "
                f"is on file {int(verbal[0].value)} days later ({signed_by}).",
                "Get the physician/NPP's signature on the plan of care.",
                (verbal[1],),
            )
        else:
            ctx.ok("certification")
        return
    exception = _exception(ctx, soc)
    if exception is not None:
        if exception:
            ctx.ok("certification")
        return
    if when <= due:
        ctx.add(
            "POC-CERT-06",
            "warning",
            f"The plan of care is not yet certified; the signature is due by {due} (30 days from "
            f"the start of care {soc}).",
            "Send the plan to the physician/NPP for signature (or keep the signed order and proof "
            "the plan was sent, from 2025).",
            refs,
        )
        return
    ctx.add(
        "POC-CERT-01",
        "error",
        f"No certification of the plan of care is on file and it was due by {due} (30 days from "
        f"the start of care {soc}).",
        "Obtain the signed certification, document the reason for the delay, or (from 2025) "
        "keep the signed order and proof the plan was sent within 30 days.",
        refs,
    )


def _exception(ctx: Ctx, soc: date) -> bool | None:
    """The 2025 signed-order exception: None when it does not apply, True when met."""
    poc = ctx.facts.poc
    table = plan_of_care_rules()
    row = table.at("signed_order_exception", ctx.when)
    if row is None or not poc.signed_order_on_file:
        return None
    ref = ctx.cite(table.ref(row))
    window = ctx.poc_value("initial_certification_days")
    days = int(window[0].value) if window else 30
    sent = poc.sent_to_practitioner_on
    if sent is None:
        ctx.need("the date the plan of care was sent to the referring practitioner")
        return False
    if sent <= soc + timedelta(days=days):
        ctx.add(
            "POC-CERT-02",
            "info",
            f"Signed order on file and the plan was sent on {sent}, within {days} days of the "
            f"start of care: the 2025 exception meets the initial certification requirement.",
            "Keep the signed order and the proof of sending in the record.",
            (ref,),
        )
        return True
    return None


def _recertification(ctx: Ctx) -> None:
    poc = ctx.facts.poc
    soc = _start_of_care(ctx)
    if soc is None:
        ctx.need(SOC_NEEDED)
        return
    found = ctx.poc_value("recertification_days")
    if found is None:
        return
    row, ref = found
    span = timedelta(days=int(row.value))
    start = poc.recertified_on or soc
    end = start + span
    if poc.certified_through is not None and poc.recertified_on is None:
        end = min(end, poc.certified_through + timedelta(days=1))
    if ctx.when >= end:
        ctx.add(
            "POC-RECERT-01",
            "error",
            f"The certified period ended on {end - timedelta(days=1)} (at most {int(row.value)} "
            f"days from {start}); no later recertification is on file. The 2025 signed-order "
            "exception does not cover recertification.",
            "Get the plan recertified by the physician/NPP (or give its date).",
            (ref,),
        )
        return
    ctx.ok("recertification")


def _eval(ctx: Ctx) -> None:
    f = ctx.facts
    billed = [c for c, *_ in f.billed if c in EVAL_CODES]
    ev = f.evaluation
    if ev is not None and ev.deficits is not None and ev.deficits < 1:
        ctx.add(
            "EVAL-03",
            "error",
            "The evaluation documents no performance deficit.",
            "Document the deficits (physical, cognitive, psychosocial) that limit activities.",
        )
        return
    gaps = [
        name
        for name in ("history", "deficits", "decision")
        if ev is None or getattr(ev, name) is None
    ]
    if gaps:
        ctx.need("evaluation components: " + ", ".join(gaps))
        return
    if not billed:
        ctx.need("the evaluation code billed (97165, 97166 or 97167)")
        return
    assert ev is not None
    assert ev.history is not None
    assert ev.deficits is not None
    assert ev.decision is not None
    result = check_eval_complexity(
        EvalComplexityRequest(
            history=ev.history,
            deficits=ev.deficits,
            decision=ev.decision,
            comorbidities=ev.comorbidities,
            modification=ev.modification,
            date_of_service=ctx.when,
        )
    )
    if result.status != "ok" or result.code is None:
        ctx.need("the evaluation level table for " + str(ctx.when))
        return
    refs = tuple(ctx.cite(r) for r in result.rule_data)
    code = billed[0]
    if EVAL_CODES[code] > EVAL_CODES[result.code]:
        ctx.add(
            "EVAL-01",
            "error",
            f"{code} is billed, but the documented findings support {result.code} "
            f"({result.level}); limited by {', '.join(result.limited_by)}.",
            "Bill the supported code, or document what the higher level needs: "
            + "; ".join(result.to_support_higher or ("the higher level's components",)),
            refs,
        )
        return
    if EVAL_CODES[code] < EVAL_CODES[result.code]:
        ctx.add(
            "EVAL-02",
            "info",
            f"{code} is billed; the findings support {result.code} ({result.level}).",
            "Check the code: Medicare pays the three levels the same, other payers may not.",
            refs,
        )
    ctx.ok("eval_complexity")


def _reeval(ctx: Ctx) -> None:
    r = ctx.facts.reeval
    if r is None:
        ctx.need(
            "the reason for the re-evaluation (new clinical findings, significant change, "
            "failure to respond, or routine)"
        )
        return
    result = check_reevaluation(
        ReevalRequest(
            new_clinical_findings=r.new_clinical_findings,
            significant_change=r.significant_change,
            failure_to_respond=r.failure_to_respond,
            routine=r.routine,
            payer="medicare",
            date_of_service=ctx.when,
        )
    )
    refs = tuple(ctx.cite(x) for x in result.rule_data)
    if result.status == "ok" and not result.supported:
        ctx.add(
            "REEVAL-01",
            "error",
            "The re-evaluation has no covered reason: " + " ".join(result.reasons[:2]),
            "Document the new clinical findings, the significant change, or the failure to "
            "respond that made it necessary; otherwise do not bill 97168.",
            refs,
        )
        return
    ctx.ok("reeval_justification")


def _goals(ctx: Ctx) -> None:
    if not ctx.facts.goals:
        ctx.add(
            "GOAL-01",
            "error",
            "The note states no goals.",
            "Write long-term goals for the episode (and short-term goals): measurable, "
            "functional, with a time frame.",
        )
    else:
        ctx.ok("goals")


def _goal_quality(ctx: Ctx) -> None:
    goals = ctx.facts.goals
    if not goals:
        return
    ok = True
    for i, goal in enumerate(goals, 1):
        short = goal if len(goal) <= 60 else goal[:57] + "..."
        if not _MEASURABLE.search(_TIME_BOUND.sub(" ", goal)):
            ok = False
            ctx.add(
                "GOAL-02",
                "warning",
                f"Goal {i} ('{short}') has no measure (a level of assistance, a number, a "
                "percent).",
                "State how success is measured, e.g. 'with set-up only' or '3 of 4 trials'.",
            )
        if not _FUNCTIONAL.search(goal):
            ok = False
            ctx.add(
                "GOAL-03",
                "warning",
                f"Goal {i} ('{short}') names no functional activity (dressing, writing, "
                "transfers...).",
                "Tie the goal to an occupation or activity the impairment limits.",
            )
        if not _TIME_BOUND.search(goal):
            ok = False
            ctx.add(
                "GOAL-04",
                "warning",
                f"Goal {i} ('{short}') has no time frame.",
                "Add when it should be met, e.g. 'within 4 weeks' or 'by discharge'.",
            )
    if ok:
        ctx.ok("goal_quality")


def _goal_progress(ctx: Ctx) -> None:
    if not ctx.facts.goal_progress:
        ctx.add(
            "GOAL-05",
            "error",
            "The note does not state progress toward the goals.",
            "For each goal, state whether it is met, partly met or not met, with the measure.",
        )
    else:
        ctx.ok("goal_progress")


def _necessity(ctx: Ctx) -> None:
    if not ctx.facts.necessity:
        ctx.add(
            "MEDNEC-01",
            "error",
            "The note does not state why the patient needs skilled therapy.",
            "Explain why a therapist's skills are needed (complexity, safety, expected gains) and "
            "how the services relate to the functional deficits.",
        )
    else:
        ctx.ok("medical_necessity")


def _poc_elements(ctx: Ctx) -> None:
    have = ctx.facts.poc_elements
    if have is None:
        ctx.need(
            "the plan-of-care elements present (diagnoses, goals, type, amount, frequency, "
            "duration)"
        )
        return
    gaps = [e for e in POC_ELEMENTS if e not in have]
    if gaps:
        ctx.add(
            "POC-ELEM-01",
            "error",
            "The plan of care lacks: " + ", ".join(g.replace("_", " ") for g in gaps) + ".",
            "A plan of care states diagnoses, long-term goals, and the type, amount, frequency "
            "and duration of therapy.",
        )
    else:
        ctx.ok("plan_of_care_elements")


CHECKS: dict[Element, Callable[[Ctx], None]] = {
    "date_of_service": _date,
    "interventions_matched": _interventions,
    "total_timed_minutes": _total_timed,
    "total_treatment_minutes": _total_treatment,
    "units_consistent": _units,
    "signature": _signature,
    "credentials": _credentials,
    "clinician_author": _author,
    "assistant_modifier": _assistant_modifier,
    "progress_report_interval": _progress_interval,
    "certification": _certification,
    "recertification": _recertification,
    "eval_complexity": _eval,
    "reeval_justification": _reeval,
    "goals": _goals,
    "goal_quality": _goal_quality,
    "goal_progress": _goal_progress,
    "medical_necessity": _necessity,
    "plan_of_care_elements": _poc_elements,
}
"""The check for each element the requirements table can name."""
