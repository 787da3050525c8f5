"""The Medicare physician fee schedule conversion factor for a date of service. Billers reprice
old claims ("which CF applies to a 2/15/24 date?") and 2024 had two factors and 2026 has two
kinds (APM and non-APM), so the answer must come from the dated table, never from memory.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from tools.common import Frozen, Request, RuleRef, Status
from tools.ruledata.medicare_fees import conversion_factors


class ConversionFactorRequest(Request):
    """The date of service whose conversion factor is wanted."""

    date_of_service: date = Field(
        default_factory=date.today, description="Date of service; selects the table row."
    )


class FactorPeriod(Frozen):
    """One period of the year with its factors."""

    effective_from: date = Field(description="First date of service the factors apply to.")
    effective_to: date | None = Field(description="Last date, or null while open-ended.")
    non_apm: Decimal | None = Field(description="Factor for practitioners outside an APM (USD).")
    apm: Decimal | None = Field(description="Factor for qualifying APM participants (USD).")


class ConversionFactorResult(Frozen):
    """The factors in force on the date, and every period of that calendar year."""

    status: Status = Field(description="ok, or indeterminate when the date is not on file.")
    date_of_service: date = Field(description="The date asked about.")
    non_apm: Decimal | None = Field(
        description="Conversion factor on the date for practitioners not in a qualifying APM "
        "(almost every OT private practice)."
    )
    apm: Decimal | None = Field(
        description="Conversion factor on the date for qualifying APM participants."
    )
    periods_in_year: tuple[FactorPeriod, ...] = Field(
        description="Every period of the date's calendar year, so a mid-year change shows."
    )
    previous: FactorPeriod | None = Field(
        default=None,
        description="The non-APM factor in force the day before the date's factor began, or "
        "null when the table has none.",
    )
    change_percent: Decimal | None = Field(
        default=None,
        description="Change from the previous non-APM factor to the date's, in percent (two "
        "decimals, negative for a cut).",
    )
    notes: tuple[str, ...] = Field(description="Conflicts and confirmation status of the values.")
    missing: tuple[str, ...] = Field(description="What is not on file, when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used, with sources and dates.")

    def to_text(self) -> str:
        """The factor for the date, the year's other periods and the sources."""
        if self.status != "ok":
            return "Not on file: " + "; ".join(self.missing)
        lines = [f"Medicare conversion factor for dates of service on {self.date_of_service}:"]
        lines.append(f"  non-APM (most OT practices): ${self.non_apm}")
        if self.apm is not None and self.apm != self.non_apm:
            lines.append(f"  qualifying APM participants: ${self.apm}")
        if len(self.periods_in_year) > 1:
            lines.append(f"  {self.date_of_service.year} had more than one factor:")
            for p in self.periods_in_year:
                until = p.effective_to.isoformat() if p.effective_to else "onward"
                lines.append(f"    {p.effective_from} to {until}: ${p.non_apm}")
        if self.previous is not None and self.change_percent is not None:
            lines.append(
                f"  change: {self.change_percent:+}% from ${self.previous.non_apm} (in force "
                f"{self.previous.effective_from} to {self.previous.effective_to})"
            )
        lines += [f"  note: {n}" for n in self.notes]
        lines += [
            f"  source: {r.source} ({r.url})" for r in {x.url: x for x in self.rule_data}.values()
        ]
        return "\n".join(lines)


def get_conversion_factor(request: ConversionFactorRequest) -> ConversionFactorResult:
    """Give the Medicare fee schedule conversion factor for a date of service (APM and non-APM).

    Use when someone asks which conversion factor ("CF", "multiplier") applies to a date or a
    year, or why there are two. The date selects the row: 2024 changed on March 9, and from 2026
    qualifying APM participants have their own factor.
    """
    table = conversion_factors()
    when = request.date_of_service
    rows = {key: table.at(key, when) for key in ("non_apm", "apm")}
    if rows["non_apm"] is None:
        first = min((r.effective_from for r in table.rows), default=None)
        missing = f"the Medicare conversion factor for {when}" + (
            f" (the table starts on {first})" if first else ""
        )
        return ConversionFactorResult(
            status="indeterminate",
            date_of_service=when,
            non_apm=None,
            apm=None,
            periods_in_year=(),
            notes=(),
            missing=(missing,),
            rule_data=(),
        )
    refs: list[RuleRef] = []
    notes: list[str] = []
    for key, row in rows.items():
        if row is None:
            continue
        ref = table.ref(row)
        refs.append(ref)
        same = key == "apm" and row.value == rows["non_apm"].value
        if ref.note and not same:  # one factor for everyone: its note repeats the other's
            notes.append(f"{key}: {ref.note}")
    # every non-APM row in force on some day of the year: 2024 had two
    year_start, year_end = date(when.year, 1, 1), date(when.year, 12, 31)
    in_year = [
        r
        for r in table.history("non_apm")
        if r.effective_from <= year_end and (table.end_of(r) or year_end) >= year_start
    ]
    periods = []
    for non_apm in in_year:
        apm = table.at("apm", max(non_apm.effective_from, year_start))
        periods.append(
            FactorPeriod(
                effective_from=non_apm.effective_from,
                effective_to=table.end_of(non_apm),
                non_apm=non_apm.value,
                apm=apm.value if apm else None,
            )
        )
        for row in (non_apm, apm):
            if row is not None and (ref := table.ref(row)) not in refs:
                refs.append(ref)
    # "how much did it go down from last year?": the factor that ended the day before this one
    start = rows["non_apm"].effective_from
    before = table.at("non_apm", start - timedelta(days=1))
    previous = change = None
    if before is not None and before.value:
        previous = FactorPeriod(
            effective_from=before.effective_from,
            effective_to=table.end_of(before),
            non_apm=before.value,
            apm=None,
        )
        change = ((rows["non_apm"].value - before.value) * 100 / before.value).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if (ref := table.ref(before)) not in refs:
            refs.append(ref)
    return ConversionFactorResult(
        status="ok",
        date_of_service=when,
        previous=previous,
        change_percent=change,
        non_apm=rows["non_apm"].value,
        apm=rows["apm"].value if rows["apm"] else None,
        periods_in_year=tuple(periods),
        notes=tuple(dict.fromkeys(notes)),
        missing=(),
        rule_data=tuple(refs),
    )
