"""Questions about an amount or a deadline prefer sentences that state one (the extractive
engine's figure bonus), including the ways people ask about a deadline without the word."""

from __future__ import annotations

import pytest

from assistant.engine.extractive import _figure_bonus

DEADLINE = "You have 180 days from the denial notice to file an internal appeal."
NO_FIGURE = "Keep copies of every letter and form the insurer sends."


@pytest.mark.parametrize(
    "question",
    [
        "its august now, is it too late to appeal?",
        "is there a deadline for the next level?",
        "how long do I have to appeal?",
        "do I still have time to appeal the denial?",
    ],
)
def test_deadline_questions_prefer_a_stated_period(question: str) -> None:
    assert _figure_bonus(question, DEADLINE) > 0
    assert _figure_bonus(question, NO_FIGURE) == 0


def test_a_question_without_an_amount_gets_no_bonus() -> None:
    assert _figure_bonus("who decides the second appeal?", DEADLINE) == 0
