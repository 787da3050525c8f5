"""Retrieval evaluation: recall@k and mean reciprocal rank over labelled questions.

Question files are TOML with ``[[questions]]`` entries: id, audience, question, relevant (document
ids; any one in the top k counts as a hit), and optional payer and date filters the question
implies. The report breaks the numbers down by audience and lists the misses, so a regression
shows which questions broke.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.store import KnowledgeBase


class Question(BaseModel):
    """One labelled retrieval question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    audience: Literal["biller", "therapist", "parent"]
    question: str = Field(min_length=3)
    relevant: tuple[str, ...] = Field(min_length=1)
    payer: str | None = None
    date: dt.date | None = None


class Miss(BaseModel):
    """A question whose relevant documents were not in the top k."""

    id: str
    question: str
    relevant: tuple[str, ...]
    got: tuple[str, ...]


class EvalReport(BaseModel):
    """Recall@k and MRR overall and per audience, with the misses."""

    k: int
    questions: int
    recall_at_k: float
    mrr: float
    by_audience: dict[str, dict[str, float]]
    misses: tuple[Miss, ...]


def load_questions(folder: Path) -> list[Question]:
    """Every question in every TOML file of `folder`, in file order."""
    out: list[Question] = []
    for path in sorted(folder.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        out += [Question.model_validate(q) for q in raw.get("questions", [])]
    ids = [q.id for q in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate question ids: {dupes}")
    return out


def evaluate(kb: KnowledgeBase, questions: list[Question], k: int = 5) -> EvalReport:
    """Run every question through hybrid search and score the ranking."""
    hits: dict[str, list[float]] = defaultdict(list)
    rr: dict[str, list[float]] = defaultdict(list)
    misses: list[Miss] = []
    for q in questions:
        ranked = kb.search(q.question, k=k, payer=q.payer, on=q.date)
        docs = [h.passage.doc_id for h in ranked]
        first = next((i for i, d in enumerate(docs, 1) if d in q.relevant), None)
        for bucket in ("all", q.audience):
            hits[bucket].append(1.0 if first else 0.0)
            rr[bucket].append(1.0 / first if first else 0.0)
        if first is None:
            misses.append(Miss(id=q.id, question=q.question, relevant=q.relevant, got=tuple(docs)))

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return EvalReport(
        k=k,
        questions=len(questions),
        recall_at_k=mean(hits["all"]),
        mrr=mean(rr["all"]),
        by_audience={
            a: {"questions": float(len(hits[a])), "recall_at_k": mean(hits[a]), "mrr": mean(rr[a])}
            for a in ("biller", "therapist", "parent")
            if hits[a]
        },
        misses=tuple(misses),
    )
