"""Billable units for one date of service, by the CMS total-time method or the AMA per-code method.

CMS (Pub. 100-04 Ch. 5 s20.2): the day's total minutes of 15-minute timed codes set the total
number of timed units from the s20.2 table. Each code first gets its full 15-minute units; the
units still left go one at a time to the codes with the most minutes left over. This reproduces
every worked example in s20.2 (tests/tools/cases/cms_s20_2_examples.toml).

AMA (the CPT time convention): each timed code is counted on its own minutes; a unit is reached
once more than half of it has passed, and leftover minutes are never pooled across codes.

Both methods: untimed codes bill one unit whatever the minutes. Primary/add-on families (97129 +
97130, 97550 + 97551, 97545 + 97546) are counted as one service and split into the primary's first
unit and the add-on's further units. Families whose unit is not 15 minutes (caregiver training,
work hardening) are counted on their own by the CPT convention under both methods, because the
s20.2 table is written for 15-minute units.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pydantic import Field, model_validator

from tools.common import CptCode, Frozen, Request, RuleRef, Status
from tools.errors import InvalidBillingInput
from tools.payers import PlanType, match_payer
from tools.ruledata.loader import RuleTable
from tools.ruledata.tables import (
    CodeRow,
    CountingMethod,
    CountingMethodRow,
    UnitTableRow,
    codes,
    counting_methods,
    medicare_status,
    unit_table,
)

MAX_DAY_MINUTES = 24 * 60
MAX_ALTERNATIVES = 24

TIE_BREAK = (
    "When codes have equal minutes left over, the remaining unit goes to the code with more total "
    "minutes, then to the code listed first; the other choices are listed as equally valid."
)


class ServiceMinutes(Request):
    """Minutes of one service on the date of service."""

    code: CptCode = Field(description="CPT/HCPCS code, e.g. 97530.")
    minutes: int | None = Field(
        default=None,
        ge=0,
        le=MAX_DAY_MINUTES,
        description="Minutes of direct one-on-one treatment for this code; may be omitted for "
        "untimed codes such as evaluations.",
    )


class UnitsRequest(Request):
    """Minutes per code for one patient on one date of service."""

    services: tuple[ServiceMinutes, ...] = Field(
        min_length=1, max_length=40, description="Each code performed that day with its minutes."
    )
    method: CountingMethod | None = Field(
        default=None,
        description="cms (total timed minutes pooled, Medicare s20.2) or ama (each code on its own "
        "minutes). Leave empty to use the payer's method from the rule table.",
    )
    payer: str | None = Field(
        default=None, max_length=120, description="Payer name, e.g. 'Medicare' or 'Premera'."
    )
    plan_type: PlanType | None = Field(
        default=None, description="Plan type, used when the payer name is not in the table."
    )
    date_of_service: date = Field(
        default_factory=date.today, description="Date of service (selects the rule rows in force)."
    )

    @model_validator(mode="after")
    def _within_a_day(self) -> UnitsRequest:
        total = sum(s.minutes or 0 for s in self.services)
        if total > MAX_DAY_MINUTES:
            raise ValueError(
                f"the minutes add up to {total}, more than the {MAX_DAY_MINUTES} minutes in a day"
            )
        return self


class CodeUnits(Frozen):
    """Units of one code and how they were reached."""

    code: str = Field(description="CPT/HCPCS code.")
    label: str = Field(description="Short label (project's own words).")
    timed: bool = Field(description="Whether the code is timed.")
    minutes: int | None = Field(description="Minutes given for the code (summed if repeated).")
    units: int = Field(description="Units to bill for the code.")
    how: str = Field(description="How the units were reached, in plain words.")


class MethodSummary(Frozen):
    """The answer under the other counting method, for comparison."""

    method: CountingMethod = Field(description="The other method.")
    units_by_code: dict[str, int] = Field(description="Units per code under that method.")
    total_units: int = Field(description="Total units under that method.")


class UnitsResult(Frozen):
    """Units per code, with the working, the warnings and the rule rows used."""

    status: Status = Field(description="ok, or indeterminate when a method or data is missing.")
    date_of_service: date = Field(description="Date of service the rules were read for.")
    method: CountingMethod | None = Field(description="Counting method applied.")
    method_reason: str = Field(description="Why this method applies (payer, choice, assumption).")
    payer: str | None = Field(description="Payer name as given.")
    payer_id: str | None = Field(description="Payer row matched in the counting-method table.")
    units_by_code: dict[str, int] = Field(description="Units to bill per code.")
    lines: tuple[CodeUnits, ...] = Field(description="Per-code detail.")
    total_timed_minutes: int = Field(description="Minutes of timed codes counted for units.")
    timed_units: int | None = Field(description="Units of timed codes.")
    untimed_units: int | None = Field(description="Units of untimed codes (one each).")
    total_units: int | None = Field(description="All units billed; null when indeterminate.")
    working: tuple[str, ...] = Field(description="Each step of the calculation in plain words.")
    warnings: tuple[str, ...] = Field(description="Things to check before billing.")
    alternatives: tuple[dict[str, int], ...] = Field(
        description="Other allocations that are equally valid (ties are the clinician's choice)."
    )
    tie_break: str | None = Field(description="The rule used to pick among equal choices, if any.")
    other_method: MethodSummary | None = Field(description="Same minutes under the other method.")
    missing: tuple[str, ...] = Field(description="What is needed when the status is indeterminate.")
    rule_data: tuple[RuleRef, ...] = Field(description="Rule rows used, with sources and dates.")

    def to_text(self) -> str:
        """Render a readable table with the working."""
        out = [f"Units for {self.date_of_service} ({self.method_reason})"]
        if self.status != "ok":
            out.append("Cannot compute: " + "; ".join(self.missing))
            return "\n".join(out)
        out.append(f"{'code':<7}{'minutes':>8}{'units':>7}  label")
        for line in self.lines:
            mins = "-" if line.minutes is None else str(line.minutes)
            out.append(f"{line.code:<7}{mins:>8}{line.units:>7}  {line.label}")
        out.append(
            f"total timed minutes {self.total_timed_minutes}, timed units {self.timed_units}, "
            f"untimed units {self.untimed_units}, total units {self.total_units}"
        )
        out += ["", "Working:"] + [f"  {i}. {s}" for i, s in enumerate(self.working, 1)]
        if self.alternatives:
            alts = "; ".join(_fmt_alloc(a) for a in self.alternatives)
            out.append(f"Equally valid: {alts} ({self.tie_break})")
        if self.other_method and self.other_method.total_units != self.total_units:
            om = self.other_method
            out.append(
                f"Under the {om.method.upper()} method: {_fmt_alloc(om.units_by_code)} "
                f"({om.total_units} units)."
            )
        if self.warnings:
            out += ["", "Check:"] + [f"  - {w}" for w in self.warnings]
        out += ["", "Sources:"] + [
            f"  - {r.source} ({r.url})" for r in _unique_sources(self.rule_data)
        ]
        return "\n".join(out)


def _n(count: int, noun: str) -> str:
    """'1 unit', '3 units'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fmt_alloc(alloc: dict[str, int]) -> str:
    return ", ".join(f"{code} x{units}" for code, units in alloc.items())


