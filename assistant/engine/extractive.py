"""Extractive answers: the sentences of the retrieved passages that answer the question, cited.

No text is generated: every sentence of the answer is a sentence of a passage, so every figure in
it comes from a cited source. Sentences are scored by the question's keywords (codes weigh most)
and by meaning (the project's embedding model), and taken from the best passages first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from knowledge.embeddings import embed
from knowledge.store import Hit
from knowledge.text import expand, tokens

_SOURCE_MARK = re.compile(r"\s*\[\d+\](?:\[\d+\])*")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\bPub\.)\s+(?=[A-Z0-9\"(*])")
"""A sentence ends at . ! or ? before a capital, a digit or an opening mark, but not after an
initialism or a citation abbreviation ("H.R. 10545", "493 U.S. 411", "Pub. 100-04")."""
_CODE_TOKEN = re.compile(r"^(?:\d{5}|[a-z]{1,2}-?\d{1,3}|[a-z]\d{2}(?:\.\d+)?|\$?\d[\d,.]*)$")
GENERIC = frozenset(
    [
        "ot",
        "occupational",
        "therapy",
        "therapist",
        "billing",
        "bill",
        "code",
        "codes",
        "claim",
        "insurance",
        "patient",
        "question",
        "need",
        "know",
        "tell",
        "help",
    ]
)


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence and the hit it came from."""

    text: str
    hit_index: int


_PROVENANCE = re.compile(
    r"\b(secondary|primary) sources?\b|\bsources? (reviewed|quote|quoting|report|reporting)\b|"
    r"\bconfirmed (here|only)\b|\bwas read from\b|\bnot (yet )?confirmed\b|\bunconfirmed\b|"
    r"\bnot legal advice\b",
    re.I,
)
"""Sentences about where a figure comes from, and disclaimers: true, but not an answer to the
question."""
_BULLET = re.compile(r"^([-*]|\d+[.)])\s+")
_META = re.compile(
    r"^(this|the following) (answers|explains|document|page|covers|section|summar|lists|"
    r"describes|gives|sets out|note)",
    re.I,
)


def _table_rows(lines: list[str]) -> list[str]:
    """A Markdown table as one sentence per row: 'Payer: Aetna; limit: 120 days [3]'."""
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    rows = [r for r in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]
    if len(rows) < 2:
        return []
    head, body = rows[0], rows[1:]
    out = []
    for row in body:
        parts = [f"{h}: {c}" if h else c for h, c in zip(head, row, strict=False) if c]
        if parts:
            out.append("; ".join(parts) + ".")
    return out


def split_sentences(passage_text: str) -> list[str]:
    """Bullets, numbered items, table rows and prose sentences of a passage; headings and
    sentences about the document itself ("This explains ...") dropped."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", passage_text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith("|") for ln in lines):
            out += _table_rows(lines)
            continue
        if any(_BULLET.match(ln) for ln in lines):
            items: list[str] = []
            lead: list[str] = []
            for ln in lines:
                if _BULLET.match(ln):
                    items.append(_BULLET.sub("", ln))
                elif items:
                    items[-1] += " " + ln  # a bullet wrapped onto the next line
                else:
                    lead.append(ln)
            if lead:
                out += [x.strip() for x in _SENTENCE_END.split(" ".join(lead)) if x.strip()]
            out += items
            continue
        prose = " ".join(ln for ln in lines if not ln.startswith(("|", "#")))
        out += [s.strip() for s in _SENTENCE_END.split(prose) if s.strip()]
    return [
        s for s in out if len(s.split()) >= 4 and not _META.match(s) and not _PROVENANCE.search(s)
    ]


def clean(sentence: str) -> str:
    """Drop the corpus's own [n] source markers and Markdown emphasis."""
    text = _SOURCE_MARK.sub("", sentence)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return text.strip()


def _keyword_score(q_tokens: set[str], s_tokens: list[str]) -> float:
    if not s_tokens:
        return 0.0
    score = 0.0
    for tok in set(s_tokens) & q_tokens:
        if tok in GENERIC:
            score += 0.2
        elif _CODE_TOKEN.match(tok):
            score += 2.0
        else:
            score += 1.0
    return score / math.sqrt(len(s_tokens))


