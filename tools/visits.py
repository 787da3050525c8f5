"""Convert between visits and 15-minute units on a pre-authorization.

Payers approve therapy either in visits (dates of service, whatever their length) or in units
(15-minute timed units). Families and front desks need the conversion: "20 units is five one-hour
sessions". A session's units come from the same s20.2 table the units tool uses: for one timed
code, or for pooled codes under the CMS method, a session of M timed minutes bills table(M) units.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from tools.common import Frozen, Request, RuleRef, Status
from tools.payers import match_payer
from tools.ruledata.tables import counting_methods, unit_table
from tools.units import MAX_DAY_MINUTES, band_units, method_caveat


class VisitsRequest(Request):
    """An authorization in units or in visits, and the length of a session."""

    session_minutes: int = Field(
        ge=1, le=MAX_DAY_MINUTES, description="Timed treatment minutes in one session, e.g. 60."
    )
    units: int | None = Field(
        default=None, ge=1, le=10_000, description="Units approved; give this or visits."
    )
    visits: int | None = Field(
        default=None, ge=1, le=1_000, description="Visits (sessions) approved; give this or units."
    )
    date_of_service: date = Field(
        default_factory=date.today, description="Date the sessions happen (selects the unit table)."
    )
    payer: str | None = Field(
        default=None,
        max_length=120,
        description="Payer name, e.g. 'Premera'; adds how that payer counts units when split "
        "over several codes, from the counting-method table.",
    )

    @model_validator(mode="after")
    def _one_of(self) -> VisitsRequest:
        if (self.units is None) == (self.visits is None):
            raise ValueError("give exactly one of units or visits")
        return self


class VisitsResult(Frozen):
    """Units per visit and how far the authorization reaches, with the arithmetic shown."""

    status: Status = Field(description="ok, or indeterminate when no unit table is in force.")
    session_minutes: int = Field(description="Timed minutes per session.")
    units_per_visit: int | None = Field(description="15-minute units one session bills.")
    unit_minutes: int | None = Field(
        default=None, description="Minutes in one timed unit, from the unit table (15)."
    )
    first_unit_minutes: int | None = Field(
        default=None, description="Fewest timed minutes that bill one unit, from the table (8)."
    )
    units: int | None = Field(description="Units approved (given), or needed for the visits given.")
    visits: int | None = Field(
        description="Full sessions the units cover (given units), or the visits given."
    )
    leftover_units: int | None = Field(
        description="Units left after the full sessions (given units); 0 otherwise."
    )
    leftover_minutes: tuple[int, int] | None = Field(
        description="Range of minutes the leftover units support in one shorter session."
    )
    working: tuple[str, ...] = Field(description="The arithmetic in plain words.")
    notes: tuple[str, ...] = Field(
        description="What to watch for on a visit or unit authorization."
    )
    payer_method: str | None = Field(
        default=None,
        description="How the payer given counts units over several codes (counting-method "
        "table), or that no method is on file; empty when no payer was given.",
    )
    missing: tuple[str, ...] = Field(description="What is needed when indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used.")

    def to_text(self) -> str:
        """Render the answer and its arithmetic."""
        if self.status != "ok":
            return "Cannot compute: " + "; ".join(self.missing)
        lines = [
            f"A {self.session_minutes}-minute session bills {self.units_per_visit} unit(s).",
            f"units: {self.units}  visits: {self.visits}  leftover units: {self.leftover_units}",
            "",
            "Working:",
            *(f"  {i}. {s}" for i, s in enumerate(self.working, 1)),
            "",
            "Notes:",
            *(f"  - {n}" for n in self.notes),
        ]
        if self.payer_method:
            lines += ["", f"Payer: {self.payer_method}"]
        return "\n".join(lines)


def _payer_method(payer: str, dos: date, first_unit: int) -> tuple[str, list[RuleRef]]:
    """Say how the payer counts a session split over codes: a per-code (AMA) payer can bill a
    different total than the pooled table, and one with no method on file must be asked."""
    methods = counting_methods()
    row = match_payer(methods, dos, name=payer)
    if row is None:
        return (
            f"No counting method is on file for {payer}. These units pool the session's "
            "minutes, as Medicare does; if the payer counts each code on its own minutes, a "
            "session split over several codes can bill a different total. Ask the payer which "
            "method it uses.",
            [],
        )
    if row.method == "cms":
        text = (
            f"{row.name} is listed with the CMS total-time method (the day's timed minutes "
            "pooled), so these units hold however the session is split over codes."
        )
    else:
        text = (
            f"{row.name} counts each timed code on its own minutes (AMA per-code method). These "
            "units hold when the session is one code; split over several codes, each code "
            f"earns units from its own minutes ({first_unit} or more for a unit), so the total can "
            "differ."
        )
    caveat = method_caveat(row)
    if caveat:
        text += f" {caveat}"
    return text, [methods.ref(row)]


def _minutes_for(units: int, first: int, unit: int) -> tuple[int, int]:
    """Range of timed minutes that bills exactly `units` units."""
    low = first + (units - 1) * unit
    return low, low + unit - 1


def convert_visits(request: VisitsRequest) -> VisitsResult:
    """Convert a therapy authorization between units and visits for a given session length.

    Use when a parent or front desk asks how many sessions an authorization in units covers
    ("20 units of OT at one hour a week?") or how many units a number of visits needs. One session
    of M timed minutes bills the units the CMS s20.2 table gives for M (60 minutes = 4 units).
    """
    table = unit_table()
    row = table.at("cms", request.date_of_service)
    if row is None:
        return VisitsResult(
            status="indeterminate",
            session_minutes=request.session_minutes,
            units_per_visit=None,
            units=request.units,
            visits=request.visits,
            leftover_units=None,
            leftover_minutes=None,
            working=(),
            notes=(),
            missing=(f"the unit table in force on {request.date_of_service}",),
            rule_data=(),
        )
    per = band_units(request.session_minutes, row)
    m = request.session_minutes
    # "billed 3 units for 50 minutes, is that a mistake?": the band shows where 4 starts
    band = _minutes_for(per, row.first_unit_minutes, row.unit_minutes) if per else None
    working = [
        f"A session of {m} timed minutes bills {per} unit(s) under the s20.2 table"
        + (f", which gives {per} for {band[0]} to {band[1]} minutes." if band else ".")
    ]
    notes = [
        "An authorization in visits counts each date of service as one visit, however long it is.",
        "An authorization in units counts 15-minute units: a longer session uses more of it.",
        "Evaluations are untimed (one unit each); ask whether the payer counts them against the "
        "same authorization.",
    ]
    refs = [table.ref(row)]
    payer_method = None
    if request.payer:
        payer_method, method_refs = _payer_method(
            request.payer, request.date_of_service, row.first_unit_minutes
        )
        refs += method_refs
    leftover: tuple[int, int] | None = None
    if per == 0:
        units, visits = request.units, (0 if request.units is not None else request.visits)
        leftover_units = request.units or 0
        working.append("A session this short bills no timed unit.")
    elif request.units is not None:
        full, rest = divmod(request.units, per)
        working.append(
            f"{request.units} units / {per} units per session = {full} full session(s)"
            + (f", with {rest} unit(s) left over." if rest else ", nothing left over.")
        )
        leftover = _minutes_for(rest, row.first_unit_minutes, row.unit_minutes) if rest else None
        if leftover:
            working.append(
                f"The {rest} leftover unit(s) cover one shorter session of {leftover[0]}-"
                f"{leftover[1]} timed minutes."
            )
        units, visits, leftover_units = request.units, full, rest
    else:
        assert request.visits is not None
        units, visits, leftover_units = request.visits * per, request.visits, 0
        working.append(f"{request.visits} session(s) x {per} units = {units} units needed.")
    return VisitsResult(
        status="ok",
        session_minutes=m,
        units_per_visit=per,
        units=units,
        visits=visits,
        leftover_units=leftover_units,
        leftover_minutes=leftover,
        working=tuple(working),
        notes=tuple(notes),
        missing=(),
        rule_data=tuple(refs),
        payer_method=payer_method,
        unit_minutes=row.unit_minutes,
        first_unit_minutes=row.first_unit_minutes,
    )
