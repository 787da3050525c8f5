"""What a family should ask and write when their child's OT is out of network.

The wording lives in ``tools/ruledata/oon_guide.toml`` (questions, explanations, letter templates
and their sources, copied from the parent-* documents of the knowledge corpus); this module loads
and validates it, fills it with the family's codes and facts, and computes the visits-versus-units
figure with the visits tool (`tools.visits.convert_visits`), never by its own arithmetic.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.common import CptCode, Frozen, Grade, Request, Status
from tools.ruledata.tables import codes as code_table
from tools.units import MAX_DAY_MINUTES
from tools.visits import VisitsRequest, VisitsResult, convert_visits

LetterKind = Literal["preauthorization", "network_gap", "appeal"]
LETTER_KINDS: tuple[LetterKind, ...] = ("preauthorization", "network_gap", "appeal")
GUIDE_FILE = "oon_guide.toml"
_TEXT_FIELDS = frozenset({"payer", "codes", "diagnosis"})
_CODE_FIELDS = _TEXT_FIELDS | {"code", "label"}
_NETWORK_SECTIONS = ("network_gap_unavailable", "network_gap_unknown", "network_gap_available")
_VISITS_FIELDS = {
    "from_units": {"units", "minutes", "visits", "per", "leftover"},
    "leftover": {"rest", "low", "high"},
    "from_visits": {"visits", "minutes", "units", "per"},
    "per_session": {"minutes", "per"},
    "need_minutes": set(),
    "indeterminate": set(),
}


def template_fields(template: str) -> set[str]:
    """The {placeholder} names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# ---- the data file ---------------------------------------------------------------------------


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GuideSource(_Data):
    """A source copied from the front matter of a parent-* corpus document."""

    doc: str = Field(min_length=1, description="Id of the corpus document it is listed in.")
    title: str = Field(min_length=1, description="Title of the source.")
    url: str = Field(pattern=r"^https?://", description="Where the source can be read.")
    publisher: str = Field(min_length=1, description="Who published it.")
    grade: Grade = Field(description="primary or secondary.")


class GuideQuestion(_Data):
    """A question to ask the insurer, with {payer}/{codes}/{diagnosis} placeholders."""

    id: str = Field(min_length=1, description="Stable id of the question.")
    topic: str = Field(min_length=1, description="Short topic heading.")
    text: str = Field(min_length=20, description="The question, in plain words.")
    sources: tuple[str, ...] = Field(min_length=1, description="Source ids.")


class GuideSection(_Data):
    """A short explanation."""

    title: str = Field(min_length=1, description="Heading.")
    text: str = Field(min_length=40, description="The explanation, in plain words.")
    sources: tuple[str, ...] = Field(min_length=1, description="Source ids.")


class LetterTemplate(_Data):
    """A letter a family can send, with {placeholders} for their facts."""

    title: str = Field(min_length=1, description="Title of the letter.")
    body: str = Field(min_length=100, description="Text with {placeholders}.")
    sources: tuple[str, ...] = Field(min_length=1, description="Source ids.")


class GuideMeta(_Data):
    """About the guide file."""

    title: str = Field(min_length=1, description="Title of the guide.")
    checked: dt.date = Field(description="Date the wording was last checked against sources.")
    disclaimer: str = Field(min_length=1, description="Shown with every answer.")


