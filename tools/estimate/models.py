"""Request and result models of the reimbursement estimator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from tools.common import CptCode, Frozen, Modifier, Request, RuleRef, Status
from tools.ruledata.tables import CountingMethod

PayerBasis = Literal["medicare", "commercial", "out_of_network"]
Setting = Literal["non_facility", "facility"]
ClaimType = Literal["professional", "institutional"]
Discipline = Literal["OT", "PT", "SLP"]

MAX_MONEY = Decimal("1000000")


class EstimateLine(Request):
    """One code of the visit: its minutes or units, modifiers and (for commercial) its price."""

    code: CptCode = Field(description="CPT/HCPCS code, e.g. 97530.")
    minutes: int | None = Field(
        default=None,
        ge=0,
        le=24 * 60,
        description="Minutes of direct treatment; units are then counted with the units tool.",
    )
    units: int | None = Field(
        default=None, ge=1, le=40, description="Units billed, when known (overrides minutes)."
    )
    modifiers: tuple[Modifier, ...] = Field(
        default=(),
        max_length=4,
        description="Line modifiers, e.g. GO, CO (OT assistant) or CQ (PT assistant).",
    )
    discipline: Discipline = Field(
        default="OT", description="Plan of care the line belongs to: OT, PT or SLP."
    )
    fee_schedule_amount: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Commercial only: the contract's amount for one unit of this code.",
    )
    billed_charge: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Out of network: the provider's charge for this line (all its units).",
    )


class EstimateRequest(Request):
    """A visit to price: Medicare from the fee schedule, commercial from the family's own terms."""

    lines: tuple[EstimateLine, ...] = Field(
        default=(), max_length=40, description="The codes of one date of service."
    )
    date_of_service: date = Field(
        default_factory=date.today, description="Date of service; selects every rate used."
    )
    payer_basis: PayerBasis = Field(
        default="medicare",
        description="medicare (fee schedule), commercial (in-network contract terms) or "
        "out_of_network (the plan's out-of-network terms and the provider's charge).",
    )
    locality: str | None = Field(
        default=None,
        max_length=80,
        description="Medicare payment locality, e.g. AR-13, 07102-13 or a locality name; "
        "empty or 'national' for the national rate.",
    )
    setting: Setting = Field(
        default="non_facility", description="Fee schedule column: non_facility or facility."
    )
    qualifying_apm: bool = Field(
        default=False,
        description="True for a qualifying APM participant (QP): the APM conversion factor.",
    )
    claim_type: ClaimType = Field(
        default="professional", description="professional or institutional claim (MPPR rate)."
    )
    deductible_remaining: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Deductible still to meet this year. Medicare: omit to assume the whole "
        "Part B deductible remains. Commercial: omit to assume it is met.",
    )
    prior_incurred_ot: Decimal = Field(
        default=Decimal(0),
        ge=0,
        le=MAX_MONEY,
        description="Medicare: OT allowed amounts already incurred this calendar year.",
    )
    prior_incurred_pt_slp: Decimal = Field(
        default=Decimal(0),
        ge=0,
        le=MAX_MONEY,
        description="Medicare: PT and SLP allowed amounts already incurred this calendar year.",
    )
    percent_of_medicare: Decimal | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Commercial: the contract pays this percent of the Medicare fee schedule.",
    )
    allowed_amount: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Commercial: the plan's allowed amount for the whole visit.",
    )
    coinsurance_percent: Decimal | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Commercial: the family's coinsurance percent (omit: none).",
    )
    copay: Decimal | None = Field(
        default=None, ge=0, le=MAX_MONEY, description="Commercial: copay per visit."
    )
    oop_max_remaining: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Commercial: what is left of the out-of-pocket maximum this year.",
    )
    billed_charge_total: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="Out of network: the provider's total charge for the visit.",
    )
    counting_method: CountingMethod | None = Field(
        default=None,
        description="Commercial lines given in minutes: cms (pooled) or ama (per code).",
    )
    apply_mppr: bool = Field(
        default=False,
        description="Commercial percent-of-Medicare contracts only: apply the Medicare MPPR.",
    )

    @model_validator(mode="after")
    def _terms_fit_the_basis(self) -> EstimateRequest:
        commercial_terms = {
            "percent_of_medicare": self.percent_of_medicare,
            "allowed_amount": self.allowed_amount,
            "coinsurance_percent": self.coinsurance_percent,
            "copay": self.copay,
            "oop_max_remaining": self.oop_max_remaining,
            "billed_charge_total": self.billed_charge_total,
        }
        fees = [line.fee_schedule_amount is not None for line in self.lines]
        if self.payer_basis == "medicare":
            given = [k for k, v in commercial_terms.items() if v is not None]
            if any(fees):
                given.append("fee_schedule_amount")
            if given:
                raise ValueError(
                    f"{', '.join(given)} are plan terms for commercial or out_of_network "
                    "estimates; Medicare prices come from the fee schedule"
                )
            if not self.lines:
                raise ValueError("give at least one code, e.g. 97530 with its minutes")
            return self
        fee_basis = bool(fees) and all(fees)
        bases = sum(
            [self.percent_of_medicare is not None, self.allowed_amount is not None, fee_basis]
        )
        if any(fees) and not all(fees):
            raise ValueError("give a fee_schedule_amount for every line, or none")
        if bases == 0:
            raise ValueError(
                "give the plan's terms: allowed_amount for the visit, percent_of_medicare, "
                "or a fee_schedule_amount per line"
            )
        if bases > 1:
            raise ValueError(
                "give only one pricing basis: allowed_amount, percent_of_medicare or "
                "fee_schedule_amount"
            )
        if self.allowed_amount is None and not self.lines:
            raise ValueError("percent_of_medicare and fee schedules need the visit's codes")
        return self


