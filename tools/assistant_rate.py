"""The therapy-assistant modifiers (CO for an OTA, CQ for a PTA): when a line needs one and what
Medicare pays for it. Billers ask both as quick questions ("the line allows $60, what with CO?",
"my OTA did 4 of the 40 minutes, does it need CO?"); the answer must come from the dated
modifier table, not from a remembered 85%.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from tools.common import Frozen, Request, RuleRef, Status
from tools.estimate.models import MAX_MONEY
from tools.estimate.money import HUNDRED, cents, num, percent_of, usd
from tools.ruledata.tables import assistant_modifiers


class AssistantRateRequest(Request):
    """A line furnished wholly or partly by a therapy assistant."""

    modifier: Literal["CO", "CQ"] = Field(
        default="CO", description="CO (occupational therapy assistant) or CQ (PT assistant)."
    )
    date_of_service: date = Field(
        default_factory=date.today, description="Date of service; selects the table row."
    )
    full_amount: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_MONEY,
        description="What the line would be allowed if the therapist furnished it (after any "
        "multiple procedure payment reduction); omit to get only the percent.",
    )
    assistant_minutes: int | None = Field(
        default=None,
        ge=0,
        le=1440,
        description="Minutes of the service the assistant furnished without the therapist "
        "(time they furnished together counts as the therapist's).",
    )
    total_minutes: int | None = Field(
        default=None,
        gt=0,
        le=1440,
        description="Total minutes of the service, to test the de minimis share.",
    )

    @model_validator(mode="after")
    def _minutes_fit(self) -> AssistantRateRequest:
        if (self.assistant_minutes is None) != (self.total_minutes is None):
            raise ValueError("give assistant_minutes and total_minutes together, or neither")
        if (
            self.assistant_minutes is not None
            and self.total_minutes is not None
            and self.assistant_minutes > self.total_minutes
        ):
            raise ValueError("assistant_minutes cannot exceed total_minutes")
        return self


class AssistantRateResult(Frozen):
    """What the modifier row in force says, applied to the amount and minutes given."""

    status: Status = Field(description="ok, or indeterminate when no row is in force.")
    modifier: str = Field(description="CO or CQ.")
    assistant: str | None = Field(description="OTA or PTA: who the modifier marks.")
    discipline_modifier: str | None = Field(description="GO or GP: the plan-of-care modifier.")
    payment_percent: Decimal | None = Field(
        description="Percent of the fee schedule amount Medicare pays for the line."
    )
    de_minimis_percent: Decimal | None = Field(
        description="Assistant share of the minutes above which the modifier is required."
    )
    assistant_share_percent: Decimal | None = Field(
        description="The assistant's share of the minutes given, if any."
    )
    modifier_required: bool | None = Field(
        description="Whether the minutes given require the modifier (null: no minutes given)."
    )
    full_amount: Decimal | None = Field(description="The therapist-rate amount given.")
    assistant_amount: Decimal | None = Field(
        description="What Medicare allows for the line with the modifier."
    )
    working: tuple[str, ...] = Field(description="The steps, each with its numbers.")
    missing: tuple[str, ...] = Field(description="What is not on file, when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used, with sources and dates.")

    def to_text(self) -> str:
        """The verdict and the arithmetic in a few lines."""
        if self.status != "ok":
            return "; ".join(self.missing)
        lines = list(self.working)
        lines += [f"source: {r.source} ({r.url})" for r in self.rule_data]
        return "\n".join(lines)


def check_assistant_modifier(request: AssistantRateRequest) -> AssistantRateResult:
    """Say when a therapy-assistant modifier (CO, CQ) is needed and what Medicare pays with it.

    Use for "the line allows $60, what does Medicare allow with CO?", "does my OTA's part of the
    session need CO?" (the 10% de minimis share) and "how much less is an OTA paid?". The rate
    and share come from the dated modifier table: 100% (reporting only) from 2020, 85% from 2022.
    """
    table = assistant_modifiers()
    row = table.at(request.modifier, request.date_of_service)
    if row is None:
        rows = table.history(request.modifier)
        since = f"it is on file from {rows[0].effective_from}" if rows else "it is not on file"
        return AssistantRateResult(
            status="indeterminate",
            modifier=request.modifier,
            assistant=None,
            discipline_modifier=None,
            payment_percent=None,
            de_minimis_percent=None,
            assistant_share_percent=None,
            modifier_required=None,
            full_amount=request.full_amount,
            assistant_amount=None,
            working=(),
            missing=(f"No {request.modifier} row in force on {request.date_of_service}: {since}.",),
            rule_data=(),
        )
    ref = table.ref(row)
    article = "an" if row.assistant == "OTA" else "a"
    working = [
        f"{row.key} marks a service furnished in whole or in part by {article} "
        f"{row.assistant} (with {row.discipline_modifier}); on {request.date_of_service} "
        f"Medicare pays {num(row.payment_percent)}% of the fee schedule amount for the line."
    ]
    share = required = None
    if request.assistant_minutes is not None and request.total_minutes:
        share = cents(Decimal(request.assistant_minutes) * HUNDRED / request.total_minutes)
        required = share > row.de_minimis_percent
        verdict = "needs" if required else "does not need"
        working.append(
            f"The {row.assistant} furnished {request.assistant_minutes} of "
            f"{request.total_minutes} minutes alone = {num(share)}%, "
            f"{'over' if required else 'under' if share < row.de_minimis_percent else 'not over'}"
            f" the {num(row.de_minimis_percent)}% de minimis "
            f"share: the line {verdict} {row.key}. Minutes furnished together with the "
            f"therapist count as the therapist's, not the {row.assistant}'s."
        )
    reduced = None
    if request.full_amount is not None:
        full = cents(request.full_amount)
        reduced = percent_of(full, row.payment_percent)
        if row.payment_percent == HUNDRED:
            working.append(
                f"{usd(full)} x 100% = {usd(reduced)}: {row.key} is reported but not yet paid "
                "less on this date."
            )
        else:
            working.append(
                f"{usd(full)} x {num(row.payment_percent)}% = {usd(reduced)} allowed with "
                f"{row.key} ({usd(full - reduced)} less); the reduction is taken after the "
                "multiple procedure payment reduction."
            )
    if ref.note:
        working.append(f"Recorded with the row: {ref.note}")
    later = [r for r in table.history(request.modifier) if r.effective_from > row.effective_from]
    if later and later[0].payment_percent != row.payment_percent:
        # "was it already paid less back then?": say when the rate changed after this date
        working.append(
            f"From {later[0].effective_from} Medicare pays {num(later[0].payment_percent)}% on "
            f"{row.key} lines."
        )
    return AssistantRateResult(
        status="ok",
        modifier=row.key,
        assistant=row.assistant,
        discipline_modifier=row.discipline_modifier,
        payment_percent=row.payment_percent,
        de_minimis_percent=row.de_minimis_percent,
        assistant_share_percent=share,
        modifier_required=required,
        full_amount=request.full_amount,
        assistant_amount=reduced,
        working=tuple(working),
        missing=(),
        rule_data=(ref,),
    )
