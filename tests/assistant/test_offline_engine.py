"""The offline engine: what it understands, which tool it calls, what it asks, what it refuses."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.engine.offline import OfflineEngine, infer_persona, plan_terms, state_after
from assistant.engine.slots import Slots, extract


@pytest.fixture
def engine(fixture_kb) -> OfflineEngine:
    return OfflineEngine(fixture_kb, today=lambda: date(2026, 3, 2))


@pytest.fixture
def shipped_engine(shipped_kb) -> OfflineEngine:
    """The engine over the corpus the package ships, for answers that need its documents."""
    return OfflineEngine(shipped_kb, today=lambda: date(2026, 3, 2))


def ask(engine: OfflineEngine, text: str, state: dict | None = None, persona=None):
    draft, chosen = engine.answer(text, persona, state or {})
    return draft, state_after(draft, chosen, state or {})


@pytest.mark.parametrize(
    ("text", "services"),
    [
        ("how many units for 33 min ther ex and 7 min manual?", [("97110", 33), ("97140", 7)]),
        (
            "97110=18, 97140=13, 97116=10, 97035=8",
            [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)],
        ),
        ("38 minutes of TA and 15 of neuro re-ed", [("97530", 38), ("97112", 15)]),
        ("did 97110 for 23 and 97112 for 24 minutes", [("97110", 23), ("97112", 24)]),
        ("an eval (97166) plus 25 minutes of self-care training", [("97166", None), ("97535", 25)]),
        ("Claim: 97530 x3 GO, 97110 x2 GO", [("97530", None), ("97110", None)]),
    ],
)
def test_services_and_minutes_are_read(text: str, services: list) -> None:
    assert [(s.code, s.minutes) for s in extract(text).services] == services


def test_other_slots_are_read() -> None:
    s = extract(
        "Aetna Medicare approved 12 visits of 45 minute sessions on 3/2/2026, NPI 1234567893, dx I69.351 GO"
    )
    assert (s.payer_id, s.auth_visits, s.session_minutes) == ("medicare_advantage", 12, 45)
    assert s.dates == [date(2026, 3, 2)] and s.npis == ["1234567893"] and s.icd10 == ["I69.351"]
    assert "GO" in s.modifiers
    e = extract(
        "extensive history, five performance deficits, high complexity decision making, has comorbidities"
    )
    assert (e.history, e.deficits, e.decision, e.comorbidities) == (
        "extensive",
        5,
        "high",
        "present",
    )


@pytest.mark.parametrize(
    ("text", "persona"),
    [
        ("my son's OT is out of network, how do I get reimbursed?", "parent"),
        ("what must my daily note show for Medicare?", "therapist"),
        ("claim denied CO-97 for 97530", "biller"),
    ],
)
def test_persona_is_inferred(text: str, persona: str) -> None:
    assert infer_persona(text) == persona


def test_units_question_calls_the_units_tool(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine, "how many units for 33 min ther ex and 7 min manual for a medicare patient?"
    )
    assert draft.intent == "units"
    call = draft.tool_calls[0]
    assert call.name == "calculate_units" and call.arguments["payer"] == "medicare"
    assert call.result["units_by_code"] == {"97110": 2, "97140": 1}
    assert "97110 x2, 97140 x1: 3 units" in draft.text
    assert "Under the AMA method it would be 97110 x2, 97140 x0 (2 units)" in draft.text


def test_no_payer_means_an_assumption_is_stated(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "how many units for 40 minutes of ther ex?")
    assert any("assumed" in n for n in draft.notes)
    assert "Check: No payer or method was given" in draft.text


def test_unknown_payer_method_is_asked_with_both_answers(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "how many units for 33 min ther ex and 7 min manual for Cigna?")
    assert "don't have Cigna's counting method" in draft.text
    assert "CMS method: 97110 x2, 97140 x1 (3 units)" in draft.text
    assert "AMA method: 97110 x2, 97140 x0 (2 units)" in draft.text


def test_follow_up_changes_minutes_then_payer(engine: OfflineEngine) -> None:
    _, state = ask(engine, "I did 40 minutes of ther ex for a medicare patient, how many units?")
    draft, state = ask(engine, "and if it had been 53 minutes?", state)
    assert draft.tool_calls[0].result["total_units"] == 4
    draft, _ = ask(engine, "what about for Premera?", state)
    assert draft.tool_calls[0].result["method"] == "ama"
    assert draft.tool_calls[0].arguments["services"] == [{"code": "97110", "minutes": 53}]


def test_ambiguous_follow_up_asks_which_service(engine: OfflineEngine) -> None:
    _, state = ask(engine, "33 min ther ex and 7 min manual, medicare: units?")
    draft, _ = ask(engine, "and if it had been 45 minutes?", state)
    assert "Which service's minutes changed?" in draft.text
    assert draft.tool_calls == []


def test_missing_minutes_are_asked_for(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "how many units for ther ex and manual, medicare?")
    assert draft.tool_calls == [] and "minutes" in draft.text


def test_visits_question(engine: OfflineEngine) -> None:
    draft, state = ask(
        engine, "our insurance approved 20 units, sessions are one hour, how many visits is that?"
    )
    assert draft.intent == "visits" and "20 units cover 5 sessions of 60 minutes" in draft.text
    draft, _ = ask(engine, "and if the sessions were 45 minutes?", state)
    assert (
        "20 units cover 6 sessions of 45 minutes" in draft.text
        and "2 unit(s) are left over" in draft.text
    )


def test_visits_without_session_length_asks(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "we were approved 24 units of OT, how many visits is that?")
    assert "How long is each session" in draft.text and not draft.tool_calls


def test_eval_complexity_and_missing_component(engine: OfflineEngine) -> None:
    draft, state = ask(engine, "which eval code: brief history, 3 deficits")
    assert not draft.tool_calls and "clinical decision making" in draft.text
    draft, _ = ask(engine, "and decision making was moderate", state)
    assert draft.tool_calls[0].result["code"] == "97165"
    assert "Limited by: occupational profile and history" in draft.text


@pytest.mark.parametrize(
    ("question", "code"),
    [
        (
            "my eval had a moderate history and moderate performance deficits but the clinical "
            "decision making was pretty low. 97166 or 97165?",
            "97165",
        ),
        (
            "the history and the number of performance deficits were both on the low end, but "
            "my clinical decision making was moderate. which eval code?",
            "97165",
        ),
        ("eval code? high history, high deficits and decision making was high", "97167"),
    ],
)
def test_eval_findings_said_as_levels(engine: OfflineEngine, question: str, code: str) -> None:
    draft, _ = ask(engine, question)
    assert draft.tool_calls[0].result["code"] == code, draft.text


def test_reeval_required_by_a_state_rule_or_on_the_same_day_as_the_eval(engine) -> None:
    draft, _ = ask(
        engine,
        "Our state practice act makes me reassess patients at set intervals. can I bill 97168?",
    )
    assert draft.intent == "reeval" and "does not by itself make a re-evaluation billable" in (
        draft.text
    )
    draft, _ = ask(
        engine,
        "i evaluated a pt in the morning and re-assessed her for a separate problem in the "
        "afternoon, same day. can i bill both the eval and the re-eval?",
    )
    assert draft.text.startswith("**Bill one, not both")
    # a re-evaluation alone on a date is not told to pick one
    draft, _ = ask(engine, "pt fell and has new findings, can I bill a re-eval the same day?")
    assert "Bill one, not both" not in draft.text


def test_a_level_named_in_a_requirements_question_is_not_a_finding() -> None:
    slots = extract("how many performance deficits does a moderate complexity OT eval need?")
    assert slots.deficits_level is None and slots.history is None


def test_a_medical_history_is_not_an_evaluation_finding(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "which eval code: history of high blood pressure, 4 deficits")
    assert not draft.tool_calls and "brief, expanded or extensive" in draft.text


def test_threshold_comes_from_the_rule_table(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "what is the KX threshold for 2026?")
    assert draft.tool_calls[0].name == "get_therapy_thresholds"
    assert "$2,480.00" in draft.text
    draft, _ = ask(engine, "what was the therapy cap threshold in 2019?")
    assert "don't have" in draft.text and "2,480" not in draft.text


def test_threshold_says_what_it_went_up_from_when_asked(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "what was the 2023 KX amount for OT and what did it go up from?")
    assert "up $80.00 from $2,150.00 in 2022" in draft.text
    assert draft.tool_calls[0].result["previous_ot_kx_threshold"] == "2150.00"
    assert "On your other question" not in draft.text  # the tool answered that part
    plain, _ = ask(engine, "what was the 2023 KX amount for OT?")
    assert "2,150" not in plain.text  # not asked, not said


def test_a_session_billed_fewer_units_than_expected_gets_the_table(engine) -> None:
    draft, _ = ask(
        engine,
        "my dads medicare summary shows his OT session was 50 minutes but he was billed 3 units "
        "not 4. is that a mistake?",
    )
    assert draft.tool_calls[0].name == "convert_visits"
    assert draft.tool_calls[0].arguments["session_minutes"] == 50
    assert "3 for 38 to 52 minutes" in draft.text


def test_passing_the_review_amount_is_answered_from_the_threshold_table(engine) -> None:
    draft, _ = ask(
        engine,
        "One of our medicare OT patients is going to pass $3k this year. Does that mean every "
        "claim after that gets reviewed?",
    )
    assert draft.tool_calls[0].name == "get_therapy_thresholds"
    assert draft.text.startswith("**Medicare's targeted medical review threshold")
    assert "$3,000.00 for OT" in draft.text and "does not mean every claim" in draft.text


def test_code_lookup(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "what is 97010?")
    assert draft.intent == "code_lookup" and "bundled for Medicare" in draft.text


def test_reevaluation(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "can I bill a re-eval every 30 days for my medicare patient?")
    assert draft.intent == "reeval" and "not supported" in draft.text
    draft, _ = ask(engine, "can I bill a re-eval after a fall caused a significant change?")
    assert "supported" in draft.text and draft.tool_calls[0].result["supported"] is True
    # schedules said in other words are still routine
    for said in (
        "Our state practice act makes me reassess patients at set intervals. Can I bill 97168?",
        "Our manager wants a re-eval on every Medicare pt once a month. Can I bill it?",
    ):
        draft, _ = ask(engine, said)
        assert draft.tool_calls[0].arguments["routine"] is True and "not supported" in draft.text


def test_open_question_is_answered_from_cited_passages(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "what does a CO-97 denial mean?")
    assert draft.intent == "knowledge"
    assert "bundled" in draft.text and "[1]" in draft.text
    assert draft.citations[0].doc_id == "test-denial-co97"
    assert draft.citations[0].url == "https://x12.org/codes"


def test_unanswerable_question_is_declined(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "how do I appeal a workers compensation denial in Ohio?")
    assert draft.intent == "no_answer" and "won't guess" in draft.text and not draft.citations


def test_out_of_scope(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "what medication dosage should my patient take?")
    assert draft.intent == "out_of_scope"


def test_a_tool_that_asks_for_facts_still_answers_the_question_asked(shipped_engine) -> None:
    draft, state = ask(
        shipped_engine,
        "My son's plan covers 30 OT visits a year. His therapist says some caps can be stretched "
        "with a medical necessity review and some can't. What's the difference, and how many "
        "units is that?",
    )
    assert any("soft" in c.title.lower() for c in draft.citations), draft.citations
    # The visits tool's question follows the background, and the conversation waits for it.
    assert draft.text.index("[1]") < draft.text.index("How long is each session")
    assert state.get("awaiting") is True


def test_memory_and_attention_work_is_cognitive_intervention(engine) -> None:
    draft, _ = ask(
        engine,
        "my dad's OT does about 40 min of memory + attention work each visit. what codes and how "
        "many units?",
    )
    assert draft.intent == "units" and "97129 x1, 97130 x2" in draft.text
    # an untimed evaluation billed twice for a long session is still a units question
    draft, _ = ask(engine, "my eval ran 75 min. can I bill 97166 x2 for the extra time?")
    assert draft.intent == "units"


def test_units_a_payer_paid_are_not_an_authorization() -> None:
    text = (
        "billed cigna 97530 x2, 97110 x2 and 97535 x2 for one OT visit and they only paid 4 "
        "units. why?"
    )
    assert extract(text).auth_units is None
    assert extract("we billed 8 units of ther act and Medicare cut some").auth_units is None
    assert extract("we were approved 20 units").auth_units == 20


def test_billed_lines_cut_to_four_units_find_the_payers_unit_limit(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "billed cigna 97530 x2, 97110 x2 and 97535 x2 for one OT visit and they only paid 4 "
        "units. why, and is there anything we can do about it?",
    )
    assert draft.intent != "visits"  # billed lines, not an authorization to convert
    assert "four units per visit" in draft.text and "order" in draft.text


def test_a_session_length_is_not_a_number_of_sessions() -> None:
    slots = extract("my COTA did 3 minutes alone at the end of a 40 min session; CO modifier?")
    assert slots.auth_visits is None and slots.session_minutes == 40
    slots = extract("12 sessions of 45 minutes approved")
    assert slots.auth_visits == 12 and slots.session_minutes == 45


def test_one_total_for_several_services_is_not_the_first_ones_minutes(engine) -> None:
    text = (
        "medicare pt got 50 min total of timed treatment today (ther ex + ther act mixed). how "
        "many 15 min units can we bill?"
    )
    slots = extract(text)
    assert [s.minutes for s in slots.services] == [None, None]  # not 50 and 15
    assert slots.session_minutes == 50
    draft, _ = ask(engine, text)
    assert "bills 3 units" in draft.text
    # a total that is one service's own minutes stays with it
    slots = extract("ther ex 20 min and ther act 30 min, 50 min total")
    assert [s.minutes for s in slots.services] == [20, 30]


@pytest.mark.parametrize("said", ["was simple", "was straightforward", "was low"])
def test_plain_words_for_low_decision_making(said: str) -> None:
    slots = extract(f"expanded history, 4 deficits, and the decision making {said}")
    assert slots.decision == "low"
    assert extract("the decision making was high").decision == "high"


def test_prices_and_unit_counts_are_not_authorized_visits() -> None:
    assert extract("our copay is $45 every single visit, is that allowed?").auth_visits is None
    assert extract("we bill 97530 x2 and 97110 x2 per visit").auth_visits is None
    assert extract("insurance approved 20 visits").auth_visits == 20


def test_a_visit_limit_question_with_nothing_to_convert_is_not_a_conversion(engine) -> None:
    draft, _ = ask(
        engine, "We've used 27 of our 30 OT visits. Does the count start over in January?"
    )
    assert draft.intent != "visits"
    draft, _ = ask(engine, "insurance approved 12 visits, how many units is that?")
    assert draft.intent == "visits"


def test_a_claim_mentioned_in_a_general_question_is_not_a_claim_check(engine) -> None:
    general = (
        "Cigna: we bill 97530 x2 and 97110 x2. Does the order of the lines on the claim matter?"
    )
    assert ask(engine, general)[0].intent != "claim_check"
    check = "Will this claim get paid? Medicare, 97530 x4 with 30 minutes, GO, dx I69.351"
    assert ask(engine, check)[0].intent == "claim_check"


@pytest.mark.parametrize(
    ("said", "minutes"),
    [
        ("2 hours of one on one treatment", 120),
        ("an hour and a half of ther ex", 90),
        ("1.5 hrs of TA", 90),
    ],
)
def test_treatment_time_in_hours_counts_as_minutes(said: str, minutes: int) -> None:
    assert minutes in extract(said).bare_minutes


def test_deadlines_in_hours_are_not_treatment_time() -> None:
    assert extract("the plan must decide within 72 hours").bare_minutes == []


@pytest.mark.parametrize(
    "said",
    ["we live 3 hrs away from the clinic", "I called 2 hours before the visit", "a 2 hour drive"],
)
def test_a_distance_or_time_of_day_in_hours_is_not_treatment_time(said: str) -> None:
    assert extract(said).bare_minutes == []


@pytest.mark.parametrize(
    "said",
    ["billed 97530, 4 units and 97110 x2", "we billed 4 units of 97530 and 97110 x2"],
)
def test_unit_counts_are_read_in_the_ways_billers_write_them(said: str) -> None:
    assert extract(said).unit_counts == {"97530": 4, "97110": 2}


def test_a_unit_size_is_not_a_count_of_units() -> None:
    assert extract("how many 15 minute units should show up?").auth_units is None
    assert extract("we have 24 units approved").auth_units == 24


def test_a_year_at_the_end_of_a_sentence_dates_the_question() -> None:
    assert extract("auditing an old account from 2021. what was the KX amount?").year == 2021
    assert extract("a claim denied in 2023.").year == 2023


def test_a_month_or_season_of_a_year_is_a_period() -> None:
    assert extract("telehealth claims in jan 2026").period == (date(2026, 1, 1), date(2026, 1, 31))
    assert extract("after the fall 2025 shutdown").period == (date(2025, 9, 1), date(2025, 11, 30))
    assert extract("in February of 2024").period == (date(2024, 2, 1), date(2024, 2, 29))
    assert extract("winter 2025").period is None  # either end of the year
    assert extract("a visit on Jan 5, 2026").period is None  # a date, not a month
    slots = extract("in jan 2026")
    assert Slots.from_state(slots.as_state()).period == slots.period


def test_a_question_about_a_month_finds_what_was_in_force_in_it(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "what was the last date of service medicare covered for OT telehealth in jan 2026?",
    )
    assert draft.intent == "knowledge" and "2026-01-30" in draft.text


def test_a_past_year_is_answered_from_a_later_documents_table(shipped_engine) -> None:
    """The appeals document is in force from 2026 but keeps the earlier years' amounts."""
    draft, _ = ask(
        shipped_engine,
        "what was the minimum amount in controversy for an ALJ hearing on a medicare claim in "
        "2025?",
    )
    assert draft.intent == "knowledge" and "$190" in draft.text