class LineEstimate(Frozen):
    """How one line was priced."""

    code: str = Field(description="CPT/HCPCS code.")
    modifiers: tuple[str, ...] = Field(description="Modifiers on the line.")
    discipline: str = Field(description="OT, PT or SLP.")
    units: int = Field(description="Units priced.")
    units_how: str = Field(description="Where the units came from.")
    pfs_status: str | None = Field(description="Medicare PFS status of the code, if used.")
    fee_per_unit: Decimal | None = Field(description="Full amount for one unit.")
    fee_per_unit_reduced: Decimal | None = Field(
        description="Amount for one unit under the MPPR (full work and MP, reduced PE)."
    )
    units_reduced: int = Field(description="How many of the units were reduced by the MPPR.")
    before_assistant: Decimal | None = Field(description="Line amount after the MPPR.")
    assistant_percent: Decimal | None = Field(
        description="Percent paid for an assistant line (CO/CQ), if any."
    )
    allowed: Decimal | None = Field(description="Allowed amount of the line.")
    note: str = Field(description="Anything special about the line.")


class CostShare(Frozen):
    """Who pays what of the allowed amount."""

    allowed: Decimal = Field(description="Allowed amount of the visit.")
    deductible_applied: Decimal = Field(
        description="Part of the allowed amount the deductible takes."
    )
    copay: Decimal = Field(description="Copay charged.")
    coinsurance: Decimal = Field(description="Coinsurance charged.")
    capped_by_oop_max: bool = Field(description="Whether the out-of-pocket maximum capped it.")
    balance_bill: Decimal | None = Field(
        description="Out of network: billed charge above the allowed amount (null: unknown)."
    )
    family_pays: Decimal = Field(description="Everything the family pays for the visit.")
    plan_pays: Decimal = Field(description="What Medicare or the plan pays.")
    deductible_remaining_after: Decimal = Field(description="Deductible left after this visit.")


class ThresholdStatus(Frozen):
    """The running total of Medicare therapy spending against the KX and review thresholds."""

    group: str = Field(description="OT, or PT_SLP (PT and SLP share one threshold).")
    prior_incurred: Decimal = Field(description="Incurred this year before the visit.")
    this_visit: Decimal = Field(description="Allowed amount of this visit's lines in the group.")
    running_total: Decimal = Field(description="Prior plus this visit.")
    kx_threshold: Decimal = Field(description="KX modifier threshold for the year.")
    kx_needed: bool = Field(description="Whether lines of this visit need the KX modifier.")
    kx_codes: tuple[str, ...] = Field(description="Codes of this visit that need KX.")
    review_threshold: Decimal | None = Field(description="Targeted medical review threshold.")
    review_reached: bool = Field(description="Whether the running total passes it.")
    message: str = Field(description="The threshold status in plain words.")


class EstimateResult(Frozen):
    """The estimate: every line, the cost sharing, the thresholds and the arithmetic."""

    status: Status = Field(
        description="ok, or indeterminate when a rate (RVU, GPCI, factor, threshold) is missing."
    )
    payer_basis: str = Field(description="medicare, commercial or out_of_network.")
    date_of_service: date = Field(description="Date of service priced.")
    locality: str | None = Field(description="Locality used (key and name), if Medicare rates.")
    setting: str | None = Field(description="non_facility or facility, if Medicare rates.")
    conversion_factor: Decimal | None = Field(description="Conversion factor used, if any.")
    lines: tuple[LineEstimate, ...] = Field(description="Each line priced.")
    allowed_total: Decimal | None = Field(description="Allowed amount of the visit.")
    cost_share: CostShare | None = Field(description="Who pays what.")
    thresholds: tuple[ThresholdStatus, ...] = Field(description="KX and review thresholds.")
    working: tuple[str, ...] = Field(description="The arithmetic, step by step.")
    assumptions: tuple[str, ...] = Field(description="What was assumed because it was not given.")
    warnings: tuple[str, ...] = Field(description="Things to check.")
    unconfirmed: tuple[str, ...] = Field(
        description="Values used that no primary source confirmed."
    )
    missing: tuple[str, ...] = Field(description="What is needed when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used, with sources and dates.")

    def to_text(self) -> str:
        """Render the estimate as a readable table with the working."""
        from tools.estimate.render import render

        return render(self)
