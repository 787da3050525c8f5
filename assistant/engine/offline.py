"""The offline answer engine: understands the question, calls the tools, cites the corpus.

No model generates text here. The engine reads the slots of the question (and of the earlier
turns, for follow-ups), picks what is being asked, calls the deterministic tool through the
registry, and writes the answer from the templates in ``prompts/offline`` with the tool's working.
Open questions get an extractive answer from the retrieved passages. Every answer carries the
passages it cites and the tool calls it made; when a binding answer depends on a fact that is
missing, the engine says what it assumed or asks for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

import prompts
from assistant.engine import extractive
from assistant.engine.slots import Service, Slots, extract
from assistant.schemas import Citation, Persona, ToolCall
from knowledge.store import Hit, KnowledgeBase
from tools.errors import InvalidBillingInput
from tools.registry import get_tool
from tools.ruledata.tables import codes

MIN_RELEVANCE = 0.32
MIN_COVERAGE = 0.34
STRONG_RELEVANCE = 0.6
MIN_STRONG_COVERAGE = 0.2

_PARENT = re.compile(
    r"\b(my|our) (son|daughter|child|kid|toddler|baby|boy|girl)\b|\bsuperbill\b|\bout[- ]of[- "
    r"]network\b|"
    r"\breimburs|\bmy (insurance|plan|insurer)\b|\bour (insurance|plan)\b|\bas a "
    r"parent\b|\bfamily\b",
    re.IGNORECASE,
)
_THERAPIST = re.compile(
    r"\bmy (patient|client|note|notes|documentation|eval|evaluation|plan of "
    r"care|poc)\b|\bdocument(ation)?\b|"
    r"\bprogress (report|note)\b|\bdaily note\b|\bgoals?\b|\bi "
    r"(evaluated|treated|saw)\b|\bcotas?\b|\bcomplexity\b",
    re.IGNORECASE,
)
_FOLLOWUP = re.compile(
    r"^\s*(and|but|what if|what about|how about|instead|same|if it|if i|if we|if they|ok(ay)?,? "
    r"(and|what)|"
    r"now|then)\b|\b(instead|same (patient|session|claim)|that case)\b",
    re.IGNORECASE,
)
_IN_DOMAIN = re.compile(
    r"\b(ot|occupational|therap\w*|insurance|insurer|claims?|bill\w*|codes?|medicare|medicaid|"
    r"tricare|appeal|denied|denial|visits?|units?|copay|deductible|coverage|covered)\b",
    re.IGNORECASE,
)
_OUT_OF_SCOPE = re.compile(
    r"\b(diagnos(e|is) my|prescri|medication|dosage|surgery|stock|recipe|weather|football|poem|"
    r"write (me )?a (song|story)|legal advice on (divorce|custody))\b",
    re.IGNORECASE,
)


@dataclass
class Question:
    """A question as the engine sees it."""

    text: str
    persona: Persona
    slots: Slots
    previous: Slots | None
    previous_intent: str | None
    followup: bool
    today: date

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def when(self) -> date:
        """Date of service: the one given; else mid-year of another year named ("our 2025
        dates of service"), which the tools show in their working; else today."""
        if self.slots.dates:
            return self.slots.dates[0]
        if self.slots.year and self.slots.year != self.today.year:
            return date(self.slots.year, 7, 1)
        return self.today


@dataclass
class Draft:
    """An answer before it is stored: text, citations, tool calls, notes and follow-up state."""

    intent: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    slots: Slots | None = None
    asked: bool = False


class Ledger:
    """Numbers cited passages [1], [2], ... in the order they are first used."""

    def __init__(self) -> None:
        self._labels: dict[str, int] = {}
        self.citations: list[Citation] = []

    def cite(self, hit: Hit) -> str:
        p = hit.passage
        if p.id not in self._labels:
            self._labels[p.id] = len(self._labels) + 1
            self.citations.append(
                Citation(
                    label=str(self._labels[p.id]),
                    title=p.title,
                    section=p.section,
                    publisher=p.publisher,
                    url=p.url,
                    effective_from=p.effective_from,
                    effective_to=p.effective_to,
                    doc_id=p.doc_id,
                    passage_id=p.id,
                )
            )
        return f"[{self._labels[p.id]}]"


@dataclass
class _Context:
    kb: KnowledgeBase | None
    ledger: Ledger
    calls: list[ToolCall]

    def run(self, name: str, payload: dict[str, Any]) -> Any:
        """Call a registry tool and record the call."""
        result = get_tool(name).run(payload)
        self.calls.append(
            ToolCall(
                name=get_tool(name).name,
                arguments=json.loads(json.dumps(payload, default=str)),
                result=json.loads(result.model_dump_json()),
            )
        )
        return result

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        payer: str | None = None,
        on: date | None = None,
        until: date | None = None,
    ) -> list[Hit]:
        if self.kb is None:
            return []
        hits = self.kb.search(query, k=k, payer=payer, on=on, until=until)
        if not hits and payer is not None:
            hits = self.kb.search(query, k=k, on=on, until=until)
        return hits

    def cite_topic(
        self, query: str, *, payer: str | None = None, on: date | None = None, k: int = 2
    ) -> str:
        """Cite the best passages on a topic; return their markers ('' if none)."""
        hits = self.search(query, k=k, payer=payer, on=on)
        return "".join(self.ledger.cite(h) for h in hits[:k])


def infer_persona(text: str) -> Persona:
    """Guess the audience from the wording when the caller did not say."""
    if _PARENT.search(text):
        return "parent"
    if _THERAPIST.search(text):
        return "therapist"
    return "biller"


def _rule_lines(rule_data: list[dict[str, Any]] | tuple[Any, ...]) -> str:
    """One line per distinct source and period of the rule rows a tool used."""
    seen: dict[tuple[str, str, str], str] = {}
    for ref in rule_data:
        r = ref if isinstance(ref, dict) else json.loads(ref.model_dump_json())
        key = (r["url"], str(r["effective_from"]), str(r.get("effective_to")))
        if key not in seen:
            until = f" to {r['effective_to']}" if r.get("effective_to") else ""
            seen[key] = (
                f"- {r['source']} (rule table {r['table']}, in force from "
                f"{r['effective_from']}{until}): {r['url']}"
            )
    return "\n".join(seen.values())


def _fmt_alloc(alloc: dict[str, int]) -> str:
    return ", ".join(f"{code} x{units}" for code, units in alloc.items())


# ---------------------------------------------------------------------------------------------
# Handlers: each scores how well it fits the question and answers it.
# ---------------------------------------------------------------------------------------------


_NAMED_EXAMPLE = re.compile(
    r"\b(?:cms|ama|manual)'?s? example\b|\bexample (?:\d{1,2}|[ivx]{1,4})\b"
)


def _is_evaluation(code: str) -> bool:
    """An evaluation or re-evaluation code (PT 97161-97164, OT 97165-97168), from the code
    table's family rather than a list kept here."""
    return any(row.family == "evaluation" for row in codes().history(code))


_ASKS_IF_TIME_COUNTS = re.compile(
    r"\b(?:break|breaks|rest|rested|resting|bathroom|toilet|toileting|set ?up|setting up|"
    r"waiting|paperwork|documenting)\b[^?]{0,120}\b(?:count|counts|counted|included|billable)\b",
    re.IGNORECASE,
)
"""'A bathroom break and a few minutes' rest: do those minutes count toward my total?'"""


def _units_score(q: Question) -> float:
    timed = [s for s in q.slots.services if s.minutes is not None]
    if (
        timed
        and re.search(
            r"\b(in|into|on) (my|the|our) (daily )?(note|documentation|chart)|"
            r"\b(document|chart|write) (it|that|them)\b|\bleave (it|that) out\b",
            q.low,
        )
        and not re.search(r"\bhow many\b", q.low)
    ):
        # "5 min of ultrasound we're not billing: do I still put it in my daily note?" asks
        # what the note must show, not how many units
        return 0.3
    if (
        timed
        and all(_is_evaluation(s.code) for s in q.slots.services)
        and not q.slots.unit_counts  # "can I bill 97166 x2 for the extra time?" is about units
        and not re.search(r"\bunits?\b|how many|\bextra time\b|\btwice\b", q.low)
    ):
        # "billed 97167 but the eval took 35 min: doesn't time decide the level?": untimed
        # evaluation codes with their minutes ask what the level rests on, not a unit count
        return 0.2
    if timed and _NAMED_EXAMPLE.search(q.low):
        # "in CMS's Example 4, why do the 8 minutes of ultrasound get no unit?": the example's
        # other minutes are in the document, so counting the few quoted would mislead
        return 0.2
    if timed:
        return 0.9 if re.search(r"\bunits?\b|bill|8[- ]minute|how many", q.low) else 0.75
    if (
        q.followup
        and q.previous_intent == "units"
        and (q.slots.bare_minutes or q.slots.payer or q.slots.method)
    ):
        return 0.85
    if (
        q.slots.services
        and re.search(r"how many units", q.low)
        and not re.search(r"\bhow (does|do)\b.{0,60}\bwork\b", q.low)  # a concept question
    ):
        return 0.6
    return 0.0


def _merge_followup(q: Question) -> tuple[list[Service], list[str]]:
    """Services for a follow-up: earlier services with the new minutes or payer applied."""
    notes: list[str] = []
    prev = list(q.previous.services) if q.previous else []
    new = [s for s in q.slots.services if s.minutes is not None]
    if new:
        by_code = {s.code: s for s in prev}
        for s in new:
            by_code[s.code] = s
        return list(by_code.values()), notes
    if q.slots.bare_minutes and prev:
        timed = [s for s in prev if s.minutes is not None]
        if len(timed) == 1:
            changed = Service(timed[0].code, q.slots.bare_minutes[0], timed[0].name)
            notes.append(f"Same as before, with {timed[0].code} at {changed.minutes} minutes.")
            return [changed if s is timed[0] else s for s in prev], notes
        if len(q.slots.bare_minutes) == len(timed):
            changed_list = [
                Service(s.code, m, s.name) for s, m in zip(timed, q.slots.bare_minutes, strict=True)
            ]
            return changed_list + [s for s in prev if s.minutes is None], notes
        raise _Ambiguous(
            "Which service's minutes changed? Earlier you gave "
            + ", ".join(f"{s.code} {s.minutes} min" for s in timed)
            + f"; say for example '{timed[0].code} {q.slots.bare_minutes[0]} minutes'."
        )
    return prev, notes


class _Ambiguous(Exception):
    """A follow-up that could mean more than one thing; the message asks which."""


def _units_answer(q: Question, ctx: _Context) -> Draft:
    services = [s for s in q.slots.services if s.minutes is not None or not _is_timed(s.code)]
    notes: list[str] = []
    if q.followup and q.previous and q.previous_intent == "units":
        try:
            services, notes = _merge_followup(q)
        except _Ambiguous as exc:
            return _ask("units", str(exc), [], q.previous)
    missing = [s for s in q.slots.services if s.minutes is None and _is_timed(s.code)]
    if q.followup and q.previous_intent == "units":
        missing = [s for s in services if s.minutes is None and _is_timed(s.code)]
    if missing:
        names = ", ".join(f"{s.code} ({s.name})" for s in missing)
        return _ask(
            "units",
            "To count units I need the minutes of every timed service. How many minutes of "
            f"{names}?",
            [f"minutes for {s.code}" for s in missing],
            q.slots,
        )
    payload: dict[str, Any] = {
        "services": [
            {"code": s.code, **({"minutes": s.minutes} if s.minutes is not None else {})}
            for s in services
        ],
        "date_of_service": q.when.isoformat(),
    }
    payer = q.slots.payer or (q.previous.payer if q.followup and q.previous else None)
    payer_id = q.slots.payer_id or (q.previous.payer_id if q.followup and q.previous else None)
    method = q.slots.method or (
        q.previous.method if q.followup and q.previous and not q.slots.payer else None
    )
    if payer:
        payload["payer"] = payer
    if method:
        payload["method"] = method
    try:
        result = ctx.run("calculate_units", payload)
    except InvalidBillingInput as exc:
        return _bad_input(q, "units", exc)
    merged = Slots(
        services=services, payer=payer, payer_id=payer_id, method=method, dates=q.slots.dates
    )
    if result.status != "ok":
        both = []
        for m in ("cms", "ama"):
            alt = ctx.run("calculate_units", {**payload, "method": m})
            both.append(
                f"- {m.upper()} method: {_fmt_alloc(alt.units_by_code)} ({alt.total_units} units)"
            )
        text = prompts.load("offline/ask").render(
            lead=(
                f"I don't have {payer}'s counting method on file, and it decides the answer. "
                "Check the payer's policy or contract, then tell me which it uses:"
            ),
            questions="\n".join(both)
            + "\n\nCMS pools the day's timed minutes (Medicare's rule); AMA counts each code on "
            "its own minutes.",
        )
        text += _sources_block(
            ctx,
            "8-minute rule CMS total time versus AMA per code method commercial payers",
            payer_id,
            q.when,
        )
        return Draft(
            "units",
            text,
            notes=[f"Counting method for {payer} not on file: asked which applies."],
            slots=merged,
        )
    total = result.total_units
    lead = f"**{_fmt_alloc(result.units_by_code)}: {total} unit{'s' if total != 1 else ''} in all**"
    if result.total_timed_minutes:
        lead += f" for {result.total_timed_minutes} total timed minutes"
    lead += f" ({result.method.upper()} method)."
    rows = ["| Code | Service | Minutes | Units |", "|---|---|---|---|"]
    for line in result.lines:
        rows.append(
            f"| {line.code} | {line.label} | {'-' if line.minutes is None else line.minutes} | "
            f"{line.units} |"
        )
    extras: list[str] = []
    if result.alternatives:
        extras.append(
            "Equally valid (the clinician's choice): "
            + "; ".join(_fmt_alloc(a) for a in result.alternatives)
            + "."
        )
    if result.other_method and result.other_method.total_units != total:
        om = result.other_method
        extras.append(
            f"Under the {om.method.upper()} method it would be {_fmt_alloc(om.units_by_code)} "
            f"({om.total_units} units)."
        )
    for warning in result.warnings:
        extras.append(f"Check: {warning}")
    if "assumed" in result.method_reason:
        notes.append(
            "No payer was named: the CMS (Medicare) method was assumed and the AMA result shown "
            "too."
        )
    markers = ctx.cite_topic(
        "8-minute rule total timed minutes units table how to assign units",
        payer=payer_id,
        on=q.when,
    )
    shared = _SHARED_TIME.search(q.text)
    if shared:
        # "a PT and I co-treated for 15 minutes: can we each bill a unit?": the tool counts one
        # clinician's minutes; the documents say how time two clinicians share is counted
        points = _sources_say(
            ctx, "two clinicians treat one patient at the same time, time counted once"
        )
        if points:
            extras.append(
                "What my sources say about time two clinicians share:\n" + "\n".join(points)
            )
    if _ASKS_IF_TIME_COUNTS.search(q.text):
        # "she needed a bathroom break and rested a few min: do those minutes count?": the
        # tool counts the minutes given; the documents say which time is not treatment
        points = _sources_say(
            ctx, "time that does not count as treatment minutes: breaks, rest, toileting"
        )
        if points:
            extras.append(
                "What my sources say about time that does not count:\n" + "\n".join(points)
            )
    extras.append("Rule data used:\n" + _rule_lines(result.rule_data))
    if markers:
        extras.append(f"How the 8-minute rule works is explained in {markers}.")
    text = prompts.load("offline/units").render(
        headline=lead,
        table="\n".join(rows),
        method_reason=result.method_reason,
        working="\n".join(f"{i}. {s}" for i, s in enumerate(result.working, 1)),
        extras="\n" + "\n\n".join(extras) if extras else "",
    )
    return Draft("units", text, notes=notes, slots=merged)


