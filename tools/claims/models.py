"""The claim contract (input) and the validation result (output).

Structure is checked here: a claim that is not an object, a date that is not a date, units that
are not a whole number are input errors. Billing content is *not* checked here: an empty member
id, a malformed CPT code or an impossible diagnosis pointer are findings of the rules, so one bad
value never hides the others. Unknown fields are refused with their name, so a misspelt optional
field ("contxt") is reported instead of silently ignored; fields this project adds are optional
and documented here, so the issue's contract shape stays valid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.common import Frozen, RuleRef
from tools.payers import PlanType
from tools.ruledata.claims_tables import Severity

Discipline = Literal["OT", "OTA", "PT", "PTA", "SLP"]
ClaimStatus = Literal["clean", "warnings", "errors"]


class _In(BaseModel):
    """Input part: immutable; unknown fields refused by name."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Payer(_In):
    """Who pays the claim."""

    name: str = Field(default="", max_length=200, description="Payer name, e.g. 'Medicare'.")
    plan_type: PlanType = Field(description="medicare, medicare_advantage, medicaid, commercial...")
    network: Literal["in", "out"] = Field(default="in", description="Provider's network status.")


class Patient(_In):
    """The patient as the payer knows them (synthetic data only in tests)."""

    member_id: str = Field(default="", max_length=80, description="Member id on the card.")
    first_name: str = Field(default="", max_length=100, description="Patient's first name.")
    last_name: str = Field(default="", max_length=100, description="Patient's last name.")
    date_of_birth: dt.date = Field(description="Date of birth.")
    sex: str = Field(default="", max_length=10, description="Sex as on the card (F, M, U).")


class BillingProvider(_In):
    """The practice billing the claim."""

    npi: str = Field(default="", max_length=20, description="Type 2 (or type 1) NPI.")
    tax_id: str = Field(default="", max_length=20, description="EIN or SSN of the practice.")


class RenderingProvider(_In):
    """The clinician who furnished the services."""

    npi: str = Field(default="", max_length=20, description="Clinician's NPI.")
    discipline: Discipline = Field(description="OT, OTA, PT, PTA or SLP.")


class Line(_In):
    """One service line."""

    date_of_service: dt.date = Field(description="Date the service was furnished.")
    cpt: str = Field(max_length=10, description="CPT/HCPCS code as billed.")
    modifiers: tuple[str, ...] = Field(default=(), max_length=4, description="Up to 4 modifiers.")
    units: int = Field(ge=0, le=999, description="Units billed.")
    minutes: int | None = Field(
        default=None, ge=0, le=1440, description="Treatment minutes documented for the line."
    )
    diagnosis_pointers: tuple[int, ...] = Field(
        default=(), max_length=12, description="1-based pointers into the claim's diagnoses."
    )
    charge: Decimal = Field(description="Billed charge for the line, e.g. '120.00'.")
    assistant_minutes: int = Field(
        default=0, ge=0, le=1440, description="Minutes furnished by an OTA/PTA on this line."
    )


class PriorAuthorization(_In):
    """An authorization the payer issued."""

    required: bool = Field(default=False, description="Whether the plan requires one.")
    number: str = Field(default="", max_length=60, description="Authorization number.")
    visits_approved: int | None = Field(default=None, ge=0, description="Visits approved.")
    visits_used: int = Field(default=0, ge=0, description="Visits used before this claim.")
    units_approved: int | None = Field(default=None, ge=0, description="Units approved.")
    units_used: int = Field(default=0, ge=0, description="Units used before this claim.")
    start: dt.date | None = Field(default=None, description="First date covered.")
    end: dt.date | None = Field(default=None, description="Last date covered.")


class PlanOfCare(_In):
    """Dates of the Medicare plan of care."""

    start: dt.date = Field(description="First treatment day under the plan (the evaluation).")
    certified_on: dt.date | None = Field(
        default=None, description="Date the physician/NPP signed (or verbally ordered) it."
    )
    end: dt.date | None = Field(default=None, description="Last day the plan covers.")


