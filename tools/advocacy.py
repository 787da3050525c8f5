"""Sort an advocacy request into prohibited, caution, safe or unclear under US antitrust rules.

Deterministic on purpose: the same words always give the same answer, and the answer cites its
sources. The patterns (typo map, concepts, categories, sources) are data in
``ruledata/advocacy_patterns.toml``; this module only normalises text and applies them.
A prohibited match always wins, so lawful words in the same request cannot wash it out.

Categories are matched sentence by sentence (each sentence, and each pair of neighbours), so
words from unrelated sentences do not add up to a finding; a rule's ``unless`` concepts (the
person's stance: "I didn't ask", "how do I say no") count anywhere in the text. A safety net
over the whole text keeps any request about other practices and rates or payer exits from
being called safe.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.common import Frozen, Grade, Request, Status
from tools.ruledata.loader import SourceDoc, TableError

Classification = Literal["prohibited", "caution", "safe", "unclear"]
Role = Literal["therapist", "biller", "parent", "association", "other"]

DATA_FILE = "advocacy_patterns.toml"
_RANK: dict[str, int] = {"prohibited": 3, "caution": 2, "safe": 1}
_GAP = 5  # how many words a "*" in a term may skip
_NON_WORD = re.compile(r"[^a-z0-9* ]+")


# ---------------------------------------------------------------- data models


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Concept(_Strict):
    """A named list of words and phrases that mean one thing."""

    description: str = Field(min_length=1, description="What the concept stands for.")
    terms: tuple[str, ...] = Field(min_length=1, description="Words or phrases; '*' skips words.")
    negated_within: int = Field(
        default=0,
        ge=0,
        le=8,
        description="If above 0, a term with a negator up to this many words before it does not "
        "count ('no shared money or quality program' is no integration; 'not coordinating' is "
        "no joint action). Short reaches keep 'won't budge, I want every practice' whole.",
    )

    @model_validator(mode="after")
    def _terms_unique(self) -> Concept:
        """A repeated term is matched twice for nothing and hides which list an edit went to."""
        repeated = sorted({t for t in self.terms if self.terms.count(t) > 1})
        if repeated:
            raise ValueError(f"terms repeated: {repeated}")
        return self


class Rule(_Strict):
    """A combination of concepts that makes a category match."""

    all: tuple[str, ...] = Field(default=(), description="Concepts that must all be present.")
    any: tuple[str, ...] = Field(default=(), description="At least one must be present, if given.")
    none: tuple[str, ...] = Field(
        default=(), description="Concepts that must be absent from the same sentences."
    )
    unless: tuple[str, ...] = Field(
        default=(),
        description="Concepts that must be absent from the whole text: the person's stance "
        "towards the request ('I didn't ask for it', 'how do I say no').",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Rule:
        if not self.all and not self.any:
            raise ValueError("a rule needs at least one concept in 'all' or 'any'")
        return self


class Category(_Strict):
    """One kind of request, with what to tell the person and where it comes from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]+$", description="Stable id shown in `matched`.")
    classification: Literal["prohibited", "caution", "safe"] = Field(description="Its verdict.")
    title: str = Field(min_length=1, description="Short name.")
    reason: str = Field(min_length=20, description="Why it matters, in plain words.")
    alternatives: tuple[str, ...] = Field(min_length=1, description="What is lawful instead.")
    sources: tuple[str, ...] = Field(min_length=1, description="Source ids.")
    rules: tuple[Rule, ...] = Field(min_length=1, description="Any rule holding makes a match.")
    fallback: bool = Field(default=False, description="Only used when nothing else matched.")
    only_with: Literal["prohibited"] | None = Field(
        default=None, description="Counts only next to another category of this classification."
    )


