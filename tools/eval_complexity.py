"""Which OT evaluation code (97165/97166/97167) the findings support; re-evaluation 97168.

The code is the highest level that every component reaches: history, performance deficits and
clinical decision making (with comorbidities and task modification, which belong to decision
making). The level table is data (``eval_complexity.toml``); this module only compares.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from tools.common import Frozen, Request, RuleRef, Status
from tools.payers import PlanType
from tools.ruledata.tables import EvalLevelRow, eval_levels, reeval_rules

History = Literal["brief", "expanded", "extensive"]
Decision = Literal["low", "moderate", "high"]
Comorbidities = Literal["none", "present"]
Modification = Literal["none", "minimal_to_moderate", "significant"]

_HISTORY_RANK = {"brief": 1, "expanded": 2, "extensive": 3}
_DECISION_RANK = {"low": 1, "moderate": 2, "high": 3}
_MOD_RANK = {"none": 1, "minimal_to_moderate": 2, "significant": 3}
_COMORBID_NEED = {"none": 0, "may": 0, "present": 1}


class EvalComplexityRequest(Request):
    """The documented findings of an OT initial evaluation."""

    history: History = Field(
        description="Occupational profile and history: brief (records on the presenting problem), "
        "expanded (plus physical, cognitive or psychosocial history), or extensive."
    )
    deficits: int | None = Field(
        default=None,
        ge=1,
        le=60,
        description="Number of performance deficits (physical, cognitive or psychosocial skills) "
        "that limit activity or participation. Give this or deficits_level.",
    )
    deficits_level: Decision | None = Field(
        default=None,
        description="The deficits as a level (low, moderate or high) when the therapist judged "
        "them so but gave no count. Give this or deficits.",
    )
    decision: Decision = Field(description="Clinical decision making: low, moderate or high.")
    comorbidities: Comorbidities | None = Field(
        default=None,
        description="Comorbidities affecting occupational performance: none or present. Omit if "
        "not documented.",
    )
    modification: Modification | None = Field(
        default=None,
        description="Task modification or assistance needed to complete the evaluation: none, "
        "minimal_to_moderate or significant. Omit if not documented.",
    )
    date_of_service: date = Field(default_factory=date.today, description="Date of the evaluation.")

    @model_validator(mode="after")
    def _one_deficit_finding(self) -> EvalComplexityRequest:
        if (self.deficits is None) == (self.deficits_level is None):
            raise ValueError("give exactly one of deficits (a count) or deficits_level")
        return self


class ComponentResult(Frozen):
    """How far one component reaches."""

    component: str = Field(description="Component name.")
    given: str = Field(description="What was documented.")
    reaches: str = Field(description="Highest level this component supports.")
    explanation: str = Field(description="Why, in plain words.")


class EvalComplexityResult(Frozen):
    """The evaluation code the findings support, the limiting component and how to support more."""

    status: Status = Field(description="ok, or indeterminate when no level table is in force.")
    code: str | None = Field(description="97165, 97166 or 97167.")
    level: str | None = Field(description="low, moderate or high.")
    components: tuple[ComponentResult, ...] = Field(description="Each component's reach.")
    limited_by: tuple[str, ...] = Field(description="Components that set the level.")
    to_support_higher: tuple[str, ...] = Field(
        description="Documentation that would support the next level, if the findings are there."
    )
    working: tuple[str, ...] = Field(description="The comparison in plain words.")
    notes: tuple[str, ...] = Field(description="Billing notes (untimed, one per day, ...).")
    missing: tuple[str, ...] = Field(description="What is needed when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the answer, the components and the advice."""
        if self.status != "ok":
            return "Cannot decide: " + "; ".join(self.missing)
        out = [f"Supported code: {self.code} ({self.level} complexity)", ""]
        out += [
            f"  {c.component:<28} {c.given:<22} reaches {c.reaches:<9} {c.explanation}"
            for c in self.components
        ]
        out += ["", f"Limited by: {', '.join(self.limited_by)}"]
        if self.to_support_higher:
            out += ["To support a higher level, the record would need:"]
            out += [f"  - {s}" for s in self.to_support_higher]
        out += ["", "Notes:"] + [f"  - {n}" for n in self.notes]
        return "\n".join(out)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _reach(levels: list[EvalLevelRow], ok: dict[str, bool]) -> EvalLevelRow | None:
    """Highest level whose requirement holds (ok maps level code to pass/fail)."""
    passing = [row for row in levels if ok[row.key]]
    return max(passing, key=lambda r: r.rank) if passing else None