def _unique_sources(refs: tuple[RuleRef, ...]) -> list[RuleRef]:
    return list({r.url: r for r in refs}.values())


@dataclass
class _Service:
    """One service of the day: a code, or a primary code with its add-on, and its minutes."""

    primary: CodeRow
    addon: CodeRow | None
    minutes: int | None
    order: int
    given: list[str] = field(default_factory=list)

    @property
    def pooled(self) -> bool:
        """Whether CMS pools its minutes: timed, in 15-minute units."""
        return self.primary.timed and self.primary.unit_minutes == 15


@dataclass
class _Working:
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refs: dict[tuple[str, str, date], RuleRef] = field(default_factory=dict)

    def cite(self, ref: RuleRef) -> None:
        self.refs.setdefault((ref.table, ref.key, ref.effective_from), ref)


def band_units(minutes: int, row: UnitTableRow) -> int:
    """Units for `minutes` under a 15-minute table row: the printed bands, extended past them."""
    if minutes < row.first_unit_minutes:
        return 0
    return 1 + (minutes - row.first_unit_minutes) // row.unit_minutes


def _midpoint_units(minutes: int, unit_minutes: int) -> int:
    """Units of a code whose unit is `unit_minutes` long: more than half of a unit earns it."""
    half = unit_minutes // 2 + 1
    return 0 if minutes < half else 1 + (minutes - half) // unit_minutes


def _family_units(svc: _Service) -> int:
    """Units of a non-pooled timed family: the primary's long first unit, then add-on units."""
    assert svc.minutes is not None
    assert svc.primary.unit_minutes is not None
    first = _midpoint_units(svc.minutes, svc.primary.unit_minutes)
    if first == 0 or svc.addon is None or svc.addon.unit_minutes is None:
        return min(first, 1) if svc.addon is not None else first
    rest = svc.minutes - svc.primary.unit_minutes
    return 1 + (_midpoint_units(rest, svc.addon.unit_minutes) if rest > 0 else 0)