_SHARED_TIME = re.compile(
    r"\bco-?treat|\bcotreat|\b(both|two) of us\b.{0,60}\b(same time|together|at once)\b|"
    r"\b(another|other|a) (ot|pt|slp|therapist|assistant|ota|cota|pta)\b.{0,40}\b(together|"
    r"same time|at once|jointly)\b|\b(can|could) we (each|both) bill\b",
    re.IGNORECASE,
)
"""Two clinicians treating one patient at the same time."""


def _is_timed(code: str) -> bool:
    try:
        result = get_tool("lookup_code").run({"code": code})
    except ValidationError:
        return False
    return bool(result.timed)


def _visits_score(q: Question) -> float:
    s = q.slots
    if (
        s.unit_counts
        and not s.session_minutes
        and not re.search(r"authori[sz]|approved|\bauth\b", q.low)
    ):
        return 0.0  # "billed 97530 x2, 97110 x2 ... for one visit": billed lines, not an auth
    has_auth = s.auth_units is not None or s.auth_visits is not None
    if has_auth and (
        s.session_minutes
        or re.search(r"visits?|sessions?|authori[sz]|approved|auth\b|weeks?", q.low)
    ):
        # One number of visits and nothing to convert it to ("we have used 27 of our 30 visits;
        # when does the count reset?") is a question about the limit, not a conversion.
        given = (s.auth_units is not None) + (s.auth_visits is not None) + bool(s.session_minutes)
        if given < 2 and not re.search(r"how many|\bunits?\b|enough|how long", q.low):
            return 0.3
        return 0.85 if not [x for x in s.services if x.minutes is not None] else 0.5
    if (
        q.followup
        and q.previous_intent == "visits"
        and (s.session_minutes or s.auth_units or s.auth_visits or s.bare_minutes)
    ):
        return 0.85
    if _session_units_only(q):
        return 0.8
    return 0.0


def _session_units_only(q: Question) -> bool:
    """'2 hours of one-on-one treatment: how many units?': a session's length and no codes, so
    the total-time table gives the day's units (the split over codes needs each code's minutes)."""
    s = q.slots
    return (
        (s.auth_units is None or _shared_session(q))
        and s.auth_visits is None
        and not any(x.minutes is not None for x in s.services)  # codes named, minutes not
        and bool(s.session_minutes or len(s.bare_minutes) == 1)
        and bool(
            re.search(r"\bhow many\b.{0,30}\bunits?\b", q.low)
            # "if she only does 10 minutes, does that still get charged as a unit?"
            or re.search(r"\b(charged|billed|counted|count|bill) (it )?as (a|one|1) unit\b", q.low)
            # "co-treated for 30 min with the PT, do we each bill 2 units?"
            or (_SHARED_TIME.search(q.text) and re.search(r"\bunits?\b|\bbill\b", q.low))
            # "the session was 50 minutes but he was billed 3 units, is that a mistake?"
            or (
                re.search(r"\b(?:billed|charged|paid)\b.{0,20}\b\d{1,2} units?\b", q.low)
                and re.search(r"\bmistake|\bwrong\b|\bright\b|\bcorrect|\berror\b", q.low)
            )
        )
        and not _ASKS_FOR_CODES.search(q.low)
    )


def _shared_session(q: Question) -> bool:
    """'co-treated for 30 min, do we each bill 2 units?': the units named are a guess at the
    answer, not an authorization."""
    return bool(
        _SHARED_TIME.search(q.text)
        and len(q.slots.bare_minutes) == 1
        and not re.search(r"authori[sz]|approved|\bauth\b|\bvisits\b", q.low)
    )


_ASKS_FOR_CODES = re.compile(
    r"\b(which|what) (cpt )?codes?\b|\bhow (do|should|would) (i|we) (code|bill)\b|"
    r"\bcode (it|that|this)\b"
)


_SESSION_FOR_UNITS = {1: 15, 2: 30, 3: 45, 4: 60, 5: 75, 6: 90, 7: 105, 8: 120}
"""A typical session length for a number of units per session (inside each s20.2 band)."""


def _visits_and_billed_units(q: Question, ctx: _Context) -> Draft | None:
    """'24 visits approved but the bill shows 72 units': explain that a visit-based approval
    counts sessions, and check the units fit that many sessions with the visits tool."""
    s = q.slots
    if s.auth_visits is None or s.auth_units is None or s.session_minutes:
        return None
    if not re.search(r"approv|authori|allowed|auth\b", q.low) or not re.search(
        r"\bbill|statement|eob|claim|superbill|charged", q.low
    ):
        return None
    per, rest = divmod(s.auth_units, s.auth_visits)
    if rest or per not in _SESSION_FOR_UNITS:
        return None
    session = _SESSION_FOR_UNITS[per]
    result = ctx.run(
        "convert_visits",
        {
            "visits": s.auth_visits,
            "session_minutes": session,
            "date_of_service": q.when.isoformat(),
        },
    )
    markers = ctx.cite_topic("visits versus units on a prior authorization", on=q.when, k=2)
    text = (
        f"**An approval in visits counts sessions, not units: {s.auth_visits} visits means "
        f"{s.auth_visits} sessions, however many units each one bills.** The bill's units fit "
        f"that: {s.auth_visits} sessions of about {session} minutes bill {result.units} units "
        f"({result.units_per_visit} per session). So the units on the bill do not use up the "
        "approval faster; count the dates of service instead. If the approval had been in "
        "units, every unit billed would count against it."
    )
    if result.unit_minutes and result.first_unit_minutes:
        text += (
            f" A unit is {result.unit_minutes} minutes of timed treatment; the first one needs "
            f"at least {result.first_unit_minutes} minutes."
        )
    if markers:
        text += f" {markers}"
    text += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    return Draft("visits", text, slots=s)


def _visits_answer(q: Question, ctx: _Context) -> Draft:
    explained = _visits_and_billed_units(q, ctx)
    if explained is not None:
        return explained
    s = q.slots
    prev = q.previous if q.followup and q.previous_intent == "visits" else None
    units = s.auth_units if s.auth_units is not None else (prev.auth_units if prev else None)
    if _shared_session(q):
        units = None
    visits = s.auth_visits if s.auth_visits is not None else (prev.auth_visits if prev else None)
    if (
        s.auth_units is not None
        and s.auth_visits is not None
        and not re.search(r"(\d+)\s+units?", q.low)
    ):
        visits = None
    if units is not None and visits is not None:
        visits = None  # units approved, visits asked for
    session = (
        s.session_minutes
        or (s.bare_minutes[0] if (prev or _session_units_only(q)) and s.bare_minutes else None)
        or (prev.session_minutes if prev else None)
    )
    if units is None and visits is None and session is not None:
        visits = 1  # one session: how many units it bills
    merged = Slots(
        auth_units=units,
        auth_visits=visits,
        session_minutes=session,
        payer=s.payer,
        payer_id=s.payer_id,
    )
    if session is None:
        return _ask(
            "visits",
            "How long is each session (minutes of hands-on treatment)? Units depend on it: "
            "a 60-minute session bills 4 units, a 45-minute one 3, a 30-minute one 2.",
            ["session length in minutes"],
            merged,
        )
    payload: dict[str, Any] = {"session_minutes": session, "date_of_service": q.when.isoformat()}
    if s.payer:
        payload["payer"] = s.payer
    if units is not None:
        payload["units"] = units
    else:
        payload["visits"] = visits
    result = ctx.run("convert_visits", payload)
    if units is not None:
        head = (
            f"**{units} units cover {result.visits} session{'s' if result.visits != 1 else ''} of "
            f"{session} minutes** "
            f"({result.units_per_visit} units per session)."
        )
        if result.leftover_units:
            lo, hi = result.leftover_minutes or (0, 0)
            head += (
                f" {result.leftover_units} unit(s) are left over: enough for one shorter "
                f"session of {lo}-{hi} minutes."
            )
    elif visits == 1:
        head = (
            f"**A session of {session} timed minutes bills {result.units} "
            f"unit{'s' if result.units != 1 else ''}** under Medicare's total-time rule"
            + (
                f" (the first unit needs at least {result.first_unit_minutes} minutes)"
                if result.first_unit_minutes is not None
                else ""
            )
            + ". Which codes get them depends on each code's minutes: name the codes and their "
            "minutes for the split."
        )
        if result.payer_method:
            head += f" {result.payer_method}"
        if _shared_session(q):
            head += (
                f" Minutes two clinicians spend treating the patient together count once, so "
                f"the {session} minutes give {result.units} units in all between you, not "
                f"{result.units} each (Medicare manual, below)."
            )
    else:
        head = (
            f"**{visits} sessions of {session} minutes need {result.units} units** "
            f"({result.units_per_visit} per session)."
        )
    # One session on its own: the authorization notes would answer a question nobody asked.
    single = visits == 1 and units is None and s.auth_visits is None
    shared = single and _shared_session(q)
    markers = (
        ""
        if shared
        else ctx.cite_topic(
            "visits versus units on a prior authorization how many sessions",
            payer=s.payer_id,
            on=q.when,
        )
    )
    notes = "" if single else "\n".join(f"- {n}" for n in result.notes)
    if result.payer_method and not single:
        notes += f"\n- {result.payer_method}"
    if shared:
        points = _sources_say(
            ctx, "two clinicians treat one patient at the same time, time counted once"
        )
        if points:
            notes += "\nWhat my sources say about time two clinicians share:\n" + "\n".join(points)
    elif markers:
        notes += f"\n\nMore on visits and units on an authorization: {markers}."
    notes += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    text = prompts.load("offline/visits").render(
        headline=head,
        working="\n".join(f"{i}. {w}" for i, w in enumerate(result.working, 1)),
        notes=notes,
    )
    return Draft("visits", text, slots=merged)


_NAMES_REEVAL = re.compile(r"re-?eval|9716[48]")
"""A re-evaluation (OT 97168, PT 97164): neither evaluation-level route answers it."""

_ASKS_ABOUT_LEVEL = re.compile(
    r"\bhow (much|long)\b.{0,30}\b(time|minutes?|take|last)\b|\bhow long\b|"
    r"\b(typical|usual|average)\b.{0,20}\b(time|minutes?|length|duration)\b|"
    r"\bhow many (performance )?(deficits?|problems?|areas?)\b|\brequire(d|ments?)?\b|"
    r"\bcriteria\b|\bwhat does (a |an |the )?.{0,40}\b(need|have to|must) (show|include|have)\b|"
    r"\bbased on\b|\b(does|doesn't|do) (the )?(time|minutes) (decide|determine|set)"
)
"""'How much face-to-face time is typical for a 97166?', 'how many deficits does a 97167 need
to show?': questions about what a level is, not which level a patient's findings reach."""


def _eval_score(q: Question) -> float:
    s = q.slots
    found = sum(x is not None for x in (s.history, s.deficits or s.deficits_level, s.decision))
    if found >= 2:
        return 0.9
    asks = re.search(
        r"(which|what) (eval(uation)?|level|complexity|code)|eval(uation)? (complexity|level|code)|"
        r"9716[567]|low, moderate|moderate or high",
        q.low,
    )
    if asks and re.search(r"eval|complexity|9716[567]", q.low) and not _NAMES_REEVAL.search(q.low):
        if not found and _ASKS_ABOUT_LEVEL.search(q.low):
            return 0.0  # what a level takes or requires: the documents say, not the tool
        return 0.7 if found else 0.55
    if (
        q.followup
        and q.previous_intent == "eval_complexity"
        and (found or s.comorbidities or s.modification)
    ):
        return 0.85
    return 0.0


_LEVEL_NAMED = re.compile(
    r"\b(9716[567])\b|"
    r"\b((?:low|moderate|high)(?:,? (?:and |or |& |/ )?(?:low|moderate|high))*)[- ]complexity\b|"
    r"\b(low|moderate|high)(?: level)? eval"
)
"""A level named by code or by name, several at once ('the moderate and high complexity')."""