def test_the_most_units_a_day_of_a_code_comes_from_the_mue_table(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "whats the max units per day for 97530 under the MUEs?")
    assert draft.intent == "code_lookup"
    assert "at most 6 units per day" in draft.text and "Rule data used" in draft.text


def test_time_two_clinicians_share_gets_the_rule_from_the_documents(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "A PT and I co-treated a kid on gait for 15 minutes, both hands on at the same time. Can "
        "we each bill a unit?",
    )
    assert draft.intent == "units" and "97116 x1" in draft.text
    shared = draft.text.split("What my sources say about time two clinicians share:", 1)[1]
    assert "counted once" in shared and "[" in shared
    alone, _ = ask(shipped_engine, "15 minutes of gait training, how many units?")
    assert "two clinicians share" not in alone.text


def test_session_length_without_codes_gets_the_days_units(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine,
        "my dad (original medicare) had a long OT session, 2 hours of one on one treatment. "
        "how many 15 minute units should show up for that day?",
    )
    assert draft.intent == "visits"
    assert "bills 8 units" in draft.text and "s20.2" in draft.text
    assert "An authorization in visits" not in draft.text  # one session, no authorization
    # a payer that counts per code says so, from the counting-method table
    premera, _ = ask(engine, "Premera kid, 2 hours of one-on-one today: how many units is that?")
    assert "bills 8 units" in premera.text and "AMA per-code" in premera.text
    # naming the codes asks for the split, which the units tool does per code
    coded, _ = ask(engine, "40 min of memory work with a Medicare patient: which codes and units?")
    assert coded.intent != "visits"


