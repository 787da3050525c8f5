"""Synthetic superbill and letter inputs shared by the oon tests (no real patient data)."""

from __future__ import annotations

import copy
from typing import Any

GOOD_NPI = "1245319599"

SUPERBILL: dict[str, Any] = {
    "superbill_id": "SB-TEST-1",
    "issued_on": "2026-03-20",
    "provider": {
        "name": "Alex Sample",
        "credentials": "OTR/L",
        "npi": GOOD_NPI,
        "tax_id": "12-3456789",
        "license_number": "OT-0001",
        "practice_name": "Sample Kids OT",
        "address": "100 Example Ave, Springfield, ST 00000",
        "phone": "555-0100",
    },
    "patient": {"name": "Sam Example", "date_of_birth": "2019-05-01"},
    "insured": {
        "name": "Pat Example",
        "relationship": "child",
        "member_id": "XYZ123456",
        "group_number": "G-100",
    },
    "payer": {"name": "Aetna"},
    "diagnoses": ["F82", "R27.8"],
    "place_of_service": "11",
    "visits": [
        {
            "date_of_service": "2026-03-02",
            "lines": [{"cpt": "97165", "modifiers": ["GO"], "units": 1, "charge": "200.00"}],
        },
        {
            "date_of_service": "2026-03-09",
            "lines": [
                {"cpt": "97530", "modifiers": ["GO"], "units": 2, "minutes": 30, "charge": "180"},
                {"cpt": "97110", "modifiers": ["GO"], "units": 1, "minutes": 15, "charge": "90.5"},
            ],
        },
    ],
    "payments": [
        {"date": "2026-03-02", "amount": "200.00", "method": "card"},
        {"date": "2026-03-09", "amount": "100", "method": "HSA"},
    ],
}


def superbill(**changes: Any) -> dict[str, Any]:
    """A deep copy of SUPERBILL with top-level keys replaced; provider=... merges into provider."""
    data = copy.deepcopy(SUPERBILL)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


FULL_FACTS: dict[str, Any] = {
    "letter_date": "2026-04-01",
    "parent_name": "Pat Example",
    "parent_address": "1 Sample Road, Springfield, ST 00000",
    "parent_phone": "555-0199",
    "child_name": "Sam Example",
    "child_date_of_birth": "2019-05-01",
    "member_id": "XYZ123456",
    "group_number": "G-100",
    "provider_name": "Alex Sample",
    "provider_credentials": "OTR/L",
    "provider_npi": GOOD_NPI,
    "provider_tax_id": "12-3456789",
    "provider_address": "100 Example Ave, Springfield, ST 00000",
    "start_date": "2026-04-15",
    "visits_requested": 24,
    "frequency": "one 60-minute session a week",
    "functional_needs": "dressing, handwriting and feeding",
    "in_network_contacts": [
        "Clinic One, 555-0111, 2026-03-01: not accepting new patients",
        "Clinic Two, 555-0122, 2026-03-02: 7-month waitlist",
    ],
    "claim_number": "CLM-0042",
    "denial_date": "2026-03-25",
    "dates_of_service": "2026-03-02, 2026-03-09",
    "denial_reason": "visit limit reached",
    "reference_number": "REF-777",
}