def _eval_level_score(q: Question) -> float:
    s = q.slots
    if any(x is not None for x in (s.history, s.deficits, s.deficits_level, s.decision)):
        return 0.0  # findings given: which level they reach is the complexity tool's question
    if _NAMES_REEVAL.search(q.low):
        return 0.0
    return 0.75 if _ASKS_ABOUT_LEVEL.search(q.low) and _LEVEL_NAMED.search(q.low) else 0.0


def _eval_level_answer(q: Question, ctx: _Context) -> Draft:
    """'How many deficits does a 97167 need?': each level named, from the level table."""
    named = [
        word
        for m in _LEVEL_NAMED.finditer(q.low)
        for word in re.findall(r"9716[567]|low|moderate|high", next(g for g in m.groups() if g))
    ]
    parts: list[str] = []
    notes: list[str] = []
    refs: list[Any] = []
    seen: set[str] = set()
    for level in dict.fromkeys(named):
        result = ctx.run(
            "describe_eval_level", {"level": level, "date_of_service": q.when.isoformat()}
        )
        if result.status != "ok":
            return Draft("eval_level", "; ".join(result.missing), notes=list(result.missing))
        if result.code in seen:
            continue  # "high complexity ... 97167": one level, named twice
        seen.add(result.code)
        parts.append(f"**{result.code} ({result.level} complexity) needs:**")
        parts += [f"- {r}" for r in result.requirements]
        parts.append(
            f"- Typical face-to-face time: about {result.typical_minutes} minutes (a guide in "
            "the code descriptor, not a threshold)."
        )
        refs += result.rule_data
        notes += result.notes
    parts += [f"- {n}" for n in dict.fromkeys(notes)]  # each level's notes, once each
    markers = ctx.cite_topic(
        "OT evaluation complexity components history performance deficits decision making",
        on=q.when,
    )
    if markers:
        parts.append(f"More in {markers}.")
    text = "\n".join(parts) + "\n\nRule data used:\n" + _rule_lines(tuple(refs))
    return Draft("eval_level", text, slots=q.slots)


def _eval_answer(q: Question, ctx: _Context) -> Draft:
    s = q.slots
    prev = q.previous if q.followup and q.previous_intent == "eval_complexity" else None
    values = {
        k: getattr(s, k) if getattr(s, k) is not None else (getattr(prev, k) if prev else None)
        for k in (
            "history",
            "deficits",
            "deficits_level",
            "decision",
            "comorbidities",
            "modification",
        )
    }
    if s.deficits is not None or s.deficits_level is not None:
        # a count said now replaces a level said before, and the other way round
        values["deficits"], values["deficits_level"] = s.deficits, s.deficits_level
    merged = Slots(
        history=values["history"],
        deficits=values["deficits"],
        deficits_level=values["deficits_level"],
        decision=values["decision"],
        comorbidities=values["comorbidities"],
        modification=values["modification"],
    )
    need = {
        "history": "the occupational profile and history: brief, expanded or extensive",
        "deficits": "the number of performance deficits (physical, cognitive or psychosocial)",
        "decision": "clinical decision making: low, moderate or high",
    }
    missing = [
        text
        for key, text in need.items()
        if values[key] is None and not (key == "deficits" and values["deficits_level"])
    ]
    if missing:
        lead = (
            "The OT evaluation code is the highest level that every component reaches, so I "
            "need all three components. Please tell me:"
        )
        return _ask("eval_complexity", lead, missing, merged)
    payload = {k: v for k, v in values.items() if v is not None}
    payload["date_of_service"] = q.when.isoformat()
    result = ctx.run("check_eval_complexity", payload)
    head = f"**{result.code} ({result.level} complexity)** is what these findings support."
    comps = "\n".join(
        f"- {c.component}: {c.given}, reaches {c.reaches} ({c.explanation})"
        for c in result.components
    )
    limits = (
        f"Limited by: {', '.join(result.limited_by)} (each of the three components must reach a "
        "level, so the lowest one sets the code)."
    )
    advice = ""
    if result.to_support_higher:
        advice = "\nA higher level would need the record to show:\n" + "\n".join(
            f"- {a}" for a in result.to_support_higher
        )
    markers = ctx.cite_topic(
        "OT evaluation complexity components history deficits clinical decision making", on=q.when
    )
    notes = "\n" + "\n".join(f"- {n}" for n in result.notes)
    if markers:
        notes += f"\n\nThe components are summarised in {markers}."
    notes += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    text = prompts.load("offline/eval_complexity").render(
        headline=head,
        components=comps,
        limits=limits,
        advice=advice,
        notes=notes,
    )
    return Draft("eval_complexity", text, slots=merged)


def _reeval_score(q: Question) -> float:
    if re.search(r"re-?eval|re-evaluat|reevaluat|97168", q.low) and re.search(
        r"bill|when|can i|can we|allowed|cover|routine|every|need|justif", q.low
    ):
        return 0.8
    return 0.0


_ASKS_PROGRESS_DUE = re.compile(
    r"\bprogress (report|note)s?\b.{0,40}\b(due|how often|when|every)\b|"
    r"\b(how often|when)\b.{0,40}\bprogress (report|note)s?\b",
    re.IGNORECASE,
)


def _reeval_answer(q: Question, ctx: _Context) -> Draft:
    low = q.low
    payload = {
        "new_clinical_findings": bool(
            re.search(r"new (clinical )?finding|new diagnos|new problem|fell|fall|surgery", low)
        ),
        "significant_change": bool(
            re.search(
                r"significant change|change in "
                r"(condition|status|function)|declin|worsen|improv(ed|ement) (a lot|significantly)",
                low,
            )
        ),
        "failure_to_respond": bool(
            re.search(
                r"not (responding|improving|progressing)|no progress|failure to respond|plateau",
                low,
            )
        ),
        "routine": bool(
            re.search(
                r"routine|every \d+|scheduled|every (month|30 days)|progress report|"
                r"(set|regular|fixed) intervals?|practice act|once a (month|week)|monthly|"
                r"on every (pt|patient|medicare)|every (pt|patient|medicare)|each month|quarterly|"
                # "a 97168 every few weeks ... checking his progress": on a schedule
                r"every (few|couple( of)?|other|two|three|2|3) weeks?|checking (his|her|their|"
                r"the) progress|check (his|her|their|the) progress",
                low,
            )
        ),
        "date_of_service": q.when.isoformat(),
    }
    if q.slots.payer_id in {"medicare", "medicare_advantage", "medicaid", "tricare"}:
        payload["payer"] = q.slots.payer_id
    result = ctx.run("check_reevaluation", payload)
    if result.status != "ok":
        text = (
            "I only have Medicare's re-evaluation rule on file. For this payer, check its policy; "
            "many follow "
            "Medicare: a re-evaluation needs new findings, a significant change, or no response to "
            "treatment."
        )
        text += _sources_block(ctx, "re-evaluation 97168 when billable", q.slots.payer_id, q.when)
        return Draft("reeval", text)
    reasons_given = [
        k
        for k in ("new_clinical_findings", "significant_change", "failure_to_respond")
        if payload.get(k)
    ]
    if not reasons_given and not payload["routine"]:
        head = (
            "**97168 is billable only for a reason**: new clinical findings, a significant change "
            "in condition, "
            "or failure to respond to treatment. A scheduled or routine re-evaluation is not."
        )
    elif result.supported:
        head = "**Yes: 97168 is supported** for the reason you describe."
    else:
        head = "**No: 97168 is not supported** for a routine or scheduled re-evaluation."
    state_rule = re.search(
        r"practice act|\bstate (?:law|rule|regulation|board)|\bstate requires|"
        r"(?:facility|company|clinic|employer)(?:'s)? (?:policy|rule)",
        low,
    )
    if state_rule and not result.supported:
        head += (
            " A state practice act or facility policy that requires reassessment does not by "
            "itself make a re-evaluation billable: the payer's reasons must be met too."
        )
    one_per_day = re.search(r"\bsame (?:day|date)\b", low) and re.search(
        r"\b(?:initial )?eval(?:uation)?\b(?!-)", re.sub(r"re-?eval\w*", "", low)
    )
    if one_per_day:
        # "evaluated in the morning and re-assessed in the afternoon: bill both?"
        head = (
            "**Bill one, not both: only one evaluation or re-evaluation (97165-97168) per "
            "date of service (NCCI).**\n\n" + head
        )
    markers = ctx.cite_topic(
        "re-evaluation 97168 new clinical findings significant change not routine",
        payer="medicare",
        on=q.when,
    )
    reasons = "\n".join(f"- {r}" for r in result.reasons)
    if markers:
        reasons += f"\n\nSee {markers}."
    text = prompts.load("offline/reeval").render(
        headline=head,
        reasons=reasons,
        documentation="\n".join(f"- {d}" for d in result.documentation),
    )
    asked = _ASKS_PROGRESS_DUE.search(q.text)
    if asked:
        # "how often is the progress report due, and can I bill it as a re-eval?": the tool
        # answers the second half; the documents answer the first
        points = _sources_say(ctx, _sentence_at(q.text, asked.start()))
        if points:
            text += "\n\nWhat my sources say about progress reports:\n" + "\n".join(points)
    text += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    return Draft("reeval", text)


_ASKS_REVIEW = re.compile(r"\breview|\baudit")
"""'Is every claim after that reviewed?': the targeted-review amount, not the KX amount."""


def _threshold_score(q: Question) -> float:
    if q.slots.payer_id not in (None, "medicare"):
        return 0.0  # "Highmark: any cap on units?" is a payer-policy question
    if _ASSISTANT.search(q.text) and not re.search(r"\bkx\b|therapy cap", q.low):
        return 0.0  # "is there a minutes threshold for the CO modifier?": the assistant rule
    named = re.search(r"\bkx\b|therapy cap|threshold|medical review|targeted review", q.low)
    if not named and "medicare" not in q.low:
        return 0.0  # "does the state autism law cap his visits?": a plan's limit, not the KX cap
    if re.search(
        r"\bkx\b|therapy cap|\bcap\b|threshold|medical review|targeted review|"
        r"\b(medicare|therapy|ot) (dollar )?limit\b|"
        r"\b(?:yearly|annual) (?:therapy |dollar )?(?:amount|limit|max(?:imum)?|cap)\b|"
        r"\bdollar (?:limit|cap|threshold)\b",
        q.low,
    ) and re.search(
        r"threshold|cap|limit|amount|how much|what is|what's|when|\$|dollar|review|20\d\d", q.low
    ):
        return 0.7 if not q.slots.services else 0.3
    if _ROUTINE_KX.search(q.text):
        return 0.7  # "put KX on every claim from the first visit to be safe?"
    if re.search(r"\$?\b3,?000\b|\$?\b3 ?k\b", q.low) and _ASKS_REVIEW.search(q.low):
        # "a medicare patient will pass $3k: does every claim after that get reviewed?": the
        # targeted-review amount is in the threshold table
        return 0.7 if not q.slots.services else 0.3
    return 0.0


_ROUTINE_KX = re.compile(
    r"\bKX\b[^.?!]{0,60}\b(?:every|all|each|always|routinely|automatically|first visit|"
    r"just in case|to be safe|from the start)\b|"
    r"\b(?:every|all|each|always|routinely|automatically)\b[^.?!]{0,40}\bKX\b",
    re.IGNORECASE,
)
"""'Can we put KX on every claim from the first visit so nothing is denied?': the documents
say when KX belongs and that routine use is abusive; the tool gives the amount it is tied to."""


_ASKS_CAP_HISTORY = re.compile(
    r"\b(repeal|got rid|get rid|gotten rid|eliminat|abolish|did away|scrapp|still (a thing|exists?|"
    r"around|in (place|effect))|no longer|(which|what) (law|act|bill)|used to (be|have)|hard cap|"
    r"went away|when did)",
    re.IGNORECASE,
)
"""'Is the hard cap still a thing? Which law got rid of it?': the tool has this year's amounts;
the documents have the history."""


_NOT_NECESSARY = re.compile(
    r"\b(no longer|not|isn'?t|wasn'?t) (medically )?(necessary|needed|reasonable)\b|"
    r"\bwants? to (keep|continue) (coming|going|therapy|treatment)|\bmaintenance\b|\bABN\b",
    re.IGNORECASE,
)


_ASKS_CHANGE = re.compile(
    r"\b(?:go|goes|gone|went|come|came) (?:up|down)\b|\bincrease|\bdecrease|\brise\b|\brose\b|"
    r"\bchanged?\b|\bcompared?\b|\b(?:last|previous|prior) year\b|"
    r"\bthe year before\b(?!\s+(?:the|she|he|they|we|i|you|her|his|my|our)\b)|"
    r"\bup from\b|\bdown from\b",
    re.IGNORECASE,
)
"""A threshold question that asks how the amount moved from the year before."""


_ASKS_WHAT_COUNTS = re.compile(
    r"\b(?:count|counts|counted|apply|applies|go|goes) (?:toward|towards|to)\b|"
    r"\bwhat counts\b|\bpart (?:of the total|included)\b",
    re.IGNORECASE,
)
"""'Did the part she paid herself count toward it?': what the threshold amount is made of."""