class Settings(_Strict):
    """Texts used when no category decides the answer."""

    disclaimer: str = Field(min_length=20, description="General-information disclaimer.")
    unclear_reason: str = Field(min_length=1, description="Reason given for off-topic text.")
    unclear_alternatives: tuple[str, ...] = Field(min_length=1, description="Advice when unclear.")
    default_sources: tuple[str, ...] = Field(min_length=1, description="Sources when unclear.")
    mixed_reason: str = Field(min_length=1, description="Said when safe parts sit beside a ban.")
    guard_actors: tuple[str, ...] = Field(
        default=(), description="Concepts naming other practices or an agreement among them."
    )
    guard_topics: tuple[str, ...] = Field(
        default=(), description="Concepts of rates, pay or payer exits."
    )
    guard_exempt: tuple[str, ...] = Field(
        default=(), description="Concepts that switch the safety net off ('just my clinic')."
    )
    guard_reason: str = Field(
        default="", description="Said when the safety net lifts a 'safe' answer to 'caution'."
    )
    petition_concepts: tuple[str, ...] = Field(
        default=(),
        description="Concepts of petitioning government (a comment letter, testimony): they "
        "switch the safety net off, except for the joint actions below.",
    )
    petition_actions: tuple[str, ...] = Field(
        default=(),
        description="Concepts of a joint commitment (agreeing, refusing, dividing) that keep a "
        "petition naming other practices from being called safe.",
    )
    petition_reason: str = Field(
        default="", description="Said when a petition carrying a joint commitment is lifted."
    )
    petition_sources: tuple[str, ...] = Field(
        default=(),
        description="Sources cited when a petition carrying a joint commitment is lifted.",
    )
    negators: tuple[str, ...] = Field(
        default=(), description="Words that negate a term of a concept with `negated_within`."
    )
    learned_threshold: float = Field(
        default=1.1,
        gt=0,
        description="Probability of 'prohibited' from the learned model above which the answer "
        "is made one step stricter (above 1: never).",
    )
    learned_safe_threshold: float = Field(
        default=1.1,
        gt=0,
        description="Probability of 'prohibited' above which a 'safe' answer that names another "
        "party becomes 'caution', whatever lawful structure the text also names.",
    )
    learned_review_threshold: float = Field(
        default=1.1,
        gt=0,
        description="Probability of 'prohibited' above which a 'safe' answer naming none of "
        "`learned_safe_parties` becomes 'caution' too: party words are pattern knowledge, and "
        "some leaks named their other party in words no pattern knew.",
    )
    learned_safe_exempt: tuple[str, ...] = Field(
        default=(),
        description="Concepts that keep a 'safe' answer safe despite the learned check: who is "
        "speaking, when it cannot be a competing practice (a parent asking about their child).",
    )
    learned_lift_exempt: tuple[str, ...] = Field(
        default=(),
        description="Concepts that keep a 'caution' or 'unclear' answer from being lifted by the "
        "learned check: the writer is not the one asking (a rate volunteered to them, a request "
        "they are declining), or not a competing practice at all.",
    )
    learned_safe_parties: tuple[str, ...] = Field(
        default=(),
        description="Concepts naming another party (other practices, a group, someone to "
        "recruit): without one, a 'safe' answer is one practice acting alone and stays safe.",
    )
    answer_proposal: tuple[str, ...] = Field(
        default=(),
        description="Concepts of someone else's proposal ('another owner suggested we all ...'): "
        "a sentence holding one is background when the next sentence turns it down.",
    )
    answer_refusal: tuple[str, ...] = Field(
        default=(),
        description="Concepts of a reply that turns a proposal down ('I said absolutely not').",
    )
    answer_blockers: tuple[str, ...] = Field(
        default=(),
        description="Concepts that, in the refusal or any later sentence, keep the proposal "
        "from counting as turned down (a request to draft, 'anyway').",
    )
    answer_reply: tuple[str, ...] = Field(
        default=(),
        description="Concepts of a request to draft the refusal itself ('help me write a reply "
        "that declines'): in that sentence the blockers in `answer_reply_frees` do not block.",
    )
    answer_reply_frees: tuple[str, ...] = Field(
        default=(),
        description="Blockers that a request to draft the refusal lifts (the request to draft), "
        "when that sentence names none of `guard_topics`; any other blocker still blocks.",
    )
    answer_max_words: int = Field(
        default=0,
        ge=0,
        description="Longest sentence, in words, that counts as a bare refusal (0: never).",
    )
    answer_mark: str | None = Field(
        default=None,
        description="Concept added to every window holding a proposal turned down that way.",
    )
    learned_reason: str = Field(
        default="", description="Said when the learned model made the answer stricter."
    )
    learned_alternatives: tuple[str, ...] = Field(
        default=(), description="What to do instead, when the learned model decided."
    )
    learned_sources: tuple[str, ...] = Field(
        default=(), description="Sources cited when the learned model decided."
    )