def check_eval_complexity(request: EvalComplexityRequest) -> EvalComplexityResult:
    """Decide which OT evaluation code (97165 low, 97166 moderate, 97167 high) the findings support.

    Use when a therapist describes an initial OT evaluation (history depth, number of
    performance deficits, clinical decision making, and optionally comorbidities and task
    modification) and asks which complexity level to bill. The code is the highest level every
    component reaches; the result names the limiting component and what would support more.
    """
    table = eval_levels()
    levels = sorted(table.in_force(request.date_of_service), key=lambda r: r.rank)
    if len(levels) != 3:
        return EvalComplexityResult(
            status="indeterminate",
            code=None,
            level=None,
            components=(),
            limited_by=(),
            to_support_higher=(),
            working=(),
            notes=(),
            missing=(f"the OT evaluation level table for {request.date_of_service} (from 2017)",),
            rule_data=(),
        )
    by_rank = {row.rank: row for row in levels}
    comps: list[tuple[str, str, EvalLevelRow, str]] = []

    hist = _reach(
        levels, {r.key: _HISTORY_RANK[request.history] >= _HISTORY_RANK[r.history] for r in levels}
    )
    assert hist is not None  # brief history always reaches low
    comps.append(
        (
            "occupational profile and history",
            request.history,
            hist,
            f"{_article(request.history)} {request.history} history supports up to {hist.level}",
        )
    )

    if request.deficits is not None:
        count = request.deficits
        defi = _reach(levels, {r.key: count >= r.deficits_min for r in levels})
        assert defi is not None  # at least one deficit always reaches low
        span = [
            f"{r.level} {r.deficits_min}-{r.deficits_max or 'more'}"
            for r in levels
            if count >= r.deficits_min and (r.deficits_max is None or count <= r.deficits_max)
        ]
        given, why = str(count), f"{count} fits {', '.join(span)}; it reaches {defi.level}"
    else:
        # a level said without a count reaches that level, no further; the count must still
        # be in the record, so the note names the table's range for that level
        said = request.deficits_level
        defi = next(r for r in levels if r.level == said)
        given = f"{said} (no count)"
        why = (
            f"taken as {said}, which the table puts at {defi.deficits_min}-"
            f"{defi.deficits_max or 'more'} deficits; document the count"
        )
    comps.append(("performance deficits", given, defi, why))

    dec = _reach(
        levels,
        {r.key: _DECISION_RANK[request.decision] >= _DECISION_RANK[r.decision] for r in levels},
    )
    assert dec is not None
    comps.append(
        (
            "clinical decision making",
            request.decision,
            dec,
            f"{request.decision} decision making supports up to {dec.level}",
        )
    )

    notes = [
        "Evaluation codes are untimed: bill one unit whatever the evaluation took; the typical "
        "times (30, 45, 60 minutes) are not thresholds.",
        "Only one OT evaluation or re-evaluation (97165-97168) per date of service (NCCI).",
    ]
    if request.comorbidities is not None:
        have = 1 if request.comorbidities == "present" else 0
        com = _reach(levels, {r.key: have >= _COMORBID_NEED[r.comorbidities] for r in levels})
        assert com is not None
        comps.append(
            (
                "comorbidities (decision making)",
                request.comorbidities,
                com,
                "high complexity needs comorbidities that affect occupational performance"
                if com.rank < 3
                else "comorbidities documented",
            )
        )
    else:
        notes.append(
            "Comorbidities were not given: document them, since high complexity needs "
            "comorbidities that affect occupational performance."
        )
    if request.modification is not None:
        mod = _reach(
            levels,
            {r.key: _MOD_RANK[request.modification] >= _MOD_RANK[r.modification] for r in levels},
        )
        assert mod is not None
        comps.append(
            (
                "task modification (decision making)",
                request.modification,
                mod,
                f"{request.modification.replace('_', ' ')} modification supports up to {mod.level}",
            )
        )
    else:
        notes.append(
            "Task modification or assistance during the evaluation was not given: "
            "moderate needs minimal to moderate, high needs significant."
        )

    level = min((c[2] for c in comps), key=lambda r: r.rank)
    limited = tuple(name for name, _, row, _ in comps if row.rank == level.rank)
    advice: list[str] = []
    if level.rank < 3:
        nxt = by_rank[level.rank + 1]
        for name, _given, row, _ in comps:
            if row.rank >= nxt.rank:
                continue
            if name.startswith("occupational"):
                advice.append(
                    f"an {nxt.history} occupational profile and history "
                    f"(for {nxt.key}, {nxt.level})"
                )
            elif name.startswith("performance"):
                advice.append(
                    f"at least {nxt.deficits_min} documented performance deficits (for {nxt.key})"
                )
            elif name.startswith("clinical"):
                advice.append(
                    f"{nxt.decision} clinical decision making: more assessments analysed "
                    f"and treatment options weighed (for {nxt.key})"
                )
            elif name.startswith("comorbidities"):
                advice.append(f"comorbidities that affect occupational performance (for {nxt.key})")
            else:
                advice.append(
                    f"{nxt.modification.replace('_', ' ')} modification of tasks or "
                    f"assistance during the evaluation (for {nxt.key})"
                )
    working = [f"{c[0]}: {c[3]}." for c in comps]
    working.append(
        f"The code is the highest level every component reaches: {level.level}, so {level.key}."
    )
    return EvalComplexityResult(
        status="ok",
        code=level.key,
        level=level.level,
        components=tuple(
            ComponentResult(component=n, given=g, reaches=r.level, explanation=e)
            for n, g, r, e in comps
        ),
        limited_by=limited,
        to_support_higher=tuple(advice),
        working=tuple(working),
        notes=tuple(notes),
        missing=(),
        rule_data=tuple(table.ref(r) for r in levels),
    )