class GuideData(_Data):
    """The whole oon_guide.toml, validated: every source id, placeholder and letter exists."""

    meta: GuideMeta = Field(description="About the file.")
    sources: dict[str, GuideSource] = Field(min_length=1, description="Sources by id.")
    questions: tuple[GuideQuestion, ...] = Field(min_length=1, description="General questions.")
    code_questions: tuple[GuideQuestion, ...] = Field(
        min_length=1, description="Questions asked once per code ({code}, {label})."
    )
    sections: dict[str, GuideSection] = Field(description="Explanations by id.")
    visits: dict[str, str] = Field(description="Wording of the computed visits/units figure.")
    placeholders: dict[str, str] = Field(description="Letter placeholder -> label when missing.")
    letters: dict[str, LetterTemplate] = Field(description="Letter templates by kind.")

    @model_validator(mode="after")
    def _consistent(self) -> GuideData:
        problems: list[str] = []
        cited: list[tuple[str, tuple[str, ...]]] = [
            *((f"questions.{q.id}", q.sources) for q in (*self.questions, *self.code_questions)),
            *((f"sections.{k}", s.sources) for k, s in self.sections.items()),
            *((f"letters.{k}", t.sources) for k, t in self.letters.items()),
        ]
        for where, ids in cited:
            problems += [
                f"{where} cites unknown source {i!r}" for i in ids if i not in self.sources
            ]
        for q in self.questions:
            problems += [
                f"questions.{q.id} uses {{{f}}}" for f in template_fields(q.text) - _TEXT_FIELDS
            ]
        for q in self.code_questions:
            problems += [
                f"code_questions.{q.id} uses {{{f}}}"
                for f in template_fields(q.text) - _CODE_FIELDS
            ]
        for key, sec in self.sections.items():
            problems += [
                f"sections.{key} uses {{{f}}}" for f in template_fields(sec.text) - _TEXT_FIELDS
            ]
        for key in ("oon_basics", "hard_soft", "habilitative", "visits_units", *_NETWORK_SECTIONS):
            if key not in self.sections:
                problems.append(f"sections.{key} is missing")
        for key, allowed in _VISITS_FIELDS.items():
            if key not in self.visits:
                problems.append(f"visits.{key} is missing")
            else:
                problems += [
                    f"visits.{key} uses {{{f}}}"
                    for f in template_fields(self.visits[key]) - allowed
                ]
        for needed in LETTER_KINDS:
            if needed not in self.letters:
                problems.append(f"letters.{needed} is missing")
        for kind, tpl in self.letters.items():
            problems += [
                f"letters.{kind} uses unknown placeholder {{{f}}}"
                for f in template_fields(tpl.body) - set(self.placeholders)
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def parse_guide(text: str) -> GuideData:
    """Parse and validate guide TOML; raise ValueError naming what is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{GUIDE_FILE} is not valid TOML: {exc}") from None
    try:
        return GuideData.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"{GUIDE_FILE} is invalid: {exc}") from None


@cache
def guide_data() -> GuideData:
    """The validated guide data, loaded once per process."""
    text = resources.files("tools.ruledata").joinpath(GUIDE_FILE).read_text(encoding="utf-8")
    return parse_guide(text)


# ---- request and result ----------------------------------------------------------------------


class SourceLink(Frozen):
    """Where a piece of guidance comes from."""

    title: str = Field(description="Title of the source.")
    url: str = Field(description="Where it can be read.")
    publisher: str = Field(description="Who published it.")
    grade: Grade = Field(description="primary or secondary.")


def source_links(ids: tuple[str, ...]) -> tuple[SourceLink, ...]:
    """SourceLinks for source ids of the guide data."""
    data = guide_data()
    return tuple(
        SourceLink(
            title=data.sources[i].title,
            url=data.sources[i].url,
            publisher=data.sources[i].publisher,
            grade=data.sources[i].grade,
        )
        for i in ids
    )


class Authorization(Request):
    """What the insurer approved: a number of units or a number of visits."""

    units: int | None = Field(default=None, ge=1, le=10_000, description="Units approved.")
    visits: int | None = Field(default=None, ge=1, le=1_000, description="Visits approved.")

    @model_validator(mode="after")
    def _one_of(self) -> Authorization:
        if (self.units is None) == (self.visits is None):
            raise ValueError("give exactly one of units or visits")
        return self


class LetterFacts(Request):
    """The family's facts for a letter; anything not given becomes a [placeholder]."""

    letter_date: dt.date | None = Field(default=None, description="Date on the letter (today).")
    parent_name: str = Field(default="", max_length=200, description="Parent or guardian name.")
    parent_address: str = Field(default="", max_length=400, description="Parent's address.")
    parent_phone: str = Field(default="", max_length=40, description="Parent's phone number.")
    child_name: str = Field(default="", max_length=200, description="Child's full name.")
    child_date_of_birth: dt.date | None = Field(default=None, description="Child's birth date.")
    member_id: str = Field(default="", max_length=80, description="Member id on the card.")
    group_number: str = Field(default="", max_length=80, description="Group number on the card.")
    provider_name: str = Field(default="", max_length=200, description="Therapist or clinic.")
    provider_credentials: str = Field(
        default="", max_length=40, description="Therapist's credentials, e.g. OTR/L."
    )
    provider_npi: str = Field(default="", max_length=20, description="Provider's 10-digit NPI.")
    provider_tax_id: str = Field(default="", max_length=20, description="Provider's tax ID.")
    provider_address: str = Field(default="", max_length=400, description="Provider's address.")
    start_date: dt.date | None = Field(default=None, description="Planned first session.")
    visits_requested: int | None = Field(
        default=None, ge=1, le=1_000, description="Visits asked for."
    )
    frequency: str = Field(
        default="", max_length=200, description="How often, e.g. 'one 60-minute session a week'."
    )
    functional_needs: str = Field(
        default="",
        max_length=1000,
        description="Daily activities the child struggles with (dressing, feeding, handwriting).",
    )
    in_network_contacts: tuple[str, ...] = Field(
        default=(),
        max_length=30,
        description="In-network providers contacted, one line each with date and answer.",
    )
    claim_number: str = Field(default="", max_length=80, description="Denied claim's number.")
    denial_date: dt.date | None = Field(default=None, description="Date of the denial notice.")
    dates_of_service: str = Field(
        default="", max_length=400, description="Dates of service denied, e.g. '2026-01-05, ...'."
    )
    denial_reason: str = Field(
        default="", max_length=1000, description="Reason the insurer gave for the denial."
    )
    reference_number: str = Field(
        default="", max_length=80, description="Reference number of a call with the insurer."
    )


class OonGuideRequest(Request):
    """A child's OT codes and plan, and optionally an authorization and a letter to draft."""

    codes: tuple[CptCode, ...] = Field(
        min_length=1, max_length=20, description="CPT codes planned, e.g. ['97165', '97530']."
    )
    payer: str = Field(min_length=1, max_length=200, description="Insurer's name, e.g. 'Aetna'.")
    diagnosis: str | None = Field(
        default=None, max_length=200, description="Diagnosis (ICD-10-CM code or words), if known."
    )
    session_minutes: int | None = Field(
        default=None, ge=1, le=MAX_DAY_MINUTES, description="Timed minutes in one session."
    )
    authorization: Authorization | None = Field(
        default=None, description="Units or visits the insurer approved, if any."
    )
    in_network_available: bool | None = Field(
        default=None, description="Whether an in-network OT is available nearby; null if unknown."
    )
    letter: LetterKind | None = Field(
        default=None, description="Letter to draft: preauthorization, network_gap or appeal."
    )
    facts: LetterFacts = Field(
        default_factory=LetterFacts, description="The family's facts for the letter."
    )
    date_of_service: dt.date = Field(
        default_factory=dt.date.today, description="Date the sessions happen (unit table)."
    )


class CodeInfo(Frozen):
    """What the project's code table says about one code."""

    code: str = Field(description="The code.")
    label: str = Field(description="Short label, or 'not in the OT code table'.")
    known: bool = Field(description="Whether the code is in the OT code table on the date.")
    timed: bool | None = Field(description="True for 15-minute timed codes; null if unknown.")


class GuideItem(Frozen):
    """One question or explanation, with its sources."""

    id: str = Field(description="Stable id of the item.")
    title: str = Field(description="Topic or heading.")
    text: str = Field(description="The question or explanation.")
    sources: tuple[SourceLink, ...] = Field(description="Where it comes from.")


class Letter(Frozen):
    """A draft letter filled with the family's facts."""

    kind: LetterKind = Field(description="preauthorization, network_gap or appeal.")
    title: str = Field(description="Title of the letter.")
    text: str = Field(description="The letter; missing facts appear as [label].")
    missing: tuple[str, ...] = Field(description="Facts not given (their [label]s in the text).")
    sources: tuple[SourceLink, ...] = Field(description="Where the letter's approach comes from.")


class OonGuideResult(Frozen):
    """Questions, explanations, the visits/units figure and an optional letter."""

    status: Status = Field(description="ok, or indeterminate when a figure could not be computed.")
    payer: str = Field(description="The insurer asked about.")
    codes: tuple[CodeInfo, ...] = Field(description="The codes, as the code table knows them.")
    questions: tuple[GuideItem, ...] = Field(description="Questions to ask the insurer.")
    explanations: tuple[GuideItem, ...] = Field(description="Short explanations, in order.")
    network_gap: GuideItem = Field(description="Network gap exception guidance for this case.")
    visits: VisitsResult | None = Field(
        description="The visits tool's answer, when minutes or an authorization are given."
    )
    visits_explanation: GuideItem | None = Field(
        description="The visits/units figure in words, from the visits tool."
    )
    letter: Letter | None = Field(description="The draft letter, when one was asked for.")
    missing: tuple[str, ...] = Field(description="Facts that would complete the answer.")
    disclaimer: str = Field(description="General information, not legal advice.")
    sources: tuple[SourceLink, ...] = Field(description="Every source cited, once.")

    def to_text(self) -> str:
        """Questions, explanations and letter for the terminal."""
        out = [f"Out-of-network OT with {self.payer}: codes " + _code_list(self.codes), ""]
        out.append("Questions to ask the insurer:")
        for i, q in enumerate(self.questions, 1):
            out.append(f"  {i}. [{q.title}] {q.text}")
        if self.visits_explanation is not None:
            out += ["", f"{self.visits_explanation.title}:", f"  {self.visits_explanation.text}"]
        for item in (*self.explanations, self.network_gap):
            out += ["", f"{item.title}:", f"  {item.text}"]
        if self.letter is not None:
            out += ["", f"Draft letter: {self.letter.title}", "-" * 72, self.letter.text.rstrip()]
            out.append("-" * 72)
        if self.missing:
            out += ["", "Missing (fill in): " + "; ".join(self.missing)]
        out += ["", "Sources:"]
        out += [f"  - {s.title} ({s.publisher}) <{s.url}>" for s in self.sources]
        out += ["", self.disclaimer]
        return "\n".join(out)


# ---- the tool --------------------------------------------------------------------------------


def _code_list(infos: tuple[CodeInfo, ...]) -> str:
    return ", ".join(i.code for i in infos)


def _code_info(code: str, when: dt.date) -> CodeInfo:
    row = code_table().at(code, when)
    if row is None:
        return CodeInfo(code=code, label="not in the OT code table", known=False, timed=None)
    return CodeInfo(code=code, label=row.label, known=True, timed=row.timed)


def _item(item_id: str, title: str, text: str, ids: tuple[str, ...]) -> GuideItem:
    return GuideItem(id=item_id, title=title, text=text, sources=source_links(ids))


def _visits(
    request: OonGuideRequest, data: GuideData
) -> tuple[VisitsResult | None, GuideItem | None, list[str]]:
    """Run the visits tool when it has something to convert; word its answer."""
    sec = data.sections["visits_units"]
    title = "Your authorization: visits vs units"
    auth = request.authorization
    minutes = request.session_minutes
    if minutes is None:
        if auth is None:
            return None, None, []
        text = data.visits["need_minutes"]
        return None, _item("visits_units", title, text, sec.sources), ["session_minutes"]
    result = convert_visits(
        VisitsRequest(
            session_minutes=minutes,
            units=auth.units if auth else None,
            visits=auth.visits if auth else 1,
            date_of_service=request.date_of_service,
        )
    )
    if result.status != "ok":
        text = data.visits["indeterminate"]
        return result, _item("visits_units", title, text, sec.sources), list(result.missing)
    per = result.units_per_visit
    if auth is None:
        text = data.visits["per_session"].format(minutes=minutes, per=per)
        missing = ["authorization (units or visits approved)"]
    elif auth.units is not None:
        leftover = ""
        if result.leftover_units and result.leftover_minutes:
            low, high = result.leftover_minutes
            leftover = data.visits["leftover"].format(
                rest=result.leftover_units, low=low, high=high
            )
        text = data.visits["from_units"].format(
            units=auth.units, minutes=minutes, visits=result.visits, per=per, leftover=leftover
        )
        missing = []
    else:
        text = data.visits["from_visits"].format(
            visits=result.visits, minutes=minutes, units=result.units, per=per
        )
        missing = []
    text += " " + " ".join(result.working)
    return result, _item("visits_units", title, text, sec.sources), missing


def _fact_values(request: OonGuideRequest, code_list: str) -> dict[str, str]:
    facts = request.facts
    values: dict[str, str] = {
        "payer": request.payer,
        "codes": code_list,
        "diagnosis": request.diagnosis or "",
        "letter_date": (facts.letter_date or dt.date.today()).isoformat(),
    }
    for name, value in facts:
        if name == "letter_date":
            continue
        if isinstance(value, tuple):
            values[name] = "\n".join(f"- {v}" for v in value if v.strip())
        elif isinstance(value, dt.date):
            values[name] = value.isoformat()
        elif value is None:
            values[name] = ""
        else:
            values[name] = str(value).strip()
    return values


def _fill(
    template: str, values: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[str, list[str]]:
    """Fill a template; a value not given becomes [label] and is listed as missing."""
    missing: list[str] = []
    filled: dict[str, str] = {}
    for name in template_fields(template):
        value = values.get(name, "")
        if value:
            filled[name] = value
        else:
            filled[name] = f"[{labels[name]}]"
            missing.append(labels[name])
    ordered = [labels[n] for _, n, _, _ in string.Formatter().parse(template) if n]
    missing_in_order = list(dict.fromkeys(m for m in ordered if m in missing))
    return template.format_map(filled), missing_in_order


def _letter(request: OonGuideRequest, data: GuideData, code_list: str) -> Letter | None:
    if request.letter is None:
        return None
    tpl = data.letters[request.letter]
    text, missing = _fill(tpl.body, _fact_values(request, code_list), data.placeholders)
    return Letter(
        kind=request.letter,
        title=tpl.title,
        text=text,
        missing=tuple(missing),
        sources=source_links(tpl.sources),
    )


def oon_guide(request: OonGuideRequest) -> OonGuideResult:
    """Prepare a family to use an out-of-network OT: what to ask the insurer and what to send.

    Use when a parent whose child sees (or will see) an out-of-network occupational therapist asks
    what to ask their insurer about the child's codes, how out-of-network reimbursement, hard vs
    soft visit limits and habilitative benefits work, how many sessions an authorization in units
    or visits covers (computed with the visits tool), whether to ask for a network gap exception,
    or wants a draft preauthorization, network gap or appeal letter filled with their facts.
    """
    data = guide_data()
    infos = tuple(_code_info(c, request.date_of_service) for c in dict.fromkeys(request.codes))
    code_list = _code_list(infos)
    diagnosis = request.diagnosis or "my child's diagnosis"
    fields: dict[str, Any] = {"payer": request.payer, "codes": code_list, "diagnosis": diagnosis}
    questions = [_item(q.id, q.topic, q.text.format_map(fields), q.sources) for q in data.questions]
    for info in infos:
        for q in data.code_questions:
            text = q.text.format_map({**fields, "code": info.code, "label": info.label})
            questions.append(_item(f"{q.id}:{info.code}", q.topic, text, q.sources))
    explanations = [
        _item(key, sec.title, sec.text.format_map(fields), sec.sources)
        for key in ("oon_basics", "hard_soft", "habilitative", "visits_units")
        for sec in (data.sections[key],)
    ]
    gap_key = {None: "network_gap_unknown", False: "network_gap_unavailable"}.get(
        request.in_network_available, "network_gap_available"
    )
    gap_sec = data.sections[gap_key]
    network_gap = _item(gap_key, gap_sec.title, gap_sec.text.format_map(fields), gap_sec.sources)
    visits, visits_item, missing = _visits(request, data)
    letter = _letter(request, data, code_list)
    if letter is not None:
        missing += list(letter.missing)
    unknown = [i.code for i in infos if not i.known]
    if unknown:
        missing.append("check the code(s) " + ", ".join(unknown) + ": not in the OT code table")
    if request.diagnosis is None and letter is None:
        missing.append("diagnosis (to ask about exclusions)")
    cited = [
        *(s for q in questions for s in q.sources),
        *(s for e in explanations for s in e.sources),
        *network_gap.sources,
        *(visits_item.sources if visits_item else ()),
        *(letter.sources if letter else ()),
    ]
    status: Status = "indeterminate" if visits is not None and visits.status != "ok" else "ok"
    return OonGuideResult(
        status=status,
        payer=request.payer,
        codes=infos,
        questions=tuple(questions),
        explanations=tuple(explanations),
        network_gap=network_gap,
        visits=visits,
        visits_explanation=visits_item,
        letter=letter,
        missing=tuple(dict.fromkeys(missing)),
        disclaimer=data.meta.disclaimer,
        sources=tuple(dict.fromkeys(cited)),
    )
