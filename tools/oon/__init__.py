"""Out-of-network OT for families: superbills checked by the claim validator, and a guide with
the questions to ask the insurer, the visits/units figure and draft letters."""

from tools.oon.guide import OonGuideRequest, OonGuideResult, oon_guide
from tools.oon.superbill import SuperbillRequest, SuperbillResult, make_superbill

__all__ = [
    "OonGuideRequest",
    "OonGuideResult",
    "SuperbillRequest",
    "SuperbillResult",
    "make_superbill",
    "oon_guide",
]