def test_an_advocacy_request_that_also_asks_about_the_law_gets_both(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "Another clinic owner texted me suggesting we both refuse anything under $90 a session "
        "from Blue Cross. How much trouble could we get into, criminally?",
    )
    assert draft.intent == "advocacy"
    assert "Don't do this" in draft.text
    law = draft.text.split("What my sources say about the law:", 1)[1]
    assert "[1]" in law and draft.citations
    assert "not legal advice" not in law.split("General information about")[0]  # no disclaimers
    # asking only whether it is allowed gets the verdict, with the documents cited, not quoted
    plain, _ = ask(
        shipped_engine, "Can we agree with the clinic across town on a minimum rate for Aetna?"
    )
    assert plain.intent == "advocacy" and "What my sources say" not in plain.text


def test_a_lawful_request_that_asks_how_gets_the_guides_answer(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "I'm prepping for a rate negotiation with BCBS for our small OT practice. how do I work "
        "out what each payer actually pays us per visit?",
    )
    assert draft.intent == "advocacy" and "This is lawful advocacy" in draft.text
    how = draft.text.split("What my sources say:", 1)[1]
    assert "revenue per visit" in how and "[1]" in how
    # a prohibited request gets no how-to, however it is asked
    banned, _ = ask(
        shipped_engine,
        "how do we get the other OT clinics in town to agree on a minimum rate for Aetna?",
    )
    assert "Don't do this" in banned.text and "What my sources say:" not in banned.text


