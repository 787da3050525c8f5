"""Row models of every rule table, and the one list of tables (`TABLES`) tests check in full.

Each accessor loads its table once per process. Adding a table means: a TOML file in this folder,
a row model here, and an entry in `TABLES`; ``tests/tools/test_ruledata.py`` then checks it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from tools.ruledata.loader import RuleRow, RuleTable, load_table

Family = Literal[
    "evaluation",
    "supervised_modality",
    "attended_modality",
    "therapeutic_procedure",
    "group",
    "cognitive",
    "caregiver_training",
    "work_conditioning",
    "tests_measurements",
    "orthotic_prosthetic",
    "wound_care",
    "swallowing",
    "unlisted",
]
Discipline = Literal["OT", "PT", "SLP", "AT"]


class CodeRow(RuleRow):
    """One CPT/HCPCS code an OT claim may carry: how its units are counted."""

    label: str = Field(min_length=3, description="Project's own short label (never AMA text).")
    family: Family = Field(description="Group of services the code belongs to.")
    timed: bool = Field(description="True when units depend on minutes of direct contact.")
    unit_minutes: int | None = Field(
        default=None, ge=1, description="Minutes one unit stands for, for timed codes."
    )
    addon_of: str | None = Field(
        default=None, description="Primary code this add-on code must follow."
    )
    unit_basis: str = Field(
        default="", description="What one unit is, for untimed codes (per session, per area...)."
    )
    disciplines: tuple[Discipline, ...] = Field(
        min_length=1, description="Disciplines that normally bill the code."
    )
    ot_may_bill: bool = Field(description="Whether an occupational therapist may report the code.")


class MedicareStatusRow(RuleRow):
    """How Medicare's physician fee schedule treats a code."""

    status: Literal["A", "B", "C", "I", "N", "R", "X", "E", "T"] = Field(
        description="PFS status indicator: A active, B bundled, C carrier priced, I not valid for "
        "Medicare, N non-covered, R restricted."
    )
    use_instead: str | None = Field(
        default=None, description="Code Medicare wants instead, if any."
    )
    therapy_class: Literal["always", "sometimes", "none"] = Field(
        description="CMS therapy code list class: always therapy, sometimes therapy, or not listed."
    )


class UnitTableRow(RuleRow):
    """The CMS s20.2 table turning total timed minutes into 15-minute units."""

    unit_minutes: int = Field(ge=1, description="Minutes in one unit (15).")
    first_unit_minutes: int = Field(ge=1, description="Fewest minutes that bill one unit (8).")
    bands: tuple[tuple[int, int, int], ...] = Field(
        min_length=1, description="(units, from minute, to minute) rows as printed in the manual."
    )


CountingMethod = Literal["cms", "ama"]


class CountingMethodRow(RuleRow):
    """Which time-counting method a payer or program applies to timed therapy codes."""

    name: str = Field(min_length=2, description="Payer or program as people name it.")
    aliases: tuple[str, ...] = Field(description="Lower-case names that identify the payer.")
    plan_types: tuple[str, ...] = Field(
        default=(), description="Claim plan types this row answers for (medicare, tricare, ...)."
    )
    method: CountingMethod = Field(description="cms: pooled total minutes; ama: per code.")
    scope: str = Field(default="", description="Which plans or lines of business the row covers.")


class EvalLevelRow(RuleRow):
    """One OT evaluation level and what each component must show to reach it."""

    level: Literal["low", "moderate", "high"] = Field(description="Complexity level.")
    rank: int = Field(ge=1, le=3, description="1 low, 2 moderate, 3 high.")
    history: Literal["brief", "expanded", "extensive"] = Field(
        description="Occupational profile and history needed."
    )
    deficits_min: int = Field(ge=1, description="Fewest performance deficits the level lists.")
    deficits_max: int | None = Field(
        default=None, description="Most deficits the level lists (ranges overlap); null: no cap."
    )
    decision: Literal["low", "moderate", "high"] = Field(description="Clinical decision making.")
    comorbidities: Literal["none", "may", "present"] = Field(
        description="Comorbidities affecting occupational performance the level describes."
    )
    modification: Literal["none", "minimal_to_moderate", "significant"] = Field(
        description="Task modification or assistance needed to complete the evaluation."
    )
    typical_minutes: int = Field(ge=1, description="Typical face-to-face time (not a threshold).")


