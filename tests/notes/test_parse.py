"""Free-text extraction: what it must find, what it must not, and what it reports as missing."""

from __future__ import annotations

from datetime import date

import pytest

from tools.notes.parse import extract, parse_date

NOTE = """\
DAILY NOTE - Occupational Therapy
Clinic: 123 Main St, Portland, OR 97110   Phone 555-97530
Patient DOB: 01/02/1950
DOS: 03/02/2026
Start of care: 02/10/2026
POC signed by physician 02/20/2026
Visit 6 since last progress report
S: Pt reports less pain when dressing. Daughter is an RN.
Ther ex: grip and pinch strengthening, 3x10 reps with 5 lb putty, 15 min
TA: simulated laundry task, 23 min
Manual muscle testing R hand: 4/5 (assessment, data only)
Neuro re-ed x 8'
Hot pack 10 min (not billed)
Therapist assessment: tolerated well, 20 reps
Total timed minutes: 46
Total treatment time: 56 min
Billed: 97110 x1, 97530 x2, 97112 x1, 97010
Goal 1: Pt will don shirt with set-up only within 4 weeks, incl. self-care training.
A: Skilled OT is required to progress fine motor control for self-care.
Signed: Jane Doe, MS, OTR/L 03/02/2026
"""


@pytest.fixture(scope="module")
def found():
    return extract(NOTE)


def test_finds_type_date_and_totals(found) -> None:
    assert found.note_type == "daily"
    assert found.date_of_service == date(2026, 3, 2)
    assert found.total_timed_minutes == 46
    assert found.total_treatment_minutes == 56


def test_finds_minutes_per_service_by_name(found) -> None:
    got = {(i.code, i.minutes) for i in found.interventions}
    assert got == {("97110", 15), ("97530", 23), ("97112", 8), ("97010", 10)}


def test_finds_billed_codes_with_units(found) -> None:
    assert [(b.code, b.units) for b in found.billed] == [
        ("97110", 1),
        ("97530", 2),
        ("97112", 1),
        ("97010", None),
    ]


def test_finds_signature_credentials_goals_and_plan_dates(found) -> None:
    assert (found.signer, found.credentials, found.signed_on) == (
        "Jane Doe",
        "OTR/L",
        date(2026, 3, 2),
    )
    assert found.goals == (
        "Pt will don shirt with set-up only within 4 weeks, incl. self-care training.",
    )
    assert found.medical_necessity is not None and "Skilled OT" in found.medical_necessity
    assert found.start_of_care == date(2026, 2, 10)
    assert found.certified_on == date(2026, 2, 20)
    assert found.treatment_days_in_period == 6


def test_must_not_find(found) -> None:
    billed = [b.code for b in found.billed]
    # the ZIP code (97110) and the phone number (555-97530) are not billing lines
    assert billed.count("97110") == 1 and billed.count("97530") == 1
    assert all("Main St" not in b.source_line for b in found.billed)
    # manual muscle testing is an assessment, not manual therapy 97140; "data" holds no TA
    assert "97140" not in {i.code for i in found.interventions}
    assert not any("Manual muscle" in i.description for i in found.interventions)
    # reps, pounds and sets are not minutes; the ther ex line's minutes are its 15
    ther_ex = next(i for i in found.interventions if i.code == "97110")
    assert ther_ex.minutes == 15
    # the date of birth is not the date of service; the RN is not the signer
    assert found.date_of_service != date(1950, 1, 2)
    assert found.credentials == "OTR/L"
    # a goal that mentions self-care is not a self-care intervention
    assert "97535" not in {i.code for i in found.interventions}
    # 'Therapist assessment: ...' is not a signature line
    assert found.signer == "Jane Doe"
    assert found.not_found == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("TA 23 min", "97530"),
        ("ther. act.: 20 minutes", "97530"),
        ("therapeutic exercise 12 mins", "97110"),
        ("NMR 9 min", "97112"),
        ("neuromuscular re-education 10 min", "97112"),
        ("manual therapy 8 min", "97140"),
        ("Self-care/ADL training 12 min", "97535"),
        ("ADL retraining: upper body dressing 14 min", "97535"),
        ("sensory integration 30 min", "97533"),
        ("paraffin 10 min", "97018"),
    ],
)
def test_service_shorthand(text: str, code: str) -> None:
    found = extract(text)
    assert [(i.code) for i in found.interventions] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "Reviewed data table with patient 10 min",
        "manual muscle test 5 min",
        "Pt data: TAB 3",
        "Walked 15 feet",
    ],
)
def test_shorthand_not_found_inside_other_words(text: str) -> None:
    assert extract(text).interventions == ()


def test_reports_what_it_could_not_find() -> None:
    found = extract("Daily note\nPt seen for ther ex.\n")
    assert found.note_type == "daily"
    missing = " ".join(found.not_found)
    for part in (
        "date of service",
        "billed codes",
        "total timed minutes",
        "total treatment minutes",
        "signature",
    ):
        assert part in missing
    assert found.total_timed_minutes is None and found.signer is None


def test_conflicting_dates_are_ambiguous_not_guessed() -> None:
    found = extract("Daily note\nDOS: 03/02/2026\nDate of service: 03/04/2026\n")
    assert found.date_of_service is None
    assert any("date of service" in a for a in found.ambiguous)


def test_conflicting_note_types_are_not_guessed() -> None:
    found = extract("Progress report and discharge summary\n")
    assert found.note_type is None
    assert found.ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", date(2026, 3, 2)),
        ("3/2/26", date(2026, 3, 2)),
        ("03-02-2026", date(2026, 3, 2)),
        ("March 2, 2026", date(2026, 3, 2)),
        ("Mar 2 2026", date(2026, 3, 2)),
        ("13/45/2026", None),
        ("Smarch 2, 2026", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_signature_forms() -> None:
    f = extract("Electronically signed by Sam Lee, COTA/L on 03/02/2026")
    assert (f.signer, f.credentials) == ("Sam Lee", "COTA/L")
    f = extract("Therapist: J. Smith OTR/L")
    assert (f.signer, f.credentials) == ("J. Smith", "OTR/L")
    f = extract("Signed: Alex Park")
    assert f.signer == "Alex Park" and f.credentials is None
    assert any("credentials" in n for n in f.not_found)


def test_evaluation_components_and_reeval_reasons() -> None:
    f = extract(
        "Initial OT Evaluation\nHistory: expanded\nPerformance deficits: 4\n"
        "Clinical decision making: moderate\nComorbidities: present\n"
    )
    assert f.note_type == "evaluation"
    assert f.evaluation == {
        "history": "expanded",
        "deficits": "4",
        "decision": "moderate",
        "comorbidities": "present",
    }
    r = extract("OT Re-evaluation\nReason: significant change after a fall.\n")
    assert r.note_type == "reevaluation"
    assert r.reeval_reasons == ("significant_change",)