def test_joint_letters_to_government_about_rates_are_lawful_petitioning(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "Several clinic owners want to co-sign letters to CMS and our state Medicaid agency "
        "against the rate cuts. We were told competitors can't talk about rates together; does "
        "that rule cover lobbying the government too?",
    )
    assert draft.intent == "advocacy"
    assert "This is lawful advocacy" in draft.text and "Noerr" in draft.text


def test_a_year_named_without_a_date_selects_that_years_rules(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine,
        "what dollar multiplier was medicare applying to RVUs for our 2025 dates of service? "
        "trying to check the allowed amounts on 97530",
    )
    assert draft.intent == "estimate"
    assert "2025-07-01" in draft.text and "32.3465" in draft.text
    # the current year (the engine's today is in 2026) keeps today's date
    now, _ = ask(engine, "what is medicare's allowed amount for 97530 in 2026?")
    assert "2026-03-02" in now.text


def test_how_long_an_evaluation_level_takes_is_not_a_findings_question(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine, "roughly how much face to face time is typical for a 97166 eval?"
    )
    assert draft.intent == "eval_level" and "45 minutes" in draft.text
    other, _ = ask(shipped_engine, "how long does an OT eval usually take?")  # no level named
    assert other.intent == "knowledge"
    chosen, _ = ask(shipped_engine, "which eval code for a moderate complexity evaluation?")
    assert chosen.intent == "eval_complexity"


