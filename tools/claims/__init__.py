"""Claim validator: the claim contract, the rule catalog and single/batch scrubbing."""

from tools.claims._compiled import use_source_unless_compiled_current

# Before anything imports the rules: a compiled copy that is missing, broken or older than
# core.py gives way to the source (see setup.py).
COMPILED = use_source_unless_compiled_current()

from tools.claims.catalog import (  # noqa: E402
    ClaimRulesRequest,
    ClaimRulesResult,
    list_claim_rules,
)
from tools.claims.core import check_claim  # noqa: E402
from tools.claims.models import Claim, ClaimRequest, ClaimResult, Finding  # noqa: E402
from tools.claims.validate import validate_claim  # noqa: E402

__all__ = [
    "COMPILED",
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