_WANTS_FIGURE = re.compile(
    r"\bhow (much|many|long|often|soon|far)\b|\bwhat (%|percent|percentage|amount|rate)\b|"
    r"\bdeadline\b|\blimit\b|\bwhen\b|\bwithin\b|\bdays?\b|\bthreshold\b|\bdeductible\b|"
    r"\btoo late\b|\bstill (have )?time\b|\bhow much time\b|\bby when\b|"
    r"\b(have|has|going) to pay\b|\bpay (herself|himself|myself|ourselves|out of pocket)\b|"
    r"\bout of pocket\b|\bwhat (will|would|does) (it|this|that|she|he|we|i) (cost|owe|pay)\b|"
    r"\bminimum (dollar )?amount\b|\bhow old\b|\bage (limit|cutoff)\b|"
    r"\bpenalt|\bprison\b|\bjail\b|\bfined\b|\bfines\b|"
    r"\b%|\bpercent|\bwhat(?:'s| is| was| are) the (?:20\d\d )?[a-z -]{0,30}(?:factor|amount|"
    r"threshold|deductible|rate|fee|cap|percentage|coinsurance)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"\$\s?\d|\d+\s?%|\b\d+(?:\s+[a-z-]+)?\s+(days?|months?|years?|units?|minutes?|visits?)\b"
)


_WANTS_END_DATE = re.compile(
    r"\bexpir|\bhow long\b|\b(until|till) when\b|\blasts? until\b|\bgood (for|until|through)\b|"
    r"\bend date\b|\bruns? out\b|\bstill (valid|good|in effect|allowed|covered)\b|"
    r"\bwhen does\b.{0,40}\bend\b",
    re.IGNORECASE,
)
_END_DATE = re.compile(
    r"\b(through|until|till|to|ends?|ended|expires?|expired|runs? out|lapsed?)\b[^.;]{0,25}"
    r"\b20\d\d\b",
    re.IGNORECASE,
)


_WANTS_CASE = re.compile(
    r"\bever\b.{0,40}\b(trouble|sued|charged|fined|caught|prosecuted|punished|happened|"
    r"ok'?d|okayed|approved|allowed|cleared|blessed|challenged)\b|"
    r"\b(real|actual) (case|example)s?\b|\bhas (?:anyone|anybody|any \w+) been\b|"
    r"\bgotten in trouble\b|\bgot in trouble\b",
    re.IGNORECASE,
)
_CASE = re.compile(
    r"\b(sued|settled|charged|consent (order|decree)|final judgment|indicted|convicted|"
    r"pleaded guilty|v\.)\b[^.;]{0,80}\b(19|20)\d\d\b|"
    r"\b(19|20)\d\d\b[^.;]{0,80}\b(sued|settled|charged|consent (order|decree)|judgment|"
    r"indicted|convicted|would not challenge|did not object|advisory opinion|approved)\b",
    re.IGNORECASE,
)


_WANTS_STATUS = re.compile(
    r"\b(?:is|are|does|do)\b[^.?]{0,60}\bstill\b|\bstill (?:a thing|around|exists?|in place|"
    r"apply|applies|valid|good|safe|protected|allowed|ok|okay)\b|\b(?:any ?more|nowadays)\b",
    re.IGNORECASE,
)
_STATUS_CHANGE = re.compile(
    r"\b(?:withdr[ae]w|withdrawn|repeal(?:ed)?|rescind(?:ed)?|no longer|expired|eliminated|"
    r"superseded|reversed|removed|ended)\b",
    re.IGNORECASE,
)


_ASKS_MEANING = re.compile(
    r"\bmean(s|ing)?\b|\bwhat(?:'s| is| does)\b|\bstand for\b|\bwhy\b", re.IGNORECASE
)
_NAMED_CODE = re.compile(r"\b([A-Z]{1,3}-?\d{1,3})\b")


def _named_codes(question: str) -> set[str]:
    """Remittance and modifier codes the question names ('M80', 'CO-45')."""
    return {m.group(1).upper() for m in _NAMED_CODE.finditer(question)}


