"""Synthetic notes: one complete note per type, and one defective variant per rule id.

Every patient detail here is invented. Each complete note passes every Medicare rule for its
type; each variant changes one thing so that exactly the rule named by its key must fire.
"""

from __future__ import annotations

import copy
from typing import Any

SIGNED = {"name": "Jane Doe", "credentials": "OTR/L", "signed_on": "2026-03-02"}
ALL_POC = ["diagnoses", "long_term_goals", "type", "amount", "frequency", "duration"]
GOAL = "Pt will don a pullover shirt with set-up only within 4 weeks."

DAILY: dict[str, Any] = {
    "note_type": "daily",
    "date_of_service": "2026-03-02",
    "payer": "Medicare",
    "billed": [
        {"code": "97530", "units": 2, "minutes": 25, "modifiers": ["GO"]},
        {"code": "97110", "units": 1, "minutes": 15, "modifiers": ["GO"]},
    ],
    "interventions": [
        {"description": "TA: simulated laundry folding for bilateral coordination", "minutes": 25},
        {"description": "Ther ex: grip strengthening with putty", "minutes": 15},
    ],
    "total_timed_minutes": 40,
    "total_treatment_minutes": 45,
    "signature": SIGNED,
    "plan_of_care": {"start_of_care": "2026-02-10", "certified_on": "2026-02-20"},
    "treatment_days_in_period": 5,
}

EVALUATION: dict[str, Any] = {
    "note_type": "evaluation",
    "date_of_service": "2026-03-02",
    "payer": "Medicare",
    "billed": [{"code": "97166", "units": 1}],
    "evaluation": {"history": "expanded", "deficits": 4, "decision": "moderate"},
    "goals": [GOAL],
    "medical_necessity": "Skilled OT is needed to restore dressing after CVA; safety risk.",
    "signature": SIGNED,
    "plan_of_care": {"start_of_care": "2026-03-02", "elements": ALL_POC},
}

PROGRESS: dict[str, Any] = {
    "note_type": "progress",
    "date_of_service": "2026-03-12",
    "payer": "Medicare",
    "goals": [GOAL],
    "goal_progress": ["Goal 1 partly met: dons shirt with min assist (was mod assist)."],
    "medical_necessity": "Continued skilled OT is required to progress to set-up level.",
    "signature": {**SIGNED, "signed_on": "2026-03-12"},
    "plan_of_care": {"start_of_care": "2026-02-10", "certified_on": "2026-02-20"},
    "treatment_days_in_period": 10,
}

REEVALUATION: dict[str, Any] = {
    "note_type": "reevaluation",
    "date_of_service": "2026-03-20",
    "payer": "Medicare",
    "billed": [{"code": "97168", "units": 1, "modifiers": ["GO", "59"]}],
    "reevaluation": {"significant_change": True},
    "goals": [GOAL],
    "medical_necessity": "New fall with wrist fracture changes the plan; skilled OT required.",
    "signature": {**SIGNED, "signed_on": "2026-03-20"},
    "plan_of_care": {
        "start_of_care": "2026-02-10",
        "certified_on": "2026-02-20",
        "elements": ALL_POC,
    },
}

DISCHARGE: dict[str, Any] = {
    "note_type": "discharge",
    "date_of_service": "2026-04-01",
    "payer": "Medicare",
    "goal_progress": ["Goal 1 met: dons shirt with set-up only."],
    "signature": {**SIGNED, "signed_on": "2026-04-01"},
}

COMPLETE = {
    "daily": DAILY,
    "evaluation": EVALUATION,
    "progress": PROGRESS,
    "reevaluation": REEVALUATION,
    "discharge": DISCHARGE,
}


