"""Look-ups over the rule tables: what a code is and how it is counted, and the therapy
thresholds in force for a year. They exist so that even a simple factual answer ("what is
97533?", "what is the 2026 KX threshold?") comes from rule data with its source, not from text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from tools.common import CptCode, Frozen, Request, RuleRef, Status
from tools.ruledata.claims_tables import mues
from tools.ruledata.tables import codes, kx_thresholds, medicare_status


class CodeLookupRequest(Request):
    """A code and the date of service."""

    code: CptCode = Field(description="CPT/HCPCS code, e.g. 97533.")
    date_of_service: date = Field(default_factory=date.today, description="Date of service.")


class CodeLookupResult(Frozen):
    """What the code table and the Medicare status table say about a code."""

    status: Status = Field(description="ok, or indeterminate when the code is not on file.")
    code: str = Field(description="The code asked about.")
    label: str | None = Field(description="Short label in the project's own words.")
    family: str | None = Field(description="Service family.")
    timed: bool | None = Field(description="Whether units depend on minutes.")
    unit_minutes: int | None = Field(description="Minutes per unit for timed codes.")
    unit_basis: str | None = Field(description="What one unit is, for untimed codes.")
    addon_of: str | None = Field(description="Primary code, when this is an add-on.")
    addons: tuple[str, ...] = Field(description="Add-on codes that follow this one.")
    disciplines: tuple[str, ...] = Field(description="Disciplines that normally bill it.")
    ot_may_bill: bool | None = Field(description="Whether an OT may report it.")
    medicare_status: str | None = Field(description="Medicare PFS status indicator, if on file.")
    medicare_use_instead: str | None = Field(description="Code Medicare wants instead, if any.")
    units_per_day_limit: int | None = Field(
        default=None,
        description="Medicare's medically unlikely edit: most units of the code per patient per "
        "day, where on file (the row is in rule_data).",
    )
    notes: tuple[str, ...] = Field(description="Notes recorded with the rows.")
    missing: tuple[str, ...] = Field(description="What is not on file.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the code's facts in a few lines."""
        if self.status != "ok":
            return "; ".join(self.missing)
        timing = (
            f"timed, {self.unit_minutes} minutes per unit"
            if self.timed
            else f"untimed ({self.unit_basis or 'one unit'})"
        )
        lines = [f"{self.code}: {self.label} [{timing}]"]
        if self.addon_of:
            lines.append(f"add-on to {self.addon_of}")
        if self.addons:
            lines.append(f"further time goes on add-on {', '.join(self.addons)}")
        lines.append(
            f"billed by {'/'.join(self.disciplines)}; OT may bill: "
            f"{'yes' if self.ot_may_bill else 'no'}"
        )
        status = self.medicare_status or "not on file"
        lines.append(
            f"Medicare status: {status}"
            + (f" (use {self.medicare_use_instead})" if self.medicare_use_instead else "")
        )
        if self.units_per_day_limit is not None:
            lines.append(f"Medicare MUE: at most {self.units_per_day_limit} units per day")
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"source: {r.source} ({r.url})" for r in self.rule_data]
        return "\n".join(lines)


def lookup_code(request: CodeLookupRequest) -> CodeLookupResult:
    """Describe a CPT/HCPCS code an OT may bill: timed or untimed, unit length, add-ons, status.

    Use when someone asks what a code is, whether it is timed, how its units work, whether an OT
    can bill it, or how Medicare treats it (bundled, not recognised, active). Labels are the
    project's own short words, not AMA descriptor text.
    """
    table = codes()
    row = table.at(request.code, request.date_of_service)
    if row is None:
        return CodeLookupResult(
            status="indeterminate",
            code=request.code,
            label=None,
            family=None,
            timed=None,
            unit_minutes=None,
            unit_basis=None,
            addon_of=None,
            addons=(),
            disciplines=(),
            ot_may_bill=None,
            medicare_status=None,
            medicare_use_instead=None,
            notes=(),
            missing=(f"{request.code} is not in the OT code table for {request.date_of_service}",),
            rule_data=(),
        )
    refs = [table.ref(row)]
    notes = [row.note] if row.note else []
    status = medicare_status().at(row.key, request.date_of_service)
    if status is not None:
        refs.append(medicare_status().ref(status))
        if status.note:
            notes.append(status.note)
    addons = tuple(r.key for r in table.in_force(request.date_of_service) if r.addon_of == row.key)
    mue = mues().at(row.key, request.date_of_service)
    if mue is not None:
        refs.append(mues().ref(mue))
    return CodeLookupResult(
        status="ok",
        code=row.key,
        label=row.label,
        family=row.family,
        timed=row.timed,
        unit_minutes=row.unit_minutes,
        unit_basis=row.unit_basis or None,
        addon_of=row.addon_of,
        addons=addons,
        disciplines=row.disciplines,
        ot_may_bill=row.ot_may_bill,
        medicare_status=status.status if status else None,
        medicare_use_instead=status.use_instead if status else None,
        units_per_day_limit=mue.units if mue else None,
        notes=tuple(notes),
        missing=() if status else ("Medicare status not on file",),
        rule_data=tuple(refs),
    )


