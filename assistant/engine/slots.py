"""Read the facts a billing question carries: services and minutes, payer, dates, evaluation
findings, authorization numbers, NPIs, diagnosis codes and modifiers.

Extraction is deliberately conservative: a number becomes minutes only when it sits with a
service and is not a count of units, visits or deficits, a year, a dollar amount or part of a
date. What is not found stays empty, so the engine can ask instead of guessing.
"""

from __future__ import annotations

import re
import tomllib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "a dozen": 12,
}
_NUM = r"(\d{1,4}|" + "|".join(sorted(map(re.escape, WORD_NUMBERS), key=len, reverse=True)) + r")"

CODE_RE = re.compile(r"(?<![\w.])((?:97\d{3}|9252[1-6]|92610|G0283))(?![\w])", re.IGNORECASE)
ICD_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})?)(?![A-Za-z0-9])"
)
NPI_RE = re.compile(r"(?<!\d)([12]\d{9})(?!\d)")
MODIFIER_WORDS = tuple(
    "GO GP GN KX CO CQ 59 XU XS XE XP 95 GT GA GY GZ 76 77 25 52 KF LT RT".split()
)
"""Modifiers people mention in billing questions (also what the LLM guard checks)."""
MODIFIER_RE = re.compile(
    r"(?:modifiers?\s+|-)("
    + "|".join(MODIFIER_WORDS)
    + r")\b|\b("
    + "|".join(m for m in MODIFIER_WORDS if m.isalpha() and m not in {"CO"})
    + r")\b"
)

_MINUTE_WORD = r"(?:minutes?|mins?|min\b|m\b|')"
_MINUTES_AFTER = re.compile(_NUM + r"\s*-?\s*" + _MINUTE_WORD, re.IGNORECASE)
_RULE_NAME = re.compile(r"\s*rule\b", re.IGNORECASE)
_UNIT_SIZE = re.compile(r"['\"]?\s*(?:billing |timed |billable )?(?:units?|increments?)\b", re.I)
_MINUTES_TOTAL_AFTER = re.compile(
    r"\bminutes?\s+(?:added up to|add up to|adds up to|totall?ed|came to|come to|were|was)\s+"
    r"(?:about |around |roughly |approximately |~)?(\d{1,3})\b(?!\s*(?:units?|visits?|%))",
    re.IGNORECASE,
)
"""'timed minutes added up to about 115 total': the number after the word."""
_BARE_AFTER_CODE = re.compile(
    r"^\s*(?:=|:|for|-)?\s*(\d{1,4})(?!\s*(?:units?|visits?|sessions?|%|/))", re.IGNORECASE
)
_NOT_MINUTES_AFTER = re.compile(
    r"^\s*(?:units?|visits?|sessions?|deficits?|days?|weeks?|months?|years?|%)", re.IGNORECASE
)
_NUMBER_OF_BEFORE = re.compile(
    r"(?<![\d/.])(\d{1,4})\s*(?:more\s+)?(?:of|on|doing)\s*$", re.IGNORECASE
)
_EACH = re.compile(
    _NUM + r"\s*" + _MINUTE_WORD + r"\s*each\b|\beach\s+(?:for\s+)?" + _NUM + r"\s*" + _MINUTE_WORD,
    re.IGNORECASE,
)
_CLAUSE_SPLIT = re.compile(r"[;,\n]|\band\b|\bplus\b|\bthen\b|\+|\bwith\b|\balso\b", re.IGNORECASE)

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}