class ReevalRuleRow(RuleRow):
    """When a re-evaluation is covered, per payer program."""

    code: str = Field(description="Re-evaluation code.")
    covered_reasons: tuple[str, ...] = Field(
        min_length=1, description="Reasons that make a re-evaluation covered."
    )
    routine_covered: bool = Field(description="Whether a routine or scheduled re-evaluation is.")
    ncci_note: str = Field(default="", description="NCCI pairing to keep in mind.")


class ScalarRow(RuleRow):
    """A dated single value: a dollar threshold, a number of days, a percentage."""

    value: Decimal = Field(ge=0, description="The value, in `unit`.")
    unit: Literal["USD", "days", "treatment_days", "percent", "flag"] = Field(
        description="Unit of the value (flag: 1 means the rule applies)."
    )


class AssistantModifierRow(RuleRow):
    """A therapy-assistant modifier: who it marks, its discipline modifier and its payment rate."""

    assistant: Literal["OTA", "PTA"] = Field(description="Assistant the modifier marks.")
    discipline_modifier: Literal["GO", "GP"] = Field(
        description="Plan-of-care modifier it pairs with."
    )
    payment_percent: Decimal = Field(
        ge=0, le=100, description="Percent of the fee schedule amount paid for the line."
    )
    de_minimis_percent: Decimal = Field(
        ge=0,
        le=100,
        description="Assistant share of a service's minutes above which it is required.",
    )


def codes() -> RuleTable[CodeRow]:
    """The code table."""
    return load_table("codes", CodeRow)


def medicare_status() -> RuleTable[MedicareStatusRow]:
    """Medicare fee-schedule status of each code."""
    return load_table("medicare_code_status", MedicareStatusRow)


def unit_table() -> RuleTable[UnitTableRow]:
    """The CMS s20.2 unit table."""
    return load_table("unit_table", UnitTableRow)


def counting_methods() -> RuleTable[CountingMethodRow]:
    """Payer-to-counting-method table."""
    return load_table("counting_methods", CountingMethodRow)


def eval_levels() -> RuleTable[EvalLevelRow]:
    """OT evaluation complexity levels."""
    return load_table("eval_complexity", EvalLevelRow)


def reeval_rules() -> RuleTable[ReevalRuleRow]:
    """Re-evaluation coverage conditions."""
    return load_table("reevaluation", ReevalRuleRow)


def kx_thresholds() -> RuleTable[ScalarRow]:
    """Medicare therapy KX and medical-review thresholds per year."""
    return load_table("kx_threshold", ScalarRow)


def plan_of_care_rules() -> RuleTable[ScalarRow]:
    """Medicare plan-of-care certification and progress-report timing."""
    return load_table("plan_of_care", ScalarRow)


def assistant_modifiers() -> RuleTable[AssistantModifierRow]:
    """CO/CQ assistant modifiers and their payment rate."""
    return load_table("assistant_modifiers", AssistantModifierRow)


def _therapist_tables() -> dict[str, type[RuleRow]]:
    """Tables of the fee estimator and the documentation checker (row models in their modules)."""
    from tools.ruledata.documentation import DocRequirementRow
    from tools.ruledata.medicare_fees import GpciRow, RvuRow

    return {
        "medicare_rvu": RvuRow,
        "medicare_gpci": GpciRow,
        "medicare_conversion_factor": ScalarRow,
        "medicare_cost_sharing": ScalarRow,
        "mppr": ScalarRow,
        "documentation_requirements": DocRequirementRow,
    }


def _claim_tables() -> dict[str, type[RuleRow]]:
    """Tables of the claim validator (row models in `claims_tables`)."""
    from tools.ruledata.claims_tables import CLAIM_TABLES

    return dict(CLAIM_TABLES)


TABLES: dict[str, type[RuleRow]] = {
    "codes": CodeRow,
    "medicare_code_status": MedicareStatusRow,
    "unit_table": UnitTableRow,
    "counting_methods": CountingMethodRow,
    "eval_complexity": EvalLevelRow,
    "reevaluation": ReevalRuleRow,
    "kx_threshold": ScalarRow,
    "plan_of_care": ScalarRow,
    "assistant_modifiers": AssistantModifierRow,
    **_therapist_tables(),
    **_claim_tables(),
}
"""Every rule table file (stem) and its row model."""
