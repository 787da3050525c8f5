"""Claim validator: the claim contract, the rule catalog and single/batch scrubbing."""

from tools.claims.catalog import ClaimRulesRequest, ClaimRulesResult, list_claim_rules
from tools.claims.core import check_claim, validate_claim
from tools.claims.models import Claim, ClaimRequest, ClaimResult, Finding

__all__ = [
    "Claim",
    "ClaimRequest",
    "ClaimResult",
    "ClaimRulesRequest",
    "ClaimRulesResult",
    "Finding",
    "check_claim",
    "list_claim_rules",
    "validate_claim",
]
