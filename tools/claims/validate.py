"""The claim validator as a registry tool.

It lives outside ``core`` because ``core`` may be compiled (setup.py), and compiled functions
carry no docstring: the registry gives this one to the CLI, the API and the LLM as the tool's
description.
"""

from __future__ import annotations

from tools.claims.core import check_claim
from tools.claims.models import ClaimRequest, ClaimResult


def validate_claim(request: ClaimRequest) -> ClaimResult:
    """Scrub one OT claim before submission and explain every problem found.

    Use when a biller gives a claim (payer, patient, providers, diagnoses, lines with codes,
    modifiers, units and minutes) and asks whether it will be paid or what is wrong. Checks the
    documented rule catalog (NPI, ICD-10, units versus minutes, MUE, NCCI pairs, GO/KX/CO
    modifiers, telehealth, timely filing, duplicates, authorization, plan of care) for the date of
    service and payer, and returns findings with the fix and the source of each rule.
    """
    return check_claim(request.claim)
