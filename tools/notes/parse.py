"""Read a free-text therapy note: minutes per service, billed codes, totals, dates, signature,
goals. Only labelled facts are taken (a date next to "DOS", minutes next to a service); anything
else is reported as not found rather than guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tools.notes.models import Extracted, ExtractedIntervention, ExtractedLine
from tools.notes.vocabulary import codes_for, normalize_credentials, recognised
from tools.ruledata.tables import codes

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for m in names
}
DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
)
_MIN = r"(\d{1,3})\s*(?:minutes|minute|mins|min|m\b|')"
_MINUTES_RE = re.compile(_MIN, re.IGNORECASE)
_CODE_RE = re.compile(r"(?<![\d-])(9\d{4}|G0283)(?![\d-])")
_UNITS_RE = re.compile(
    r"(?:\bx\s*(\d{1,2})\b(?!\s*(?:min|reps?|sets?|lbs?|kg|'))|"
    r"\b(\d{1,2})\s*(?:units?|u)\b)",
    re.IGNORECASE,
)
_BILLING_CONTEXT = re.compile(
    r"\b(?:cpt|billed?|billing|charges?|units?|codes?|hcpcs)\b|\bx\s*\d|\d\s*u\b|\bmin",
    re.IGNORECASE,
)
_TYPE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("reevaluation", r"\bre-?\s?eval(?:uation)?\b"),
    ("discharge", r"\bdischarge\s+(?:summary|note|report)\b"),
    ("progress", r"\bprogress\s+(?:report|note|summary)\b"),
    ("evaluation", r"\b(?:initial\s+)?(?:ot\s+)?evaluation\b|\binitial\s+eval\b"),
    ("daily", r"\b(?:daily|treatment|visit|session|soap)\s+note\b|\bdaily\s+tx\b"),
)


def parse_date(text: str) -> date | None:
    """ISO, US numeric (3/2/26, 03-02-2026) or 'March 2, 2026'; None when it is not a date."""
    t = text.strip().rstrip(".,")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", t):
            y, m, d = (int(x) for x in t.split("-"))
            return date(y, m, d)
        nums = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})", t)
        if nums:
            m, d, y = (int(x) for x in nums.groups())
            return date(y + 2000 if y < 100 else y, m, d)
        words = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", t, re.IGNORECASE)
        if words and words.group(1).lower() in _MONTHS:
            return date(int(words.group(3)), _MONTHS[words.group(1).lower()], int(words.group(2)))
    except ValueError:
        return None
    return None


def _labelled_date(text: str, labels: str) -> tuple[date | None, bool]:
    """The date after one of `labels` (a regex); (date, ambiguous) when several differ."""
    pattern = re.compile(rf"(?:{labels})\s*(?:[:#-]|on|of|date)?\s*({DATE})", re.IGNORECASE)
    found = {d for m in pattern.finditer(text) if (d := parse_date(m.group(1))) is not None}
    if len(found) == 1:
        return found.pop(), False
    return None, len(found) > 1


def _labelled_minutes(text: str, labels: str) -> tuple[int | None, bool]:
    pattern = re.compile(
        rf"(?:{labels})[^\n\d]{{0,25}}(\d{{1,3}})\s*(?:minutes|minute|mins|min|')?",
        re.IGNORECASE,
    )
    found = {int(m.group(1)) for m in pattern.finditer(text)}
    if len(found) == 1:
        return found.pop(), False
    return None, len(found) > 1


@dataclass
class _Draft:
    not_found: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


NOT_FOUND_ELEMENT = {
    "note type": None,
    "date of service": "date_of_service",
    "billed codes": "interventions_matched",
    "interventions with minutes": "interventions_matched",
    "total timed minutes": "total_timed_minutes",
    "total treatment minutes": "total_treatment_minutes",
    "signature": "signature",
    "signer's credentials": "credentials",
    "goals": "goals",
    "medical-necessity statement": "medical_necessity",
}
"""The element each 'not found' message is about (None: always relevant)."""


def relevant(message: str, elements: tuple[str, ...]) -> bool:
    """Whether a 'not found' message concerns one of `elements` (or every note)."""
    label = message.split(" (")[0]
    element = NOT_FOUND_ELEMENT.get(label)
    return element is None or element in elements


def extract(text: str) -> Extracted:
    """Parse `text`; every element it cannot find is named in ``not_found``."""
    draft = _Draft()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]

    note_type = _note_type(lines, draft)
    dos, amb = _labelled_date(text, r"\bdate\s+of\s+service|\bDOS\b|\bvisit\s+date|^date|\ndate")
    if amb:
        draft.ambiguous.append("date of service: several different dates are labelled")
    if dos is None:
        draft.not_found.append("date of service (a line like 'DOS: 03/02/2026')")

    billed = _billed(lines)
    if not billed:
        draft.not_found.append("billed codes (a line like '97530 x2' or 'CPT 97110 - 1 unit')")
    interventions = _interventions(lines)
    if not interventions:
        draft.not_found.append("interventions with minutes (a line like 'Ther ex 15 min')")

    timed, amb = _labelled_minutes(
        text, r"total\s+timed(?:\s+code)?(?:\s+treatment)?(?:\s+minutes|\s+time)?|\btimed\s+minutes"
    )
    if amb:
        draft.ambiguous.append("total timed minutes: stated more than once with different values")
    if timed is None:
        draft.not_found.append("total timed minutes (a line like 'Total timed minutes: 38')")
    total, amb = _labelled_minutes(
        text,
        r"total\s+(?:treatment|tx|session|visit)\s+(?:time|minutes)|"
        r"total\s+time(?!d)|total\s+minutes",
    )
    if amb:
        draft.ambiguous.append("total treatment time: stated more than once with different values")
    if total is None:
        draft.not_found.append("total treatment minutes (a line like 'Total treatment time: 45')")

    signer, creds, signed_on = _signature(lines)
    if signer is None:
        draft.not_found.append("signature (a line like 'Signed: Jane Doe, OTR/L 03/02/2026')")
    elif creds is None:
        draft.not_found.append("signer's credentials (OTR/L, COTA/L, ...)")

    goals = tuple(_goals(lines))
    if not goals:
        draft.not_found.append("goals (lines starting 'Goal', 'LTG' or 'STG')")
    progress = tuple(
        ln
        for ln in lines
        if re.search(r"\bgoal", ln, re.IGNORECASE)
        and re.search(
            r"\b(?:met|not met|partially met|progress(?:ing|ed)?|achieved|ongoing|continue)\b",
            ln,
            re.IGNORECASE,
        )
    )
    necessity = next(
        (
            ln
            for ln in lines
            if re.search(
                r"medical(?:ly)?\s+necess|skilled\s+(?:ot|occupational|therapy|services?|"
                r"intervention|care)\b[^.]{0,60}\b(?:required|needed|necessary|warranted)|"
                r"requires\s+(?:the\s+)?skill",
                ln,
                re.IGNORECASE,
            )
        ),
        None,
    )
    if necessity is None:
        draft.not_found.append("medical-necessity statement (why skilled therapy is needed)")

    soc, _ = _labelled_date(text, r"start\s+of\s+care|\bSOC\b")
    cert, _ = _labelled_date(
        text,
        r"(?<!re)certifi(?:ed|cation)(?:\s+signed)?|(?<!re)cert(?:\.|ification)?\s+signed|"
        r"POC\s+signed(?:\s+by\s+(?:physician|MD|NPP|provider))?|plan\s+of\s+care\s+signed",
    )
    recert, _ = _labelled_date(text, r"re-?certifi(?:ed|cation)|\brecert\b")
    day = re.search(
        r"(?:treatment\s+day|visit)\s*#?\s*(\d{1,3})\s*(?:of\s+(?:the\s+)?(?:progress|reporting)"
        r"\s+period|since\s+(?:the\s+)?(?:last\s+)?progress\s+report)",
        text,
        re.IGNORECASE,
    )
    poc = _poc_elements(text, goals)
    evaluation = _evaluation(text)
    reasons = tuple(
        name
        for name, pattern in (
            ("new_clinical_findings", r"\bnew\s+(?:clinical\s+)?findings?\b"),
            ("significant_change", r"\bsignificant\s+(?:change|decline|improvement)\b"),
            ("failure_to_respond", r"\b(?:not\s+respond\w*|failure\s+to\s+respond|plateau\w*)"),
            ("routine", r"\broutine\b|\bscheduled\s+re-?eval|\bevery\s+\d+\s+days\b"),
        )
        if re.search(pattern, text, re.IGNORECASE)
    )
    return Extracted(
        note_type=note_type,
        date_of_service=dos,
        billed=tuple(billed),
        interventions=tuple(interventions),
        total_timed_minutes=timed,
        total_treatment_minutes=total,
        signer=signer,
        credentials=creds,
        signed_on=signed_on,
        goals=goals,
        goal_progress=progress,
        medical_necessity=necessity,
        start_of_care=soc,
        certified_on=cert,
        recertified_on=recert,
        treatment_days_in_period=int(day.group(1)) if day else None,
        poc_elements=poc,
        evaluation=evaluation,
        reeval_reasons=reasons,
        not_found=tuple(draft.not_found),
        ambiguous=tuple(draft.ambiguous),
    )


def _note_type(lines: list[str], draft: _Draft) -> str | None:
    """The note type from a 'Note type:' line, else from the title (first three lines)."""
    for ln in lines:
        m = re.match(r"(?:note\s+type|type\s+of\s+note)\s*:\s*(.+)", ln, re.IGNORECASE)
        if m:
            for kind, pattern in _TYPE_PATTERNS:
                if re.search(pattern, m.group(1) + " note", re.IGNORECASE):
                    return kind
    head = " ".join(lines[:3])
    kinds = [k for k, p in _TYPE_PATTERNS if re.search(p, head, re.IGNORECASE)]
    if "reevaluation" in kinds and "evaluation" in kinds:
        kinds.remove("evaluation")
    if len(kinds) == 1:
        return kinds[0]
    if len(kinds) > 1:
        draft.ambiguous.append("note type: the title names " + " and ".join(kinds))
    draft.not_found.append("note type (a title such as 'Daily note' or 'Progress report')")
    return None


def _billed(lines: list[str]) -> list[ExtractedLine]:
    """Codes on billing lines. A five-digit number alone (a ZIP code, a phone number) is not one."""
    table = codes()
    known = set(table.all_keys())
    out: list[ExtractedLine] = []
    for ln in lines:
        if not _BILLING_CONTEXT.search(ln):
            continue
        hits = list(_CODE_RE.finditer(ln))
        for i, m in enumerate(hits):
            code = m.group(1)
            if code not in known:
                continue
            end = hits[i + 1].start() if i + 1 < len(hits) else len(ln)
            tail = ln[m.end() : end]
            units = _UNITS_RE.search(tail)
            minutes = _MINUTES_RE.search(tail)
            out.append(
                ExtractedLine(
                    code=code,
                    units=int(units.group(1) or units.group(2)) if units else None,
                    minutes=int(minutes.group(1)) if minutes else None,
                    source_line=ln,
                )
            )
    return out


def _interventions(lines: list[str]) -> list[ExtractedIntervention]:
    """Lines that name a service in words (a bare code is billing, not documentation).

    With minutes the words may be anywhere on the line; without minutes the line must start with
    them ('Ther ex: ...'), so a goal or a plan that mentions self-care is not taken for treatment.
    """
    out = []
    for ln in lines:
        if _GOAL_LINE.match(ln) or re.match(r"\s*(?:total|plan|frequency)\b", ln, re.IGNORECASE):
            continue
        found = codes_for(ln)
        if not found:
            continue
        minutes = _MINUTES_RE.search(ln)
        if not minutes and not codes_for(re.sub(r"^[\s\-*\u2022\d.)]+", "", ln)[:25]):
            continue
        explicit = [m.group(1) for m in _CODE_RE.finditer(ln)]
        code = explicit[0] if explicit else found[0]
        out.append(
            ExtractedIntervention(
                description=ln, code=code, minutes=int(minutes.group(1)) if minutes else None
            )
        )
    return out


_SIGNED = re.compile(
    r"^(?:electronically\s+)?signed(?:\s+by)?\s*[:\-]?\s*(?P<rest>.+)$", re.IGNORECASE
)
_LABELLED = re.compile(
    r"^(?:signature|(?:treating\s+)?therapist|clinician|provider)\s*:\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_NAME = re.compile(r"^[A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,4}$")


def _signature(lines: list[str]) -> tuple[str | None, str | None, date | None]:
    """Name, credentials and date from a 'Signed' / 'Electronically signed by' / 'Therapist:' line.

    The rest of the line must read as a name (up to five words, no digits) with credentials; a
    sentence that merely starts with 'Therapist' is not a signature.
    """
    for ln in reversed(lines):
        head = _SIGNED.match(ln) or _LABELLED.match(ln)
        if not head:
            continue
        rest = head.group("rest")
        when = re.search(DATE, rest, re.IGNORECASE)
        signed_on = parse_date(when.group(0)) if when else None
        rest = re.sub(rf"\s*(?:on\s+)?{DATE}.*$", "", rest, flags=re.IGNORECASE).strip(" ,;-")
        parts = [p.strip() for p in rest.split(",") if p.strip()]
        if not parts:
            continue
        name, creds = parts[0], [p for p in parts[1:] if recognised(p)]
        if not creds:
            tail = re.match(r"(.+?)\s+([A-Za-z/\-]{2,9})$", name)
            if tail and recognised(tail.group(2)):
                name, creds = tail.group(1), [tail.group(2)]
        if not _NAME.match(name):
            continue
        cred = ", ".join(normalize_credentials(c) for c in creds) if creds else None
        return name, cred, signed_on
    return None, None, None


_GOAL_LINE = re.compile(
    r"(?:(?:long|short)[- ]term\s+goal|LTG|STG|goal)\s*#?\s*\d*\s*[:.)-]\s*(.+)", re.IGNORECASE
)


def _goals(lines: list[str]) -> list[str]:
    """Lines that state a goal: 'Goal 1: ...', 'LTG: ...', 'STG 2 ...', or items under 'Goals:'."""
    out = []
    under = False
    for ln in lines:
        if re.match(r"(?:long[- ]term\s+|short[- ]term\s+)?goals?\s*:?\s*$", ln, re.IGNORECASE):
            under = True
            continue
        m = _GOAL_LINE.match(ln)
        if m:
            out.append(m.group(1).strip())
            continue
        if under and re.match(r"(?:\d+[.)]|[-*\u2022])\s*(.+)", ln):
            out.append(re.sub(r"^(?:\d+[.)]|[-*\u2022])\s*", "", ln))
            continue
        under = False
    return out


def _poc_elements(text: str, goals: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    checks = (
        ("diagnoses", r"\b(?:dx|diagnos[ie]s|icd-?10)\b|\b[A-TV-Z]\d{2}\.\w{1,4}\b"),
        ("type", r"\boccupational\s+therapy\b|\bOT\s+(?:services|tx|treatment)\b"),
        ("amount", r"\bamount\b|\b\d+\s*(?:x|times)\s*(?:/|per)\s*(?:day|session)\b"),
        ("frequency", r"\bfrequency\b|\b\d\s*x\s*/?\s*(?:wk|week)\b|\btimes\s+(?:a|per)\s+week\b"),
        ("duration", r"\bduration\b|\bfor\s+\d+\s+(?:weeks?|wks?|visits|sessions)\b"),
    )
    for name, pattern in checks:
        if re.search(pattern, text, re.IGNORECASE):
            found.append(name)
    if goals:
        found.append("long_term_goals")
    return tuple(found)


def _evaluation(text: str) -> dict[str, str]:
    """Labelled evaluation components: 'History: expanded', 'Performance deficits: 4', ..."""
    found: dict[str, str] = {}
    patterns = {
        "history": r"(?:occupational\s+profile(?:\s+and\s+history)?|history)\s*:\s*"
        r"(brief|expanded|extensive)\b",
        "deficits": r"(?:performance\s+)?deficits\s*(?:identified)?\s*[:=]\s*(\d{1,2})\b",
        "decision": r"(?:clinical\s+)?decision[- ]making\s*(?:complexity)?\s*:\s*"
        r"(low|moderate|high)\b",
        "comorbidities": r"comorbidit(?:y|ies)\s*:\s*(none|present|yes|no)\b",
        "modification": r"(?:task\s+)?modification\s*(?:/\s*assistance)?\s*:\s*"
        r"(none|minimal(?:[- ]to[- ]moderate)?|moderate|significant)\b",
    }
    for name, pattern in patterns.items():
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            found[name] = m.group(1).lower()
    return found