def test_visits_against_billed_units_says_what_a_unit_is(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine, "the auth said 12 visits but the bill shows 36 units. what even is a unit?"
    )
    assert draft.intent == "visits"
    assert "A unit is 15 minutes of timed treatment" in draft.text  # from the unit table


def test_the_caps_history_is_quoted_from_the_documents(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "medicare used to have a hard cap on therapy. is that still a thing, which law "
        "got rid of it?",
    )
    assert draft.intent == "threshold" and "KX threshold" in draft.text
    history = draft.text.split("What my sources say about the cap's history:", 1)[1]
    assert "Bipartisan Budget Act of 2018" in history and "[" in history
    plain, _ = ask(shipped_engine, "what is the 2025 KX threshold for OT?")
    assert "history" not in plain.text


def test_a_definition_is_not_shut_out_by_a_worked_example(shipped_engine) -> None:
    # the worked example scores high on the question's amounts; the sentence that names the
    # gap must still join the answer
    draft, _ = ask(
        shipped_engine,
        "our OT isn't in network. she charges $200 a session, insurance only 'allowed' $120 and "
        "now the clinic wants us to pay the $80 difference too. is there a name for that and is "
        "it allowed?",
    )
    assert draft.intent == "knowledge" and "balance billing" in draft.text.lower()


def test_a_cap_on_visits_outside_medicare_is_not_the_kx_threshold(engine: OfflineEngine) -> None:
    state, _ = ask(
        engine,
        "We live in Alaska and my 8-year-old has autism. Does the state autism law put a cap on "
        "how many therapy visits he can get?",
    )
    assert state.intent != "threshold"
    for question in ("what's the therapy cap for OT in 2025?", "medicare cap on OT this year?"):
        kx, _ = ask(engine, question)
        assert kx.intent == "threshold", question


def test_what_a_level_requires_comes_from_the_level_table(engine: OfflineEngine) -> None:
    draft, _ = ask(engine, "for a 97167, how many performance deficits does the note need?")
    assert draft.intent == "eval_level"
    assert "5 or more" in draft.text and "eval-complexity" in draft.text
    both, _ = ask(engine, "how much time does CPT assume for moderate and high complexity evals?")
    assert "about 45 minutes" in both.text and "about 60 minutes" in both.text
    assert both.text.count("the lowest component sets the code") == 1
    # every level's own note is kept: the low level records where sources disagree
    low_high, _ = ask(engine, "what is required for low complexity vs high complexity evals?")
    assert "97161" in low_high.text
    # findings given: which level they reach is the complexity tool's answer
    found, _ = ask(engine, "expanded history, 4 deficits, moderate decision making: which code?")
    assert found.intent == "eval_complexity"


def test_a_total_of_minutes_across_named_codes_gets_the_days_units(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine,
        "medicare pt today, timed minutes added up to about 115 total between 97530, 97110 and "
        "97535. how many units total?",
    )
    assert draft.intent == "visits" and "bills 8 units" in draft.text


def test_a_progress_report_question_next_to_a_reeval_gets_both(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "for my medicare pts, how often is the progress report due? and can i bill that as a "
        "re-eval since im reassessing anyway?",
    )
    assert draft.intent == "reeval"
    section = draft.text.split("What my sources say about progress reports:", 1)[1]
    assert "10 treatment days" in section


def test_a_year_with_nothing_in_force_is_answered_from_later_documents_and_says_so(
    shipped_engine,
) -> None:
    draft, _ = ask(
        shipped_engine,
        "i remember medicare was going to cut the 2023 conversion factor by 4.5% and then AOTA "
        "and other groups lobbied congress. what did the cut actually end up being?",
    )
    assert draft.intent == "knowledge" and "2%" in draft.text
    assert "None of my sources is in force on 2023-07-01" in draft.text


def test_the_8_minute_rule_is_not_a_session_length_and_a_full_hour_is(
    engine: OfflineEngine,
) -> None:
    draft, _ = ask(
        engine,
        "under the medicare 8 min rule, if the whole session was just 97530 for a full hour how "
        "many units is that?",
    )
    assert draft.intent == "units" and "97530 x4" in draft.text


def test_plan_terms_a_family_states_are_read_as_estimator_fields() -> None:
    said = (
        "she charges $180 a session, the plan allows $100, our OON coinsurance is 30% "
        "and we've met the OON deductible"
    )
    assert plan_terms(said) == {
        "allowed_amount": "100",
        "billed_charge_total": "180",
        "coinsurance_percent": "30",
        "deductible_remaining": "0",
    }
    assert plan_terms("how do I get reimbursed?") == {}


def test_an_out_of_network_visit_is_priced_from_the_familys_own_terms(engine) -> None:
    draft, _ = ask(
        engine,
        "our OT is out of network. she charges $180 a session, the plan allows $100, our OON "
        "coinsurance is 30% and we've met the OON deductible. how much will insurance send "
        "back to us?",
    )
    assert draft.intent == "estimate"
    # 70% of the $100 allowed comes back; the family pays $180 - $70 = $110.
    assert "$70.00" in draft.text and "$110.00" in draft.text


def test_medicare_amounts_are_not_taken_from_a_message(engine) -> None:
    draft, _ = ask(
        engine,
        "I think Medicare allows $100 for 97530, 2 units. What is the reimbursement estimate?",
    )
    assert draft.intent == "estimate"
    # The fee schedule prices the visit; the $100 someone quoted is not used as the allowed amount.
    assert "conversion factor" in draft.text.lower()
    assert "$100.00" not in draft.text


