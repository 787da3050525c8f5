"""Questions about an amount or a deadline prefer sentences that state one (the extractive
engine's figure bonus), including the ways people ask about a deadline without the word."""

from __future__ import annotations

import pytest

from assistant.engine.extractive import (
    _defines_bonus,
    _figure_bonus,
    _reason_number_bonus,
    in_context,
    query_tokens,
    question_parts,
    split_sentences,
)

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


@pytest.mark.parametrize(
    "question",
    [
        "the telehealth thing keeps expiring, how long is it good for now?",
        "until when can OTs keep billing medicare for video visits?",
        "is the telehealth waiver still in effect?",
    ],
)
def test_how_long_it_lasts_prefers_a_stated_end(question: str) -> None:
    ends = "Congress extended the flexibilities through the end of 2027."
    assert _figure_bonus(question, ends) > 0
    assert _figure_bonus(question, "Telehealth visits use place of service 10.") == 0
    assert _figure_bonus("who can bill for telehealth?", ends) == 0


def test_a_question_without_an_amount_gets_no_bonus() -> None:
    assert _figure_bonus("who decides the second appeal?", DEADLINE) == 0


def test_initialisms_and_citation_abbreviations_do_not_end_a_sentence() -> None:
    text = (
        "The relief act (H.R. 10545, section 3207) extended the flexibilities to March. "
        "The court cited 493 U.S. 411 in that case. See Pub. 100-04 for the manual rule. "
        "No. The next sentence starts here."
    )
    assert split_sentences(text) == [
        "The relief act (H.R. 10545, section 3207) extended the flexibilities to March.",
        "The court cited 493 U.S. 411 in that case.",
        "See Pub. 100-04 for the manual rule.",
        "The next sentence starts here.",  # "No." is a sentence, too short to keep
    ]


def test_a_sentence_that_leans_on_its_heading_is_led_by_it() -> None:
    heading = "Level 1: redetermination (120 days)"
    leaning = "You have 120 days from receiving the denial to ask."
    assert in_context(leaning, heading) == f"{heading}: {leaning}"
    whole = "A redetermination is the first level of appeal."
    assert in_context(whole, heading) == whole
    assert in_context(leaning, "Overview") == leaning  # an overview heading adds nothing
    asked = "How long do I have to appeal?"
    assert in_context(leaning, asked) == f"{asked} {leaning}"
    # a short reply answers the heading that asks, so it is led by it too
    heading = "Does the No Surprises Act protect me from the therapist's bill?"
    reply = "For planned out-of-network therapy, usually not."
    assert in_context(reply, heading) == f"{heading} {reply}"
    assert in_context(reply, "Balance billing") == reply


def test_a_message_asking_two_things_has_two_parts() -> None:
    parts = question_parts(
        "medicare denied a batch of claims. what's the first appeal level called and how many "
        "days do we have to file it?"
    )
    assert len(parts) == 2 and parts[1].startswith("how many days")
    two = question_parts("Is paraffin 97018 a timed code? Do those minutes go into my total?")
    assert two == ["Is paraffin 97018 a timed code?", "Do those minutes go into my total?"]
    assert question_parts("how many units is 38 minutes of ther ex?") == []
    assert question_parts("we bill OT and PT and what else?") == []  # one question


def test_parts_asked_in_chat_shorthand_are_parts() -> None:
    # "whats" without its apostrophe asks as much as "what's"
    assert question_parts("whats the deductible and is there a max number of visits?") == [
        "whats the deductible",
        "is there a max number of visits?",
    ]
    # a story ending in a question is a part even when its question word is not first
    story = question_parts(
        "pt switched MCOs mid-auth. does the new plan have to honor it? and if it denies, can "
        "the family go to a fair hearing?"
    )
    assert len(story) == 2 and story[0].endswith("honor it?")
    # "and does ..." without a question mark still asks
    tail = question_parts("Is this a counting thing? and does UHC commercial use the CMS method")
    assert tail == ["Is this a counting thing?", "and does UHC commercial use the CMS method"]


def test_asking_whether_anyone_was_ever_caught_prefers_a_named_case() -> None:
    case = "When DOJ settled with a chiropractic network in 2013, the judgment barred it."
    rule = "Associations may work on coverage and access rather than price."
    question = "has an association ever actually gotten in trouble for this?"
    assert _figure_bonus(question, case) > _figure_bonus(question, rule) == 0
    assert _figure_bonus("may an association survey its members?", case) == 0
    # the other way round: a network the regulator let be
    cleared = "In 2013 FTC staff said it would not challenge the network's joint contracting."
    assert _figure_bonus("has the FTC ever ok'd a clinically integrated network?", cleared) > 0