def _threshold_answer(q: Question, ctx: _Context) -> Draft:
    year = q.slots.year or q.today.year
    result = ctx.run("get_therapy_thresholds", {"date_of_service": date(year, 1, 1).isoformat()})
    if result.status != "ok":
        text = (
            f"I don't have Medicare's therapy thresholds for {year} on file (my table starts "
            "in 2021), so I won't guess."
        )
        return Draft("threshold", text, notes=list(result.missing))
    head = (
        f"**The {year} Medicare KX threshold for occupational therapy is "
        f"${result.ot_kx_threshold:,.2f}** per "
        f"beneficiary, separate from the ${result.pt_slp_kx_threshold:,.2f} for PT and SLP "
        "combined."
    )
    details = [
        "Above it, each OT line needs the KX modifier, attesting the care is medically necessary "
        "and "
        "documented; without KX the line is denied."
    ]
    if result.ot_review_threshold is not None:
        details.append(
            f"Targeted medical review can start above ${result.ot_review_threshold:,.2f} (OT, and "
            "separately "
            "PT/SLP); not every claim above it is reviewed."
        )
    changed = _ASKS_CHANGE.search(q.text)
    if changed and result.previous_ot_kx_threshold is not None and result.ot_kx_change is not None:
        # "what did it go up from?": the tool's year-before row and the difference
        direction = "up" if result.ot_kx_change >= 0 else "down"
        details.insert(
            0,
            f"That is {direction} ${abs(result.ot_kx_change):,.2f} from "
            f"${result.previous_ot_kx_threshold:,.2f} in {year - 1}.",
        )
    details += result.notes
    rule_data = list(result.rule_data)
    # "what was it in 2022 and what did it go up to in 2023?": every year named gets its amount.
    for other in _years_named(q.text):
        if other == year:
            continue
        more = ctx.run("get_therapy_thresholds", {"date_of_service": date(other, 1, 1).isoformat()})
        if more.status != "ok":
            details.append(f"{other}: not in my table, so I won't guess.")
            continue
        details.append(
            f"In {other} the OT KX threshold was ${more.ot_kx_threshold:,.2f} "
            f"(PT and SLP combined ${more.pt_slp_kx_threshold:,.2f})."
        )
        rule_data += [r for r in more.rule_data if r not in rule_data]
    # "therapist says it's no longer necessary but the patient wants to keep coming and pay":
    # the threshold amount is not the answer; the documents' ABN and GA rule is.
    not_needed = _NOT_NECESSARY.search(q.text)
    asked = _ASKS_CAP_HISTORY.search(q.text) and not not_needed
    # "she went over the yearly amount but still needs it: do we sign a waiver and pay?": who
    # pays above the threshold while the care is still necessary
    routine = bool(_ROUTINE_KX.search(q.text))
    who_pays = (
        not not_needed
        and not routine
        and re.search(
            r"waiver|out of pocket|pay (?:for )?(?:the rest|it|ourselves|everything)|"
            r"who pays|(?:have|has) to pay|stop paying|coinsurance",
            q.low,
        )
    )
    # "did the part she paid herself count toward it?": what the amount is made of
    counts = bool(_ASKS_WHAT_COUNTS.search(q.text)) and not (not_needed or routine)
    history = (
        _sources_say(
            ctx,
            (
                "what counts toward the KX threshold amount: what Medicare allows including the "
                "deductible and coinsurance the patient pays "
                if counts
                else ""
            )
            + ("Medicare therapy ABN GA modifier not medically necessary " if not_needed else "")
            + ("Medicare therapy cap history " if asked else "")
            + (
                "above the KX threshold medically necessary Medicare keeps paying coinsurance; "
                "ABN only when not necessary "
                if who_pays
                else ""
            )
            + (
                "misusing KX: putting KX on services early in an episode, when nothing "
                "suggests the threshold will be exceeded, is abusive "
                if routine
                else ""
            )
            # "can I add KX to every claim from day one?": the story around it (how far the
            # patient is from the amount) pulls in the yearly amounts, not the misuse rule
            + ("" if routine and not (asked or not_needed or who_pays) else q.text),
            keep=lambda h: "medicare" in h.passage.payer,
        )
        if asked or not_needed or who_pays or routine or counts
        else []
    )
    markers = ctx.cite_topic(
        f"KX modifier threshold {year} occupational therapy", payer="medicare", on=date(year, 6, 1)
    )
    if markers and not history:
        details.append(f"More in {markers}.")
    if (
        result.ot_review_threshold is not None
        and _ASKS_REVIEW.search(q.low)
        and not re.search(r"\bkx\b", q.low)
    ):
        # "she'll pass $3k: is every claim after that reviewed?": the review amount leads
        head = (
            f"**Medicare's targeted medical review threshold for {year} is "
            f"${result.ot_review_threshold:,.2f} for OT, counted separately from PT and SLP; "
            "passing it does not mean every claim is reviewed.** " + head
        )
    if routine:
        # the question is whether KX goes on every claim: answer that before the amount
        head = (
            f"**KX belongs on a line only once the year's OT services pass the threshold "
            f"(${result.ot_kx_threshold:,.2f} in {year}) and the care is still medically "
            "necessary; not on every claim from the first visit.** " + head
        )
    text = prompts.load("offline/threshold").render(
        headline=head, details="\n".join(f"- {d}" for d in details)
    )
    # "where does AOTA keep its coding guidance? and what is KX for?": the tool answers the
    # KX part; a part about something else gets the documents' sentences for it
    unrelated = [
        p
        for p in extractive.question_parts(q.text)
        if not re.search(r"\bkx\b|threshold|\bcap\b|\blimit\b|\bmedicare\b", p, re.I)
        and not (changed and _ASKS_CHANGE.search(p))
    ]
    extra = _sources_say(ctx, unrelated[0]) if unrelated and not history else []
    text_extra = (
        f"\n\nOn your other question ({unrelated[0].rstrip('?')}?):\n" + "\n".join(extra)
        if extra
        else ""
    )
    if history:
        topic = (
            "care that is no longer necessary"
            if not_needed
            else "who pays above the threshold"
            if who_pays
            else "using KX on every claim"
            if routine
            else "what counts toward the amount"
            if counts and not asked
            else "the cap's history"
        )
        text += f"\n\nWhat my sources say about {topic}:\n" + "\n".join(history)
    text += text_extra
    text += "\n\nRule data used:\n" + _rule_lines(tuple(rule_data))
    return Draft("threshold", text)


def _years_named(text: str) -> list[int]:
    """Distinct calendar years a message names, in order ("2022 ... 2023")."""
    return list(dict.fromkeys(int(y) for y in re.findall(r"\b(20[1-3]\d)\b", text)))


_CAN_BILL_CODE = re.compile(
    r"\b(can|may|should|do|does)\s+(an?\s+)?(ot|ots|occupational therapists?|ota|cotas?|i|we)\s+"
    r"(bill|use|report|code)\b.*\b(9\d{4}|G0283)\b",
    re.IGNORECASE,
)
_CODE_QUESTION = re.compile(
    r"(what|which)('s| is| does| are)? (cpt )?(code "
    r")?(9\d{4}|G0283)\b|(9\d{4}|G0283)\b.*\b(mean|stand for|timed|untimed|add-?on|bundled|used "
    r"for)\b|"
    r"\b(what|which) (cpt )?code (is|for|do i use for)\b|"
    r"\b(mues?|medically unlikely|max(imum)? (number of )?units|units per day)\b"
    r".*\b(9\d{4}|G0283)\b|"
    r"\b(9\d{4}|G0283)\b.*\b(mues?|medically unlikely|max(imum)? (number of )?units)\b|"
    # "the EOB lists 97535 with 2 units. What is that code for, what did the therapist do?"
    r"\b(9\d{4}|G0283)\b.*\b((that|this|the) code for|what (is|was|'s) (that|this|it)\b|"
    r"what did (the|my|our|his|her) (therapist|ot)\b)",
    re.IGNORECASE,
)


def _code_score(q: Question) -> float:
    questions_code = _CODE_QUESTION.search(q.text) or _CAN_BILL_CODE.search(q.text)
    if questions_code and not [s for s in q.slots.services if s.minutes is not None]:
        return 0.65
    return 0.0


def _code_answer(q: Question, ctx: _Context) -> Draft:
    codes = [s.code for s in q.slots.services]
    if not codes:
        return _knowledge_answer(q, ctx)
    parts: list[str] = []
    for code in codes[:3]:
        result = ctx.run("lookup_code", {"code": code, "date_of_service": q.when.isoformat()})
        if result.status != "ok":
            parts.append(f"- {code}: not in my OT code table.")
            continue
        timing = (
            f"timed, {result.unit_minutes} minutes per unit"
            if result.timed
            else f"untimed: one unit {result.unit_basis or 'per service'}"
        )
        line = f"- **{code}**: {result.label} ({timing})"
        if result.addon_of:
            line += f"; add-on to {result.addon_of}"
        if result.addons:
            line += f"; further time goes on {', '.join(result.addons)}"
        if result.medicare_status == "B":
            line += "; bundled for Medicare (never paid separately)"
        if result.medicare_use_instead:
            line += f"; Medicare wants {result.medicare_use_instead} instead"
        if result.units_per_day_limit is not None:
            line += f"; Medicare's MUE allows at most {result.units_per_day_limit} units per day"
        if not result.ot_may_bill:
            line += f"; not an OT code ({'/'.join(result.disciplines)})"
        parts.append(line + ".")
        for note in result.notes:
            parts.append(f"  {note}")
    head = (
        "Here is what my code table says (labels are my own short words, not the AMA's "
        "descriptors):"
    )
    text = prompts.load("offline/code").render(headline=head, details="\n".join(parts))
    # The table says what a code is; the corpus answers the rest of the question (same-day
    # pairs, whether minutes count, payer rules), so add its best sentences, cited.
    hits = ctx.search(q.text, k=5, on=q.when)
    if hits and _answerable(q.text, hits):
        pool = [*hits, *_siblings(ctx, hits)]
        points = extractive.select(q.text, pool, anchor_points=3, extra_points=1)
        if points:
            text += "\n\nWhat my sources add:\n" + "\n".join(
                f"- {sentence} {ctx.ledger.cite(pool[i])}" for sentence, i in points
            )
    else:
        markers = ctx.cite_topic(" ".join(codes) + " " + q.text, on=q.when)
        if markers:
            text += f"\n\nMore in {markers}."
    rule_refs = [
        r for c in ctx.calls if c.name == "lookup_code" for r in c.result.get("rule_data", [])
    ]
    text += "\n\nRule data used:\n" + _rule_lines(rule_refs)
    return Draft("code_lookup", text)


def _knowledge_answer(q: Question, ctx: _Context) -> Draft:
    query = q.text
    if (
        q.followup
        and q.previous_intent == "knowledge"
        and q.previous
        and q.previous.payer
        and not q.slots.payer
    ):
        query = f"{q.text} {q.previous.payer}"
    on = q.slots.dates[0] if q.slots.dates else None
    until = None
    if on is None and q.slots.period:
        on, until = q.slots.period  # "in jan 2026": anything in force during that month
    elif on is None and q.slots.year:
        on = date(q.slots.year, 7, 1)  # "in 2026": the rules in force that year
    hits = ctx.search(query, k=5, payer=q.slots.payer_id, on=on, until=until)
    if (
        hits
        and q.slots.year
        and not q.slots.dates
        and not q.slots.period
        and _answerable(query, hits)
    ):
        hits = _with_later_history(ctx, query, hits, q.slots.year, q.slots.payer_id)
    undated = ""
    if on is not None and (not hits or not _answerable(query, hits)):
        # "what did the 2023 cut end up being?": a later document tells what happened that
        # year, so a year with nothing in force is searched again without the date, and the
        # answer says so
        hits = ctx.search(query, k=5, payer=q.slots.payer_id)
        undated = (
            f"\nNone of my sources is in force on {on.isoformat()}; the passages above come from "
            "documents in force at other dates (see the sources), so check that they describe "
            "the date you asked about."
        )
    if not hits or not _answerable(query, hits):
        text = prompts.load("offline/no_answer").render(hint=_hint(q))
        return Draft(
            "no_answer", text, notes=["No passage matched well enough to answer."], slots=q.slots
        )
    hits = [*hits, *_siblings(ctx, hits)]
    picked: list[tuple[str, int]] = []
    if extractive.LIST_QUESTION.search(q.text):
        picked = extractive.select_by_sections(query, hits)
    picked = picked or extractive.select(query, hits)
    if not picked:
        text = prompts.load("offline/no_answer").render(hint=_hint(q))
        return Draft("no_answer", text, slots=q.slots)
    points = "\n".join(f"- {sentence} {ctx.ledger.cite(hits[i])}" for sentence, i in picked)
    lead = _lead_for(q, [hits[picked[0][1]]])  # the publisher of what is actually quoted
    followup = ""
    if q.slots.payer is None and re.search(
        r"cover|limit|authori|visits|filing|deadline|policy", q.low
    ):
        followup = (
            "\nRules differ by payer and plan: name the payer (and the date of service) for a "
            "narrower answer."
        )
    followup += undated
    text = prompts.load("offline/knowledge").render(lead=lead, points=points, followup=followup)
    return Draft("knowledge", text, slots=q.slots)


# An evaluation level must come from the three components: general text listing the levels
# next to the request for them would read like a verdict.
_NO_BACKGROUND = frozenset({"eval_complexity"})


def _with_later_history(
    ctx: _Context, query: str, hits: list[Hit], year: int, payer: str | None
) -> list[Hit]:
    """'What was the ALJ amount in 2025?': a document in force later may keep a table of
    earlier years. Its passage leads when it names the year asked about and matches the
    question better than anything in force that year."""
    seen = {h.passage.id for h in hits}
    later = [
        h
        for h in ctx.search(query, k=5, payer=payer)[:3]
        if h.passage.id not in seen and str(year) in h.passage.text
    ]
    if later and extractive.relevance(query, later) > extractive.relevance(query, hits):
        return [later[0], *hits[:4]]
    return hits