def test_an_assistant_rate_question_is_answered_by_the_modifier_tool(engine) -> None:
    draft, _ = ask(engine, "97530 is allowed $60 when I do it. what does Medicare pay with CO?")
    assert draft.intent == "assistant_rate"
    assert "$51.00" in draft.text and "85%" in draft.text
    # A remittance group code is not the assistant modifier.
    draft, _ = ask(engine, "what does CO-97 mean on my remittance?")
    assert draft.intent != "assistant_rate"
    draft, _ = ask(engine, "my COTA did 5 of the 40 minutes alone, do I need to add CO?")
    assert draft.intent == "assistant_rate"
    assert "12.50%" in draft.text and "needs CO" in draft.text
    # the OTA's own minutes beside one timed service: a modifier question, not a unit count
    draft, _ = ask(
        engine,
        "38 min of ther act on a medicare pt, my OTA did 3 min of it alone and the rest we did "
        "together. does that line need the CO modifier?",
    )
    assert draft.intent == "assistant_rate" and "does not need CO" in draft.text
    assert "3 of 38 minutes" in draft.text
    # "OT assistant" in capitals, and the modifier called an add-on code
    draft, _ = ask(
        engine,
        "our OT assistant sometimes runs part of the session alone. at what point does the "
        "medicare line need the assistant add-on code instead of just GO?",
    )
    assert draft.intent == "assistant_rate" and "more than 10%" in draft.text
    draft, _ = ask(
        engine,
        "reworking an old 2021 medicare claim where the OTA treated the pt. was medicare already "
        "paying less for assistant visits back then?",
    )
    assert draft.intent == "assistant_rate"
    assert (
        "In 2021 Medicare paid CO lines at the full fee" in draft.text
        and "2022-01-01" in draft.text
    )


def test_care_that_is_no_longer_necessary_gets_the_abn_rule_not_cap_history(
    shipped_engine,
) -> None:
    draft, _ = ask(
        shipped_engine,
        "medicare OT pt is over the KX threshold, therapist says further OT is no longer "
        "medically necessary but pt wants to keep coming and pay. still KX?",
    )
    assert draft.intent == "threshold"
    assert "ABN" in draft.text and "GA modifier" in draft.text
    assert "cap's history" not in draft.text


def test_over_the_yearly_amount_but_still_needed_is_a_threshold_question(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "my mom went over the medicare yearly amount for therapy but her OT says she still needs "
        "it. do we have to sign some waiver that we'll pay for the rest out of pocket??",
    )
    assert draft.intent == "threshold"  # not the plain deductible-and-coinsurance answer
    assert "KX modifier" in draft.text and "who pays above the threshold" in draft.text
    assert "20%" in draft.text


def test_kx_on_every_claim_gets_when_kx_belongs_and_the_misuse_rule(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "Is it OK to just put KX on every Medicare OT claim from the first visit so nothing gets "
        "denied?",
    )
    assert draft.intent == "threshold"
    assert draft.text.startswith("**KX belongs on a line only once")
    assert "abusive" in draft.text  # the documents' misuse rule, cited
    draft, _ = ask(shipped_engine, "what is the KX threshold for 2026?")
    assert "KX belongs on a line only once" not in draft.text


def test_a_pair_not_in_the_table_gets_what_the_documents_say(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "our OT and our PT both did evals on the same kid on the same DOS. can we bill 97165 "
        "and 97161 together?",
    )
    assert draft.intent == "code_pair" and "not in my pair table" in draft.text
    assert "two different practitioners may" in draft.text


def test_an_estimate_that_asks_about_the_no_surprises_act_gets_the_law_too(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "our kids OT is out of network, PPO, OON deductible met. clinic charges $180/session, plan "
        "allowed amount is $100 and our OON coinsurance is 30%. how much does insurance pay back? "
        "doesnt the no surprises act cover this?",
    )
    assert draft.intent == "estimate" and "$70.00" in draft.text
    assert "What my sources say about the balance bill" in draft.text
    assert "No Surprises Act, in force since 2022-01-01, limits balance billing" in draft.text


def test_what_an_eval_level_rests_on_is_not_a_unit_count(engine) -> None:
    draft, _ = ask(
        engine,
        "OT billed 97167 but her note says the eval only took 35 min. doesn't time decide the "
        "eval level? what is the complexity actually based on",
    )
    assert draft.intent == "eval_level"
    assert "not a threshold" in draft.text and "Clinical decision making" in draft.text


def test_a_threshold_question_with_another_part_answers_both(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "new grad here. where does AOTA keep its coding/billing guidance? and what is the KX "
        "modifier even for",
    )
    assert draft.intent == "threshold" and "KX modifier" in draft.text
    assert "On your other question (where does AOTA keep" in draft.text
    assert "Practice Essentials" in draft.text


def test_co_treated_minutes_give_one_set_of_units_between_the_clinicians(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "co-treated a medicare pt with the PT for 30 min on transfers, both of us hands on the "
        "whole time. do we each bill 2 units or what",
    )
    assert draft.intent == "visits"
    assert "2 units in all between you, not 2 each" in draft.text
    assert "counted once" in draft.text


def test_asked_for_a_name_the_lead_gives_the_whole_title(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "every OT practice in our county wants to co-sign one letter to CMS against the fee "
        "schedule cut. someone mentioned a legal doctrine that protects this, what's it called",
    )
    assert "Noerr-Pennington" in draft.text.split("\n")[0]


def test_a_conversion_factor_question_is_answered_from_the_dated_table(engine) -> None:
    draft, _ = ask(engine, "repricing a 2/15/24 DOS - which medicare CF applies?")
    assert draft.intent == "conversion_factor"
    assert "$32.7442**" in draft.text  # before the March 9, 2024 raise
    assert "2024-03-09 to 2024-12-31: $33.2875" in draft.text
    assert "medicare-conversion-factor" in draft.text  # the rule rows are cited
    draft, _ = ask(engine, "2024 CF?")
    assert "2024 had 2 Medicare conversion factors" in draft.text
    draft, _ = ask(engine, "whats the medicare CF for 2025 and how much did it go down?")
    assert "2.83% down from $33.2875" in draft.text