def _collect(request: UnitsRequest, dos: date, work: _Working) -> list[_Service]:
    """Look every code up, merge repeats and join add-ons to their primary code."""
    table = codes()
    rows: dict[str, tuple[CodeRow, int | None, int]] = {}
    for i, entry in enumerate(request.services):
        row = table.at(entry.code, dos)
        if row is None:
            known = table.history(entry.code)
            if known:
                spans = ", ".join(
                    f"{r.effective_from} to {table.end_of(r) or 'now'}" for r in known
                )
                raise InvalidBillingInput(
                    f"services[{i}].code",
                    f"{entry.code} was not a valid code on {dos} (valid {spans})",
                    "use the code in force on the date of service",
                )
            raise InvalidBillingInput(
                f"services[{i}].code",
                f"{entry.code} is not in the OT code table",
                "use a PM&R or OT code such as 97110, 97530 or 97165; `otbill codes` lists them",
            )
        if row.timed and entry.minutes is None:
            raise InvalidBillingInput(
                f"services[{i}].minutes",
                f"{entry.code} is a timed code and needs its minutes",
                f"write it as {entry.code}=MINUTES",
            )
        work.cite(table.ref(row))
        if entry.code in rows:
            prev_row, prev_min, order = rows[entry.code]
            merged = (
                None
                if prev_min is None and entry.minutes is None
                else (prev_min or 0) + (entry.minutes or 0)
            )
            rows[entry.code] = (prev_row, merged, order)
            work.warnings.append(
                f"{entry.code} was listed more than once; its minutes were added together "
                f"({merged} min). Report each timed code on one line per date of service."
            )
        else:
            rows[entry.code] = (row, entry.minutes, i)

    services: dict[str, _Service] = {}
    for code, (row, minutes, order) in rows.items():
        primary_code = row.addon_of or code
        svc = services.get(primary_code)
        if svc is None:
            primary = row if row.addon_of is None else table.at(primary_code, dos)
            if primary is None:  # pragma: no cover - the code table links only codes it holds
                raise InvalidBillingInput(f"{code}", f"primary code {primary_code} not on file")
            addon = _addon_of(table, primary_code, dos)
            svc = _Service(primary=primary, addon=addon, minutes=None, order=order)
            services[primary_code] = svc
        svc.given.append(code)
        svc.order = min(svc.order, order)
        if minutes is not None:
            svc.minutes = (svc.minutes or 0) + minutes
    for svc in services.values():
        if (
            svc.addon is not None
            and svc.addon.key in svc.given
            and svc.primary.key not in svc.given
        ):
            work.warnings.append(
                f"{svc.addon.key} is an add-on to {svc.primary.key}: the first unit of this "
                f"service is reported as {svc.primary.key}, only further units as {svc.addon.key}."
            )
        if svc.addon is not None and len(svc.given) > 1:
            work.steps.append(
                f"{svc.primary.key} and its add-on {svc.addon.key} are one service: their minutes "
                f"are added ({svc.minutes} min) and split into a first unit and further units."
            )
    return sorted(services.values(), key=lambda s: s.order)


def _addon_of(table: RuleTable[CodeRow], primary: str, dos: date) -> CodeRow | None:
    for row in table.in_force(dos):
        if row.addon_of == primary:
            return row
    return None


def method_caveat(row: CountingMethodRow) -> str | None:
    """What a reader of a payer's counting-method row must know: its sources disagree, or only a
    secondary source or an incomplete policy gives it. None when the row is confirmed."""
    if row.conflict:
        return f"{row.name}: sources disagree on the counting method. {row.conflict}"
    if row.unconfirmed:
        return (
            f"The {row.method.upper()} method for {row.name} comes from a secondary source "
            f"or an incomplete policy; confirm it in your contract. {row.note}".strip()
        )
    return None


