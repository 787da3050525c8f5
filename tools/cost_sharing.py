"""What an Original Medicare patient pays for outpatient therapy in a year: the Part B deductible
and the coinsurance after it. Families ask it before the first visit ("what will Mom pay?") and
billers before collecting; the amounts change every January, so they come from the dated table.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from tools.common import Frozen, Request, RuleRef, Status
from tools.ruledata.medicare_fees import cost_sharing


class CostSharingRequest(Request):
    """The date of service whose Part B cost sharing is wanted."""

    date_of_service: date = Field(
        default_factory=date.today, description="Date of service; selects the table rows."
    )


class CostSharingResult(Frozen):
    """The Part B deductible and coinsurance in force on the date."""

    status: Status = Field(description="ok, or indeterminate when a value is not on file.")
    date_of_service: date = Field(description="The date asked about.")
    part_b_deductible: Decimal | None = Field(
        description="Yearly Part B deductible (USD), paid once a year across all Part B services."
    )
    coinsurance_percent: Decimal | None = Field(
        description="Percent of the Medicare-approved amount the patient pays after the deductible."
    )
    notes: tuple[str, ...] = Field(description="Limits and confirmation status of the values.")
    missing: tuple[str, ...] = Field(description="What is not on file, when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used, with sources and dates.")

    def to_text(self) -> str:
        """The two amounts, the notes and the sources."""
        if self.status != "ok":
            return "Not on file: " + "; ".join(self.missing)
        lines = [
            f"Original Medicare Part B cost sharing for dates of service in "
            f"{self.date_of_service.year}:",
            f"  yearly Part B deductible: ${self.part_b_deductible:,.2f}",
            f"  coinsurance after it: {self.coinsurance_percent}% of the Medicare-approved amount",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        lines += [
            f"  source: {r.source} ({r.url})" for r in {x.url: x for x in self.rule_data}.values()
        ]
        return "\n".join(lines)


def get_medicare_cost_sharing(request: CostSharingRequest) -> CostSharingResult:
    """Give what an Original Medicare patient pays for outpatient OT: deductible and coinsurance.

    Use when a family or biller asks what a Medicare patient owes for therapy in a year ("what
    will Mom pay for OT on regular Medicare in 2026?"). Medicare Advantage plans set their own
    copays, and a supplemental (Medigap) plan may pay the coinsurance; for a visit's dollar
    amounts use the estimator.
    """
    table = cost_sharing()
    when = request.date_of_service
    refs: list[RuleRef] = []
    notes: list[str] = []
    missing: list[str] = []
    values: dict[str, Decimal | None] = {}
    for key, label in (
        ("part_b_deductible", "the Part B deductible"),
        ("part_b_coinsurance", "the Part B coinsurance"),
    ):
        row = table.at(key, when)
        values[key] = row.value if row else None
        if row is None:
            missing.append(f"{label} for {when.year}")
            continue
        ref = table.ref(row)
        refs.append(ref)
        if ref.note:
            notes.append(f"{label[0].upper()}{label[1:]}: {ref.note}")
    notes.append(
        "Medicare Advantage plans set their own therapy copays; these amounts are Original "
        "Medicare's."
    )
    return CostSharingResult(
        status="ok" if not missing else "indeterminate",
        date_of_service=when,
        part_b_deductible=values["part_b_deductible"],
        coinsurance_percent=values["part_b_coinsurance"],
        notes=tuple(dict.fromkeys(notes)),
        missing=tuple(missing),
        rule_data=tuple(refs),
    )
