"""Retrieval evaluation on the shipped corpus: at least 100 labelled questions, recall@5 >= 0.9."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from knowledge.evaluate import evaluate, load_questions

QUESTIONS = load_questions(Path(__file__).parent)


def test_question_set_is_large_and_spread() -> None:
    assert len(QUESTIONS) >= 100
    per_audience = Counter(q.audience for q in QUESTIONS)
    assert all(per_audience[a] >= 20 for a in ("biller", "therapist", "parent")), per_audience


def test_recall_at_5(shipped_kb) -> None:
    report = evaluate(shipped_kb, QUESTIONS, k=5)
    misses = [(m.id, m.question) for m in report.misses]
    assert report.recall_at_k >= 0.9, misses
    for audience, numbers in report.by_audience.items():
        assert numbers["recall_at_k"] >= 0.85, (audience, misses)
    assert report.mrr >= 0.7