def variant(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `base` with top-level fields replaced (None removes a field)."""
    note = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            note.pop(key, None)
        else:
            note[key] = value
    return note


def _poc(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


_COTA = {"name": "Sam Lee", "credentials": "COTA/L", "signed_on": "2026-03-02"}

RULE_CASES: dict[str, dict[str, Any]] = {
    "DOC-DATE-01": variant(DAILY, date_of_service=None),
    "DOC-INTV-01": variant(
        DAILY,
        interventions=[
            DAILY["interventions"][0],
            {"description": "grip strengthening with putty", "minutes": 15},
        ],
    ),
    "DOC-TIME-01": variant(DAILY, total_timed_minutes=None),
    "DOC-TIME-02": variant(DAILY, total_treatment_minutes=None),
    "DOC-TIME-03": variant(DAILY, total_treatment_minutes=30),
    "DOC-UNITS-01": variant(
        DAILY,
        billed=[
            {"code": "97530", "units": 3, "minutes": 25},
            {"code": "97110", "units": 1, "minutes": 15},
        ],
    ),
    "DOC-UNITS-02": variant(
        DAILY,
        billed=[{"code": "97530", "units": 1, "minutes": 25}, {"code": "97110", "units": 1}],
        interventions=[
            {"description": "TA: laundry folding", "minutes": 25},
            {"description": "Ther ex: putty", "minutes": 15},
        ],
    ),
    "DOC-UNITS-03": variant(
        DAILY,
        billed=[
            {"code": "97530", "units": 1, "minutes": 25},
            {"code": "97110", "units": 2, "minutes": 15},
        ],
    ),
    "DOC-UNITS-04": variant(DAILY, total_timed_minutes=44, total_treatment_minutes=50),
    "DOC-SIGN-01": variant(DAILY, signature=None),
    "DOC-CRED-01": variant(DAILY, signature={"name": "Jane Doe"}),
    "DOC-CRED-02": variant(DAILY, signature={"name": "Jane Doe", "credentials": "RN"}),
    "DOC-AUTH-01": variant(PROGRESS, signature=_COTA),
    "DOC-ASST-01": variant(DAILY, signature=_COTA),
    "DOC-ASST-02": variant(
        DAILY,
        signature=_COTA,
        billed=[
            {"code": "97530", "units": 2, "minutes": 25, "modifiers": ["GO", "CQ"]},
            {"code": "97110", "units": 1, "minutes": 15, "modifiers": ["GO", "CQ"]},
        ],
    ),
    "PR-INT-01": variant(DAILY, treatment_days_in_period=11),
    "PR-INT-02": variant(DAILY, treatment_days_in_period=10),
    "PR-INT-03": variant(PROGRESS, treatment_days_in_period=12),
    "POC-CERT-01": variant(DAILY, plan_of_care=_poc(start_of_care="2026-01-20")),
    "POC-CERT-02": variant(
        DAILY,
        plan_of_care=_poc(
            start_of_care="2026-02-10",
            signed_order_on_file=True,
            sent_to_practitioner_on="2026-02-15",
        ),
    ),
    "POC-CERT-03": variant(
        DAILY, plan_of_care=_poc(start_of_care="2026-02-10", verbal_order_on="2026-02-12")
    ),
    "POC-CERT-04": variant(
        DAILY, plan_of_care=_poc(start_of_care="2026-01-10", certified_on="2026-02-20")
    ),
    "POC-CERT-05": variant(
        DAILY, plan_of_care=_poc(start_of_care="2025-12-20", certified_on="2026-02-25")
    ),
    "POC-CERT-06": variant(DAILY, plan_of_care=_poc(start_of_care="2026-02-20")),
    "POC-RECERT-01": variant(
        DAILY, plan_of_care=_poc(start_of_care="2025-11-01", certified_on="2025-11-10")
    ),
    "EVAL-01": variant(
        EVALUATION,
        billed=[{"code": "97167", "units": 1}],
        evaluation={"history": "brief", "deficits": 2, "decision": "low"},
    ),
    "EVAL-02": variant(
        EVALUATION,
        billed=[{"code": "97165", "units": 1}],
        evaluation={
            "history": "extensive",
            "deficits": 6,
            "decision": "high",
            "comorbidities": "present",
            "modification": "significant",
        },
    ),
    "EVAL-03": variant(
        EVALUATION, evaluation={"history": "brief", "deficits": 0, "decision": "low"}
    ),
    "REEVAL-01": variant(REEVALUATION, reevaluation={"routine": True}),
    "GOAL-01": variant(EVALUATION, goals=None),
    "GOAL-02": variant(EVALUATION, goals=["Pt will dress upper body within 4 weeks."]),
    "GOAL-03": variant(
        EVALUATION, goals=["Pt will have 4/5 grip strength with no cues within 4 weeks."]
    ),
    "GOAL-04": variant(EVALUATION, goals=["Pt will don a pullover shirt independently."]),
    "GOAL-05": variant(PROGRESS, goal_progress=None),
    "MEDNEC-01": variant(EVALUATION, medical_necessity=None),
    "POC-ELEM-01": variant(
        EVALUATION,
        plan_of_care={"start_of_care": "2026-03-02", "elements": [*ALL_POC[:3], "duration"]},
    ),
}
"""For each rule id, a note that must make that rule fire."""