def _resolve_method(
    request: UnitsRequest, dos: date, work: _Working
) -> tuple[CountingMethod | None, str, CountingMethodRow | None]:
    """Pick the method: the caller's choice, else the payer's row, else say what is missing."""
    row = None
    if request.payer or request.plan_type:
        row = match_payer(counting_methods(), dos, name=request.payer, plan_type=request.plan_type)
    payer_label = request.payer or request.plan_type or ""
    if row is not None:
        work.cite(counting_methods().ref(row))
        caveat = method_caveat(row)
        if caveat:
            work.warnings.append(caveat)
    if request.method is not None:
        if row is not None and row.method != request.method:
            work.warnings.append(
                f"You chose the {request.method.upper()} method, but the rule table lists "
                f"{row.method.upper()} for {row.name}."
            )
        reason = f"{request.method.upper()} method chosen by the caller"
        if payer_label:
            reason += f" for {payer_label}"
        return request.method, reason, row
    if row is not None:
        how = "total timed minutes pooled" if row.method == "cms" else "each timed code on its own"
        return row.method, f"{row.name} uses the {row.method.upper()} method ({how})", row
    if payer_label:
        return None, f"no counting method on file for {payer_label!r}", None
    work.warnings.append(
        "No payer or method was given, so the CMS total-time method (Medicare's rule) was used. "
        "Many commercial payers count each code on its own (AMA method): give the payer or method."
    )
    return "cms", "no payer or method given: CMS total-time method assumed (Medicare's rule)", None


