"""Reimbursement estimator: Medicare fee schedule arithmetic and commercial or out-of-network cost
sharing from the family's own plan terms. See `estimate_payment`."""

from tools.estimate.core import estimate_payment
from tools.estimate.models import (
    CostShare,
    EstimateLine,
    EstimateRequest,
    EstimateResult,
    LineEstimate,
    ThresholdStatus,
)

__all__ = [
    "CostShare",
    "EstimateLine",
    "EstimateRequest",
    "EstimateResult",
    "LineEstimate",
    "ThresholdStatus",
    "estimate_payment",
]
