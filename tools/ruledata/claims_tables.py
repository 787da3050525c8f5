"""Row models and accessors of the claim validator's tables (rule catalog, NCCI, MUE, POS, ...)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tools.ruledata.loader import RuleRow, RuleTable, load_table

Severity = Literal["error", "warning", "info"]


class ClaimRuleRow(RuleRow):
    """One rule of the public claim-validator catalog."""

    severity: Severity = Field(description="Default severity of the rule's findings.")
    applies_to: tuple[str, ...] = Field(
        min_length=1, description="Plan types the rule runs for, or ('all',)."
    )
    description: str = Field(min_length=10, description="What the rule catches, in plain words.")

    def applies(self, plan_type: str) -> bool:
        """Whether the rule runs for a claim of this plan type."""
        return "all" in self.applies_to or plan_type in self.applies_to


class NcciPairRow(RuleRow):
    """An NCCI procedure-to-procedure pair (practitioner table)."""

    column1: str = Field(description="Column 1 code (the one paid).")
    column2: str = Field(description="Column 2 code (denied unless a modifier applies).")
    modifier_indicator: Literal[0, 1] = Field(
        description="1: payable with 59/X{EPSU} when distinct; 0: never payable together."
    )


class MueRow(RuleRow):
    """Medically unlikely edit for one code."""

    units: int = Field(ge=1, description="Most units per patient per date of service.")
    mai: Literal[1, 2, 3] | None = Field(
        default=None, description="MUE adjudication indicator (1 line, 2 policy day, 3 day)."
    )


class PlaceOfServiceRow(RuleRow):
    """A place-of-service code."""

    label: str = Field(min_length=2, description="Short label in our own words.")
    facility: bool = Field(description="Whether Medicare pays the facility rate there.")
    telehealth: bool = Field(description="Whether the code marks a telehealth service.")


class TelehealthPeriodRow(RuleRow):
    """Whether Medicare pays a discipline's telehealth in a period."""

    covered: bool = Field(description="True when telehealth by the discipline is payable.")


class TimelyFilingRow(RuleRow):
    """A payer's timely-filing limit for one network status."""

    days: int = Field(ge=1, description="Days from the date of service to file.")


def claim_rules() -> RuleTable[ClaimRuleRow]:
    """The public rule catalog."""
    return load_table("claim_rules", ClaimRuleRow)


def ncci_pairs() -> RuleTable[NcciPairRow]:
    """NCCI PTP pairs among OT codes."""
    return load_table("ncci_ptp", NcciPairRow)


def mues() -> RuleTable[MueRow]:
    """MUE per code."""
    return load_table("mue", MueRow)


def places_of_service() -> RuleTable[PlaceOfServiceRow]:
    """Place-of-service code set."""
    return load_table("place_of_service", PlaceOfServiceRow)


def telehealth_periods() -> RuleTable[TelehealthPeriodRow]:
    """Medicare OT telehealth coverage periods."""
    return load_table("telehealth_periods", TelehealthPeriodRow)


def timely_filing() -> RuleTable[TimelyFilingRow]:
    """Timely-filing limits by payer and network."""
    return load_table("timely_filing", TimelyFilingRow)


CLAIM_TABLES: dict[str, type[RuleRow]] = {
    "claim_rules": ClaimRuleRow,
    "ncci_ptp": NcciPairRow,
    "mue": MueRow,
    "place_of_service": PlaceOfServiceRow,
    "telehealth_periods": TelehealthPeriodRow,
    "timely_filing": TimelyFilingRow,
}