def test_the_year_asked_about_wins_over_the_year_compared_with(engine) -> None:
    draft, _ = ask(
        engine,
        "what was the 2025 MPFS conversion factor and how much did it drop from the post-March "
        "2024 rate? did congress fix it midyear like 2024",
    )
    assert draft.tool_calls[0].arguments["date_of_service"].startswith("2025")
    assert "$32.3465" in draft.text and "2.83% down from $33.2875" in draft.text
    assert "one factor for all of 2025" in draft.text
    split, _ = ask(engine, "what was the 2024 conversion factor? did it change midyear?")
    assert "one factor for all" not in split.text and "2024-03-09" in split.text


def test_a_conversion_factor_not_on_file_is_not_computed(engine) -> None:
    draft, _ = ask(engine, "what was the conversion factor in 2019?")
    assert draft.intent == "conversion_factor"
    assert "does not have" in draft.text and "won't compute" in draft.text


def test_what_was_done_about_a_cut_is_a_question_for_the_documents(engine) -> None:
    draft, _ = ask(engine, "What did AOTA get done about the 2023 Medicare conversion factor cut?")
    assert draft.intent != "conversion_factor"


def test_a_unit_size_is_not_treatment_minutes() -> None:
    said = "the bill shows '15 min units' for everything. if she only does 10 minutes of one thing"
    assert extract(said).bare_minutes == [10]


def test_does_a_short_session_count_as_a_unit_is_answered_by_the_table(engine) -> None:
    draft, _ = ask(
        engine,
        "if his therapist only does like 10 minutes of one activity, does that still get "
        "charged as a unit?",
    )
    assert draft.intent == "visits"
    assert "bills 1 unit**" in draft.text
    assert "at least 8 minutes" in draft.text


def test_when_the_assistant_modifier_is_needed_is_the_modifier_rule(engine) -> None:
    draft, _ = ask(
        engine, "when does my OTA's time need the CO modifier? is there a minutes threshold?"
    )
    assert draft.intent == "assistant_rate"
    assert "more than 10% of its minutes" in draft.text
    assert "together" in draft.text
    draft, _ = ask(
        engine, "our OTA did it alone and we put CO on, how much less does medicare pay?"
    )
    assert "15% less" in draft.text


def test_a_code_on_an_eob_is_looked_up_in_the_code_table(engine) -> None:
    draft, _ = ask(
        engine, "The EOB for my son's OT lists a code 97535 with 2 units. What is that code for?"
    )
    assert draft.intent == "code_lookup"
    assert "self-care and home management" in draft.text


def test_what_integration_makes_joint_contracting_legal_is_answered_from_the_documents(
    shipped_engine,
) -> None:
    draft, _ = ask(
        shipped_engine,
        "me and 3 other OT owners (all separate businesses) want to sign one contract with "
        "insurers at the same rate. what kind of financial risk would we have to share for that "
        "to be legal?",
    )
    assert "capitated" in draft.text


def test_asked_which_doctrine_protects_it_the_lead_names_it(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "Our association wants competing clinic owners to co-sign a comment letter to CMS. "
        "Is there some legal doctrine that protects this kind of joint lobbying?",
    )
    assert "Noerr" in draft.text


def test_a_question_about_a_published_example_is_not_recounted_from_its_fragments(
    engine,
) -> None:
    draft, _ = ask(
        engine,
        "In CMS's Example 4 for the 8-minute rule, why do the 8 minutes of ultrasound (97035) "
        "get no unit?",
    )
    assert draft.intent != "units"
    # "for example" before a code is still a units question
    draft, _ = ask(engine, "how many units, for example 97110 33 min and 97140 7 min?")
    assert draft.intent == "units"


def test_a_conversion_factor_follow_up_changes_only_the_year(engine) -> None:
    draft, state = ask(engine, "what's the 2026 medicare conversion factor?")
    draft, _ = ask(engine, "and for 2025?", state)
    assert draft.intent == "conversion_factor"
    assert "in 2025" in draft.text and "$32.3465" in draft.text


def test_an_assistant_rate_follow_up_keeps_the_tool(engine) -> None:
    draft, state = ask(
        engine, "a line is allowed $60. what does medicare pay with the CO modifier?"
    )
    draft, _ = ask(engine, "and in 2021?", state)
    assert draft.intent == "assistant_rate"
    assert "100%" in draft.text


def test_what_a_medicare_patient_pays_comes_from_the_cost_sharing_table(engine) -> None:
    draft, _ = ask(
        engine,
        "My mom has regular Medicare (not one of those advantage plans). What is she going to "
        "have to pay herself for OT in 2026?",
    )
    assert draft.intent == "cost_sharing"
    assert "($283.00)" in draft.text and "20% of the Medicare-approved amount" in draft.text
    assert "medicare-cost-sharing" in draft.text
    # what Medicare pays on a line is not the patient's share
    draft, _ = ask(engine, "what % does medicare pay on lines w/ the CO modifier?")
    assert draft.intent != "cost_sharing"
    draft, _ = ask(engine, "my dad has a Medicare Advantage plan, what will he pay for OT?")
    assert draft.intent != "cost_sharing"


def test_the_8_minute_rule_named_in_a_sentence_is_not_a_services_minutes() -> None:
    said = "I did about 5 min of ultrasound that didn't add up to a unit under the 8 min rule"
    assert [s.minutes for s in extract(said).services] == [5]