def _defines_bonus(question: str, sentence: str, named: set[str] | None = None) -> float:
    """'Getting remark M80, what does it mean?': the sentence that opens with that code and
    says what it is ('M80: not covered when ...') beats sentences about remark codes in
    general. `named`: the question's codes, when the caller already has them."""
    named = _named_codes(question) if named is None else named
    if len(named) != 1 or not _ASKS_MEANING.search(question):
        return 0.0  # "CO-50 and PR-1: which do I pay?" asks more than what a code is
    for code in named:
        if re.match(re.escape(code) + r"\b\s*(?::|\(|means\b|is\b|=)", sentence, re.I):
            return 1.0
    return 0.0


_BARE_REASON_CODE = re.compile(
    r"\b(?:eob|remit|remittance|denial|denied|reason|adjustment|carc)\b[^.?!]{0,30}?"
    r"\bcode (\d{1,3})\b(?!\.\d|-)",
    re.IGNORECASE,
)
"""'The EOB says code 119': a reason code without its group letters. Procedure codes have five
digits, so one to three digits after 'code' near EOB or denial words is a CARC."""


def _reason_number_bonus(question: str, sentence: str, numbers: set[str] | None = None) -> float:
    """'The EOB says code 119': the sentence that names reason code 119 (CO-119, 'reason code
    119') says what it means; the question gave no group letters to match on. `numbers`: the
    question's bare reason codes, when the caller already has them."""
    if numbers is None:
        numbers = {m.group(1) for m in _BARE_REASON_CODE.finditer(question)}
    if not numbers:
        return 0.0
    said = any(re.search(r"(?:\b[A-Z]{2}-?|\bcode )" + n + r"\b", sentence, re.I) for n in numbers)
    return 0.4 if said else 0.0


def _heading_names(named: set[str], section: str) -> float:
    """'PR-2 on one line and CO-45 on another: which do I pay?': a section whose heading lists
    the codes asked about ('Patient share and pricing: PR-1, PR-2, PR-3, CO-45') answers them."""
    if not named:
        return 0.0
    heading = section.upper()
    hits = sum(1 for code in named if re.search(r"\b" + re.escape(code) + r"\b", heading))
    return min(0.25 * hits, 0.5)


def _figure_bonus(question: str, sentence: str) -> float:
    """A question asking for an amount, a deadline or a share prefers sentences that state one;
    one asking how long something lasts prefers a sentence that states when it ends; one asking
    whether anyone was ever caught prefers a sentence that tells an enforcement case."""
    if _WANTS_END_DATE.search(question) and _END_DATE.search(sentence):
        return 0.35
    if _WANTS_CASE.search(question) and _CASE.search(sentence):
        return 0.7  # a named case is the answer; general statements of the rule are not
    if _WANTS_STATUS.search(question) and _STATUS_CHANGE.search(sentence):
        return 0.35  # "is that still a safe zone?": the sentence saying it was withdrawn
    if _WANTS_DEADLINE.search(question) and _DEADLINE.search(sentence):
        return 0.6  # "how long do I have to appeal?": the sentence giving the asker's deadline
    return 0.35 if _WANTS_FIGURE.search(question) and _FIGURE.search(sentence) else 0.0


_WANTS_DEADLINE = re.compile(
    r"\bhow (?:long|much time|many days) do (?:i|we|you|they) have\b|\bdeadline\b|"
    r"\btoo late\b|\bstill have time\b|\bby when\b",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"\byou have \d+|\bwithin \d+|\b\d+ (?:calendar )?days\b[^.;]{0,20}\b(?:from|of|after)\b",
    re.IGNORECASE,
)


LIST_QUESTION = re.compile(
    r"\bwhat (does|do|should|must|has to|have to|needs? to)\b.{0,60}\b(show|include|contain|"
    r"list|be in|go in|have|need|say|state|mention)\b|"
    r"\bwhat (has|needs|goes) (to be )?(in|into|on)\b|"
    r"\bwhat goes (in|into|on)\b|\bwhat (is|are) (required|needed)\b|"
    r"\b(which|what)\b[^.?]{0,50}\b(needs?|has|have|must|should) (to )?(be|go|appear) (on|in)\b|"
    r"\bneeds? to see on\b|\bto (put|add|include|list) (on|in) (it|the|my|our|a)\b|"
    # "what should i actually ask when i call the insurance?": a checklist
    r"\bwhat (should|do|can) (i|we) (actually |even |really )?ask\b|\bwhat questions\b",
    re.IGNORECASE,
)