def test_codes_the_shorthand_expansion_adds_do_not_count_as_typed() -> None:
    """'eval is done' expands to the evaluation codes for retrieval; a sentence listing
    97165-97167 must not outscore the one about visits for that."""
    words = query_tokens("eval is done. how many visits will united approve?")
    assert "97165" not in words and "evaluation" in words
    assert "97165" in query_tokens("is 97165 an untimed eval code?")  # typed, so it counts
    assert "21" in query_tokens("my 7-year-old on Medicaid")  # figures the expansion adds stay


@pytest.mark.parametrize(
    "question",
    [
        "what's the actual penalty if people get caught doing price fixing?",
        "how bad could the criminal penalties be?",
        "could someone go to prison for agreeing on rates?",
    ],
)
def test_penalty_questions_prefer_the_sentence_with_the_sentence_and_fine(question: str) -> None:
    penalty = "Price fixing can be prosecuted as a crime: up to 10 years in prison and $1 million."
    assert _figure_bonus(question, penalty) > 0
    assert _figure_bonus(question, "Price fixing is condemned outright as per se illegal.") == 0


@pytest.mark.parametrize(
    "question",
    [
        "they say it's protected because the data is 3+ months old. is that still a safe zone?",
        "is the hard cap still a thing?",
        "do payers even use that edit anymore?",
    ],
)
def test_is_it_still_so_questions_prefer_a_sentence_saying_it_changed(question: str) -> None:
    assert _figure_bonus(question, "The FTC withdrew the 1996 statements in 2023.") > 0
    assert _figure_bonus(question, "Exchanges outside the zone were judged case by case.") == 0


def test_the_sentence_defining_the_code_asked_about_is_preferred() -> None:
    q = "getting remark M80 on 97530 lines, what does it mean"
    assert _defines_bonus(q, "M80: not covered when performed the same day.") > 0
    assert _defines_bonus(q, "M51: missing or invalid procedure code.") == 0
    assert _defines_bonus(q, "Remark codes such as M80 add detail.") == 0
    # two codes and a question about who pays: not a request for one code's meaning
    two = "one line says CO-50 and another says PR-1. which of these do i have to pay?"
    assert _defines_bonus(two, "CO-50: not deemed medically necessary.") == 0


def test_a_deadline_question_prefers_the_askers_deadline_over_other_figures() -> None:
    q = "how long do i have to appeal?"
    mine = _figure_bonus(q, "You have 180 days (six months) from the denial notice to appeal.")
    theirs = _figure_bonus(q, "The plan generally has 30 days to decide an appeal.")
    assert mine > theirs > 0


def test_what_a_letter_should_say_is_a_list_question() -> None:
    from assistant.engine.extractive import LIST_QUESTION

    assert LIST_QUESTION.search("what should the letter from his therapist say?")
    assert not LIST_QUESTION.search("what did the therapist say about his progress")


def test_a_heading_that_lists_the_codes_asked_about_is_preferred() -> None:
    from assistant.engine.extractive import _heading_names

    heading = "Patient share and pricing: PR-1, PR-2, PR-3, CO-45, OA-23"
    assert _heading_names({"PR-2", "CO-45"}, heading) == 0.5
    assert _heading_names({"CO-50"}, heading) == 0
    assert _heading_names(set(), heading) == 0


def test_a_bare_reason_code_prefers_the_sentence_naming_it() -> None:
    question = "the EOB says code 119. is that the end or can we get more visits??"
    named = "Claims are denied with reason code 119 when the benefit maximum is reached."
    grouped = "CO-119: the benefit maximum for the period has been reached."
    other = "A soft limit is a checkpoint: more visits can be approved."
    assert _reason_number_bonus(question, named) > 0
    assert _reason_number_bonus(question, grouped) > 0
    assert _reason_number_bonus(question, other) == 0
    # five digits after 'code' is a procedure code, and a count is not a code
    assert _reason_number_bonus("denied code 97530 twice", "97530 is timed.") == 0
    assert _reason_number_bonus("we billed 119 units", named) == 0


def test_asking_what_to_ask_is_a_list_question() -> None:
    from assistant.engine.extractive import LIST_QUESTION

    assert LIST_QUESTION.search("what should i actually ask when i call the insurance company?")
    assert LIST_QUESTION.search("what questions do we need answered before the first visit?")
    assert not LIST_QUESTION.search("who should i ask about the denial?")
