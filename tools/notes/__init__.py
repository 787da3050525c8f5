"""Documentation checker for therapy notes (structured or free text). See `check_note`."""

from tools.notes.core import check_note
from tools.notes.models import (
    BilledLine,
    EvaluationFindings,
    Finding,
    Intervention,
    NoteCheckRequest,
    NoteCheckResult,
    PlanOfCareDates,
    ReevalReasons,
    Signature,
)

__all__ = [
    "BilledLine",
    "EvaluationFindings",
    "Finding",
    "Intervention",
    "NoteCheckRequest",
    "NoteCheckResult",
    "PlanOfCareDates",
    "ReevalReasons",
    "Signature",
    "check_note",
]