PAYER_ALIASES: tuple[tuple[str, str], ...] = (
    ("medicare advantage", "medicare_advantage"),
    ("part c", "medicare_advantage"),
    ("humana gold", "medicare_advantage"),
    ("aetna medicare", "medicare_advantage"),
    ("uhc medicare", "medicare_advantage"),
    ("aarp medicare", "medicare_advantage"),
    ("original medicare", "medicare"),
    ("traditional medicare", "medicare"),
    ("medicare part b", "medicare"),
    ("medicare", "medicare"),
    ("medicaid", "medicaid"),
    ("medi-cal", "medicaid"),
    ("chip", "medicaid"),
    ("tricare", "tricare"),
    ("aetna", "aetna"),
    ("cigna", "cigna"),
    ("unitedhealthcare", "unitedhealthcare"),
    ("united healthcare", "unitedhealthcare"),
    ("united health care", "unitedhealthcare"),
    ("uhc", "unitedhealthcare"),
    ("optum", "unitedhealthcare"),
    ("umr", "unitedhealthcare"),
    ("anthem", "anthem"),
    ("elevance", "anthem"),
    ("carelon", "anthem"),
    ("blue cross", "bcbs"),
    ("blue shield", "bcbs"),
    ("bcbs", "bcbs"),
    ("highmark", "bcbs"),
    ("premera", "bcbs"),
    ("regence", "bcbs"),
    ("florida blue", "bcbs"),
    ("carefirst", "bcbs"),
    ("humana", "humana"),
    ("kaiser", "commercial"),
)


@dataclass
class Service:
    """A service mentioned in the question, with its minutes if given."""

    code: str
    minutes: int | None
    name: str