class PatternFile(_Strict):
    """The whole data file, validated as one object."""

    table: dict[str, str] = Field(description="Id, title and description of the file.")
    advocacy: Settings = Field(description="Texts for unclear answers and the disclaimer.")
    roles: dict[str, tuple[str, ...]] = Field(default={}, description="Concepts a role implies.")
    speakers: dict[str, tuple[str, ...]] = Field(
        default={},
        description="Concept anywhere in the text -> concepts it implies in every sentence: who "
        "is speaking ('I am director of our state association'), or the arrangement described "
        "('our clinically integrated network'), colours what they ask later.",
    )
    cancels: dict[str, tuple[str, ...]] = Field(
        default={},
        description="Concept anywhere in the text -> concepts it voids everywhere: a writer who "
        "also says they own a clinic is not asking only as a parent, so the parent's exemption "
        "goes.",
    )
    lexicon: dict[str, dict[str, str]] = Field(
        description="'replace': a token, or a phrase of several words, -> the words it stands for."
    )
    concepts: dict[str, Concept] = Field(min_length=1, description="Concepts by id.")
    sources: dict[str, SourceDoc] = Field(min_length=1, description="Source documents by id.")
    categories: tuple[Category, ...] = Field(min_length=1, description="Categories in order.")

    @model_validator(mode="after")
    def _references_resolve(self) -> PatternFile:
        """Refuse dangling ids so a typo in the data fails at load, not at answer time."""
        ids = [c.id for c in self.categories]
        if len(ids) != len(set(ids)):
            raise ValueError("category ids must be unique")
        for cat in self.categories:
            for src in cat.sources:
                if src not in self.sources:
                    raise ValueError(f"category {cat.id!r} cites unknown source {src!r}")
            for rule in cat.rules:
                for name in (*rule.all, *rule.any, *rule.none, *rule.unless):
                    if name not in self.concepts:
                        raise ValueError(f"category {cat.id!r} uses unknown concept {name!r}")
        for role, names in self.roles.items():
            for name in names:
                if name not in self.concepts:
                    raise ValueError(f"role {role!r} implies unknown concept {name!r}")
        for speaker, names in self.speakers.items():
            for name in (speaker, *names):
                if name not in self.concepts:
                    raise ValueError(f"speaker {speaker!r} uses unknown concept {name!r}")
        for key, names in self.cancels.items():
            for name in (key, *names):
                if name not in self.concepts:
                    raise ValueError(f"cancels {key!r} uses unknown concept {name!r}")
        for name in (
            *self.advocacy.guard_actors,
            *self.advocacy.guard_topics,
            *self.advocacy.guard_exempt,
            *self.advocacy.learned_safe_exempt,
            *self.advocacy.learned_lift_exempt,
            *self.advocacy.learned_safe_parties,
            *self.advocacy.petition_concepts,
            *self.advocacy.petition_actions,
            *self.advocacy.answer_proposal,
            *self.advocacy.answer_refusal,
            *self.advocacy.answer_blockers,
            *self.advocacy.answer_reply,
            *self.advocacy.answer_reply_frees,
            *((self.advocacy.answer_mark,) if self.advocacy.answer_mark else ()),
        ):
            if name not in self.concepts:
                raise ValueError(f"advocacy settings use unknown concept {name!r}")
        for src in (
            *self.advocacy.default_sources,
            *self.advocacy.learned_sources,
            *self.advocacy.petition_sources,
        ):
            if src not in self.sources:
                raise ValueError(f"advocacy settings cite unknown source {src!r}")
        if "replace" not in self.lexicon:
            raise ValueError("lexicon needs a [lexicon.replace] table")
        present = {c.classification for c in self.categories}
        if present != {"prohibited", "caution", "safe"}:
            raise ValueError("categories must cover prohibited, caution and safe")
        return self


# ---------------------------------------------------------------- request and result


class AdvocacyRequest(Request):
    """A question or draft message about rates, payers, contracts or advocacy."""

    text: str = Field(
        min_length=1,
        max_length=2000,
        description="The question or message to check, in the person's own words (1-2000 "
        "characters). Slang, typos and hypotheticals are fine.",
    )
    role: Role | None = Field(
        default=None,
        description="Who is asking: therapist, biller, parent, association or other. An "
        "association's 'we' is read as the association.",
    )


class AdvocacySource(Frozen):
    """A document the answer relies on."""

    key: str = Field(description="Source id in the pattern file.")
    title: str = Field(description="Title of the document.")
    url: str = Field(description="Where to read it.")
    publisher: str = Field(description="Who issued it (AOTA, FTC, a law firm summary, ...).")
    grade: Grade = Field(description="primary (agency or AOTA text) or secondary (a summary).")
    checked: date = Field(description="Date the link was last checked.")


