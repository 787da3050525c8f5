"""Chat evaluation: questions from the three audiences with the facts a right answer must state.

A case file is TOML with ``[[case]]`` entries: id, persona, question, ``must`` (phrases a right
answer states, matched case-insensitively with number words up to twelve read as digits, ``a|b``
meaning either), optional ``must_not``,
``intent`` and ``after`` (the id of a case to ask first in the same conversation, for
follow-ups). A case is right when every ``must`` is present, no ``must_not`` is, and the intent
matches when one is given.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schemas import ChatRequest
from assistant.service import Assistant


class Case(BaseModel):
    """One evaluation question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    persona: Literal["biller", "therapist", "parent"]
    question: str = Field(min_length=3)
    must: tuple[str, ...] = Field(min_length=1)
    must_not: tuple[str, ...] = ()
    intent: str | None = None
    after: str | None = None


class Outcome(BaseModel):
    """How one case went."""

    id: str
    persona: str
    right: bool
    missing: tuple[str, ...]
    forbidden: tuple[str, ...]
    intent: str
    answer: str


class ChatEvalReport(BaseModel):
    """Share of right answers overall and per audience, with every wrong one."""

    cases: int
    right: int
    accuracy: float
    by_persona: dict[str, float]
    wrong: tuple[Outcome, ...]


def load_cases(folder: Path) -> list[Case]:
    """Every case in the TOML files of `folder`."""
    cases: list[Case] = []
    for path in sorted(folder.glob("*.toml")):
        cases += [Case.model_validate(c) for c in tomllib.loads(path.read_text()).get("case", [])]
    ids = [c.id for c in cases]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate case ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    known = set(ids)
    for c in cases:
        if c.after and c.after not in known:
            raise ValueError(f"case {c.id} follows unknown case {c.after}")
    return cases


def _body(answer: str) -> str:
    """The answer without its source list: a fact must be stated, not just appear in a title."""
    return answer.split("\nSources:\n", 1)[0]


_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def _canon(text: str) -> str:
    """Lower case with small numbers as digits: "one unit" and "1 unit" state the same fact."""
    return _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], text.lower())


def _present(answer: str, phrase: str) -> bool:
    low = _canon(_body(answer))
    return any(_canon(option.strip()) in low for option in phrase.split("|"))


def run(bot: Assistant, cases: list[Case]) -> ChatEvalReport:
    """Ask every case (follow-ups in their conversation) and score the answers."""
    by_id = {c.id: c for c in cases}
    conversations: dict[str, str] = {}
    outcomes: list[Outcome] = []

    def ask(case: Case) -> Outcome:
        conversation = None
        if case.after:
            if case.after not in conversations:
                ask(by_id[case.after])
            conversation = conversations[case.after]
        reply = bot.chat(
            ChatRequest(message=case.question, persona=case.persona, conversation_id=conversation)
        )
        conversations[case.id] = reply.conversation_id
        missing = tuple(m for m in case.must if not _present(reply.answer, m))
        forbidden = tuple(m for m in case.must_not if _present(reply.answer, m))
        intent_ok = case.intent is None or case.intent == reply.intent
        return Outcome(
            id=case.id,
            persona=case.persona,
            right=not missing and not forbidden and intent_ok,
            missing=missing,
            forbidden=forbidden,
            intent=reply.intent,
            answer=reply.answer,
        )

    for case in cases:
        outcomes.append(ask(case))
    right = sum(o.right for o in outcomes)
    personas = sorted({o.persona for o in outcomes})
    return ChatEvalReport(
        cases=len(outcomes),
        right=right,
        accuracy=round(right / len(outcomes), 4) if outcomes else 0.0,
        by_persona={
            p: round(
                sum(o.right for o in outcomes if o.persona == p)
                / sum(o.persona == p for o in outcomes),
                4,
            )
            for p in personas
        },
        wrong=tuple(o for o in outcomes if not o.right),
    )