@dataclass
class Slots:
    """Everything extracted from one message."""

    services: list[Service] = field(default_factory=list)
    payer: str | None = None
    payer_id: str | None = None
    method: str | None = None
    dates: list[date] = field(default_factory=list)
    year: int | None = None
    period: tuple[date, date] | None = None
    history: str | None = None
    deficits: int | None = None
    deficits_level: str | None = None
    decision: str | None = None
    comorbidities: str | None = None
    modification: str | None = None
    auth_units: int | None = None
    auth_visits: int | None = None
    session_minutes: int | None = None
    npis: list[str] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    unit_counts: dict[str, int] = field(default_factory=dict)
    bare_minutes: list[int] = field(default_factory=list)

    def as_state(self) -> dict[str, Any]:
        """JSON-ready form for the conversation state."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if key == "services":
                out[key] = [s.__dict__ for s in value]
            elif key == "dates":
                out[key] = [d.isoformat() for d in value]
            elif key == "period":
                out[key] = [d.isoformat() for d in value] if value else None
            else:
                out[key] = value
        return out

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Slots:
        """Rebuild slots saved with `as_state`."""
        slots = cls()
        for key, value in data.items():
            if key == "services":
                slots.services = [Service(**s) for s in value]
            elif key == "dates":
                slots.dates = [date.fromisoformat(d) for d in value]
            elif key == "period":
                slots.period = (
                    (date.fromisoformat(value[0]), date.fromisoformat(value[1])) if value else None
                )
            elif hasattr(slots, key):
                setattr(slots, key, value)
        return slots


@cache
def _service_names() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    raw = tomllib.loads(resources.files("assistant.engine").joinpath("services.toml").read_text())
    rules: list[tuple[int, re.Pattern[str], str, str]] = []
    for entry in raw["service"]:
        for name in entry["names"]:
            exact_case = name.isupper() and len(name) <= 4
            flags = 0 if exact_case else re.IGNORECASE
            body = re.escape(name).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*")
            pattern = re.compile(r"(?<![A-Za-z0-9])" + body + r"(?![A-Za-z0-9])", flags)
            rules.append((len(name), pattern, entry["code"], name))
    rules.sort(key=lambda r: -r[0])
    return tuple((p, c, n) for _, p, c, n in rules)


def _to_int(text: str) -> int:
    return int(text) if text.isdigit() else WORD_NUMBERS[text.lower()]


@dataclass
class _Mention:
    start: int
    end: int
    code: str
    name: str


def _mentions(text: str) -> list[_Mention]:
    taken: list[tuple[int, int]] = []
    found: list[_Mention] = []
    for match in CODE_RE.finditer(text):
        taken.append(match.span())
        found.append(_Mention(match.start(), match.end(), match.group(1).upper(), match.group(1)))
    for pattern, code, name in _service_names():
        for match in pattern.finditer(text):
            s, e = match.span()
            if any(s < te and e > ts for ts, te in taken):
                continue
            taken.append((s, e))
            found.append(_Mention(s, e, code, name))
    return sorted(found, key=lambda m: m.start)


def _minutes_in(segment: str) -> int | None:
    """Minutes in a clause: a number with a minute word, not a count of units or a year."""
    for match in _MINUTES_AFTER.finditer(segment):
        if _RULE_NAME.match(segment, match.end()) or _UNIT_SIZE.match(segment, match.end()):
            continue  # "under the 8 min rule", "15 min units": a rule and a unit's size
        value = _to_int(match.group(1))
        if 0 <= value <= 1440:
            return value
    return None


def extract_services(text: str) -> list[Service]:
    """Services with their minutes, pairing each number with the service in its clause."""
    mentions = _mentions(text)
    if not mentions:
        return []
    services: list[Service] = []
    sentence_of: list[int] = []  # the sentence each mention is in
    for i, m in enumerate(mentions):
        after = text[m.end : mentions[i + 1].start if i + 1 < len(mentions) else len(text)]
        before = text[mentions[i - 1].end if i else 0 : m.start]
        clause_after = _CLAUSE_SPLIT.split(after, maxsplit=1)[0]
        clause_before = _CLAUSE_SPLIT.split(before)[-1]
        minutes: int | None = None
        bare = _BARE_AFTER_CODE.match(after)
        if (
            bare
            and not _NOT_MINUTES_AFTER.match(after[bare.end() :])
            and int(bare.group(1)) <= 1440
        ):
            minutes = int(bare.group(1))
        if minutes is None:
            minutes = _minutes_in(clause_after)
        if minutes is None:
            # "33 minutes of ther ex": the number comes before the service in the same clause
            minutes = _minutes_in(clause_before)
        if minutes is None and _MINUTES_AFTER.search(text):
            # "38 minutes of TA and 15 of neuro re-ed": a bare number once minutes are the topic
            bare_before = _NUMBER_OF_BEFORE.search(clause_before)
            if bare_before and int(bare_before.group(1)) <= 1440:
                minutes = int(bare_before.group(1))
        services.append(Service(code=m.code, minutes=minutes, name=m.name))
        sentence_of.append(len(re.findall(r"[.?!](?:\s|$)", text[: m.start])))
    each = _EACH.search(text)
    if each:
        # "7 minutes each of 97112, 97110 and 97140": one number for every listed service
        value = _to_int(each.group(1) or each.group(2))
        services = [Service(s.code, value, s.name) if s.minutes is None else s for s in services]
    merged: dict[str, Service] = {}
    said_in: dict[str, int] = {}
    for s, sentence in zip(services, sentence_of, strict=True):
        if s.code in merged and s.minutes is not None and merged[s.code].minutes is not None:
            prev = merged[s.code]
            if s.minutes == prev.minutes and sentence != said_in[s.code]:
                # "33 min ther ex + 7 min manual. my coworker says 7 min of manual can't be
                # billed": the same minutes in a later sentence restate the first, not add to it
                continue
            merged[s.code] = Service(s.code, (prev.minutes or 0) + s.minutes, prev.name)
            continue
        if s.code not in merged or merged[s.code].minutes is None:
            merged[s.code] = s
            said_in[s.code] = sentence
    return list(merged.values())


def extract_payer(text: str) -> tuple[str | None, str | None]:
    """(payer name as written, knowledge payer id) for the first payer named."""
    low = text.lower()
    best: tuple[int, int, str, str] | None = None
    for alias, pid in PAYER_ALIASES:
        for match in re.finditer(r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])", low):
            cand = (match.start(), -len(alias), text[match.start() : match.end()], pid)
            if best is None or cand[:2] < best[:2]:
                best = cand
    if best is None:
        return None, None
    # widen "aetna" to "Aetna Medicare" when the text says so, for the counting-method table
    start = best[0]
    span = re.match(r"[A-Za-z][A-Za-z\-' ]{0,40}", text[start:])
    name = best[2]
    if span and "medicare" in span.group(0).lower() and best[3] != "medicare":
        name = span.group(0).strip()
    return name, best[3]


_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_LONG = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(?:in|for|of|during|from|year)\s+(20[1-3]\d)\b|"
    r"\b(20[1-3]\d)\s+(?:kx|threshold|cap|fee|rate|deductible|mpfs|pfs|cf\b|conversion)",
    re.IGNORECASE,
)


_MONTH_YEAR = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:of\s+)?(20[1-3]\d)\b",
    re.IGNORECASE,
)
_SEASON_YEAR = re.compile(
    r"\b(spring|summer|fall|autumn|winter)\s+(?:of\s+)?(20[1-3]\d)\b", re.IGNORECASE
)
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11)}


def extract_period(text: str) -> tuple[date, date] | None:
    """A month or season of a year ("jan 2026", "fall 2025") as its first and last day: a
    question about then wants the documents in force at any time in it. "Winter 2025" is left
    alone (it may mean either end of the year)."""
    if m := _MONTH_YEAR.search(text):
        year, month = int(m.group(2)), MONTHS[m.group(1).lower()[:3]]
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if (m := _SEASON_YEAR.search(text)) and m.group(1).lower() in _SEASON_MONTHS:
        year = int(m.group(2))
        first, last = _SEASON_MONTHS[m.group(1).lower()]
        return date(year, first, 1), date(year, last, monthrange(year, last)[1])
    return None


def extract_dates(text: str) -> list[date]:
    """Dates written as ISO, US numeric or month-name dates, in order of appearance."""
    found: list[tuple[int, date]] = []
    for m in _ISO.finditer(text):
        try:
            found.append((m.start(), date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
        except ValueError:
            continue
    for m in _US.finditer(text):
        year = int(m.group(3))
        year += 2000 if year < 100 else 0
        try:
            found.append((m.start(), date(year, int(m.group(1)), int(m.group(2)))))
        except ValueError:
            continue
    for m in _LONG.finditer(text):
        try:
            found.append(
                (m.start(), date(int(m.group(3)), MONTHS[m.group(1).lower()[:3]], int(m.group(2))))
            )
        except ValueError:
            continue
    return [d for _, d in sorted(found)]


# Words for the level of clinical decision making; therapists also say "simple" or
# "straightforward" for low.
_DECISION_WORDS = {
    "low": "low",
    "moderate": "moderate",
    "mod": "moderate",
    "high": "high",
    "simple": "low",
    "straightforward": "low",
    "minimal": "low",
    "basic": "low",
}


_HOURS = re.compile(
    r"\b(an|one|two|three|four|1|2|3|4|a (?=full|whole))(\.5)? ?(?:full |whole )?(?:hours?|hrs?)\b"
    r"( and a half)?"
    # "I live 3 hrs away", "2 hours before the visit": a distance or a time of day, not care.
    r"(?!\s+(?:away|drive|driving|from|ahead|early|late|later|before|after|behind|each way|"
    r"round[- ]trip|commute|flight|notice|prior)\b)",
    re.IGNORECASE,
)
_HOUR_WORDS = {"an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "a ": 1}


def _hours_as_minutes(text: str) -> str:
    """'2 hours', 'an hour and a half', '1.5 hrs' as minutes, so treatment time said in hours
    counts like minutes. Only up to four hours: '72 hours' and '24 hours' are deadlines."""

    def minutes(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        whole = int(word) if word.isdigit() else _HOUR_WORDS[word]
        half = 30 if (m.group(2) or m.group(3)) else 0
        return f"{whole * 60 + half} minutes"

    return _HOURS.sub(minutes, text)


# "a moderate complexity eval" names a code's level, not a finding
_LEVEL_WORD = re.compile(
    r"\b(low|minimal|mod|moderate|medium|middle|high)\b(?![- ]?(?:complexity|level|eval))"
)
_LEVEL_OF = {
    "low": "low",
    "minimal": "low",
    "mod": "moderate",
    "moderate": "moderate",
    "medium": "moderate",
    "middle": "moderate",
    "high": "high",
}
_HISTORY_OF_LEVEL = {"low": "brief", "moderate": "expanded", "high": "extensive"}
_COMPONENT = re.compile(r"\b(?:history|profile)\b(?! of)|\bdeficits?\b|\bdecision\b")
_CLAUSE = re.compile(r"[.;,!?]|\b(?:but|while|whereas|though|although)\b")


def _component_levels(low: str, slots: Slots) -> None:
    """Evaluation findings judged as levels, not counted: 'a moderate history and moderate
    deficits', 'history and deficits were both on the low end'. A clause that names
    components and one level gives it to each; with several levels, each component takes the
    level word within six words before it (or else the nearest after it)."""
    if re.search(r"\bhow many\b|\bwhat (?:does|do|is|are)\b.{0,40}\b(?:need|require)", low):
        return  # what a level requires, not what this patient's findings were
    for clause in _CLAUSE.split(low):
        comps = list(_COMPONENT.finditer(clause))
        words = list(_LEVEL_WORD.finditer(clause))
        if not comps or not words:
            continue
        distinct = {_LEVEL_OF[w.group(1)] for w in words}
        for comp in comps:
            near = [
                w
                for w in words
                if len(clause[min(w.end(), comp.end()) : max(w.start(), comp.start())].split()) <= 6
            ]
            if len(distinct) == 1:
                level = next(iter(distinct))
            elif not near:
                continue
            else:
                before = [w for w in near if w.end() <= comp.start()]
                level = _LEVEL_OF[(before[-1] if before else near[0]).group(1)]
            name = comp.group(0)
            if name in ("history", "profile") and slots.history is None:
                slots.history = _HISTORY_OF_LEVEL[level]
            elif name.startswith("deficit") and slots.deficits is None:
                slots.deficits_level = slots.deficits_level or level
            elif name == "decision" and slots.decision is None:
                slots.decision = level


_TOTAL_FOR_ALL = re.compile(
    r"\b(\d{1,3}) ?(?:min(?:ute)?s?) (?:in )?total\b|\btotal (?:of )?(\d{1,3}) ?min(?:ute)?s?\b",
    re.IGNORECASE,
)


def _total_for_all(text: str, slots: Slots) -> None:
    """'50 min total of timed treatment (ther ex + ther act mixed)': one total for several
    services, not the first service's minutes. It becomes the session's timed minutes, and
    the services keep no minutes of their own."""
    total = _TOTAL_FOR_ALL.search(text)
    if not total or len(slots.services) < 2:
        return
    value = int(total.group(1) or total.group(2))
    given = [s.minutes for s in slots.services if s.minutes is not None]
    if given == [value]:
        slots.services = [Service(s.code, None, s.name) for s in slots.services]
        slots.session_minutes = value


def extract(text: str) -> Slots:
    """All slots of one message."""
    text = _hours_as_minutes(text)
    slots = Slots()
    slots.services = extract_services(text)
    _total_for_all(text, slots)
    slots.payer, slots.payer_id = extract_payer(text)
    low = text.lower()
    if re.search(r"\bama\b|per[- ]code|per code|midpoint|substantial portion", low):
        slots.method = "ama"
    elif re.search(r"\bcms (?:method|rule|way)|total[- ]time|total timed minutes method", low):
        slots.method = "cms"
    slots.dates = extract_dates(text)
    slots.period = extract_period(text)
    year = _YEAR.search(text)
    if year:
        slots.year = int(year.group(1) or year.group(2))
    elif slots.dates:
        slots.year = slots.dates[0].year
    elif bare := re.search(r"(?<![\d/.$-])(20[1-3]\d)(?![\d/-]|\.\d)", text):
        slots.year = int(bare.group(1))  # "a 2023 denial": a lone year still dates the question
    hist = re.search(r"\b(brief|expanded|extensive)\b", low)
    if hist:
        slots.history = hist.group(1)
    elif re.search(r"\b(detailed|thorough|comprehensive) (?:history|profile)", low):
        slots.history = "extensive" if "comprehensive" in low else "expanded"
    defi = re.search(_NUM + r"\s+(?:\w+\s+){0,2}(?:performance\s+)?deficits?", low)
    if defi:
        slots.deficits = _to_int(defi.group(1))
    levels = "(" + "|".join(_DECISION_WORDS) + ")"
    dec = re.search(
        r"\b" + levels + r"\b(?:[- ](?:complexity|level))?\s+(?:clinical\s+)?decision", low
    ) or re.search(r"decision[- ]making\s+(?:is|was|of|:)?\s*(?:\w+\s+)?" + levels + r"\b", low)
    if dec:
        slots.decision = _DECISION_WORDS[dec.group(1)]
    _component_levels(low, slots)
    if re.search(
        r"\bno (?:relevant |significant )?comorbidit|without comorbidit|comorbidities:? none", low
    ):
        slots.comorbidities = "none"
    elif re.search(r"comorbidit", low):
        slots.comorbidities = "present"
    if re.search(
        r"significant (?:task )?(?:modification|assistance|assist|help)|max(?:imal)? assist", low
    ):
        slots.modification = "significant"
    elif re.search(
        r"(?:min(?:imal)?|mod(?:erate)?)(?:\s*(?:to|-)\s*mod(?:erate)?)? (?:task "
        r")?(?:modification|assistance|assist|cue)",
        low,
    ):
        slots.modification = "minimal_to_moderate"
    elif re.search(
        r"no (?:task )?(?:modification|assistance)|without "
        r"(?:modification|assistance)|independent(?:ly)? complet",
        low,
    ):
        slots.modification = "none"
    # "15 minute units" is the size of a unit, not a count of them
    units = re.search(_NUM + r"(?![- ]?(?:minutes?|mins?)\b)\s+(?:\w+\s+){0,2}units?\b", low)
    # "they only paid 4 units" is what a payer paid, not an authorization
    paid = units and re.search(
        r"\b(?:paid|allowed|reimbursed|billed|cut (?:\w+ )?(?:down )?to|pay(?:s|ing)?)\s+"
        r"(?:only |just |for )?$",
        low[max(0, units.start() - 30) : units.start()],
    )
    if units and not paid and not re.search(r"how many units", low[: units.start() + 1]):
        slots.auth_units = _to_int(units.group(1))
    # "a 40 min session" gives the session's length, not a number of sessions; "$45 every
    # visit" is a price.
    visits = re.search(
        r"(?<![$\d.x×])"
        + _NUM
        + r"(?![- ]?(?:minutes?|mins?|hours?|hrs?)\b)\s+(?:\w+\s+){0,2}"
        + r"(?:visits?|sessions?|appointments?)\b",
        low,
    )
    if visits:
        slots.auth_visits = _to_int(visits.group(1))
    sess = re.search(
        _NUM + r"[- ]?(?:minute|min)s?\s+(?:\w+\s+){0,2}(?:sessions?|visits?|appointments?)", low
    ) or re.search(
        r"(?:sessions?|visits?|appointments?),?\s+(?:are|is|was|were|of|last|lasting|lasted|"
        r"ran|took|about)?\s*" + _NUM + r"\s*(?:minutes?|mins?)",
        low,
    )
    if sess:
        slots.session_minutes = _to_int(sess.group(1))
    elif re.search(r"(?:one|1|an)[- ]hour|hour[- ]long|60[- ]minute", low) and re.search(
        r"session|visit|appointment|week", low
    ):
        slots.session_minutes = 60
    elif re.search(r"half[- ]hour|30[- ]minute", low) and re.search(
        r"session|visit|appointment", low
    ):
        slots.session_minutes = 30
    slots.npis = NPI_RE.findall(text)
    slots.icd10 = [c for c in ICD_RE.findall(text) if not CODE_RE.fullmatch(c)]
    slots.modifiers = list(
        dict.fromkeys(m for pair in MODIFIER_RE.findall(text) for m in pair if m)
    )
    for code, count in re.findall(
        r"\b(97\d{3}|92526|92610)\s*(?:x|×)\s*(\d{1,2})\b(?!\s*min)", text, re.IGNORECASE
    ):
        slots.unit_counts[code.upper()] = int(count)
    # "97530, 4 units" and "4 units of 97530" state a unit count the same way as "97530 x4".
    for code, count in re.findall(
        r"\b(97\d{3}|92526|92610)\b[,:]?\s*(\d{1,2}) units?\b", text, re.IGNORECASE
    ):
        slots.unit_counts.setdefault(code.upper(), int(count))
    for count, code in re.findall(
        r"\b(\d{1,2}) units? of (?:cpt )?(97\d{3}|92526|92610)\b", text, re.IGNORECASE
    ):
        slots.unit_counts.setdefault(code.upper(), int(count))
    slots.bare_minutes = [
        _to_int(m.group(1))
        for m in _MINUTES_AFTER.finditer(text)
        if not _RULE_NAME.match(text, m.end())  # "the 8 min rule" names the rule
        and not _UNIT_SIZE.match(text, m.end())  # "15 min units" is the size of a unit
    ]
    slots.bare_minutes += [int(m.group(1)) for m in _MINUTES_TOTAL_AFTER.finditer(text)]
    return slots