_SUBJECT = re.compile(
    r"\bwhat (?:goes|has to be|needs to be|must be|should be) (?:on|in|into) "
    r"(?:an? |the |my |our )?([a-z-]+)|"
    r"\bwhat (?:does|do|should|must) (?:an? |the |my |our )?([a-z-]+)"
    r"(?: [a-z-]+)? (?:need|show|include|contain|have|list)",
    re.IGNORECASE,
)


def _subject_doc(question: str, hits: list[Hit]) -> str | None:
    """The retrieved document whose title names the thing asked about ("what goes on a
    superbill" -> the superbill document), so a neighbouring topic does not answer for it."""
    m = _SUBJECT.search(question)
    if not m:
        return None
    subject = tokens(m.group(1) or m.group(2) or "")
    if not subject or subject[0] in GENERIC:
        return None
    for h in hits[:5]:
        if subject[0] in tokens(h.passage.title):
            return h.passage.doc_id
    return None


KEYWORD_WEIGHT = 0.6
EXTRA_CUT = 0.5
"""Sentences from other passages join the anchor's when they score at least this share of the
best; a best inflated by amounts and codes in an example must not shut out the definition."""


_PROCEDURE_CODE = re.compile(r"^(?:\d{5}|[a-z]\d{4})$")


def query_tokens(question: str) -> set[str]:
    """The question's words with their shorthand expanded ("ther ex" -> therapeutic exercise),
    but without codes the expansion alone added: "eval is done" must not make every sentence
    naming 97165-97167 look like the answer."""
    typed = set(tokens(question))
    return {t for t in tokens(expand(question)) if t in typed or not _PROCEDURE_CODE.match(t)}


def _sentence_score(cosine: float, q_tokens: set[str], sentence: str) -> float:
    """Meaning (cosine with the question) plus the question's keywords found in the sentence."""
    return cosine + KEYWORD_WEIGHT * _keyword_score(q_tokens, tokens(sentence))


def select_by_sections(
    question: str, hits: list[Hit], *, max_points: int = 8
) -> list[tuple[str, int]]:
    """For 'what must X show/contain' questions: the best sentences of each section of the top
    document (retrieved sections first), so the answer covers the whole list."""
    top_doc = _subject_doc(question, hits) or hits[0].passage.doc_id
    sections = [i for i, h in enumerate(hits) if h.passage.doc_id == top_doc]
    if len(sections) < 2:
        return []
    q_expanded = expand(question)
    q_tokens = query_tokens(question)
    picked: list[tuple[int, int, str]] = []
    for i in sections:
        sentences = split_sentences(hits[i].passage.text)
        if not sentences or hits[i].passage.section == "Overview":
            continue
        vecs = embed([q_expanded] + [clean(x) for x in sentences])
        scores = vecs[1:] @ vecs[0]
        ranked = sorted(
            range(len(sentences)),
            key=lambda k: -_sentence_score(float(scores[k]), q_tokens, sentences[k]),
        )
        for k in sorted(ranked[:2]):
            picked.append((i, k, in_context(clean(sentences[k]), hits[i].passage.section)))
    return [(text, i) for i, _, text in picked[:max_points]]


