"""Tokenisation and query expansion for the keyword (BM25) side of hybrid search.

Codes must survive tokenisation whole ("co-97", "m54.50", "97533") and also in parts ("co", "97"),
so exact codes and loose mentions both match. Billing shorthand ("ther ex", "TA", "OON") is
expanded from a small lexicon (``lexicon.toml``) before both searches, and a stated age under 21
adds "child under 21" (children's rules such as Medicaid's EPSDT are written that way).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
_SPLIT = re.compile(r"[.\-/]")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "am",
        "been",
        "being",
        "did",
        "get",
        "got",
        "just",
        "should",
        "would",
        "could",
    ]
)


def _stem(token: str) -> str:
    """A deliberately light stemmer: plural and -ing/-ed endings, never codes."""
    if any(ch.isdigit() for ch in token) or len(token) <= 4:
        return token
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if token.endswith(suffix) and not token.endswith("ss") and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)] + keep
    return token


def tokens(text: str) -> list[str]:
    """Lower-case tokens with codes kept whole and in parts, stopwords dropped."""
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        tok = match.group(0)
        if tok in STOPWORDS:
            continue
        out.append(_stem(tok))
        if _SPLIT.search(tok):
            out.extend(_stem(p) for p in _SPLIT.split(tok) if p and p not in STOPWORDS)
    return out


@cache
def _lexicon() -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    raw = tomllib.loads(resources.files("knowledge").joinpath("lexicon.toml").read_text())
    rules = []
    for entry in raw["expansions"]:
        # "GO" the modifier is not "go" the verb: such entries match only as written
        exact = bool(entry.get("exact_case", False))
        for term in entry["terms"]:
            said = term if exact else term.lower()
            pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(said) + r"(?![A-Za-z0-9])")
            rules.append((pattern, entry["means"], exact))
    return tuple(rules)


_AGE = re.compile(
    r"\b(\d{1,2})[- ]?(?:years?|yrs?)[- ]old\b|\b(\d{1,2}) ?y/?o\b|\bage[ds]? (\d{1,2})\b|"
    # "my daughter is 15", "he just turned 9", not "she is 15 minutes late"
    r"\b(?:daughter|son|kid|child|grandson|granddaughter|he|she)(?:'s| is| turns| turned| just"
    r" turned)(?: now| only| almost)? (\d{1,2})\b(?! ?(?:min|hour|hr|visit|unit|session|%|percent|"
    r"dollar|day|week|month))"
)
"""A stated age ("my 7-year-old", "8 yo"): an age under 21 makes the question a child's."""


def expand(query: str) -> str:
    """Append the meanings of billing shorthand found in the query."""
    low = query.lower()
    extra = [
        means for pattern, means, exact in _lexicon() if pattern.search(query if exact else low)
    ]
    if any(int(next(g for g in m.groups() if g)) < 21 for m in _AGE.finditer(low)):
        extra.append("child under 21")
    return query if not extra else f"{query} ({'; '.join(dict.fromkeys(extra))})"
