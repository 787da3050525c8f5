"""The grounding guard: every number, code and modifier in an LLM answer must have a source.

Sources are this turn's tool arguments and results, the passages retrieved this turn, and the
user's own question (a user's "33 minutes" may be repeated). Anything else is unsupported: the
sentences carrying it are removed, or, when too little is left, the offline engine's answer
replaces the model's. The comparison is on normalised values, so "$2,480.00" matches "2480".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.engine.slots import MODIFIER_WORDS

MODIFIERS = frozenset(MODIFIER_WORDS)
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?%?(?![\w])")
_TIMES = re.compile(r"(?<![A-Za-z])[x×]\s?(\d{1,3})\b")
_HCPCS = re.compile(r"\b[A-V]\d{4}\b")
_ICD = re.compile(r"\b[A-TV-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4}\b")
_MOD = re.compile(r"(?<![A-Za-z0-9])(?:-)?(" + "|".join(sorted(MODIFIERS)) + r")(?![A-Za-z0-9])")
_LIST_ENUM = re.compile(r"^\s*\d{1,2}[.)]\s", re.MULTILINE)
_CITE = re.compile(r"\[\d+\]")
_NAMES = re.compile(
    r"\b(?:8|eight)[- ]minute rule\b|\brule of (?:8|eight)s?\b|\b24/7\b", re.IGNORECASE
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _norm_number(raw: str) -> str:
    text = raw.replace("$", "").replace(",", "").rstrip("%")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return format(value.normalize(), "f")


def claims(text: str) -> set[str]:
    """The checkable tokens of a text: normalised numbers and dates, codes and modifiers."""
    body = _NAMES.sub(" ", _CITE.sub(" ", _LIST_ENUM.sub(" ", text)))
    found: set[str] = set()
    for m in _DATE.finditer(body):
        found.add(m.group(0))
    body = _DATE.sub(" ", body)
    for m in _NUMBER.finditer(body):
        found.add(_norm_number(m.group(0)))
    found |= {m.group(1) for m in _TIMES.finditer(body)}
    found |= {m.group(0) for m in _HCPCS.finditer(body)}
    found |= {m.group(0) for m in _ICD.finditer(body)}
    found |= {
        f"mod:{m.group(1)}"
        for m in _MOD.finditer(body)
        if m.group(1).isalpha() or m.group(0).startswith("-")
    }
    return found


def grounded_tokens(sources: list[str]) -> set[str]:
    """Every token the sources support (numbers also in their date parts and digits)."""
    found: set[str] = set()
    for text in sources:
        found |= claims(text)
        for m in _DATE.finditer(text):
            found |= {str(int(g)) for g in m.groups() if g}
        found |= {f"mod:{m}" for m in re.findall(r"\b([A-Z]{2}|\d{2})\b", text) if m in MODIFIERS}
    return found


@dataclass(frozen=True)
class GuardOutcome:
    """The verdict on one answer."""

    unsupported: tuple[str, ...]
    repaired: str | None

    @property
    def passed(self) -> bool:
        return not self.unsupported


def check(answer: str, sources: list[str], *, min_kept: float = 0.5) -> GuardOutcome:
    """Find unsupported tokens; offer the answer without their sentences if enough is left."""
    supported = grounded_tokens(sources)
    bad = sorted(t for t in claims(answer) if t not in supported)
    if not bad:
        return GuardOutcome(unsupported=(), repaired=None)
    bad_set = set(bad)
    sentences = [s for s in _SENTENCE.split(answer) if s.strip()]
    kept = [s for s in sentences if not (claims(s) & bad_set)]
    enough = kept and sum(len(s) for s in kept) >= min_kept * sum(len(s) for s in sentences)
    return GuardOutcome(
        unsupported=tuple(t.removeprefix("mod:") for t in bad),
        repaired=" ".join(kept) if enough else None,
    )