def select(
    question: str,
    hits: list[Hit],
    *,
    anchor_points: int = 6,
    extra_points: int = 3,
    per_passage: int = 2,
) -> list[tuple[str, int]]:
    """Best sentences as (clean text, index of its hit), in the order of the hits."""
    candidates = [
        Sentence(s, i) for i, h in enumerate(hits[:20]) for s in split_sentences(h.passage.text)
    ]
    if not candidates:
        return []
    q_expanded = expand(question)
    q_tokens = query_tokens(question)
    named = _named_codes(question)
    reason_numbers = {m.group(1) for m in _BARE_REASON_CODE.finditer(question)}
    vecs = embed([q_expanded] + [clean(c.text) for c in candidates])
    cosine = vecs[1:] @ vecs[0]
    scored: list[tuple[float, int]] = []
    for idx, cand in enumerate(candidates):
        text = clean(cand.text)
        rank_bonus = 0.15 * (3 - min(cand.hit_index, 3))
        overview = -0.1 if hits[cand.hit_index].passage.section == "Overview" else 0.0
        bonus = (
            _figure_bonus(question, text)
            + _defines_bonus(question, text, named)
            + _reason_number_bonus(question, text, reason_numbers)
            + _heading_names(named, hits[cand.hit_index].passage.section)
            + overview
        )
        scored.append(
            (_sentence_score(float(cosine[idx]), q_tokens, text) + rank_bonus + bonus, idx)
        )
    full = {idx: score for score, idx in scored}
    scored.sort(reverse=True)
    best = scored[0][0]
    chosen: list[int] = []
    per: dict[int, int] = {}
    # The anchor: the passage whose best two sentences score highest. It is given whole (up to
    # `anchor_points` sentences, in its own order), so a list or a rule is not cut in pieces;
    # the best sentences of other passages follow.
    by_passage: dict[int, list[float]] = {}
    for score, idx in scored:
        by_passage.setdefault(candidates[idx].hit_index, []).append(score)

    pvecs = embed([hits[h].passage.embed_text for h in by_passage])
    p_cos: dict[int, float] = dict(zip(by_passage, (pvecs @ vecs[0]).tolist(), strict=True))

    def weight(h: int) -> float:
        top2 = sum(sorted(by_passage[h], reverse=True)[:2])
        whole = _sentence_score(p_cos[h], q_tokens, hits[h].passage.embed_text)
        # an overview restates the document; a section that says the same is the better anchor
        return (top2 + whole) * (0.8 if hits[h].passage.section == "Overview" else 1.0)

    anchor = max(by_passage, key=weight)
    for idx, cand in enumerate(candidates):
        if cand.hit_index == anchor and len(chosen) < anchor_points:
            chosen.append(idx)
    per[anchor] = per_passage  # nothing more from the anchor below
    max_points = len(chosen) + extra_points
    for score, idx in scored:
        cand = candidates[idx]
        if len(chosen) >= max_points or score < best * EXTRA_CUT:
            break
        if per.get(cand.hit_index, 0) >= per_passage:
            continue
        if any(_near_duplicate(clean(cand.text), clean(candidates[j].text)) for j in chosen):
            continue
        chosen.append(idx)
        per[cand.hit_index] = per.get(cand.hit_index, 0) + 1
    parts = question_parts(question)
    for n, part in enumerate(parts):
        # a two-part question ("what's the form called and which modifier goes on the
        # claim?") gets the best sentence for each part, judged with the whole question
        p_vecs = embed([expand(part)])
        p_tokens = query_tokens(part) - GENERIC
        if n and _ANAPHORIC.search(part):
            # "... a progress report ..., and can my COTA write it?": 'it' is the earlier
            # part's subject, so that part's words count for this one too
            p_tokens |= query_tokens(parts[n - 1]) - GENERIC
        p_cos = vecs[1:] @ p_vecs[0]

        # "how often ...? and can my COTA write them?": the part that asks for a figure wants
        # the sentence that states one
        fit = [
            _sentence_score(float(p_cos[k]), p_tokens, clean(c.text))
            + _figure_bonus(part, clean(c.text))
            for k, c in enumerate(candidates)
        ]
        best_part = max(range(len(candidates)), key=lambda k: full[k] + fit[k])
        if best_part in chosen:
            # the part's best is already given for the whole question; a sentence not yet
            # given that fits this part better ("can my COTA write it?": who writes it) joins
            rest = [k for k in range(len(candidates)) if k not in chosen]
            if rest:
                runner = max(rest, key=lambda k: full[k] + fit[k])
                # "... and is there anything else with Highmark I should watch for?" asks for
                # what has not been said yet
                if fit[runner] > fit[best_part] or _ASKS_ELSE.search(part):
                    best_part = runner
        if best_part not in chosen and not any(
            _near_duplicate(clean(candidates[best_part].text), clean(candidates[j].text))
            for j in chosen
        ):
            chosen.append(best_part)
    chosen.sort(key=lambda j: (candidates[j].hit_index, j))
    return [
        (
            in_context(clean(candidates[j].text), hits[candidates[j].hit_index].passage.section),
            candidates[j].hit_index,
        )
        for j in chosen
    ]