def _allocate_cms(
    pooled: list[_Service], row: UnitTableRow, work: _Working
) -> tuple[dict[str, int], list[dict[str, int]], bool]:
    """Spread the s20.2 total over the pooled services; return units, alternatives, tie flag."""
    total_minutes = sum(s.minutes or 0 for s in pooled)
    total_units = band_units(total_minutes, row)
    parts = " + ".join(f"{s.primary.key} {s.minutes}" for s in pooled)
    work.steps.append(f"Timed minutes: {parts} = {total_minutes} total timed minutes.")
    band = next(((lo, hi) for u, lo, hi in row.bands if lo <= total_minutes <= hi), None)
    where = (
        f"the {band[0]}-{band[1]} minute band" if band else "the table's pattern past 127 minutes"
    )
    work.steps.append(
        f"CMS total-time method: {total_minutes} total timed minutes fall in {where} of the s20.2 "
        f"table, so {_n(total_units, 'timed unit')} in all."
    )
    full = {s.primary.key: (s.minutes or 0) // row.unit_minutes for s in pooled}
    left = {s.primary.key: (s.minutes or 0) % row.unit_minutes for s in pooled}
    remaining = total_units - sum(full.values())
    desc = "; ".join(f"{k} {_n(full[k], 'full unit')}, {left[k]} min left" for k in full)
    work.steps.append(
        f"Full 15-minute units first: {desc}. That is {_n(sum(full.values()), 'unit')}; "
        f"{remaining} {'remains' if remaining == 1 else 'remain'}."
    )
    ranked = sorted(pooled, key=lambda s: (-left[s.primary.key], -(s.minutes or 0), s.order))
    winners = [s.primary.key for s in ranked[:remaining]]
    units = dict(full)
    for key in winners:
        units[key] += 1
    alternatives: list[dict[str, int]] = []
    tie = False
    if 0 < remaining < len(ranked):
        cut = left[ranked[remaining - 1].primary.key]
        tied = [s.primary.key for s in ranked if left[s.primary.key] == cut]
        if cut > 0 and len(tied) > sum(1 for k in winners if k in tied):
            tie = True
            fixed = [k for k in winners if k not in tied]
            take = remaining - len(fixed)
            for combo in itertools.combinations(tied, take):
                alt = dict(full)
                for key in (*fixed, *combo):
                    alt[key] += 1
                if alt != units:
                    alternatives.append(alt)
                if len(alternatives) >= MAX_ALTERNATIVES:
                    break
    if remaining:
        who = ", ".join(f"{k} ({left[k]} min)" for k in winners)
        rule = "the code(s) with the most minutes left over"
        goes = "goes" if remaining == 1 else "go"
        work.steps.append(f"The {_n(remaining, 'remaining unit')} {goes} to {rule}: {who}.")
        if tie:
            work.steps.append(
                f"Several codes have {cut} minutes left over, so the choice is the clinician's: "
                + TIE_BREAK
            )
    return units, alternatives, tie


def _split(svc: _Service, units: int) -> dict[str, int]:
    """Split a service's units between its primary code (first unit) and its add-on (the rest)."""
    if svc.addon is None:
        return {svc.primary.key: units}
    return {svc.primary.key: min(units, 1), svc.addon.key: max(units - 1, 0)}


def _compute(
    method: CountingMethod, services: list[_Service], dos: date, work: _Working
) -> tuple[dict[str, int], list[dict[str, int]], bool, int]:
    """Units per code under one method; also the alternatives, the tie flag and timed minutes."""
    row = unit_table().require(method, dos)
    work.cite(unit_table().ref(row))
    pooled = [s for s in services if s.pooled]
    own = [s for s in services if s.primary.timed and not s.pooled]
    per_service: dict[str, int] = {}
    alternatives: list[dict[str, int]] = []
    tie = False
    if pooled and method == "cms":
        per_service, alt_services, tie = _allocate_cms(pooled, row, work)
        alternatives = [
            {k: v for s in services for k, v in _split(s, alt.get(s.primary.key, 0)).items()}
            for alt in alt_services
        ]
    elif pooled:
        for s in pooled:
            n = band_units(s.minutes or 0, row)
            per_service[s.primary.key] = n
            work.steps.append(
                f"AMA per-code method: {s.primary.key} on its own {s.minutes} minutes gives "
                f"{_n(n, 'unit')} (8 minutes earn the first unit, then one per 15)."
            )
    for s in own:
        n = _family_units(s)
        per_service[s.primary.key] = n
        unit = s.primary.unit_minutes
        assert unit is not None  # counted on its own only when the code has a unit length
        work.steps.append(
            f"{s.primary.key} has a {unit}-minute unit, so it is counted on its own by the CPT "
            f"midpoint convention (more than half a unit earns it, so at least "
            f"{unit // 2 + 1} minutes for the first): {s.minutes} minutes give "
            f"{_n(n, 'unit')} in all."
        )
    for s in services:
        if not s.primary.timed:
            per_service[s.primary.key] = 1
    units: dict[str, int] = {}
    for s in services:
        units.update(_split(s, per_service[s.primary.key]))
    timed_minutes = sum(s.minutes or 0 for s in services if s.primary.timed)
    return units, alternatives, tie, timed_minutes


@lru_cache(maxsize=8)
def code_table_start(version: str) -> date:  # noqa: ARG001 - the table version keys the cache
    """First date the code table covers (before it, units are indeterminate)."""
    return min(r.effective_from for r in codes().rows)


def calculate_units(request: UnitsRequest) -> UnitsResult:
    """Compute billable units per code for one date of service under the 8-minute rule.

    Use when someone gives treatment minutes per code (e.g. 97110 33 minutes, 97140 7 minutes)
    and asks how many units to bill. Applies the payer's counting method from the rule table (CMS
    total-time pooling for Medicare and federal programs; AMA per-code for payers that say so), or
    the method the caller names. Untimed codes bill one unit. Returns the working step by step,
    warnings, equally valid allocations when minutes tie, and the sources used.
    """
    dos = request.date_of_service
    work = _Working()
    table_start = code_table_start(codes().version)
    services = [] if dos < table_start else _collect(request, dos, work)
    method, reason, payer_row = _resolve_method(request, dos, work)
    missing: list[str] = []
    if dos < table_start:
        missing.append(f"rule data for dates before {table_start} (the code table starts there)")
    if method is None:
        missing.append(
            f"a counting method for {request.payer or request.plan_type!r}: choose cms (total "
            "minutes pooled, as Medicare) or ama (each code on its own), from the payer's policy"
        )
    elif unit_table().at(method, dos) is None:
        missing.append(f"the {method.upper()} unit table for {dos}")
    if missing:
        return UnitsResult(
            status="indeterminate",
            date_of_service=dos,
            method=method,
            method_reason=reason,
            payer=request.payer,
            payer_id=payer_row.key if payer_row else None,
            units_by_code={},
            lines=(),
            total_timed_minutes=sum(s.minutes or 0 for s in services if s.primary.timed),
            timed_units=None,
            untimed_units=None,
            total_units=None,
            working=tuple(work.steps),
            warnings=tuple(work.warnings),
            alternatives=(),
            tie_break=None,
            other_method=None,
            missing=tuple(missing),
            rule_data=tuple(work.refs.values()),
        )
    assert method is not None
    units, alternatives, tie, timed_minutes = _compute(method, services, dos, work)
    other: MethodSummary | None = None
    other_name: CountingMethod = "ama" if method == "cms" else "cms"
    if unit_table().at(other_name, dos) is not None:
        other_units, _, _, _ = _compute(other_name, services, dos, _Working())
        other = MethodSummary(
            method=other_name, units_by_code=other_units, total_units=sum(other_units.values())
        )
    _warn(services, units, method, dos, request, work)
    lines = tuple(line for s in services for line in _line(s, units, method))
    timed_units = sum(u for c, u in units.items() if _is_timed(c, services))
    untimed_units = sum(units.values()) - timed_units
    work.steps.append(
        "Result: " + _fmt_alloc(units) + f" ({_n(sum(units.values()), 'unit')} in all)."
    )
    return UnitsResult(
        status="ok",
        date_of_service=dos,
        method=method,
        method_reason=reason,
        payer=request.payer,
        payer_id=payer_row.key if payer_row else None,
        units_by_code=units,
        lines=lines,
        total_timed_minutes=timed_minutes,
        timed_units=timed_units,
        untimed_units=untimed_units,
        total_units=sum(units.values()),
        working=tuple(work.steps),
        warnings=tuple(work.warnings),
        alternatives=tuple(alternatives),
        tie_break=TIE_BREAK if tie else None,
        other_method=other,
        missing=(),
        rule_data=tuple(work.refs.values()),
    )


def _is_timed(code: str, services: list[_Service]) -> bool:
    for s in services:
        if code == s.primary.key:
            return s.primary.timed
        if s.addon is not None and code == s.addon.key:
            return s.addon.timed
    return False


def _line(svc: _Service, units: dict[str, int], method: CountingMethod) -> tuple[CodeUnits, ...]:
    rows = [svc.primary] + ([svc.addon] if svc.addon is not None else [])
    out = []
    for row in rows:
        n = units.get(row.key, 0)
        if not row.timed:
            how = "untimed code: one unit whatever the time"
        elif svc.addon is not None:
            how = (
                "first unit of the service"
                if row is svc.primary
                else "further units of the service"
            )
        elif method == "cms" and svc.pooled:
            how = "share of the day's pooled timed units"
        else:
            how = "counted on its own minutes"
        minutes = svc.minutes if row is svc.primary else None
        out.append(
            CodeUnits(
                code=row.key, label=row.label, timed=row.timed, minutes=minutes, units=n, how=how
            )
        )
    return tuple(out)


def _warn(
    services: list[_Service],
    units: dict[str, int],
    method: CountingMethod,
    dos: date,
    request: UnitsRequest,
    work: _Working,
) -> None:
    """Add the warnings a biller should see before sending the claim."""
    status_table = medicare_status()
    medicare_like = (request.plan_type in {"medicare", "medicare_advantage"}) or (
        request.payer is not None and "medicare" in request.payer.lower()
    )
    for svc in services:
        got = units.get(svc.primary.key, 0) + (units.get(svc.addon.key, 0) if svc.addon else 0)
        if svc.primary.timed and (svc.minutes or 0) > 0 and got == 0:
            if method == "cms" and svc.pooled:
                why = "the day's total timed minutes did not leave a unit for it"
            else:
                why = "its minutes are below the first unit's threshold"
            work.warnings.append(
                f"{svc.primary.key}: its {svc.minutes} minutes earned no unit ({why}). Record the "
                "minutes in the treatment note, but do not bill a unit."
            )
        if svc.primary.timed and svc.minutes == 0:
            work.warnings.append(f"{svc.primary.key} has 0 minutes: nothing to bill for it.")
        if not svc.primary.timed and svc.minutes:
            work.warnings.append(
                f"{svc.primary.key} is untimed: its {svc.minutes} minutes do not change the single "
                "unit and do not count toward total timed minutes (record them as treatment time)."
            )
        for row in [svc.primary] + ([svc.addon] if svc.addon else []):
            if not row.ot_may_bill:
                work.warnings.append(f"{row.key} ({row.label}): {row.note}")
            status = status_table.at(row.key, dos)
            if status is None:
                continue
            work.cite(status_table.ref(status))
            who = "Medicare" if medicare_like else "Medicare (and payers that follow it)"
            if status.status == "B":
                work.warnings.append(
                    f"{row.key} is bundled for {who}: report it if your payer wants it, but it is "
                    "never paid separately."
                )
            elif status.status == "I" and status.use_instead:
                work.warnings.append(
                    f"{who} does not accept {row.key}; report {status.use_instead} instead."
                )
    pooled_minutes = sum(s.minutes or 0 for s in services if s.pooled)
    pooled_units = sum(units.get(k, 0) for s in services if s.pooled for k in _split(s, 0))
    if pooled_units and pooled_minutes / pooled_units < 15:
        avg = pooled_minutes / pooled_units
        work.warnings.append(
            f"The timed units average {avg:.1f} minutes each. CMS expects timed units to average "
            "15 minutes; routinely billing less per unit can draw medical review (s20.2)."
        )