class ThresholdRequest(Request):
    """The year (by any date in it) whose Medicare therapy thresholds are wanted."""

    date_of_service: date = Field(default_factory=date.today, description="Any date in the year.")


class ThresholdResult(Frozen):
    """Medicare therapy thresholds in force on the date."""

    status: Status = Field(description="ok, or indeterminate when the year is not on file.")
    year: int = Field(description="Calendar year.")
    ot_kx_threshold: Decimal | None = Field(description="KX threshold for OT (USD).")
    pt_slp_kx_threshold: Decimal | None = Field(description="KX threshold for PT and SLP combined.")
    ot_review_threshold: Decimal | None = Field(
        description="Targeted medical review threshold, OT."
    )
    pt_slp_review_threshold: Decimal | None = Field(
        description="Targeted medical review threshold, PT and SLP combined."
    )
    previous_ot_kx_threshold: Decimal | None = Field(
        default=None,
        description="The OT KX threshold of the year before, when on file (its row is in "
        "rule_data).",
    )
    ot_kx_change: Decimal | None = Field(
        default=None,
        description="This year's OT KX threshold minus the year before's (USD), when both are "
        "on file.",
    )
    notes: tuple[str, ...] = Field(description="Notes and confirmation status of the values.")
    missing: tuple[str, ...] = Field(description="Values not on file for the year.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the thresholds with their sources."""
        if self.status != "ok":
            return "Not on file: " + "; ".join(self.missing)
        lines = [
            f"Medicare therapy thresholds for {self.year}:",
            f"  KX threshold, OT: ${self.ot_kx_threshold:,}",
            f"  KX threshold, PT and SLP combined: ${self.pt_slp_kx_threshold:,}",
        ]
        if self.ot_review_threshold is not None:
            lines.append(
                f"  targeted medical review threshold (each): ${self.ot_review_threshold:,}"
            )
        if self.previous_ot_kx_threshold is not None and self.ot_kx_change is not None:
            lines.append(
                f"  OT KX threshold in {self.year - 1}: ${self.previous_ot_kx_threshold:,} "
                f"(change {self.ot_kx_change:+,})"
            )
        lines += [f"  note: {n}" for n in self.notes]
        lines += [
            f"  source: {r.source} ({r.url})" for r in {x.url: x for x in self.rule_data}.values()
        ]
        return "\n".join(lines)


def get_therapy_thresholds(request: ThresholdRequest) -> ThresholdResult:
    """Give Medicare's outpatient therapy KX threshold and targeted-review threshold for a year.

    Use when someone asks for the KX modifier threshold ("therapy cap") or the $3,000 review
    threshold for a year. OT has its own amount, separate from PT and SLP combined.
    """
    table = kx_thresholds()
    when = request.date_of_service
    values: dict[str, Decimal | None] = {}
    refs: list[RuleRef] = []
    notes: list[str] = []
    missing: list[str] = []
    rows = {key: table.at(key, when) for key in ("OT", "PT_SLP", "MR_OT", "MR_PT_SLP")}
    for key, row in rows.items():
        values[key] = row.value if row else None
        if row is None:
            missing.append(f"{key} threshold for {when.year}")
            continue
        ref = table.ref(row)
        refs.append(ref)
        if ref.note:
            notes.append(f"{key}: {ref.note}")
    # "what did it go up from?": the OT row in force the year before, from the same table
    before = table.at("OT", date(when.year - 1, 12, 31))
    previous = change = None
    now = rows["OT"]
    if before is not None and now is not None and before != now:
        previous = before.value
        change = now.value - before.value
        if (ref := table.ref(before)) not in refs:
            refs.append(ref)
    return ThresholdResult(
        status="ok" if values["OT"] is not None else "indeterminate",
        year=when.year,
        ot_kx_threshold=values["OT"],
        pt_slp_kx_threshold=values["PT_SLP"],
        ot_review_threshold=values["MR_OT"],
        pt_slp_review_threshold=values["MR_PT_SLP"],
        previous_ot_kx_threshold=previous,
        ot_kx_change=change,
        notes=tuple(notes),
        missing=tuple(missing),
        rule_data=tuple(refs),
    )