class AdvocacyResult(Frozen):
    """The verdict on an advocacy request, why, what to do instead, and the sources."""

    status: Status = Field(description="Always ok: every text gets a classification.")
    classification: Classification = Field(
        description="prohibited, caution (lawful only if structured right), safe, or unclear "
        "(not about rates, payers or advocacy)."
    )
    reasons: tuple[str, ...] = Field(description="Which patterns matched and why that matters.")
    alternatives: tuple[str, ...] = Field(description="What the person can lawfully do instead.")
    matched: tuple[str, ...] = Field(description="Ids of the categories that matched.")
    sources: tuple[AdvocacySource, ...] = Field(description="Sources behind the reasons.")
    disclaimer: str = Field(description="General information, not legal advice.")
    data_version: str = Field(description="Hash of the pattern file used, for audit.")

    def to_text(self) -> str:
        """Render the verdict, reasons, alternatives and sources."""
        out = [f"Classification: {self.classification}", "", "Why:"]
        out += [f"  - {r}" for r in self.reasons]
        out += ["", "What you can do instead:"] + [f"  - {a}" for a in self.alternatives]
        out += ["", "Sources:"] + [f"  - {s.title} ({s.publisher}): {s.url}" for s in self.sources]
        out += ["", self.disclaimer]
        return "\n".join(out)


# ---------------------------------------------------------------- normalisation