def _with_background(q: Question, ctx: _Context, ask: Draft) -> Draft:
    """A tool that needs more facts asks for them; when the guides answer the question as
    asked ("what's the difference between hard and soft limits?"), that answer comes first and
    the tool's questions follow, instead of a bare request for numbers."""
    known = _knowledge_answer(q, ctx)
    if known.intent != "knowledge":
        return ask
    ask.text = f"{known.text.rstrip()}\n\nFor a figure for your own case: {ask.text}"
    return ask


def _answerable(query: str, hits: list[Hit]) -> bool:
    """Whether the passages found answer the question: close in meaning, and sharing enough of
    its distinctive words (a very close match may share fewer, as paraphrases do)."""
    rel = extractive.relevance(query, hits)
    cov = extractive.coverage(query, hits)
    return rel >= MIN_RELEVANCE and (
        cov >= MIN_COVERAGE or (rel >= STRONG_RELEVANCE and cov >= MIN_STRONG_COVERAGE)
    )


def _siblings(ctx: _Context, hits: list[Hit], docs: int = 2) -> list[Hit]:
    """The other sections of the best documents: the retrieved passage is often the right
    document's overview, while the figure asked for sits in a neighbouring section."""
    if ctx.kb is None:
        return []
    wanted = list(dict.fromkeys(h.passage.doc_id for h in hits))[:docs]
    have = {h.passage.id for h in hits}
    return [
        Hit(passage=p, score=0.0, dense_rank=None, keyword_rank=None)
        for p in ctx.kb.passages()
        if p.doc_id in wanted and p.id not in have
    ]


_ASKS_FOR_NAME = re.compile(
    r"\bwhat(?:'?s| is| are)? (?:it|that|this|they) called\b|\b(?:the )?name (?:of|for) (?:it|"
    r"that|this|the)\b|\bwhat(?:'?s| is) the (?:term|name)\b|\bis there a (?:name|term)\b|"
    r"\b(?:is there|what|which)\b[^.?]{0,25}\b(?:doctrine|legal principle)\b",
    re.IGNORECASE,
)


def _lead_for(q: Question, hits: list[Hit]) -> str:
    """Names the topic of the document quoted first (its title up to the colon), so the reader
    learns the term to use with an insurer or a payer ("network gap exception"), and its
    publisher."""
    top = hits[0].passage
    title = top.title.split("?", 1)[1] if "?" in top.title[:-1] else top.title
    topic = title.split(":")[0].strip() or top.title
    if topic.count("(") > topic.count(")"):
        # "... for 2024 (two rates: ...)": the colon sits inside the brackets
        topic = topic.split("(")[0].strip() or top.title
    if _ASKS_FOR_NAME.search(q.text):
        # "a legal doctrine protects this, what's it called?": the name is often the title's
        # second half ("...: the Noerr-Pennington doctrine for therapists")
        topic = title.strip()
    if q.persona == "parent":
        return f"Here is what my sources say (mainly {top.publisher}) about **{topic}**:"
    return f"**{topic}**, from {top.publisher} and related sources:"


def _hint(q: Question) -> str:
    if q.slots.payer:
        return f"For {q.slots.payer}, the plan's own policy or provider manual is the authority."
    return (
        "If it is about a specific payer, name it; if it is a calculation, give the codes and "
        "minutes."
    )


def _sources_block(ctx: _Context, query: str, payer: str | None, when: date) -> str:
    markers = ctx.cite_topic(query, payer=payer, on=when)
    return f"\n\nSee {markers}." if markers else ""


def _ask(intent: str, lead: str, questions: list[str], slots: Slots | None) -> Draft:
    """Ask for what is missing; the slots found so far are kept for the next turn."""
    text = prompts.load("offline/ask").render(
        lead=lead, questions="\n".join(f"- {x}" for x in questions)
    )
    return Draft(
        intent, text.rstrip(), notes=[f"Missing: {x}" for x in questions], slots=slots, asked=True
    )


def _bad_input(q: Question, intent: str, exc: InvalidBillingInput) -> Draft:
    text = f"I can't compute that as asked: {exc.message}."
    if exc.fix:
        text += f" {exc.fix[0].upper()}{exc.fix[1:]}."
    return Draft(intent, text, notes=[f"{exc.field}: {exc.message}"], slots=q.slots)


@dataclass(frozen=True)
class Handler:
    """An intent: how well it fits a question, and how to answer it."""

    name: str
    score: Callable[[Question], float]
    answer: Callable[[Question, _Context], Draft]


HANDLERS: list[Handler] = [
    Handler("units", _units_score, _units_answer),
    Handler("visits", _visits_score, _visits_answer),
    Handler("eval_complexity", _eval_score, _eval_answer),
    Handler("eval_level", _eval_level_score, _eval_level_answer),
    Handler("reeval", _reeval_score, _reeval_answer),
    Handler("threshold", _threshold_score, _threshold_answer),
    Handler("code_lookup", _code_score, _code_answer),
]
"""Intent handlers, tried in order of their score; the knowledge answer is the fallback."""


# ---- claims, advocacy, documentation and payment estimates ----------------------------------

_CLAIM_WORDS = re.compile(
    r"\bclaims?\b|\bscrub|\bdenied\b|\bdenial\b|\bget (it )?paid\b|\bclean claim\b|"
    r"\bwill (this|it) (be )?(paid|pay|deny|denied|go through)\b|\bbilling this\b",
    re.IGNORECASE,
)
_PLAN_OF = {
    "medicare": "medicare",
    "medicare_advantage": "medicare_advantage",
    "medicaid": "medicaid",
    "tricare": "tricare",
}
_PLACEHOLDER_RULES = {"PATIENT_INFO_MISSING", "CHARGE_INVALID", "TIMELY_FILING_NEAR"}


_CHECK_CUES = re.compile(
    r"\b(this|my|our|these) claims?\b|\bclaim check\b|\bcheck\b|\bscrub|\bdenied\b|\bdenial\b|"
    r"\bclean claim\b|\bwill (this|it|they)\b|\bwhat'?s wrong\b|\bget (it )?paid\b|"
    r"\bbilling this\b|\b(medicare|medicaid|commercial|tricare) claim\b",
    re.IGNORECASE,
)


_PAYER_CUT_UNITS = re.compile(
    r"\bonly paid (?:part|some|\d|for \d|one|two|three|four)|\bpaid (?:only )?part of\b|"
    r"\bhow does (?:\w+ ){0,2}(?:pick|choose|decide) which\b",
    re.IGNORECASE,
)


def _claim_score(q: Question) -> float:
    has_json = '"lines"' in q.text and "{" in q.text
    if has_json:
        return 0.9
    s = q.slots
    if _PAYER_CUT_UNITS.search(q.text) and not any(x.minutes for x in s.services):
        # "Cigna only paid part of a 6-unit visit: how does it pick which units it pays?": the
        # payer's unit rules answer that, not a check of the lines
        return 0.0
    if _CLAIM_WORDS.search(q.text) and (s.unit_counts or (s.services and (s.modifiers or s.icd10))):
        # "does the order of the lines on the claim matter?" mentions a claim but asks a general
        # question; a check needs the user to hand over a claim or ask about its fate.
        return 0.8 if _CHECK_CUES.search(q.text) else 0.4
    return 0.0


def _claim_from_json(text: str) -> dict[str, Any] | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _claim_from_slots(q: Question) -> tuple[dict[str, Any], list[str]]:
    """A claim built from what the message says; placeholders mark what it does not."""
    s = q.slots
    unknown: list[str] = []
    plan = _PLAN_OF.get(s.payer_id or "", "commercial" if s.payer else "medicare")
    if not s.payer:
        unknown.append("the payer (checked as Medicare)")
    minutes = {svc.code: svc.minutes for svc in s.services}
    codes = list(dict.fromkeys([*minutes, *s.unit_counts]))
    if len(codes) == 1 and minutes.get(codes[0]) is None and len(s.bare_minutes) == 1:
        minutes[codes[0]] = s.bare_minutes[0]  # "97530 x4 with 30 minutes"
    lines = []
    for code in codes:
        units = s.unit_counts.get(code)
        mins = minutes.get(code)
        if units is None:
            units = 1
            unknown.append(f"units for {code} (checked as 1)")
        lines.append(
            {
                "date_of_service": q.when.isoformat(),
                "cpt": code,
                "modifiers": list(s.modifiers),
                "units": units,
                "minutes": mins,
                "diagnosis_pointers": [1] if s.icd10 else [],
                "charge": "100.00",
            }
        )
    if not s.icd10:
        unknown.append("the diagnosis codes")
    if not s.npis:
        unknown.append("the NPIs")
    claim = {
        "claim_id": "chat",
        "submitted_on": q.today.isoformat(),
        "payer": {"name": s.payer or "Medicare", "plan_type": plan, "network": "in"},
        "patient": {
            "member_id": "X",
            "first_name": "X",
            "last_name": "X",
            "date_of_birth": "1900-01-01",
            "sex": "U",
        },
        "billing_provider": {"npi": (s.npis or ["1234567893"])[0], "tax_id": "X"},
        "rendering_provider": {
            "npi": (s.npis or ["1234567893"])[-1],
            "discipline": "OTA" if re.search(r"\b(cota|ota)\b", q.low) else "OT",
        },
        "place_of_service": "10" if re.search(r"telehealth|virtual|video", q.low) else "11",
        "diagnoses": list(s.icd10) or ["Z00.00"],
        "lines": lines,
    }
    return claim, unknown


def _claim_answer(q: Question, ctx: _Context) -> Draft:
    raw = _claim_from_json(q.text)
    unknown: list[str] = []
    from_chat = raw is None
    if raw is None:
        raw, unknown = _claim_from_slots(q)
        if not raw["lines"]:
            return _ask(
                "claim_check",
                "I can check a claim line by line. Tell me:",
                [
                    "each code with its units (e.g. 97530 x3) and minutes",
                    "the payer",
                    "the modifiers and diagnosis codes",
                ],
                q.slots,
            )
    try:
        result = ctx.run("validate_claim", {"claim": raw})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return Draft(
            "claim_check",
            f"I couldn't read that claim: {where}: {first.get('msg')}. The contract is in "
            "`otbill validate-claim --help`.",
            slots=q.slots,
        )
    findings = list(result.findings)
    if from_chat:
        skip = set(_PLACEHOLDER_RULES)
        if not q.slots.npis:
            skip.add("NPI_INVALID")
        if not q.slots.icd10:
            skip |= {"ICD10_INVALID", "ICD10_NOT_BILLABLE", "DX_MISSING"}
        findings = [f for f in findings if f.rule_id not in skip]
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    if errors:
        head = f"**This claim would likely be denied: {len(errors)} error(s) to fix.**"
    elif warnings:
        head = f"**No errors, but {len(warnings)} warning(s) to check before you submit.**"
    else:
        head = "**I found no problems in what you gave me.**"
    parts = [head]
    for f in [*errors, *warnings]:
        where = f" (line {f.line + 1})" if f.line is not None else ""
        ref = f.references[0]
        parts.append(f"- {f.rule_id}{where}: {f.message} Fix: {f.fix} Source: {ref.source}.")
    if unknown:
        parts.append("Not checked, because the message didn't say: " + "; ".join(unknown) + ".")
    if result.not_checked:
        parts.append("Also not checked (facts missing): " + "; ".join(result.not_checked) + ".")
    topics = " ".join(dict.fromkeys(f.rule_id.replace("_", " ").lower() for f in findings[:2]))
    markers = ctx.cite_topic(topics, payer=q.slots.payer_id, on=q.when) if topics else ""
    if markers:
        parts.append(f"More in {markers}.")
    return Draft("claim_check", "\n".join(parts), slots=q.slots)


_OWN_PAY = r"\bsalary\b|job offer|offered me|\ba raise\b"
"""A therapist's own pay or offer: advocacy-flavoured (the tool's `employee-own-pay` answer)."""

_HIRING = r"\bapplied (to|for|with|on)\b|\bapplicant\b|\bhir(e|ing) (her|him|them)\b"
"""Hiring someone who applied, perhaps from a competitor: the tool's `hiring-applicant` answer."""

_WORK = _OWN_PAY + "|" + _HIRING
"""Employment questions the advocacy tool answers as lawful, worded without rates or rivals."""

_ADVOCACY_WORDS = re.compile(
    r"antitrust|boycott|negotiat|association|competitor|other (clinics?|practices?|ots|owners)|"
    r"messenger model|\bipa\b|clinically integrated|price[- ]fixing|fee survey|rate survey|"
    r"\bdrop (them|\w+) together\b|\ball (drop|leave|stop)|\btogether\b|collective|lobby|"
    r"legislat|advoca|what (do|does) .{0,40} pay (you|them|y'?all)|" + _WORK,
    re.IGNORECASE,
)


_DEFINITIONAL = re.compile(
    r"^\s*(what|what's|whats)\s+(is|are)\s+(a|an)\b|\bwhat is the difference\b|"
    r"^\s*(what|what's|whats)\s+(is|are)\s+the\s+(rule|law|difference|definition)\b|"
    r"^\s*what makes\b|\bpenalt|"
    r"\bwhat turns\b|\bexplain\b|\bdefin(e|ition)\b|\bmeaning of\b",
    re.IGNORECASE,
)


_ADVOCACY_CONTEXT = re.compile(
    r"\brates?\b|\bpa(y|ys|id|ying)\b|\bfees?\b|\bpric|reimburs|\bcontract|\bnetwork|"
    r"negotiat|boycott|\bdrop\b|\bleav|competitor|rival|other (peds |pediatric )?"
    r"(clinics?|practices?|ots?|owners?)|association|territor|\bsplit\b|\bmarket|panel|"
    r"allowable|fee schedule|\bpoach|north|south|\bside\b|\bwages?\b|" + _WORK,
    re.IGNORECASE,
)
_ASKS_TO_ACT = re.compile(
    r"\b(can|could|may|should|shall) (we|i|our|us|my|they)\b|\bis (it|that|this) (legal|ok|"
    r"okay|allowed|fine)\b|\blet'?s\b|\b(draft|write|email|message)\b|\bhow (do|can|should) "
    r"(we|i)\b|\bwants? to\b|\bplans? to\b|\bthinking (of|about)\b|\bhelp me\b",
    re.IGNORECASE,
)