ReevalReason = Literal["new_clinical_findings", "significant_change", "failure_to_respond"]


class EvalLevelRequest(Request):
    """An OT evaluation level, by its code or its name."""

    level: Literal["97165", "97166", "97167", "low", "moderate", "high"] = Field(
        description="The level asked about: 97165, 97166 or 97167, or low, moderate or high."
    )
    date_of_service: date = Field(default_factory=date.today, description="Date of the evaluation.")


class EvalLevelResult(Frozen):
    """What each component must show for one evaluation level, from the level table."""

    status: Status = Field(description="ok, or indeterminate when no level table is in force.")
    code: str | None = Field(description="The level's code.")
    level: str | None = Field(description="low, moderate or high.")
    requirements: tuple[str, ...] = Field(
        description="What the history, deficits and decision making must show, in plain words."
    )
    typical_minutes: int | None = Field(
        description="Typical face-to-face time in the code descriptor: a guide, not a threshold."
    )
    notes: tuple[str, ...] = Field(description="Where sources disagree, and how levels combine.")
    missing: tuple[str, ...] = Field(description="What is needed when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the level's requirements."""
        if self.status != "ok":
            return "Cannot answer: " + "; ".join(self.missing)
        lines = [f"{self.code} ({self.level} complexity) needs:"]
        lines += [f"  - {r}" for r in self.requirements]
        lines.append(f"Typical face-to-face time: about {self.typical_minutes} minutes (a guide).")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def describe_eval_level(request: EvalLevelRequest) -> EvalLevelResult:
    """Say what one OT evaluation level (97165 low, 97166 moderate, 97167 high) requires.

    Use when someone asks what a level needs rather than which level their findings reach ("how
    many performance deficits does a 97167 need?", "what history supports 97166?", "how long is
    a low-complexity eval?"). Each component's requirement and the typical time come from the
    level table with its sources; the code billed is still the lowest level all components reach.
    """
    rows = eval_levels().in_force(request.date_of_service)
    row = next((r for r in rows if request.level in (r.key, r.level)), None)
    if row is None:
        return EvalLevelResult(
            status="indeterminate",
            code=None,
            level=None,
            requirements=(),
            typical_minutes=None,
            notes=(),
            missing=(f"the OT evaluation level table for {request.date_of_service} (from 2017)",),
            rule_data=(),
        )
    deficits = (
        f"{row.deficits_min} to {row.deficits_max}"
        if row.deficits_max is not None
        else f"{row.deficits_min} or more"
    )
    comorbid = {
        "none": "no comorbidities affecting occupational performance",
        "may": "comorbidities affecting occupational performance may be present",
        "present": "comorbidities affecting occupational performance are present",
    }[row.comorbidities]
    modification = {
        "none": "no task modification or assistance needed to complete the evaluation",
        "minimal_to_moderate": "minimal to moderate task modification or assistance",
        "significant": "significant task modification or assistance",
    }[row.modification]
    requirements = (
        f"Occupational profile and history: {row.history}.",
        f"Performance deficits (physical, cognitive or psychosocial): {deficits}.",
        f"Clinical decision making: {row.decision} ({comorbid}; {modification}).",
    )
    notes = ["Every component must reach the level; the lowest component sets the code."]
    if row.conflict:
        notes.append(row.conflict)
    return EvalLevelResult(
        status="ok",
        code=row.key,
        level=row.level,
        requirements=requirements,
        typical_minutes=row.typical_minutes,
        notes=tuple(notes),
        missing=(),
        rule_data=(eval_levels().ref(row),),
    )


class ReevalRequest(Request):
    """Why a re-evaluation is being done."""

    new_clinical_findings: bool = Field(
        default=False, description="New clinical findings since the last evaluation."
    )
    significant_change: bool = Field(
        default=False, description="A significant change in the patient's condition."
    )
    failure_to_respond: bool = Field(
        default=False, description="The patient is not responding to the planned interventions."
    )
    routine: bool = Field(
        default=False, description="Done on a schedule or for a progress report only."
    )
    payer: PlanType = Field(
        default="medicare", description="Payer program whose coverage rule applies."
    )
    date_of_service: date = Field(default_factory=date.today, description="Date of service.")


class ReevalResult(Frozen):
    """Whether 97168 is supported, with the reasons and what the note must show."""

    status: Status = Field(description="ok, or indeterminate when no rule is on file.")
    code: str | None = Field(description="The re-evaluation code.")
    supported: bool | None = Field(description="Whether the re-evaluation is covered.")
    reasons: tuple[str, ...] = Field(description="Why, in plain words.")
    documentation: tuple[str, ...] = Field(description="What the re-evaluation note must show.")
    missing: tuple[str, ...] = Field(description="What is needed when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the decision and the documentation list."""
        if self.status != "ok":
            return "Cannot decide: " + "; ".join(self.missing)
        head = f"{self.code}: {'supported' if self.supported else 'not supported'}"
        return "\n".join(
            [
                head,
                *(f"  - {r}" for r in self.reasons),
                "Document:",
                *(f"  - {d}" for d in self.documentation),
            ]
        )


def check_reevaluation(request: ReevalRequest) -> ReevalResult:
    """Decide whether an OT re-evaluation (97168) is billable for the reasons given.

    Use when a therapist asks if they can bill a re-evaluation. Medicare covers one only for new
    clinical findings, a significant change in condition, or failure to respond to treatment;
    routine or scheduled re-evaluations and progress reports are not billable as 97168.
    """
    table = reeval_rules()
    row = table.at(request.payer, request.date_of_service)
    if row is None:
        return ReevalResult(
            status="indeterminate",
            code=None,
            supported=None,
            reasons=(),
            documentation=(),
            missing=(f"a re-evaluation rule for {request.payer!r}: check the payer's policy",),
            rule_data=(),
        )
    given = {
        "new_clinical_findings": request.new_clinical_findings,
        "significant_change": request.significant_change,
        "failure_to_respond": request.failure_to_respond,
    }
    met = [k for k, v in given.items() if v and k in row.covered_reasons]
    reasons: list[str] = []
    if met:
        reasons.append("Covered reason(s): " + ", ".join(m.replace("_", " ") for m in met) + ".")
    else:
        reasons.append(
            "None of the covered reasons (new clinical findings, significant change, "
            "failure to respond) was given."
        )
    if request.routine and not row.routine_covered:
        reasons.append(
            "A routine or scheduled re-evaluation is not covered; a progress report is "
            "not a re-evaluation."
        )
    supported = bool(met)
    if row.ncci_note:
        reasons.append(row.ncci_note)
    return ReevalResult(
        status="ok",
        code=row.code,
        supported=supported,
        reasons=tuple(reasons),
        documentation=(
            "what changed in function or medical status, with objective measures",
            "an updated occupational profile where the change affects goals or interventions",
            "a revised plan of care (goals, interventions, frequency, duration)",
            "that a therapist, not an assistant, performed the re-evaluation",
        ),
        missing=(),
        rule_data=(table.ref(row),),
    )