def test_whether_to_document_unbilled_minutes_is_a_note_question(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "I did about 5 min of ultrasound that didn't add up to a unit under the 8 min rule so "
        "we're not billing it. do I still need to put it in my daily note?",
    )
    assert draft.intent != "units"
    assert "should still be listed" in draft.text


def test_the_medicare_therapy_limit_is_the_kx_threshold(engine) -> None:
    draft, _ = ask(engine, "mom is close to the medicare therapy limit for 2026. how much is it?")
    assert draft.intent == "threshold"
    assert "$2,480.00" in draft.text


def test_billed_versus_allowed_on_an_eob_is_explained_not_priced(engine) -> None:
    draft, _ = ask(
        engine,
        "on my son's OT EOB the amount billed is $250 but the allowed amount is only $140. "
        "what is that $110 difference, is that something i owe?",
    )
    assert draft.intent != "estimate"


def test_is_that_edit_still_a_problem_gets_the_pairs_history(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "I do a lot of sensory integration with kids on medicaid and we used to have trouble "
        "getting 97530 and 97533 paid on the same day because of some NCCI edit. is that edit "
        "still a problem?",
    )
    assert draft.intent == "code_pair"
    assert "reversed" in draft.text


def test_minutes_restated_in_a_later_sentence_are_not_added_again() -> None:
    restated = extract(
        "medicare pt today: 33 min ther ex + 7 min manual. my coworker says 7 min of manual "
        "cant be billed bc its under 8. how many units?"
    )
    assert [(s.code, s.minutes) for s in restated.services] == [("97110", 33), ("97140", 7)]
    # two blocks of the same service in one sentence, or different minutes later, do add up
    blocks = extract("10 min ther ex at the start and 10 min ther ex at the end, 8 min manual")
    assert [(s.code, s.minutes) for s in blocks.services] == [("97110", 20), ("97140", 8)]
    later = extract("10 min ther ex. then 5 min ther ex at the end.")
    assert [(s.code, s.minutes) for s in later.services] == [("97110", 15)]


def test_what_medicare_costs_and_whether_visits_are_capped(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "my dad (regular medicare, no advantage plan) just started OT. what is he going to have "
        "to pay for it in 2026? and is there a cap on how many visits he can get",
    )
    assert draft.intent == "cost_sharing"
    assert [c.name for c in draft.tool_calls] == [
        "get_medicare_cost_sharing",
        "get_therapy_thresholds",
    ]
    assert "$283.00" in draft.text and "20%" in draft.text
    assert "no limit on the number of medically necessary visits" in draft.text
    assert "KX threshold for OT is $2,480.00" in draft.text
    plain, _ = ask(shipped_engine, "my mom has regular medicare. what will she pay for OT in 2026?")
    assert plain.intent == "cost_sharing" and "On a cap on visits" not in plain.text


def test_a_threshold_question_asking_what_counts_toward_it(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "my mom is on medicare and had alot of OT back in 2022. what was the dollar limit that "
        "year before the therapist had to add that extra code to her bills? and did the part she "
        "paid herself count toward it",
    )
    assert draft.intent == "threshold" and "$2,150.00" in draft.text
    assert "including the part the patient pays as deductible and coinsurance" in draft.text
    assert "up $40.00" not in draft.text  # 'that year before the therapist' asks no change


def test_each_part_gets_a_sentence_that_fits_it_not_one_already_given(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "can my COTA write the medicare progress report if she's been seeing the pt most "
        "visits? and how often are those due again",
    )
    assert "not by an occupational therapy assistant" in draft.text  # who writes it
    assert "every 10 treatment days" in draft.text  # how often


def test_a_payer_paying_some_units_is_its_unit_rule_not_a_claim_check(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "Cigna only paid part of a 6-unit OT visit (97530 x2, 97110 x2, 97535 x2), the rest "
        "denied. What's going on, and how does Cigna pick which units it pays?",
    )
    assert draft.intent == "knowledge" and not draft.tool_calls
    assert "order they appear on the claim" in draft.text
    checked, _ = ask(shipped_engine, "medicare denied our claim: 97530 x2, 97110 x2. what's wrong?")
    assert checked.intent == "claim_check"


def test_units_with_a_break_say_which_time_does_not_count(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "medicare pt, 30 min ther ex, but she needed a bathroom break partway through and rested "
        "a few min. do those minutes count toward my timed total?",
    )
    assert draft.intent == "units"
    assert "toileting or resting" in draft.text and "are not counted" in draft.text
    plain, _ = ask(shipped_engine, "medicare pt, 30 min ther ex. how many units?")
    assert "time that does not count" not in plain.text


def test_a_re_evaluation_every_few_weeks_is_routine(engine: OfflineEngine) -> None:
    draft, _ = ask(
        engine,
        "my husband is on medicare doing OT and the statements show a re-evaluation 97168 every "
        "few weeks. is that normal?? i thought checking his progress was part of the visit",
    )
    assert draft.intent == "reeval" and draft.tool_calls[0].arguments["routine"] is True
    assert "routine or scheduled re-evaluation is not covered" in draft.text


def test_a_part_asking_for_anything_else_gets_something_not_yet_said(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "For commercial plans: does Premera count timed OT units per code or the Medicare "
        "total-minutes way? Same question for Highmark, and is there anything else with Highmark "
        "I should watch for?",
    )
    assert "four codes or units per date of service" in draft.text


def test_asking_the_risk_of_price_fixing_gets_the_penalties(shipped_engine) -> None:
    draft, _ = ask(
        shipped_engine,
        "the other peds OT clinic in town suggested we agree on a minimum rate we both accept "
        "from payers. is that actually illegal? whats the risk",
    )
    assert draft.intent == "advocacy" and "Don't do this" in draft.text
    assert "10 years in prison" in draft.text and "$1 million" in draft.text