def _advocacy_score(q: Question) -> float:
    from tools.advocacy import AdvocacyRequest, classify_advocacy

    try:
        found = classify_advocacy(AdvocacyRequest(text=q.text[:2000]))
    except ValidationError:
        return 0.0
    if found.classification == "prohibited":
        # whatever words it uses: "text the other 2 owners so we all hold off signing the UHC
        # amendment" names no rate or contract, and "explain the rules, then ..." opens like a
        # definition, yet both ask for a boycott (no ordinary billing question in the chat
        # evaluation is called prohibited: tests/advocacy)
        return 0.95
    if _DEFINITIONAL.search(q.text):
        return 0.0  # "what is a messenger model?" is answered from the antitrust documents
    if not _ADVOCACY_CONTEXT.search(q.text):
        return 0.0  # a units or documentation question, whatever words it shares
    if (
        _ADVOCACY_WORDS.search(q.text)
        and _ASKS_TO_ACT.search(q.text)
        and found.classification in ("caution", "safe")
    ):
        return 0.8 if found.classification == "caution" else 0.6
    return 0.0


_RISK_WORDS = (
    r"\bwhat(?:'s| is|s)? the (?:real |actual )?risks?\b|\bhow risky\b|"
    r"\bwhat (?:could|would|can) happen\b|\bwhat happens if\b|\blegal (?:problem|trouble)\b|"
    r"\b(?:get|be|end up) in trouble\b"
)

_ASKS_ABOUT_LAW = re.compile(
    r"\bhow (?:does|do|would|will) (?:the )?(?:antitrust )?(?:law|courts?|regulators|ftc|doj)\b|"
    r"\b(?:has|have|did) (?:an?|any|the|anyone|anybody)\b.{0,40}\bever\b|\bever been\b|"
    r"\bpenalt|\bcriminal|\bjail\b|\bprison\b|\bprosecut|\bsued\b|\bfined\b|"
    r"\bhow much trouble\b|\bwhat (?:law|rule|case)s?\b|\bwhich (?:law|rule|case)s?\b|"
    r"\bdoes (?:that|this|the) (?:rule|law)\b|"
    # "what kind of arrangement actually counts as that?": what the law accepts
    r"\bwhat (?:kinds?|sorts?|types?) of\b.{0,40}\b(?:counts?|qualif|meets?|satisf|have to|"
    r"need to|must)|\bfor (?:that|this|it) to be (?:legal|lawful|ok|okay|allowed)\b|" + _RISK_WORDS,
    re.IGNORECASE,
)
"""A request that also asks what the law says or what happened to others: the documents, not
the verdict, carry that answer."""

_ASKS_RISK = re.compile(_RISK_WORDS, re.IGNORECASE)
"""'Whats the risk?' asks what the law does to those who break it: its penalties."""


_ASKS_HOW = re.compile(
    r"\bhow (?:do|should|can|could|would) (?:i|we)\b(?! (?:legally|lawfully))|"
    r"\bwhat (?:should|do|can|could) (?:i|we) (?!legally|lawfully)\w+",
    re.IGNORECASE,
)
"""A lawful request that asks how to do it: the guides, not only the verdict, answer that."""


def _sentence_at(text: str, at: int) -> str:
    """The sentence of the text around position `at`."""
    start = max(text.rfind(end, 0, at) for end in ".?!;") + 1
    stops = [i for i in (text.find(end, at) for end in ".?!;") if i >= 0]
    return text[start : min(stops) + 1 if stops else len(text)].strip()


def _sources_say(ctx: _Context, query: str, keep: Callable[[Hit], bool] | None = None) -> list[str]:
    """Cited sentences from the documents that answer `query`, for a tool answer whose question
    also asks something the tool's data does not hold (the law behind it, its history)."""
    hits = [h for h in ctx.search(query, k=10) if keep is None or keep(h)][:5]
    pool = [*hits, *_siblings(ctx, hits)] if hits and _answerable(query, hits) else []
    points = extractive.select(query, pool, anchor_points=3, extra_points=1) if pool else []
    return [f"- {sentence} {ctx.ledger.cite(pool[i])}" for sentence, i in points]


def _law_query(text: str, asked: re.Match[str]) -> str:
    """The sentence that asks about the law; with the one before it when it ends on a pronoun
    ("we'd need real financial risk sharing. what kind of arrangement counts as that?")."""
    sentence = _sentence_at(text, asked.start())
    if re.search(r"\b(that|this|it)\W*$", sentence):
        before = text.find(sentence) - 1
        while before > 0 and text[before] in " .?!;\n":
            before -= 1
        if before > 0:
            sentence = _sentence_at(text, before) + " " + sentence
    return sentence


def _advocacy_answer(q: Question, ctx: _Context) -> Draft:
    result = ctx.run("classify_advocacy", {"text": q.text[:2000]})
    label = {
        "prohibited": "**Don't do this: it is the kind of coordination between competitors "
        "that antitrust law forbids, and it can be illegal even if nothing is signed.**",
        "caution": "**Possible, but only when it is structured the lawful way.**",
        "safe": "**This is lawful advocacy.**",
        "unclear": "**I can't tell whether this raises an antitrust issue.**",
    }[result.classification]
    parts = [label, "Why:"]
    parts += [f"- {r}" for r in result.reasons]
    parts.append("What you can do instead:" if result.classification != "safe" else "How:")
    parts += [f"- {a}" for a in result.alternatives]
    parts.append("Sources: " + "; ".join(f"{s.title} ({s.publisher})" for s in result.sources))
    # "is this ok, and how much trouble could we get into?": the verdict answers the first half;
    # the antitrust documents answer the second, quoted and cited.
    asked = _ASKS_ABOUT_LAW.search(q.text)
    # the sentence that asks about the law, not the plan told before it, picks the passages
    points = (
        _sources_say(
            ctx,
            ("antitrust penalties " if _ASKS_RISK.search(asked.group(0)) else "antitrust ")
            + _law_query(q.text, asked),
            keep=lambda h: "antitrust" in (t.lower() for t in h.passage.topics),
        )
        if asked
        else []
    )
    how = _ASKS_HOW.search(q.text) if result.classification in ("safe", "caution") else None
    if points:
        parts.append("What my sources say about the law:")
        parts += points
    elif how and (points := _sources_say(ctx, _sentence_at(q.text, how.start()))):
        # "I'm negotiating with BCBS: how do I work out what each payer pays per visit?": the
        # verdict says it is lawful; the guides answer the how
        parts.append("What my sources say:")
        parts += points
    else:
        markers = ctx.cite_topic("antitrust " + q.text, k=2)
        if markers:
            parts.append(f"More in {markers}.")
    parts.append(result.disclaimer)
    if result.classification == "prohibited":
        parts.append("I won't draft messages that coordinate rates or a boycott among practices.")
    return Draft("advocacy", "\n".join(parts), slots=q.slots)


_NOTE_REQUEST = re.compile(
    r"\b(check|review|audit|look over|is|does|will)\b.{0,60}\b(note|documentation|progress "
    r"report|eval(uation)? report|discharge summary)\b",
    re.IGNORECASE,
)


def _note_score(q: Question) -> float:
    if _NOTE_REQUEST.search(q.text) and len(q.text) > 160 and re.search(r"\d", q.text):
        return 0.85
    return 0.0


def _note_type(low: str) -> str | None:
    for key, name in (
        ("progress report", "progress"),
        ("re-eval", "reevaluation"),
        ("reeval", "reevaluation"),
        ("discharge", "discharge"),
        ("evaluation", "evaluation"),
        ("daily", "daily"),
        ("treatment note", "daily"),
    ):
        if key in low:
            return name
    return None


def _note_answer(q: Question, ctx: _Context) -> Draft:
    body = q.text.split(":", 1)[1] if ":" in q.text[:200] else q.text
    payload: dict[str, Any] = {"text": body.strip()}
    kind = _note_type(q.low[:200])
    if kind:
        payload["note_type"] = kind
    if q.slots.payer:
        payload["payer"] = q.slots.payer
    if q.slots.dates:
        payload["date_of_service"] = q.slots.dates[0].isoformat()
    try:
        result = ctx.run("check_note", payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return Draft("check_note", f"I couldn't check that note: {where}: {first.get('msg')}.")
    text = result.to_text()
    markers = ctx.cite_topic(
        "daily treatment note documentation requirements", payer=q.slots.payer_id, on=q.when
    )
    if markers:
        text += f"\n\nMore in {markers}."
    return Draft("check_note", text, slots=q.slots)


_ESTIMATE_WORDS = re.compile(
    r"how much (will|would|does|do|did|is)|what (will|would|does) (medicare|the plan|it|i|we) "
    r"(pay|owe|allow)|\bestimate\b|allowed amount|fee schedule amount|pay(s)? for (a|one|each)",
    re.IGNORECASE,
)


_MONEY = r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)"
_PCT = r"(\d{1,3}(?:\.\d+)?)\s?(?:%|percent)"
# The family's own plan terms stated in a message, each with the request field it fills.
# Only amounts the person gave are used: the estimator never guesses a plan's terms.
_PLAN_TERMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rx, re.IGNORECASE))
    for name, rx in (
        (
            "allowed_amount",
            rf"\b(?:allow(?:s|ed|ing)?|allowed amount (?:is|of)|recogni[sz]es?)\s+(?:only\s+)?"
            rf"(?:about\s+)?{_MONEY}|{_MONEY}\s+(?:is\s+)?(?:the\s+)?allowed\b",
        ),
        (
            "billed_charge_total",
            rf"\b(?:charges?|charging|bills?|billed|her rate is|his rate is|rate is|fee is|"
            rf"costs?)\s+(?:us\s+|me\s+)?(?:about\s+)?{_MONEY}|{_MONEY}\s+(?:charge|fee)\b",
        ),
        (
            "coinsurance_percent",
            rf"{_PCT}\s+(?:oon\s+|out[- ]of[- ]network\s+)?co-?insurance"
            rf"|co-?insurance\s+(?:is\s+|of\s+)?(?:only\s+)?{_PCT}",
        ),
        ("copay", rf"{_MONEY}\s+co-?pay|co-?pay\s+(?:is\s+|of\s+)?{_MONEY}"),
        (
            "oop_max_remaining",
            rf"{_MONEY}\s+(?:left|remaining)\s+(?:on|of|before|to)\s+(?:\w+\s+){{0,3}}"
            rf"(?:out[- ]of[- ]pocket|oop)",
        ),
        (
            "deductible_remaining",
            rf"{_MONEY}\s+(?:left|remaining|to go)\s+(?:on|of|before|to)\s+(?:\w+\s+){{0,3}}"
            rf"deductible|deductible\s+(?:left|remaining)\s+(?:is\s+)?{_MONEY}",
        ),
        ("percent_of_medicare", rf"{_PCT}\s+of\s+(?:the\s+)?medicare"),
    )
)
_DEDUCTIBLE_MET = re.compile(
    r"\b(met|meet|hit|satisfied|done with)\s+(the|our|my|her|his)?\s*"
    r"(oon |out[- ]of[- ]network )?deductible",
    re.IGNORECASE,
)
_OUT_OF_NETWORK = re.compile(r"\bout[- ]of[- ]network\b|\boon\b", re.IGNORECASE)


def plan_terms(text: str) -> dict[str, str]:
    """The commercial or out-of-network terms a message states, as estimator fields."""
    terms: dict[str, str] = {}
    for name, rx in _PLAN_TERMS:
        m = rx.search(text)
        if m:
            terms[name] = next(g for g in m.groups() if g).replace(",", "")
    if "deductible_remaining" not in terms and _DEDUCTIBLE_MET.search(text):
        terms["deductible_remaining"] = "0"
    return terms


def _estimate_score(q: Question) -> float:
    if not _ESTIMATE_WORDS.search(q.text) and not _PAID_BACK.search(q.text):
        return 0.0
    if _CLAIM_WORDS.search(q.text):
        return 0.0
    terms = plan_terms(q.text)
    # an allowed amount alone ("billed $250, allowed $140: what is the difference?") asks what
    # the EOB means; pricing needs the family's share too (coinsurance, copay or deductible)
    shares = {"coinsurance_percent", "copay", "deductible_remaining"} & terms.keys()
    own_terms = ("allowed_amount" in terms and shares) or (
        "percent_of_medicare" in terms and q.slots.services
    )
    # Medicare's amounts come from its fee schedule, never from terms typed in a message.
    if own_terms and (q.slots.payer_id != "medicare" or "percent_of_medicare" in terms):
        return 0.8
    if _ESTIMATE_WORDS.search(q.text) and q.slots.services:
        return 0.75
    return 0.0


_PAID_BACK = re.compile(
    r"\b(send|pay|reimburse|give)s?\s+(us|me|them)?\s*back\b|\breimburse|\b(we|i) (end up )?"
    r"(pay|owe)\b|\bout of pocket\b",
    re.IGNORECASE,
)


