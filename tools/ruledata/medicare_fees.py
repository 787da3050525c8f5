"""Row models and accessors of the Medicare fee tables: RVUs, GPCIs, conversion factor, cost
sharing and the therapy MPPR. Kept apart from ``tables.py`` so the fee estimator's data has one
home; ``tables.TABLES`` lists these files like every other table."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from tools.ruledata.loader import RuleRow, RuleTable, load_table

if TYPE_CHECKING:
    from tools.ruledata.tables import ScalarRow

PfsStatus = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "M", "N", "P", "R", "T", "X"]


class RvuRow(RuleRow):
    """One code's relative value units for one period, as printed in the CMS PPRRVU file."""

    status: PfsStatus = Field(
        description="PFS status: A active, B bundled, C carrier priced, I not valid for "
        "Medicare, N non-covered, R restricted, T paid only without other services."
    )
    work: Decimal = Field(ge=0, description="Work RVU.")
    pe_nonfacility: Decimal = Field(ge=0, description="Non-facility practice expense RVU.")
    pe_facility: Decimal = Field(ge=0, description="Facility practice expense RVU.")
    mp: Decimal = Field(ge=0, description="Malpractice RVU.")
    nonfacility_na: bool = Field(description="CMS marks the non-facility amount NA.")
    facility_na: bool = Field(description="CMS marks the facility amount NA.")
    pctc: int = Field(ge=0, le=9, description="PC/TC indicator (7: therapy service).")
    mult_proc: int = Field(
        ge=0, le=9, description="Multiple procedure indicator (5: therapy MPPR applies)."
    )


class GpciRow(RuleRow):
    """The three GPCIs of one Medicare payment locality for one period."""

    mac: str = Field(description="Medicare administrative contractor number (empty: national).")
    state: str = Field(description="Two-letter state (empty: national).")
    locality: str = Field(description="Locality number within the MAC.")
    name: str = Field(min_length=3, description="Locality name as CMS prints it.")
    work: Decimal = Field(gt=0, description="Work GPCI (with the 1.0 floor).")
    pe: Decimal = Field(gt=0, description="Practice expense GPCI.")
    mp: Decimal = Field(gt=0, description="Malpractice GPCI.")


def _scalar_row() -> type[ScalarRow]:
    """`tables` lists this module's row models, so its ScalarRow is imported when first used."""
    from tools.ruledata.tables import ScalarRow

    return ScalarRow


def rvus() -> RuleTable[RvuRow]:
    """Medicare RVUs per code and year."""
    return load_table("medicare_rvu", RvuRow)


def gpcis() -> RuleTable[GpciRow]:
    """Medicare GPCIs per locality and year."""
    return load_table("medicare_gpci", GpciRow)


def conversion_factors() -> RuleTable[ScalarRow]:
    """Medicare PFS conversion factors (non_apm, apm)."""
    return load_table("medicare_conversion_factor", _scalar_row())


def cost_sharing() -> RuleTable[ScalarRow]:
    """Part B deductible and coinsurance."""
    return load_table("medicare_cost_sharing", _scalar_row())


def mppr_rates() -> RuleTable[ScalarRow]:
    """Percent of PE paid for units after the first under the therapy MPPR."""
    return load_table("mppr", _scalar_row())