class PriorLine(_In):
    """A line already billed on an earlier claim."""

    claim_id: str = Field(default="", max_length=80, description="Earlier claim's id.")
    date_of_service: dt.date = Field(description="Date of service.")
    cpt: str = Field(max_length=10, description="Code billed.")
    modifiers: tuple[str, ...] = Field(default=(), max_length=4, description="Modifiers billed.")
    units: int = Field(default=1, ge=0, description="Units billed.")


class Context(_In):
    """Facts a claim cannot carry but the rules need."""

    ytd_ot_allowed: Decimal | None = Field(
        default=None, ge=0, description="Medicare OT allowed this year before this claim (USD)."
    )
    prior_authorization: PriorAuthorization | None = Field(
        default=None, description="The authorization for these services, if any."
    )
    plan_of_care: PlanOfCare | None = Field(default=None, description="Plan-of-care dates.")
    treatment_days_since_progress_report: int | None = Field(
        default=None, ge=0, description="Treatment days since the last progress report."
    )
    previously_billed: tuple[PriorLine, ...] = Field(
        default=(), max_length=2000, description="Lines billed on earlier claims."
    )


class Claim(_In):
    """One professional claim for outpatient OT (the documented contract)."""

    claim_id: str = Field(min_length=1, max_length=80, description="Your id for the claim.")
    submitted_on: dt.date = Field(
        default_factory=dt.date.today, description="Date the claim is (to be) submitted."
    )
    payer: Payer = Field(description="Payer and network status.")
    patient: Patient = Field(description="Patient demographics.")
    billing_provider: BillingProvider = Field(description="Billing practice.")
    rendering_provider: RenderingProvider = Field(description="Rendering clinician.")
    place_of_service: str = Field(default="", max_length=4, description="Two-digit POS code.")
    diagnoses: tuple[str, ...] = Field(
        default=(), max_length=12, description="ICD-10-CM codes, dot optional, pointer order."
    )
    lines: tuple[Line, ...] = Field(min_length=1, max_length=50, description="Service lines.")
    context: Context = Field(default_factory=Context, description="Facts beyond the claim.")


class ClaimRequest(BaseModel):
    """Validate one claim."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claim: Claim = Field(description="The claim, in the documented contract.")


class Finding(Frozen):
    """One problem found on a claim."""

    rule_id: str = Field(description="Stable rule id from the catalog, e.g. NPI_INVALID.")
    severity: Severity = Field(description="error (will deny), warning (check), info.")
    message: str = Field(description="What is wrong, in plain words.")
    fix: str = Field(description="How to fix it.")
    line: int | None = Field(description="0-based index of the line, or null for the claim.")
    field: str = Field(description="Path of the field concerned, e.g. lines[1].modifiers.")
    references: tuple[RuleRef, ...] = Field(description="Rule data and sources behind it.")


class ClaimResult(Frozen):
    """The validator's verdict on one claim."""

    claim_id: str = Field(description="The claim's id.")
    status: ClaimStatus = Field(
        description="errors if any error finding, else warnings, else clean."
    )
    findings: tuple[Finding, ...] = Field(description="Findings, errors first.")
    counts: dict[str, int] = Field(description="Findings per severity.")
    not_checked: tuple[str, ...] = Field(
        description="Checks that could not run for lack of data (never counted as passed)."
    )
    code_set: str = Field(description="ICD-10-CM release the diagnoses were checked against.")

    def to_text(self) -> str:
        """The verdict and each finding with its fix, for the terminal."""
        head = {
            "clean": "no problems found",
            "warnings": "warnings to check",
            "errors": "errors: fix before submitting",
        }[self.status]
        out = [
            f"Claim {self.claim_id}: {head} ({self.counts.get('error', 0)} error(s), "
            f"{self.counts.get('warning', 0)} warning(s))."
        ]
        for f in self.findings:
            where = f" line {f.line + 1}" if f.line is not None else ""
            out.append(f"- {f.severity.upper()} {f.rule_id}{where}: {f.message}")
            out.append(f"  fix: {f.fix}")
            if f.references:
                out.append(f"  source: {f.references[0].source} <{f.references[0].url}>")
        if self.not_checked:
            out.append("Not checked (data missing, so not a pass): " + "; ".join(self.not_checked))
        out.append(f"Diagnoses checked against ICD-10-CM {self.code_set}.")
        return "\n".join(out)
