"""Query expansion: shorthand and stated ages become words the corpus uses."""

from __future__ import annotations

import pytest

from knowledge.text import expand


@pytest.mark.parametrize(
    "question",
    [
        "My 7-year-old is on Medicaid; is there a visit cap?",
        "my 8 year old needs OT",
        "he's 6 yo and on Medicaid",
        "She is aged 12. Does the plan cover OT?",
        "my daughter is 15, does that same cap stop her OT?",
        "he just turned 9 and still needs OT",
    ],
)
def test_a_stated_age_under_21_makes_it_a_childs_question(question: str) -> None:
    assert "child under 21" in expand(question)


@pytest.mark.parametrize(
    "question",
    [
        "my 45 year old husband had a stroke",
        "we have waited 3 years for this claim",
        "2 years of denied claims",
        "age 30 and on Medicaid",
        "she is 15 minutes late to every session",
        "my daughter is 25 and on Medicaid",
    ],
)
def test_durations_and_adult_ages_are_not_read_as_a_child(question: str) -> None:
    assert "child under 21" not in expand(question)


def test_shorthand_is_expanded() -> None:
    assert "97110" in expand("15 min of ther ex")


def test_co_treatment_brings_in_the_shared_time_rule() -> None:
    assert "counted once" in expand("co-treated with the PT for 30 min")


def test_which_payer_pays_best_means_revenue_per_visit() -> None:
    assert "revenue per visit" in expand("how do I figure out which insurance pays me best?")


def test_paying_out_of_ones_own_pocket_means_cost_sharing() -> None:
    assert "coinsurance" in expand("what will she pay out of her own pocket for OT?")
    # a bare "have to pay" is too common to expand (it would dilute every question)
    assert expand("do we have to pay anything for school OT?") == (
        "do we have to pay anything for school OT?"
    )


def test_care_a_patient_wants_after_meeting_goals_means_abn() -> None:
    assert "ABN" in expand("she met all her goals but wants to keep coming")
    # a denial "as not medically necessary" is about appeals, not the ABN
    assert "ABN" not in expand("Cigna denied it as not medically necessary")


def test_risk_sharing_means_an_ipas_financial_integration() -> None:
    assert "capitation" in expand("what financial risk would we have to share?")


def test_remittance_reason_code_59_is_the_payment_reduction_not_the_modifier() -> None:
    assert "MPPR" in expand("CO-59 reductions on every other line")
    assert "MPPR" not in expand("do I need modifier 59 on 97140?")


def test_a_used_up_benefit_and_a_receipt_find_their_documents() -> None:
    assert "CARC 119" in expand("the insurance says he used up his sessions for the year")
    assert "tax ID" in expand("what identifying numbers for the therapist does it need?")


def test_no_in_network_provider_means_a_network_gap_exception() -> None:
    assert "gap exception" in expand("our HMO has no in network OTs that see toddlers near us")


def test_state_medicaid_programs_are_known_by_their_own_names() -> None:
    assert "California Medicaid" in expand("I'm on Medi-Cal, will it cover OT?")
    assert "Tennessee Medicaid" in expand("does TennCare need prior auth for OT?")


def test_recert_is_recertification() -> None:
    assert "recertification" in expand("does it work for recerts too?")


def test_paid_only_four_units_is_a_per_visit_unit_limit() -> None:
    assert "units per visit limit" in expand("billed 6 units and they only paid 4 units, why?")
    assert "units per visit limit" not in expand("they only paid $40 for 97530")


def test_progress_notes_and_update_notes_are_progress_reports() -> None:
    assert "progress report" in expand("how often do I write those formal update notes?")
    assert "progress report" in expand("is a progress note due every 10 visits?")
    assert "progress report" not in expand("what goes in a daily note?")


def test_bathroom_breaks_and_set_up_are_time_that_does_not_count() -> None:
    assert "toileting" in expand("pt needed a bathroom break halfway through")
    assert "pre-service" in expand("I spent 5 min setting up equipment before we started")


def test_units_cut_off_a_days_line_are_the_mue() -> None:
    assert "MUE" in expand("we billed 8 units and Medicare cut some of the units off")
    assert "MUE" not in expand("Cigna only paid for 4 visits")


def test_discipline_modifiers_match_only_as_written() -> None:
    assert "discipline modifier" in expand("do the lines get GP because a PT did them?")
    assert "discipline modifier" not in expand("we go to the clinic on tuesdays")
    assert "units per visit limit" in expand("cigna paid 4 of the 6 units we billed")


def test_someone_carrying_offers_is_the_messenger_model() -> None:
    assert "messenger model" in expand("hire one person to pass contract offers back and forth")
    assert "messenger model" in expand("could we use a middleman with Aetna?")


def test_a_max_number_of_visits_is_a_visit_limit() -> None:
    assert "limit on the number of visits" in expand("is there a max number of visits he can get?")
    assert "limit on the number of visits" not in expand("how many units is a 50 minute visit?")


def test_a_new_plan_honoring_an_auth_is_transition_of_care() -> None:
    q = "switched from one medicaid MCO to another mid-auth. does the new plan have to honor it?"
    assert "transition of care" in expand(q)
    assert "transition of care" not in expand("does the plan need a new auth after 12 visits?")


def test_paying_for_school_ot_is_the_iep_at_no_cost() -> None:
    assert "no cost to parents" in expand("she gets OT thru her IEP. do we pay for the school one?")
    assert "no cost to parents" not in expand("do we pay for clinic OT out of pocket?")


def test_someone_outside_the_insurer_is_external_review() -> None:
    q = "if they say no again can somebody outside the insurance company look at it?"
    assert "external review" in expand(q)
    assert "external review" not in expand("how long do we have to appeal?")


def test_the_pieces_a_record_needs_are_its_contents() -> None:
    assert "must contain" in expand("What are the minimum pieces it needs?")
    assert "must contain" in expand("what goes in a medicare plan of care?")
    assert "must contain" not in expand("who signs the plan of care?")


def test_payer_short_names_are_spelled_out() -> None:
    assert "UnitedHealthcare" in expand("does UHC commercial use the CMS method")
    assert "Blue Cross Blue Shield" in expand("what does BCBS need for an eval?")
    assert "UnitedHealthcare" not in expand("does Aetna use the CMS method")


def test_a_lapse_or_shutdown_asks_about_the_retroactive_restoration() -> None:
    q = "telehealth visits in early feb 2026 when the waivers had lapsed. can i still bill those?"
    assert "restored retroactively" in expand(q)
    assert "restored retroactively" in expand("claims from the government shutdown, will they pay?")
    assert "restored retroactively" not in expand("can I bill telehealth for OT in 2026?")


def test_calling_the_insurer_asks_for_the_checklist() -> None:
    q = "what should i actually ask when i call the insurance company before she starts?"
    assert "questions to ask your insurer" in expand(q)
    assert "questions to ask your insurer" not in expand("the insurance denied her OT claim")


def test_the_no_surprises_act_and_owing_the_rest_are_balance_billing() -> None:
    q = "now she says we owe the rest. isnt that illegal under the no surprises act?"
    assert "No Surprises Act protect me" in expand(q)
    assert "balance billing the gap" in expand(q)
    assert "balance billing the gap" not in expand("we owe a $30 copay per visit")


def test_habilitative_against_rehab_asks_for_the_two_definitions() -> None:
    q = "the insurance keeps calling his OT habilitative instead of rehab. whats the difference?"
    assert "skills never developed" in expand(q)
    assert "skills never developed" not in expand("how many rehab visits does my plan cover?")
