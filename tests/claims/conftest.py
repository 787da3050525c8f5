"""A clean synthetic Medicare OT claim, and helpers to plant one error in a copy of it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

BASE: dict[str, Any] = {
    "claim_id": "T-0001",
    "submitted_on": "2026-03-10",
    "payer": {"name": "Medicare", "plan_type": "medicare", "network": "in"},
    "patient": {
        "member_id": "1EG4TE5MK73",
        "first_name": "Test",
        "last_name": "Patient",
        "date_of_birth": "1950-02-01",
        "sex": "F",
    },
    "billing_provider": {"npi": "1234567893", "tax_id": "12-3456789"},
    "rendering_provider": {"npi": "1245319599", "discipline": "OT"},
    "place_of_service": "11",
    "diagnoses": ["I69.351", "R26.89"],
    "lines": [
        {
            "date_of_service": "2026-03-02",
            "cpt": "97530",
            "modifiers": ["GO"],
            "units": 2,
            "minutes": 30,
            "diagnosis_pointers": [1],
            "charge": "120.00",
        },
        {
            "date_of_service": "2026-03-02",
            "cpt": "97110",
            "modifiers": ["GO"],
            "units": 1,
            "minutes": 15,
            "diagnosis_pointers": [1, 2],
            "charge": "60.00",
        },
    ],
    "context": {
        "ytd_ot_allowed": "500.00",
        "plan_of_care": {"start": "2026-02-20", "certified_on": "2026-02-25"},
        "treatment_days_since_progress_report": 3,
    },
}


def make(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with dotted-path changes, e.g. make(**{"payer.name": "Aetna"})."""
    claim = copy.deepcopy(BASE)
    for path, value in changes.items():
        target: Any = claim
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value
    return claim


@pytest.fixture
def base_claim() -> dict[str, Any]:
    return copy.deepcopy(BASE)