_DANGLING = re.compile(
    r"^(you|it|this|that|these|those|they|their|so|then|here|there|both|the same)\b", re.I
)


def in_context(sentence: str, section: str) -> str:
    """A sentence that leans on what came before it ("You have 120 days ... to ask") is led by
    its section heading, which names what it is about ("Level 1: ... (redetermination)")."""
    # a short reply under a heading that asks ("For planned out-of-network therapy, usually
    # not.") answers that heading, so it needs it too
    short_reply = section.endswith("?") and len(sentence.split()) <= 8
    if (
        section == "Overview"
        or not (_DANGLING.match(sentence) or short_reply)
        or section.lower() in sentence.lower()
    ):
        return sentence
    # a heading that asks ("Does my plan pay anything?") is followed by its answer
    return f"{section} {sentence}" if section.endswith("?") else f"{section}: {sentence}"


_PART_SPLIT = re.compile(
    r"(?<=\?)\s+|\s+(?:and|also|plus),?\s+(?=(?:what|which|how|when|who|where|is|are|does|do|can)\b)",
    re.I,
)


_ASKS = re.compile(
    r"\b(?:what|what's|whats|which|how|when|who|where)\b|"
    r"^(?:(?:and|also|plus|so|but|or)\s+)?(?:is|are|does|do|can|could|should|will|would)\b",
    re.I,
)


_ANAPHORIC = re.compile(r"\b(?:it|that|this|them|those|these)\b(?!\s+(?:is|was)\b)", re.I)


_ASKS_ELSE = re.compile(r"\b(?:anything|something|what) else\b|\bany other\b", re.I)


def question_parts(question: str) -> list[str]:
    """The questions asked in one message, when it asks more than one; [] otherwise."""
    parts = [p.strip() for p in _PART_SPLIT.split(question) if p and p.strip()]
    asked = [_asking_sentence(p) for p in parts if _ASKS.search(p) or p.endswith("?")]
    return asked if len(asked) > 1 else []


def _asking_sentence(part: str) -> str:
    """'our insurance denied his OT. how long do i have to appeal': the story before the
    question is context for the whole message, not for this part."""
    sentences = re.split(r"(?<=[.!])\s+", part)
    last = sentences[-1]
    # "... when the waivers had lapsed. can i still bill those DOS?" leans on the story
    leans = _ANAPHORIC.search(last)
    return last if len(sentences) > 1 and _ASKS.search(last) and not leans else part


def _near_duplicate(a: str, b: str) -> bool:
    ta, tb = set(tokens(a)), set(tokens(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8


def relevance(question: str, hits: list[Hit]) -> float:
    """How well the best passage matches: cosine of question and passage, 0 when nothing."""
    if not hits:
        return 0.0
    vecs = embed([expand(question), hits[0].passage.embed_text])
    return float(np.dot(vecs[0], vecs[1]))


DOMAIN_COMMON = frozenset(
    "denial denied claim claims bill billing code codes insurance insurer payer pay paid cover "
    "covered coverage appeal rule rules need get can ot therapy therapist patient".split()
)


def coverage(question: str, hits: list[Hit], top: int = 3) -> float:
    """Share of the question's distinctive words that the top passages contain at all.

    A question about something the corpus does not cover ("workers' compensation in Ohio")
    still retrieves the nearest passages; this catches that their words do not overlap.
    """
    wanted = {t for t in tokens(question) if t not in GENERIC and t not in DOMAIN_COMMON}
    if not wanted:
        return 1.0
    present: set[str] = set()
    for hit in hits[:top]:
        present |= set(tokens(hit.passage.embed_text))
    return len(wanted & present) / len(wanted)