def _stem(word: str) -> str:
    """Cut common endings so 'rates', 'rated' and 'rate' compare equal; crude but symmetric."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed", "ion"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


# Expanded before apostrophes are dropped, so "we'll" does not become "well".
_CONTRACTIONS = {
    "n't": " not",
    "'ll": " will",
    "'re": " are",
    "'ve": " have",
    "'d": " would",
    "'m": " am",
}
_CONTRACTION = re.compile(r"(n't|'ll|'re|'ve|'d|'m)\b")


# A practice named by its proper name ("Sunrise Pediatric Therapy", "Bright Steps", "Little
# Hands OT") is another practice: the name gets a marker word the pattern data can use.
_PRACTICE_WORDS = (
    "Therapy|Therapies|Peds|Pediatrics|OT|Rehab|Rehabilitation|Clinic|Kids|Center|Centre|"
    "Associates|Pathways|Steps|Hands|Wellness|Practice|Sensory|Development"
)
_DISTINCT_WORDS = frozenset("Pathways Steps Hands Kids".split())
_GENERIC_NAME_WORDS = frozenset(
    "Occupational Physical Speech Hand Pediatric Pediatrics Outpatient Sensory Feeding Group "
    "Our My The Your Their His Her This That Medicare Medicaid Tricare Aetna Cigna Humana Anthem "
    "United Blue Cross Shield Private Home School Early Intervention Mental Behavioral Health "
    "I We You She He They It A An And Or In At On For To Of "
    # job and setting words ("Travel OT offer", "Acute Rehab"): a kind of work, not a name
    "Travel Contract Staff Adult Acute Inpatient Hospital Telehealth Lead Senior New Grad "
    "Licensed Registered Certified".split()
)
_NAMED_PRACTICE = re.compile(r"\b((?:[A-Z][a-zA-Z'&-]+\s+){1,3})(" + _PRACTICE_WORDS + r")\b")
# ... or a practice word first ("Therapy Tree", "Rehab Plus"): added after held-out set 11.
_NAMED_PRACTICE_LEAD = re.compile(
    r"\b(?:Therapy|Therapies|Rehab|Kids|Sensory|Peds)\s+([A-Z][a-z'&-]+)\b"
)
_NOT_A_NAME = frozenset("Association Society Services Network Department Board Billing".split())
NAMED_PRACTICE_MARK = "namedpractice"


def _mark_named_practices(text: str) -> str:
    def mark(m: re.Match[str]) -> str:
        words = m.group(1).split()
        if m.group(2) in _DISTINCT_WORDS or any(w not in _GENERIC_NAME_WORDS for w in words):
            return f"{m.group(0)} {NAMED_PRACTICE_MARK}"
        return m.group(0)

    def mark_lead(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _GENERIC_NAME_WORDS or name in _NOT_A_NAME:
            return m.group(0)
        return f"{m.group(0)} {NAMED_PRACTICE_MARK}"

    return _NAMED_PRACTICE_LEAD.sub(mark_lead, _NAMED_PRACTICE.sub(mark, text))


KNOWN_WORDS_FILE = "known_words.txt"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@cache
def _known_words() -> frozenset[str]:
    """English and billing words (``scripts/build_known_words.py``): never respelt."""
    text = resources.files("tools.ruledata").joinpath(KNOWN_WORDS_FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _edits(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, change or insertion away from `word`."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in cuts if b),
        *(a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1),
        *(a + c + b[1:] for a, b in cuts if b for c in _ALPHABET),
        *(a + c + b for a, b in cuts for c in _ALPHABET),
    }


class Speller:
    """Mends a typo into the one pattern word a single edit away ('boycot', 'competiter',
    'reimbersement', 'cigan'). A word it knows is left alone, so 'late' never becomes 'rate';
    a four-letter word is only mended by a dropped letter ('agre'), since short real words sit
    one change apart; and a typo near two pattern words is left as it is."""

    def __init__(self, targets: set[str], known: frozenset[str]) -> None:
        self.targets = frozenset(t for t in targets if len(t) >= 5 and t.isalpha())
        self.known = known | self.targets
        self._fixed: dict[str, str] = {}  # unknown words seen, and what they were read as

    def fix(self, word: str) -> str:
        if len(word) < 4 or not word.isalpha() or word in self.known:
            return word
        if word not in self._fixed:
            found = {w for w in _edits(word) & self.targets if len(word) > 4 or len(w) == 5}
            # an inflection of a known word is mended only into another inflection of it:
            # 'boycoting' becomes 'boycotting', but 'splinting' never becomes 'splitting'
            known_bases = {b for b in _bases(word) if b in self.known}
            if known_bases:
                found = {w for w in found if _bases(w) & known_bases}
            self._fixed[word] = found.pop() if len(found) == 1 else word
        return self._fixed[word]


def _bases(word: str) -> set[str]:
    """The words `word` may be an inflection of (splinting -> splint, billed -> bill, copays ->
    copay): the known-word list lacks most inflections, so the speller checks the bases."""
    bases: set[str] = set()
    for suffix in ("ing", "ed", "es", "s", "er", "ers"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            bases |= {stem, stem + "e"}
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                bases.add(stem[:-1])  # a doubled consonant: planned -> plan
    if word.endswith("ies"):
        bases.add(word[:-3] + "y")
    return bases


def _tokens(text: str, replace: dict[str, str], speller: Speller | None = None) -> list[str]:
    """Lower-case, drop apostrophes and punctuation, mend typos, expand slang, stem."""
    text = text.lower().replace("\u2019", "'").replace("`", "'")
    text = text.replace("won't", "will not").replace("can't", "can not")
    text = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1)], text)
    text = text.replace("'", "").replace("&", " and ").replace("%", " percent ")
    text = text.replace("$", " dollar ")
    text = " ".join(_NON_WORD.sub(" ", text).split())
    if speller is not None:
        text = " ".join(speller.fix(w) for w in text.split())
    phrases = tuple(k for k in replace if " " in k)
    if phrases:
        text = _phrase_pattern(phrases).sub(lambda m: replace[m.group(0)], text)
    words: list[str] = []
    for raw in text.split():
        words.extend(replace.get(raw, raw).split())
    return [w if w == "*" else _stem(w) for w in words]


@cache
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word alternation of the lexicon's multi-word keys, longest first, so a phrase that
    misleads word by word ('slow to pay' is not a rate) is read as one token."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, ordered)) + r")(?![a-z0-9])")


_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")


def _windows(text: str, replace: dict[str, str], speller: Speller | None = None) -> list[list[str]]:
    """Token lists of each sentence and then of each pair of neighbouring sentences: a request
    and its object often sit in consecutive sentences, rarely further apart; a lone sentence
    keeps an exemption in its neighbour ("testimony for the state") from covering it."""
    sentences = [
        _tokens(part, replace, speller) for part in _SENTENCE_BREAK.split(text) if part.strip()
    ]
    pairs = [sentences[i] + sentences[i + 1] for i in range(len(sentences) - 1)]
    return [*sentences, *pairs] or [[]]


def _mark_answered(windows: list[list[str]], scopes: list[set[str]], s: Settings) -> None:
    """Add `answer_mark` to every window holding a sentence whose proposal, someone else's, the
    next sentence turns down in a few words ("One owner suggested we agree on rates; I said
    absolutely not."): told as background, not asked for. A longer reply does not count, nor
    any when a later sentence asks for a draft, so "... suggested $120. I said no. Write it up
    anyway." still bans; unless that draft is the refusal itself ("help me write a reply that
    declines")."""
    if not s.answer_mark or not s.answer_max_words:
        return
    n = (len(windows) + 1) // 2  # sentences first, then the n - 1 pairs
    proposal, refusal, blockers = (
        set(s.answer_proposal),
        set(s.answer_refusal),
        set(s.answer_blockers),
    )
    replies, frees, topics = set(s.answer_reply), set(s.answer_reply_frees), set(s.guard_topics)

    def blocks(scope: set[str]) -> bool:
        # a reply that itself names a rate, an exit or a split ("a reply that declines, and the
        # boycott email too") is not only a refusal
        refusing = scope & replies and not scope & topics
        return bool(scope & blockers - (frees if refusing else set()))

    answered = {
        i
        for i in range(n - 1)
        if scopes[i] & proposal
        and scopes[i + 1] & refusal
        and len(windows[i + 1]) <= s.answer_max_words
        and not any(blocks(scopes[k]) for k in range(i + 1, n))
    }
    for w, scope in enumerate(scopes):
        covered = {w} if w < n else {w - n, w - n + 1}
        if covered & answered:
            scope.add(s.answer_mark)


def features(text: str, replace: dict[str, str], speller: Speller | None = None) -> list[str]:
    """Words and neighbouring word pairs of the text, as the learned model sees it."""
    return _with_pairs(_tokens(_mark_named_practices(text), replace, speller))


def _with_pairs(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def posterior(text: str, model: dict[str, Any]) -> dict[str, float]:
    """Class probabilities from the naive Bayes model."""
    pat = load_patterns()
    return _posterior(features(text, pat.replace, pat.speller), model)


def _posterior(found: list[str], model: dict[str, Any]) -> dict[str, float]:
    """Naive Bayes over the features found, each counted once."""
    scores = dict(model["priors"])
    loglik: dict[str, dict[str, float]] = model["loglik"]
    for feature in set(found):
        row = loglik.get(feature)
        if row is None:
            continue
        for label in scores:
            scores[label] += row.get(label, model["unseen"][label])
    top = max(scores.values())
    exp = {label: math.exp(v - top) for label, v in scores.items()}
    total = sum(exp.values())
    return {label: v / total for label, v in exp.items()}


def _match_at(words: list[str], term: tuple[str, ...], start: int) -> bool:
    """Whether `term` (with '*' gaps) matches `words` from position `start`."""
    if not term:
        return True
    head, rest = term[0], term[1:]
    if head == "*":
        return any(_match_at(words, rest, start + skip) for skip in range(_GAP + 1))
    return start < len(words) and words[start] == head and _match_at(words, rest, start + 1)


def _contains(words: list[str], term: tuple[str, ...]) -> bool:
    return any(_match_at(words, term, i) for i in range(len(words)))


# ---------------------------------------------------------------- loading


class Patterns:
    """The validated pattern file with every term already normalised."""

    def __init__(self, data: PatternFile, version: str) -> None:
        self.data = data
        self.version = version
        self.replace = data.lexicon["replace"]
        self.terms: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.needs: dict[str, tuple[frozenset[str], ...]] = {}  # each term's words, for a prefilter
        for name, concept in data.concepts.items():
            normalised = tuple(tuple(_tokens(t, self.replace)) for t in concept.terms)
            for raw, norm in zip(concept.terms, normalised, strict=True):
                if not [w for w in norm if w != "*"]:
                    raise TableError(f"{DATA_FILE}: concept {name!r} term {raw!r} is empty")
            self.terms[name] = normalised
            self.needs[name] = tuple(frozenset(t) - {"*"} for t in normalised)
        # typos are mended only into words the patterns use ("boycot" -> "boycott")
        vocabulary = {
            w
            for c in data.concepts.values()
            for t in c.terms
            for w in _NON_WORD.sub(" ", t.lower()).split()
        }
        vocabulary |= {w for k, v in self.replace.items() for w in (*k.split(), *v.split())}
        self.speller = Speller(vocabulary, _known_words())
        self.reach = {n: c.negated_within for n, c in data.concepts.items() if c.negated_within}
        self.negators = {w for n in data.advocacy.negators for w in _tokens(n, self.replace)}

    def _affirmed(self, words: list[str], term: tuple[str, ...], reach: int) -> bool:
        """Whether `term` occurs somewhere with no negator in the `reach` words before it."""
        return any(
            _match_at(words, term, i) and not self.negators & set(words[max(0, i - reach) : i])
            for i in range(len(words))
        )

    def concepts_in(self, words: list[str]) -> set[str]:
        """Ids of every concept with at least one term in the text (a negatable concept's term
        only when not negated)."""
        # a term can only match when every word it names is in the text: checked first, cheaply
        present = set(words)
        return {
            name
            for name, terms in self.terms.items()
            if any(
                (
                    self._affirmed(words, t, self.reach[name])
                    if name in self.reach
                    else _contains(words, t)
                )
                for t, need in zip(terms, self.needs[name], strict=True)
                if need <= present
            )
        }


def parse_patterns(text: str, file: str = DATA_FILE) -> Patterns:
    """Validate a pattern file; tests use it to prove broken data is refused."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
        data = PatternFile.model_validate(raw)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise TableError(f"{file}: {exc}") from exc
    return Patterns(data, hashlib.sha256(text.encode()).hexdigest()[:12])


@cache
def load_patterns() -> Patterns:
    """Load ``tools/ruledata/advocacy_patterns.toml`` once per process."""
    text = resources.files("tools.ruledata").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_patterns(text)


# ---------------------------------------------------------------- the tool


def _holds(
    rule: Rule, found: set[str], exempt: set[str] | None = None, whole: set[str] | None = None
) -> bool:
    """Whether `rule` holds on the concepts `found`; its `none` concepts are looked for in
    `exempt` and its `unless` concepts in `whole` (both default to `found`)."""
    exempt = found if exempt is None else exempt
    whole = found if whole is None else whole
    return (
        all(c in found for c in rule.all)
        and (not rule.any or any(c in found for c in rule.any))
        and not any(c in exempt for c in rule.none)
        and not any(c in whole for c in rule.unless)
    )


def _source(pat: Patterns, key: str) -> AdvocacySource:
    doc = pat.data.sources[key]
    return AdvocacySource(
        key=key,
        title=doc.title,
        url=doc.url,
        publisher=doc.publisher,
        grade=doc.grade,
        checked=doc.checked,
    )


MODEL_FILE = "advocacy_model.json"


@cache
def load_model() -> dict[str, Any] | None:
    """The learned second opinion (``scripts/train_advocacy_model.py``), if shipped."""
    path = resources.files("tools.ruledata").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    model["version"] = hashlib.sha256(text.encode()).hexdigest()[:12]
    return model


def _learned_result(
    pat: Patterns,
    classification: Classification,
    reasons: list[str],
    hits: list[Category],
    probability: float,
    version: str,
) -> AdvocacyResult:
    settings = pat.data.advocacy
    why = settings.learned_reason.format(probability=f"{probability:.0%}")
    return AdvocacyResult(
        status="ok",
        classification=classification,
        reasons=(why, *reasons),
        alternatives=settings.learned_alternatives,
        matched=(*(c.id for c in hits), "learned-resemblance"),
        sources=tuple(_source(pat, k) for k in settings.learned_sources),
        disclaimer=settings.disclaimer,
        data_version=version,
    )


def classify_advocacy(request: AdvocacyRequest) -> AdvocacyResult:
    """Check whether an advocacy request about payers or rates is antitrust-safe, and why.

    Use for any question or draft message that involves rates, payers, contracts, networks or
    other practices: sharing or comparing rates with other clinics, agreeing on prices, leaving a
    payer together, an association negotiating fees, dividing patients or areas. Returns
    prohibited, caution (IPAs, messenger model, surveys), safe (own negotiation, coverage
    advocacy, appeals, lobbying) or unclear, with lawful alternatives and sources. A prohibited
    element always decides the result. General information, not legal advice.
    """
    pat = load_patterns()
    implied = set(pat.data.roles.get(request.role, ())) if request.role is not None else set()
    text = _mark_named_practices(request.text)
    words = _tokens(text, pat.replace, pat.speller)
    found = pat.concepts_in(words) | implied
    for speaker, names in pat.data.speakers.items():
        if speaker in found:
            implied |= set(names)
    found |= implied
    # Categories are matched within a window of two neighbouring sentences, so words from
    # unrelated sentences ("the same day" in one, "paid less" in another) do not combine into
    # a finding; the safety net below still reads the whole text.
    windows = _windows(text, pat.replace, pat.speller)
    scopes = [pat.concepts_in(w) | implied for w in windows]
    _mark_answered(windows, scopes, pat.data.advocacy)
    voided = {name for key, names in pat.data.cancels.items() if key in found for name in names}
    if voided:
        found -= voided
        scopes = [scope - voided for scope in scopes]

    def matches(cat: Category) -> bool:
        # An exemption ("just us", "third party") counts anywhere in the text for a lawful
        # category, but only inside the window for a prohibited one, so a lawful sentence
        # cannot excuse the next one.
        strict = cat.classification == "prohibited"
        return any(
            _holds(r, scope, None if strict else found, found)
            for r in cat.rules
            for scope in scopes
        )

    hits = [
        cat
        for cat in pat.data.categories
        if not cat.fallback and not cat.only_with and matches(cat)
    ]
    if any(c.classification == "prohibited" for c in hits):
        hits += [
            cat for cat in pat.data.categories if cat.only_with == "prohibited" and matches(cat)
        ]
    if not hits:
        hits = [
            cat
            for cat in pat.data.categories
            if cat.fallback and any(_holds(r, found) for r in cat.rules)
        ]

    settings = pat.data.advocacy
    model = load_model()
    version = f"{pat.version}+{model['version']}" if model else pat.version
    # The learned model makes an unclear or cautious answer stricter only when other practices
    # are in the picture: it was trained on advocacy requests, and ordinary billing questions
    # would look like them to it; and never when a parent or patient is the one asking, or the
    # writer was handed a rate or is turning a request down (`learned_lift_exempt`).
    others_named = bool(found & {"others", "collective"}) and bool(
        found & {"payer", *settings.guard_topics}
    )
    parties = bool(found & set(settings.learned_safe_parties))
    # the model is consulted only when one of its two steps below could use it: the lift needs
    # other practices named, the review of a 'safe' answer needs a safe category to have matched
    learned = (
        _posterior(_with_pairs(words), model).get("prohibited", 0.0)
        if model and (others_named or any(c.classification == "safe" for c in hits))
        else 0.0
    )
    lift = (
        learned >= settings.learned_threshold
        and others_named
        and not found & set(settings.learned_lift_exempt)
    )
    if not hits:
        if lift:
            return _learned_result(pat, "caution", [], [], learned, version)
        return AdvocacyResult(
            status="ok",
            classification="unclear",
            reasons=(settings.unclear_reason,),
            alternatives=settings.unclear_alternatives,
            matched=(),
            sources=tuple(_source(pat, k) for k in settings.default_sources),
            disclaimer=settings.disclaimer,
            data_version=version,
        )

    top = max(_RANK[c.classification] for c in hits)
    decisive = [c for c in hits if _RANK[c.classification] == top]
    others = [c for c in hits if _RANK[c.classification] != top]
    reasons = [f"{c.title}: {c.reason}" for c in decisive]
    classification = decisive[0].classification
    # Safety net: a request that names other practices (or an agreement) together with rates or
    # leaving a payer is never called safe, even when no prohibited pattern matched its wording.
    if (
        classification == "safe"
        and found & set(settings.guard_actors)
        and found & set(settings.guard_topics)
        and not found & set(settings.guard_exempt)
    ):
        classification = "caution"
        reasons.insert(0, settings.guard_reason)
    # Petitioning government is protected, but not a joint commitment written into it: a comment
    # letter or testimony that also pledges the signers to a fee floor or a refusal is a boycott
    # (FTC v. Superior Court Trial Lawyers Ass'n). Three held-out sets hid one there.
    petition = set(settings.petition_concepts)
    cited: tuple[str, ...] = ()
    if (
        classification == "safe"
        and found & petition
        and found & set(settings.guard_actors)
        and found & set(settings.petition_actions)
        and not found & (set(settings.guard_exempt) - petition)
    ):
        classification = "caution"
        reasons.insert(0, settings.petition_reason)
        cited = settings.petition_sources
    # A 'safe' answer that names another party and that the learned model doubts becomes
    # 'caution' whatever lawful structure the text names: the words that exempt a request
    # ("testimony", "say no") are where held-out boycotts hid. Measured leave one set out over
    # 30 files: 0 of 758 prohibited requests left safe. A text naming no party is held to a
    # far higher bar (`learned_review_threshold`), since one practice acting alone is the usual
    # safe request; it is still reviewed, because "ur COTAs" or "my partner practice" is a party
    # that no pattern knew.
    threshold = settings.learned_safe_threshold if parties else settings.learned_review_threshold
    doubted = (
        classification == "safe"
        and learned >= threshold
        and not found & set(settings.learned_safe_exempt)
    )
    if (lift and classification == "caution") or doubted:
        # The learned model is only ever allowed to make the answer stricter, by one step:
        # a 'caution' it confirms becomes 'prohibited', a 'safe' becomes 'caution'.
        stricter: Classification = "prohibited" if classification == "caution" else "caution"
        return _learned_result(pat, stricter, reasons, hits, learned, version)
    # "joint comment letters to CMS, and jointly tell Aetna none of us will renew": beside a
    # ban, the lawful part is named with its own reason, so the asker knows what they may do
    lawful = [c for c in others if c.classification == "safe"] if top == _RANK["prohibited"] else []
    if lawful:
        reasons.append(
            settings.mixed_reason.format(safe="; ".join(f"{c.title}: {c.reason}" for c in lawful))
        )
    reasons += [f"Also matched ({c.classification}): {c.title}." for c in others if c not in lawful]
    alternatives = list(dict.fromkeys(a for c in decisive for a in c.alternatives))
    keys = list(dict.fromkeys([*cited, *(k for c in decisive for k in c.sources)]))
    return AdvocacyResult(
        status="ok",
        classification=classification,
        reasons=tuple(reasons),
        alternatives=tuple(alternatives),
        matched=tuple(c.id for c in hits),
        sources=tuple(_source(pat, k) for k in keys),
        disclaimer=settings.disclaimer,
        data_version=version,
    )