def _plan_estimate(q: Question, ctx: _Context, terms: dict[str, str]) -> Draft:
    """Price a visit from the plan terms the person gave, with the arithmetic shown."""
    basis = "out_of_network" if _OUT_OF_NETWORK.search(q.text) else "commercial"
    payload: dict[str, Any] = {
        "date_of_service": q.when.isoformat(),
        "payer_basis": basis,
        **terms,
    }
    if basis == "commercial":
        payload.pop("billed_charge_total", None)
    if "allowed_amount" not in terms:
        payload["lines"] = [
            {"code": s.code, "minutes": s.minutes}
            if s.minutes is not None
            else {"code": s.code, "units": q.slots.unit_counts.get(s.code, 1)}
            for s in q.slots.services
        ]
    try:
        result = ctx.run("estimate_payment", payload)
    except (ValidationError, InvalidBillingInput) as exc:
        return Draft("estimate", f"I couldn't price that: {exc}", slots=q.slots)
    text = result.to_text()
    # "... and doesn't the No Surprises Act cover this?": the estimate prices the visit; the
    # documents answer whether the law stops the balance bill
    law = re.search(
        r"no surprises?|surprise bill|balance[- ]bill|bill us the rest|\bcan they bill\b", q.low
    )
    said = (
        _sources_say(ctx, "No Surprises Act balance billing " + _sentence_at(q.text, law.start()))
        if law
        else []
    )
    if said:
        text += "\n\nWhat my sources say about the balance bill:\n" + "\n".join(said)
    else:
        topic = "out-of-network reimbursement allowed amount balance billing coinsurance"
        markers = ctx.cite_topic(topic, payer=None, on=q.when)
        if markers:
            text += f"\n\nMore in {markers}."
    return Draft("estimate", text, slots=q.slots)


def _estimate_answer(q: Question, ctx: _Context) -> Draft:
    terms = plan_terms(q.text)
    if "percent_of_medicare" in terms or (
        "allowed_amount" in terms and q.slots.payer_id != "medicare"
    ):
        return _plan_estimate(q, ctx, terms)
    if q.slots.payer_id not in (None, "medicare"):
        return _ask(
            "estimate",
            "For a commercial or out-of-network plan I need the plan's own terms (I never use "
            "other providers' rates):",
            [
                "the contract's amount per unit for each code, or the plan's allowed amount",
                "the deductible left and the coinsurance percent",
            ],
            q.slots,
        )
    lines = []
    for svc in q.slots.services:
        line: dict[str, Any] = {"code": svc.code}
        if svc.code in q.slots.unit_counts:
            line["units"] = q.slots.unit_counts[svc.code]
        elif svc.minutes is not None:
            line["minutes"] = svc.minutes
        else:
            line["units"] = 1
        if "CO" in q.slots.modifiers:
            line["modifiers"] = ["CO"]
        lines.append(line)
    payload = {"lines": lines, "date_of_service": q.when.isoformat(), "payer_basis": "medicare"}
    try:
        result = ctx.run("estimate_payment", payload)
    except (ValidationError, InvalidBillingInput) as exc:
        return Draft("estimate", f"I couldn't price that: {exc}", slots=q.slots)
    text = result.to_text()
    markers = ctx.cite_topic(
        "Medicare fee calculation conversion factor", payer="medicare", on=q.when
    )
    if markers:
        text += f"\n\nMore in {markers}."
    return Draft("estimate", text, slots=q.slots)


HANDLERS += [
    Handler("claim_check", _claim_score, _claim_answer),
    Handler("advocacy", _advocacy_score, _advocacy_answer),
    Handler("check_note", _note_score, _note_answer),
    Handler("estimate", _estimate_score, _estimate_answer),
]


_OON_GUIDE = re.compile(
    r"\b(what|which) (questions )?(should|do) (i|we) ask\b|\bquestions to ask\b|"
    r"\b(network )?gap exception\b|\b(write|draft|template|sample)\b.{0,40}\bletter\b|"
    r"\bletter\b.{0,40}\b(appeal|pre-?auth|prior auth|gap exception)\b",
    re.IGNORECASE,
)


def _oon_score(q: Question) -> float:
    if _OON_GUIDE.search(q.text) and (
        q.persona == "parent" or re.search(r"\b(insur|plan|child|son|daughter|kid)", q.low)
    ):
        return 0.9  # above the visits intent: the guide includes the visits figure
    return 0.0


def _oon_answer(q: Question, ctx: _Context) -> Draft:
    codes = [s.code for s in q.slots.services] or ["97165", "97530"]
    payload: dict[str, Any] = {"codes": codes, "payer": q.slots.payer or "my insurance company"}
    if re.search(r"\bletter\b", q.low):
        if re.search(r"appeal|denied|denial", q.low):
            payload["letter"] = "appeal"
        elif re.search(r"gap", q.low):
            payload["letter"] = "network_gap"
        elif re.search(r"auth", q.low):
            payload["letter"] = "preauthorization"
    if q.slots.session_minutes:
        payload["session_minutes"] = q.slots.session_minutes
    if q.slots.auth_units or q.slots.auth_visits:
        payload["authorization"] = (
            {"units": q.slots.auth_units} if q.slots.auth_units else {"visits": q.slots.auth_visits}
        )
    if re.search(r"no in-?network|none in-?network|no one in-?network|can't find", q.low):
        payload["in_network_available"] = False
    try:
        result = ctx.run("oon_guide", payload)
    except (ValidationError, InvalidBillingInput) as exc:
        return Draft("oon_guide", f"I couldn't build the guide: {exc}", slots=q.slots)
    text = result.to_text()
    if not q.slots.services:
        text = (
            "I used 97165 (evaluation) and 97530 (therapeutic activities) as examples; tell me "
            "your child's codes for questions about them.\n\n" + text
        )
    return Draft("oon_guide", text, slots=q.slots)


HANDLERS.append(Handler("oon_guide", _oon_score, _oon_answer))


_SAME_DAY = re.compile(
    r"\bsame (day|date|dos|session|visit)\b|\btogether\b|\bon one (day|date)\b|"
    r"\bmodifier 59\b|\bneed (a )?59\b|\b59 or xu\b|\bxu\b|\bbundl",
    re.IGNORECASE,
)
_LITERAL_CODE = re.compile(r"\b(9\d{4}|G\d{4})\b", re.IGNORECASE)


def _pair_score(q: Question) -> float:
    codes = list(dict.fromkeys(s.code for s in q.slots.services))
    written = {m.upper() for m in _LITERAL_CODE.findall(q.text)}
    if (
        len(codes) >= 2
        and len(written) >= 2  # codes the person typed, not ones inferred from "sensory"
        and _SAME_DAY.search(q.text)
        and re.search(r"\b(can|could|may|do|does|is it|bill|billed|billing|need|pay)\b", q.low)
        and not [s for s in q.slots.services if s.minutes is not None]
        and not _CLAIM_WORDS.search(q.text)
    ):
        return 0.85  # above re-evaluation and code look-up, which a pair question also names
    return 0.0


def _pair_answer(q: Question, ctx: _Context) -> Draft:
    codes = list(dict.fromkeys(s.code for s in q.slots.services))[:6]
    result = ctx.run("check_code_pair", {"codes": codes, "date_of_service": q.when.isoformat()})
    text = result.to_text()
    # "we used to have trouble with that edit on Medicaid: is it still a problem?": the pair
    # table holds today's edits; the documents hold the payer's history with the pair
    # a pair the table does not hold ("97165 with 97161"): what the documents say about it
    # is the best that can be given, cited, after the tool's "not on file"
    unknown = any(f.verdict == "not_on_file" for f in result.pairs)
    said = (
        _sources_say(ctx, "NCCI edit " + " ".join(codes) + " " + q.text)
        if unknown
        or _ASKS_CAP_HISTORY.search(q.text)
        or re.search(r"\bstill\b|\bany ?more\b", q.low)
        else []
    )
    if said:
        text += "\n\nWhat my sources say about this pair:\n" + "\n".join(said)
    else:
        markers = ctx.cite_topic("NCCI same day code pairs modifier 59 XU " + " ".join(codes), k=2)
        if markers:
            text += f"\n\nMore in {markers}."
    refs = [p.reference for p in result.pairs if p.reference] + list(result.references)
    if refs:
        text += "\n\nRule data used:\n" + _rule_lines(refs)
    return Draft("code_pair", text, slots=q.slots)


HANDLERS.append(Handler("code_pair", _pair_score, _pair_answer))


_ASSISTANT = re.compile(
    # CO-97 on a remittance is a claim adjustment group code, not the OTA modifier
    r"\b(CO|CQ)\b(?!-?\d)(?= ?(modifier|mod\b|line|claim|-|\)|,|\?|$))|\bC?OTAs?\b|\bPTAs?\b|"
    r"(?i:\b(therapy|ot|pt|my|our|an?) assistants?\b|\bassistant modifier)",
)
_ASSISTANT_PAY = re.compile(
    r"\ballow(s|ed)?\b|\bpa(y|ys|id)\b|\breimburse|\bfee\b|\bworth\b|\breduc|\bcut\b|"
    r"\bpercent|%|\bhow much less\b|\bless\b",
    re.IGNORECASE,
)
# "my OTA did 5 of the 40 minutes", "the COTA ran 12 min of a 45 min session"
_ASSISTANT_SHARE = re.compile(
    r"\b(\d{1,3}) ?(?:min(?:ute)?s?)? (?:of|out of) (?:the|a|an|our|that)? ?(\d{1,3})"
    r"[- ]?(?:min(?:ute)?s?)?\b",
    re.IGNORECASE,
)


# "my OTA did 3 min of it alone", "the COTA ran 12 minutes by herself"
_ASSISTANT_OWN = re.compile(
    r"\b(?:C?OTAs?|PTAs?|assistants?)\b[^.?!]{0,45}?\b(\d{1,3}) ?(?:min(?:ute)?s?)\b",
    re.IGNORECASE,
)
_PAID_LESS = re.compile(
    r"\bpa(?:y|ys|id|ying) (?:\w+ )?less\b|\breduc|\bcut\b|\b85 ?%|\bpercent|"
    r"\b(?:full|lower|reduced) (?:rate|pay|payment)\b",
    re.IGNORECASE,
)


def _assistant_minutes(q: Question) -> tuple[int, int] | None:
    """The assistant's own minutes and the service's total: 'my OTA did 5 of the 40 minutes',
    or 'did 3 min of it alone' beside one timed service of 38 minutes."""
    share = _ASSISTANT_SHARE.search(q.text)
    if share and int(share.group(1)) <= int(share.group(2)):
        return int(share.group(1)), int(share.group(2))
    own = _ASSISTANT_OWN.search(q.text)
    timed = [s.minutes for s in q.slots.services if s.minutes is not None]
    if own and len(timed) == 1 and timed[0] is not None and int(own.group(1)) < timed[0]:
        return int(own.group(1)), timed[0]
    return None


def _assistant_score(q: Question) -> float:
    if (
        q.followup
        and q.previous_intent == "assistant_rate"
        and (q.slots.year or q.slots.dates or re.search(_MONEY, q.text))
    ):
        return 0.85  # "and in 2021?", "what about a $45 line?"
    if not _ASSISTANT.search(q.text):
        return 0.0
    timed = [s for s in q.slots.services if s.minutes is not None]
    if (
        _PAID_LESS.search(q.text)
        and (q.slots.year or q.slots.dates or re.search(r"\bback then\b|\bused to\b", q.low))
        and not timed
        and not re.search(_MONEY, q.text)
    ):
        return 0.75  # "was Medicare already paying less for OTA visits back in 2021?"
    if _CLAIM_WORDS.search(q.text):
        return 0.0
    if (
        _assistant_minutes(q)
        and re.search(r"\b(CO|CQ)\b|modifier", q.text)
        and re.search(r"\b(need|require|use|add|put|have to|must)", q.low)
    ):
        return 0.95  # "my OTA did 3 min of it alone: does the line need CO?" beats a unit count
    amount = re.search(_MONEY, q.text)
    if amount and _ASSISTANT_PAY.search(q.text) and not timed:
        return 0.8
    if _ASSISTANT_SHARE.search(q.text) and re.search(r"\b(need|require|use|add|put)", q.low):
        return 0.7
    if (
        # "the assistant add-on code instead of just GO": CO by another name
        re.search(r"\b(CO|CQ|GO|GP)\b|modifier|add-on", q.text)
        and re.search(
            r"\b(minutes?|de minimis|threshold|how much|when|percent|%|at what point)", q.low
        )
        and re.search(r"\b(need|require|have to|had to|must|put|add|use)", q.low)
    ):
        # "when did the OTA's part mean we had to put CO on the line? a minutes threshold?"
        return 0.65
    return 0.0


