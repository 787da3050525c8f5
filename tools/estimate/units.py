"""Turn each line's minutes into units with the units tool (never re-counted here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from tools.errors import InvalidBillingInput
from tools.estimate.models import EstimateLine
from tools.estimate.money import Working
from tools.payers import PlanType
from tools.ruledata.tables import CountingMethod, codes
from tools.units import ServiceMinutes, UnitsRequest, calculate_units


@dataclass(frozen=True)
class LineUnits:
    """A request line with the units it is priced at."""

    index: int
    line: EstimateLine
    units: int | None
    how: str


def resolve_units(
    lines: tuple[EstimateLine, ...],
    dos: date,
    method: CountingMethod | None,
    plan_type: PlanType | None,
    work: Working,
) -> list[LineUnits]:
    """Units per line: given units as they are; minutes through `calculate_units`, per discipline.

    Minutes are pooled per discipline because each discipline bills under its own plan of care.
    A code listed twice (for example once with CO) must give its units: the units tool counts a
    code once per day and cannot split it between therapist and assistant.
    """
    table = codes()
    out: dict[int, LineUnits] = {}
    by_discipline: dict[str, list[int]] = defaultdict(list)
    seen: dict[tuple[str, str], int] = {}
    for i, line in enumerate(lines):
        if line.units is not None:
            how = "units as given"
            if line.minutes is not None:
                how += f" ({line.minutes} minutes not used to count them)"
            out[i] = LineUnits(i, line, line.units, how)
            continue
        row = table.at(line.code, dos)
        if row is None:
            raise InvalidBillingInput(
                f"lines[{i}].code",
                f"{line.code} is not in the OT code table for {dos}",
                "use a code such as 97110, 97530 or 97165 (`otbill codes` lists them), or give "
                "its units",
            )
        if not row.timed:
            out[i] = LineUnits(i, line, 1, "untimed code: one unit")
            continue
        if line.minutes is None:
            raise InvalidBillingInput(
                f"lines[{i}].minutes",
                f"{line.code} is a timed code and needs its minutes or its units",
                f"write {line.code}=MINUTES (e.g. {line.code}=38) or {line.code}=2u",
            )
        key = (line.discipline, line.code)
        if key in seen:
            raise InvalidBillingInput(
                f"lines[{i}]",
                f"{line.code} is listed twice for {line.discipline} with minutes",
                "give each line's units instead (e.g. 97110=1u and 97110-CO=1u); the units of one "
                "code cannot be split between therapist and assistant from minutes alone",
            )
        seen[key] = i
        by_discipline[line.discipline].append(i)
    for discipline, idx in by_discipline.items():
        if method is None and plan_type is None:
            raise InvalidBillingInput(
                "counting_method",
                "minutes were given, but no unit-counting method is known for these terms",
                "give --method cms or --method ama (from the payer's policy), or give units",
            )
        try:
            request = UnitsRequest(
                services=tuple(
                    ServiceMinutes(code=lines[i].code, minutes=lines[i].minutes) for i in idx
                ),
                method=method,
                plan_type=plan_type,
                date_of_service=dos,
            )
        except ValidationError as exc:  # e.g. more minutes than a day holds
            first = exc.errors()[0]
            raise InvalidBillingInput(
                "lines", str(first.get("msg", "invalid minutes")), "check the minutes"
            ) from None
        result = calculate_units(request)
        if result.status != "ok":
            work.need("units for " + ", ".join(lines[i].code for i in idx) + f" on {dos}")
            for i in idx:
                out[i] = LineUnits(i, lines[i], None, "; ".join(result.missing))
            continue
        for ref in result.rule_data:
            work.cite(ref)
        method_reason = result.method_reason
        parts = ", ".join(f"{lines[i].code} {lines[i].minutes} min" for i in idx)
        work.steps.append(
            f"Units ({discipline}, {method_reason}): {parts} -> "
            + ", ".join(f"{c} x{u}" for c, u in result.units_by_code.items())
            + f" (total timed minutes {result.total_timed_minutes})."
        )
        for warning in result.warnings:
            work.warn(warning)
        given = {lines[i].code: i for i in idx}
        for i in idx:
            n = result.units_by_code.get(lines[i].code, 0)
            how = f"{lines[i].minutes} min -> {n} ({(result.method or '').upper()} method)"
            out[i] = LineUnits(i, lines[i], n, how)
        for code, n in result.units_by_code.items():
            if code in given or n == 0:
                continue
            parent = next(
                (lines[i] for i in idx if same_family(lines[i].code, code, dos)), lines[idx[0]]
            )
            extra = EstimateLine(
                code=code, units=n, modifiers=parent.modifiers, discipline=parent.discipline
            )
            k = 1000 + len(out)
            out[k] = LineUnits(k, extra, n, f"from {parent.code}'s minutes (primary/add-on pair)")
    return [out[k] for k in sorted(out)]


def same_family(a: str, b: str, dos: date) -> bool:
    """Whether one of the two codes is the add-on of the other on `dos`."""
    row_a, row_b = codes().at(a, dos), codes().at(b, dos)
    return (row_a is not None and row_a.addon_of == b) or (
        row_b is not None and row_b.addon_of == a
    )