def _assistant_answer(q: Question, ctx: _Context) -> Draft:
    payload: dict[str, Any] = {
        "modifier": "CQ" if re.search(r"\bCQ\b|\bPTAs?\b", q.text) else "CO",
        "date_of_service": q.when.isoformat(),
    }
    amount = re.search(_MONEY, q.text)
    if amount:
        payload["full_amount"] = amount.group(1).replace(",", "")
    minutes = _assistant_minutes(q)
    if minutes:
        payload["assistant_minutes"], payload["total_minutes"] = minutes
    try:
        result = ctx.run("check_assistant_modifier", payload)
    except (ValidationError, InvalidBillingInput) as exc:
        return Draft("assistant_rate", f"I couldn't work that out: {exc}", slots=q.slots)
    if result.status != "ok":
        return Draft("assistant_rate", " ".join(result.missing), notes=list(result.missing))
    if result.assistant_amount is not None:
        head = (
            f"**With {result.modifier}, Medicare allows {_usd(result.assistant_amount)}** "
            f"({result.payment_percent}% of {_usd(result.full_amount)}) on {q.when}."
        )
    elif result.modifier_required is not None:
        head = (
            f"**The line {'needs' if result.modifier_required else 'does not need'} "
            f"{result.modifier}.**"
        )
    elif result.de_minimis_percent is not None and re.search(
        r"\b(needs?|needed|require[sd]?|have to|has to|had to|must)\b", q.low
    ):
        head = (
            f"**{result.modifier} is needed when the {result.assistant} furnishes the whole "
            f"service, or more than {result.de_minimis_percent}% of its minutes without the "
            "therapist.** Minutes they furnish together, at the same time, count as the "
            "therapist's."
        )
    else:
        head = f"**{result.modifier} lines are paid at {result.payment_percent}% on {q.when}.**"
        if result.payment_percent == 100:
            said = f"In {q.slots.year}" if q.slots.year and not q.slots.dates else f"On {q.when}"
            head = (
                f"**{said} Medicare paid {result.modifier} lines at the full fee schedule "
                "amount (100%): the modifier was reported, but payment was not reduced.**"
            )
        if result.payment_percent is not None and result.payment_percent < 100:
            head = (
                f"**With {result.modifier}, Medicare pays {result.payment_percent}% of the fee "
                f"schedule amount on {q.when}: {100 - result.payment_percent}% less than the "
                "therapist's own line.**"
            )
    working = list(result.working)
    if (
        result.modifier_required is None
        and result.de_minimis_percent is not None
        and "is needed when" not in head
    ):
        working.append(
            f"{result.modifier} is needed when the {result.assistant} furnishes the whole service, "
            f"or more than {result.de_minimis_percent}% of its minutes without the therapist; "
            "minutes they furnish together count as the therapist's."
        )
    if (
        result.payment_percent is not None
        and result.payment_percent < 100
        and "less than the therapist" not in head
    ):
        working.append(
            f"With {result.modifier}, Medicare pays {result.payment_percent}% of the fee schedule "
            f"amount: {100 - result.payment_percent}% less than the therapist's own line."
        )
    text = head + "\n\n" + "\n".join(f"- {w}" for w in working)
    markers = ctx.cite_topic(
        "CO CQ modifier assistant 85 percent payment de minimis 10 percent",
        payer="medicare",
        on=q.when,
    )
    if markers:
        text += f"\n\nMore in {markers}."
    text += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    return Draft("assistant_rate", text, slots=q.slots)


def _usd(value: Any) -> str:
    return f"${value:,.2f}"


HANDLERS.append(Handler("assistant_rate", _assistant_score, _assistant_answer))


_CONVERSION_FACTOR = re.compile(
    r"\bconversion factors?\b|\bCFs?\b|\bconv(?:\.|ersion)? factor\b|\bfee schedule multiplier",
)


def _conversion_factor_score(q: Question) -> float:
    """'which Medicare CF applies to a 2/15/24 DOS?', 'what is the 2026 conversion factor?'"""
    if q.followup and q.previous_intent == "conversion_factor" and (q.slots.year or q.slots.dates):
        return 0.85  # "and for 2025?"
    if not _CONVERSION_FACTOR.search(q.text) and not re.search(
        r"\b(two|2|different) (medicare )?multipliers?\b", q.low
    ):
        return 0.0
    if q.slots.payer_id not in (None, "medicare") or q.slots.services:
        return 0.0  # a fee estimate with codes is the estimator's
    if _ASKS_CAP_HISTORY.search(q.text) or re.search(r"\b(lobby|advoca|aota|apta|fight)", q.low):
        return 0.0  # what was done about the cut: the documents' story, not the table
    return 0.75


def _conversion_factor_answer(q: Question, ctx: _Context) -> Draft:
    result = ctx.run("get_conversion_factor", {"date_of_service": q.when.isoformat()})
    why = re.search(r"\bwhy\b|\bhow come\b", q.low)
    said = (
        _sources_say(ctx, "Medicare conversion factor " + q.text)
        if why or result.status != "ok"
        else []
    )
    if result.status != "ok":
        text = f"My rule table does not have {result.missing[0]}, so I won't compute with it."
        if said:
            text += "\n\nWhat my sources say:\n" + "\n".join(said)
        return Draft("conversion_factor", text, notes=list(result.missing))
    several = len(result.periods_in_year) > 1
    when = f"on {q.when}" if q.slots.dates else f"in {q.when.year}"
    head = f"**For dates of service {when}, the Medicare conversion factor is ${result.non_apm}**"
    if several and not q.slots.dates:
        # "2024 CF?" without a date: the year had more than one, so no single figure is right
        head = f"**{q.when.year} had {len(result.periods_in_year)} Medicare conversion factors**"
    if result.apm is not None and result.apm != result.non_apm:
        head += (
            f" for practitioners outside an advanced APM (almost every OT practice), and "
            f"${result.apm} for qualifying APM participants"
        )
    head += "."
    details = []
    if several:
        details.append(f"{q.when.year} had more than one factor; the date of service decides:")
        details += [
            f"  {p.effective_from} to {p.effective_to or 'onward'}: ${p.non_apm}"
            for p in result.periods_in_year
        ]
    elif re.search(r"\bmid-? ?year\b|\bpart way\b|\bpartway\b|\bmid-? ?stream\b", q.low):
        # "did congress fix it midyear like 2024?": the table's periods for the year answer it
        details.append(
            f"My table has one factor for all of {q.when.year}, with no mid-year change on file."
        )
    if result.previous is not None and result.change_percent is not None:
        # "how much did it go down from last year?": the tool's change from the factor before
        change = result.change_percent
        way = "down" if change < 0 else "up" if change > 0 else "unchanged"
        details.insert(
            0,
            f"That is {abs(change)}% {way} from ${result.previous.non_apm}, the factor in force "
            f"from {result.previous.effective_from} to {result.previous.effective_to}.",
        )
        if change < 0 and re.search(r"\b(dropp|drop|down|lower|less|cut|decreas|fell)", q.low):
            details.insert(
                1,
                "A lower factor lowers every code's fee unless the code's relative value units "
                "rose.",
            )
    details.append(
        "The fee for a code is (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x "
        "this factor; 'otbill estimate' does the whole calculation."
    )
    details += result.notes
    text = head + "\n\n" + "\n".join(f"- {d}" if not d.startswith("  ") else d for d in details)
    if said:
        # "why are there two multipliers this year?": the table has the numbers, the documents
        # the reason
        text += "\n\nWhat my sources say:\n" + "\n".join(said)
    else:
        markers = ctx.cite_topic(
            f"Medicare physician fee schedule conversion factor {q.when.year}",
            payer="medicare",
            on=q.when,
        )
        if markers:
            text += f"\n\nMore in {markers}."
    text += "\n\nRule data used:\n" + _rule_lines(result.rule_data)
    return Draft("conversion_factor", text, slots=q.slots)


HANDLERS.append(Handler("conversion_factor", _conversion_factor_score, _conversion_factor_answer))


_ASKS_PATIENT_COST = re.compile(
    # the patient, not Medicare, is the one paying: "what will she pay", "what do we owe"
    r"\b(?:she|he|mom|dad|my (?:mom|dad|mother|father|husband|wife|grandma|grandpa)|the "
    r"patient|patients?)\b(?: \w+){0,4} (?:pay|owe)\b|\b(?:i|we)(?:'ll| will| would| have to|"
    r" going to| gonna) pay\b|\bout of (?:her|his|my|our|their)? ?(?:own )?"
    r"pocket\b|\bpay (?:herself|himself|myself|ourselves)\b|\bcost (?:her|him|me|us|them)\b|"
    r"\bhow much will (?:it|ot|therapy|occupational therapy) cost\b|\bpart b deductible\b",
    re.IGNORECASE,
)
_MEDICARE_ADVANTAGE = re.compile(r"\bmedicare advantage\b|\badvantage plan|\bMA plan\b", re.I)


_VISIT_CAP = re.compile(
    r"\b(?:cap|limit|max(?:imum)?)\b[^.?!]{0,30}\bvisits?\b|\bhow many visits\b|"
    r"\bvisits?\b[^.?!]{0,20}\b(?:cap|limit|max(?:imum)?)\b",
    re.IGNORECASE,
)


def _cost_sharing_score(q: Question) -> float:
    """'My mom has regular Medicare. What will she pay for OT in 2026?'"""
    if q.slots.payer_id != "medicare" or q.slots.services or _CLAIM_WORDS.search(q.text):
        return 0.0
    advantage = _MEDICARE_ADVANTAGE.search(q.text) and not re.search(
        r"\b(?:not|no|non)\b[^.)]{0,30}\badvantage", q.low
    )
    if not advantage and _VISIT_CAP.search(q.text) and _ASKS_PATIENT_COST.search(q.text):
        # "what will he pay in 2026? and is there a cap on how many visits?": the cost comes
        # first; the answer adds the visit question from the threshold table and the documents
        return 0.75
    if advantage or re.search(
        r"\babn\b|not covered|denied|no longer|\blimit\b|\bcap\b|\bkx\b|threshold|waiver|"
        r"\b(?:went|go|goes|going|gone|is|are) (?:over|past|above)\b",
        q.low,
    ):
        return 0.0
    if plan_terms(q.text):
        return 0.0  # amounts stated in the question: the estimator's
    return 0.7 if _ASKS_PATIENT_COST.search(q.text) else 0.0


def _cost_sharing_answer(q: Question, ctx: _Context) -> Draft:
    result = ctx.run("get_medicare_cost_sharing", {"date_of_service": q.when.isoformat()})
    if result.status != "ok":
        text = f"My rule table does not have {result.missing[0]}, so I won't give a figure."
        said = _sources_say(ctx, "Medicare Part B deductible coinsurance " + q.text)
        if said:
            text += "\n\nWhat my sources say:\n" + "\n".join(said)
        return Draft("cost_sharing", text, notes=list(result.missing))
    head = (
        f"**On Original Medicare, outpatient OT in {q.when.year} costs the patient the yearly "
        f"Part B deductible (${result.part_b_deductible:,.2f}) first, then "
        f"{result.coinsurance_percent}% of the Medicare-approved amount for each visit.**"
    )
    details = [
        "The deductible is paid once a year across all Part B services, so a doctor's visit "
        "earlier in the year may already have met it.",
        *result.notes,
        "For a visit's dollar amounts, give the codes and minutes and I will estimate them.",
    ]
    rule_data = list(result.rule_data)
    cap_lines: list[str] = []
    if _VISIT_CAP.search(q.text):
        # the visit count has no cap; the yearly amount that needs KX is in the threshold table
        thresholds = ctx.run(
            "get_therapy_thresholds", {"date_of_service": date(q.when.year, 1, 1).isoformat()}
        )
        cap_lines = [
            line
            for line in _sources_say(
                ctx,
                f"Medicare {q.when.year} is there a limit on the number of medically necessary "
                "OT visits",
                keep=lambda h: "medicare" in h.passage.payer,
            )
            if re.search(r"\blimit|\bcap\b|\bnumber of\b", line)
        ]
        if thresholds.status == "ok":
            cap_lines.append(
                f"- The {q.when.year} KX threshold for OT is "
                f"${thresholds.ot_kx_threshold:,.2f}: above it each line needs the KX modifier "
                "showing the care is still medically necessary."
            )
            rule_data += [r for r in thresholds.rule_data if r not in rule_data]
    text = head + "\n\n" + "\n".join(f"- {d}" for d in details)
    if cap_lines:
        text += "\n\nOn a cap on visits:\n" + "\n".join(cap_lines)
    markers = ctx.cite_topic(
        f"what a Medicare patient pays for outpatient OT {q.when.year} deductible coinsurance",
        payer="medicare",
        on=q.when,
    )
    if markers:
        text += f"\n\nMore in {markers}."
    text += "\n\nRule data used:\n" + _rule_lines(tuple(rule_data))
    return Draft("cost_sharing", text, slots=q.slots)


HANDLERS.append(Handler("cost_sharing", _cost_sharing_score, _cost_sharing_answer))


class OfflineEngine:
    """Answers questions with the tools and the knowledge base, no model involved."""

    def __init__(self, kb: KnowledgeBase | None, today: Callable[[], date] = date.today) -> None:
        self.kb = kb
        self.today = today

    def answer(
        self, text: str, persona: Persona | None, state: dict[str, Any]
    ) -> tuple[Draft, Persona]:
        """Answer one message given the conversation's saved state."""
        chosen: Persona = persona or state.get("persona") or infer_persona(text)
        previous = Slots.from_state(state["slots"]) if state.get("slots") else None
        question = Question(
            text=text,
            persona=chosen,
            slots=extract(text),
            previous=previous,
            previous_intent=state.get("intent"),
            followup=(bool(_FOLLOWUP.search(text)) or bool(state.get("awaiting")))
            and previous is not None,
            today=self.today(),
        )
        ctx = _Context(kb=self.kb, ledger=Ledger(), calls=[])
        if (
            _OUT_OF_SCOPE.search(text)
            and not question.slots.services
            and not _IN_DOMAIN.search(text)
        ):
            topic = _OUT_OF_SCOPE.search(text).group(0)  # type: ignore[union-attr]
            draft = Draft(
                "out_of_scope",
                prompts.load("offline/out_of_scope").render(
                    topic=f"'{topic}'",
                    hint="Ask me about codes, units, claims, documentation or insurance.",
                ),
            )
        else:
            scored = sorted(
                ((h.score(question), i, h) for i, h in enumerate(HANDLERS)),
                key=lambda t: (-t[0], t[1]),
            )
            best_score, _, best = scored[0]
            draft = (
                best.answer(question, ctx)
                if best_score >= 0.5
                else _knowledge_answer(question, ctx)
            )
            if draft.asked and draft.intent not in _NO_BACKGROUND:
                draft = _with_background(question, ctx, draft)
        draft.citations = ctx.ledger.citations
        draft.tool_calls = ctx.calls
        return draft, chosen


def state_after(draft: Draft, persona: Persona, previous: dict[str, Any]) -> dict[str, Any]:
    """The conversation state to save after a turn: persona, last intent and its slots."""
    state: dict[str, Any] = {"persona": persona, "intent": draft.intent}
    if draft.asked:
        state["awaiting"] = True
    if draft.slots is not None:
        state["slots"] = draft.slots.as_state()
    elif previous.get("slots"):
        state["slots"] = previous["slots"]
    return state
