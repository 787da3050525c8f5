"""The claim validator: every catalog rule run over one claim, each finding with its fix and source.

Rules are functions over a prepared `_Ctx`; which plan types a rule runs for comes from the
catalog table, not from code. Payer-specific values (filing limits, counting methods, thresholds)
come from the rule tables for the date of service. Where the data a rule needs is missing, the
rule records what it could not check in ``not_checked`` instead of passing silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from tools.claims import icd10
from tools.claims.models import (
    Claim,
    ClaimResult,
    ClaimStatus,
    Finding,
)
from tools.common import RuleRef
from tools.errors import InvalidBillingInput
from tools.payers import PlanType, match_payer, normalize_name
from tools.ruledata.claims_tables import (
    ClaimRuleRow,
    MueRow,
    NcciPairRow,
    PlaceOfServiceRow,
    claim_rules,
    mues,
    ncci_pairs,
    places_of_service,
    telehealth_periods,
    timely_filing,
)
from tools.ruledata.loader import RuleRow, RuleTable
from tools.ruledata.tables import (
    CodeRow,
    CountingMethod,
    MedicareStatusRow,
    assistant_modifiers,
    codes,
    counting_methods,
    kx_thresholds,
    medicare_status,
    plan_of_care_rules,
    unit_table,
)
from tools.units import (
    ServiceMinutes,
    UnitsRequest,
    UnitsResult,
    calculate_units,
    code_table_start,
)

DISCIPLINE_MODIFIER = {"OT": "GO", "OTA": "GO", "PT": "GP", "PTA": "GP", "SLP": "GN"}
DISTINCT_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
TELEHEALTH_MODIFIERS = frozenset({"95", "GT"})
_DISCIPLINE_SET = frozenset(DISCIPLINE_MODIFIER.values())
EVAL_CODES = frozenset({"97165", "97166", "97167", "97168"})
NEAR_DAYS = 30
# Caches keyed by a date hold one entry per (key, day) a batch meets; a year of dates for every
# payer and plan type fits, so a long batch does not evict what it will need again.
_DAY_CACHE = 32768
_NPI_RE = re.compile(r"^\d{10}$")


class _Line:
    """A service line's fields copied out of the pydantic model once per claim. Rules read each
    field several times; on a plain class (compiled: a C struct) a read costs a fraction of a
    read through pydantic's attribute hook."""

    __slots__ = (
        "assistant_minutes",
        "charge",
        "cpt",
        "date_of_service",
        "diagnosis_pointers",
        "minutes",
        "modifiers",
        "units",
    )

    def __init__(self, fields: dict[str, Any]) -> None:
        self.date_of_service: date = fields["date_of_service"]
        self.cpt: str = fields["cpt"]
        self.modifiers: tuple[str, ...] = fields["modifiers"]
        self.units: int = fields["units"]
        self.minutes: int | None = fields["minutes"]
        self.diagnosis_pointers: tuple[int, ...] = fields["diagnosis_pointers"]
        self.charge: Decimal = fields["charge"]
        self.assistant_minutes: int = fields["assistant_minutes"]


class _Ctx:
    """One claim read once: every rule takes its per-line codes, modifier sets, dates and table
    rows from here instead of re-deriving them (the rules' main cost in a batch)."""

    __slots__ = (
        "claim",
        "code_rows",
        "codes",
        "dates",
        "days",
        "discipline",
        "lines",
        "memo",
        "mods",
        "not_checked",
        "payer_key",
        "plan",
    )

    def __init__(self, claim: Claim) -> None:
        # `__dict__` is read once per line instead of each field through pydantic's hook.
        lines = [_Line(ln.__dict__) for ln in claim.lines]
        self.claim = claim
        self.lines = lines
        self.plan: str = claim.payer.plan_type
        self.discipline: str = claim.rendering_provider.discipline
        days: list[date] = []
        codes: list[str] = []
        mods: list[frozenset[str]] = []
        rows: list[CodeRow | None] = []
        for ln in lines:
            day = ln.date_of_service
            code, mod_set, row = _line_view(ln.cpt, ln.modifiers, day)
            days.append(day)
            codes.append(code)
            mods.append(mod_set)
            rows.append(row)
        self.days = days
        self.codes = codes
        self.mods = mods
        self.code_rows = rows
        self.dates = sorted(set(days)) if len(days) > 1 else days
        self.payer_key = _payer_key_for(claim.payer.name, self.dates[0])
        self.not_checked: list[str] = []
        # Results two or more rules share (units, KX state, filing, ...), computed on first use.
        self.memo: dict[str, Any] = {}


_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], **values: Any) -> _M:
    """An instance built from values the validator produced itself, with every field given.

    It sets the same four slots as ``model_construct`` but skips its per-field default and alias
    pass, which cost more than all the rules of a clean claim; tests check both agree. It lives
    here, beside its only callers, so that it is compiled with them.
    """
    obj = cls.__new__(cls)
    setter = object.__setattr__
    setter(obj, "__dict__", values)
    setter(obj, "__pydantic_fields_set__", set(values))
    setter(obj, "__pydantic_extra__", None)
    setter(obj, "__pydantic_private__", None)
    return obj


Rule = Callable[[_Ctx], list[Finding]]
RULES: dict[str, Rule] = {}


def _rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn

    return register


@lru_cache(maxsize=256)
def _cat(rule_id: str) -> tuple[ClaimRuleRow, RuleRef]:
    table = claim_rules()
    row = table.history(rule_id)[-1]
    return row, table.ref(row)


def _finding(
    rule_id: str,
    message: str,
    fix: str,
    *,
    line: int | None = None,
    field_path: str = "",
    refs: tuple[RuleRef, ...] = (),
    severity: str | None = None,
) -> Finding:
    row, ref = _cat(rule_id)
    # Built from checked values only, so skip re-validation (it was a third of a finding's cost).
    return trusted(
        Finding,
        rule_id=rule_id,
        severity=severity or row.severity,
        message=message,
        fix=fix,
        line=line,
        field=field_path or ("" if line is None else f"lines[{line}]"),
        references=(ref, *refs),
    )


@lru_cache(maxsize=65536)
def npi_valid(npi: str) -> bool:
    """Luhn check digit over the NPI with the 80840 card-issuer prefix (ISO/IEC 7812)."""
    if not _NPI_RE.match(npi):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@lru_cache(maxsize=4096)
def _mod_set(modifiers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(m.strip().upper() for m in modifiers)


@lru_cache(maxsize=4096)
def _norm_code(cpt: str) -> str:
    return cpt.strip().upper()


@lru_cache(maxsize=_DAY_CACHE)
def _code_row_at(code: str, day: date) -> CodeRow | None:
    return codes().at(code, day)


@lru_cache(maxsize=_DAY_CACHE)
def _line_view(
    cpt: str, modifiers: tuple[str, ...], day: date
) -> tuple[str, frozenset[str], CodeRow | None]:
    """A line's normalised code, modifier set and code-table row, in one cached look-up."""
    code = _norm_code(cpt)
    return code, _mod_set(modifiers), _code_row_at(code, day)


# ---- provider, patient and dates -------------------------------------------------------------


@_rule("NPI_INVALID")
def _npi(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for path, npi in (
        ("billing_provider.npi", ctx.claim.billing_provider.npi),
        ("rendering_provider.npi", ctx.claim.rendering_provider.npi),
    ):
        if not npi:
            out.append(
                _finding(
                    "NPI_INVALID", f"{path} is empty.", "Enter the 10-digit NPI.", field_path=path
                )
            )
        elif not npi_valid(npi):
            out.append(
                _finding(
                    "NPI_INVALID",
                    f"{path} {npi!r} is not a valid NPI (10 digits with a Luhn check digit).",
                    "Copy the NPI from NPPES; a typo usually breaks the check digit.",
                    field_path=path,
                )
            )
    return out


@_rule("PATIENT_INFO_MISSING")
def _patient(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    p = ctx.claim.patient
    for name in ("member_id", "first_name", "last_name", "sex"):
        if not getattr(p, name):
            out.append(
                _finding(
                    "PATIENT_INFO_MISSING",
                    f"patient.{name} is empty.",
                    f"Enter the patient's {name.replace('_', ' ')} exactly as on the insurance "
                    "card.",
                    field_path=f"patient.{name}",
                )
            )
    return out


@_rule("DOS_IN_FUTURE")
def _future(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for i, ln in enumerate(ctx.lines):
        if ln.date_of_service > ctx.claim.submitted_on:
            out.append(
                _finding(
                    "DOS_IN_FUTURE",
                    f"Date of service {ln.date_of_service} is after the submission date "
                    f"{ctx.claim.submitted_on}.",
                    "Bill services only after they are furnished; correct the date if it is a "
                    "typo.",
                    line=i,
                    field_path=f"lines[{i}].date_of_service",
                )
            )
    return out


@_rule("DOS_BEFORE_BIRTH")
def _before_birth(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    dob = ctx.claim.patient.date_of_birth
    for i, ln in enumerate(ctx.lines):
        if ln.date_of_service < dob:
            out.append(
                _finding(
                    "DOS_BEFORE_BIRTH",
                    f"Date of service {ln.date_of_service} is before the date of birth {dob}.",
                    "Check the date of birth and the date of service.",
                    line=i,
                    field_path=f"lines[{i}].date_of_service",
                )
            )
    return out


@_rule("POS_INVALID")
def _pos(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    pos = ctx.claim.place_of_service
    for when in ctx.dates[:1]:
        if _pos_row(pos, when) is None:
            out.append(
                _finding(
                    "POS_INVALID",
                    f"Place of service {pos!r} is not a valid two-digit code on {when}.",
                    "Use the two-digit code, e.g. 11 office, 12 home, 02/10 telehealth.",
                    field_path="place_of_service",
                )
            )
    return out


# ---- diagnoses -------------------------------------------------------------------------------


@_rule("DX_MISSING")
def _dx_missing(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    if not ctx.claim.diagnoses:
        out.append(
            _finding(
                "DX_MISSING",
                "The claim has no diagnosis code.",
                "Add the ICD-10-CM codes that support the therapy, the treating diagnosis first.",
                field_path="diagnoses",
            )
        )
        return out
    for i, ln in enumerate(ctx.lines):
        if not ln.diagnosis_pointers:
            out.append(
                _finding(
                    "DX_MISSING",
                    f"Line {i + 1} ({ln.cpt}) points to no diagnosis.",
                    "Set the line's diagnosis pointer (1 = first diagnosis on the claim).",
                    line=i,
                    field_path=f"lines[{i}].diagnosis_pointers",
                )
            )
    return out


@_rule("DX_POINTER_INVALID")
def _dx_pointer(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    n = len(ctx.claim.diagnoses)
    for i, ln in enumerate(ctx.lines):
        bad = [p for p in ln.diagnosis_pointers if not 1 <= p <= n]
        if bad and n:
            out.append(
                _finding(
                    "DX_POINTER_INVALID",
                    f"Line {i + 1} points to diagnosis {bad} but the claim lists {n}.",
                    f"Use pointers between 1 and {n}.",
                    line=i,
                    field_path=f"lines[{i}].diagnosis_pointers",
                )
            )
        if len(ln.diagnosis_pointers) > 4:
            out.append(
                _finding(
                    "DX_POINTER_INVALID",
                    f"Line {i + 1} has {len(ln.diagnosis_pointers)} diagnosis pointers; a "
                    "professional claim line takes at most 4.",
                    "Keep the four diagnoses that best support the line.",
                    line=i,
                    field_path=f"lines[{i}].diagnosis_pointers",
                )
            )
    return out


@_rule("ICD10_INVALID")
def _icd_invalid(ctx: _Ctx) -> list[Finding]:
    return _icd_findings(ctx.claim.diagnoses, _code_set_covers(ctx.dates[0]))[0]


@_rule("ICD10_NOT_BILLABLE")
def _icd_header(ctx: _Ctx) -> list[Finding]:
    return _icd_findings(ctx.claim.diagnoses, _code_set_covers(ctx.dates[0]))[1]


@lru_cache(maxsize=1)
def _code_set_release() -> str:
    return icd10.code_set().release


@lru_cache(maxsize=_DAY_CACHE)
def _code_set_covers(day: date) -> bool:
    return icd10.code_set().covers(day)


@lru_cache(maxsize=16384)
def _icd_findings(
    diagnoses: tuple[str, ...], in_range: bool
) -> tuple[list[Finding], list[Finding]]:
    """Unknown codes and category (header) codes in a diagnosis list. The findings depend on the
    list alone, and practices bill the same few diagnoses, so a batch looks each list up once.
    Callers must not modify the returned lists."""
    codeset = icd10.code_set()
    note = (
        ""
        if in_range
        else f" (checked against the {codeset.release} code set, which is in force "
        f"{codeset.effective_from} to {codeset.effective_to}; the date of service is outside it)"
    )
    severity = None if in_range else "warning"
    invalid: list[Finding] = []
    header: list[Finding] = []
    for k, raw in enumerate(diagnoses):
        status = codeset.status(raw)
        if status is None:
            invalid.append(
                _finding(
                    "ICD10_INVALID",
                    f"Diagnosis {raw!r} is not an ICD-10-CM code{note}.",
                    "Look the code up in the ICD-10-CM index and tabular list; check for typos "
                    "(letter O versus digit 0, I versus 1).",
                    field_path=f"diagnoses[{k}]",
                    severity=severity,
                )
            )
        elif status == "H":
            header.append(
                _finding(
                    "ICD10_NOT_BILLABLE",
                    f"Diagnosis {raw!r} is a category, not a billable code{note}: it needs more "
                    "characters (a subcategory or 7th character).",
                    f"Pick the most specific code under {icd10.with_dot(raw)}.",
                    field_path=f"diagnoses[{k}]",
                    severity=severity,
                )
            )
    return invalid, header


# ---- codes, units and modifiers --------------------------------------------------------------


@_rule("CPT_UNKNOWN")
def _cpt(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for i, (ln, row) in enumerate(zip(ctx.lines, ctx.code_rows, strict=True)):
        if row is None:
            out.append(
                _finding(
                    "CPT_UNKNOWN",
                    f"Line {i + 1}: {ln.cpt!r} is not a code in the OT code table for "
                    f"{ln.date_of_service}.",
                    "Check the code; OT services are usually 97xxx (e.g. 97530, 97110, 97165).",
                    line=i,
                    field_path=f"lines[{i}].cpt",
                )
            )
    return out


@_rule("CHARGE_INVALID")
def _charge(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for i, ln in enumerate(ctx.lines):
        if ln.charge <= 0:
            out.append(
                _finding(
                    "CHARGE_INVALID",
                    f"Line {i + 1} charge is {ln.charge}; a billed line needs a positive charge.",
                    "Enter your usual charge for the code (not the expected payment).",
                    line=i,
                    field_path=f"lines[{i}].charge",
                )
            )
    return out


@_rule("UNTIMED_UNITS")
def _untimed(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for i, (ln, row) in enumerate(zip(ctx.lines, ctx.code_rows, strict=True)):
        if row is not None and not row.timed and ln.units > 1:
            out.append(
                _finding(
                    "UNTIMED_UNITS",
                    f"Line {i + 1}: {ln.cpt} is untimed (one unit per session) but bills "
                    f"{ln.units}.",
                    f"Bill {ln.cpt} with 1 unit whatever the minutes.",
                    line=i,
                    field_path=f"lines[{i}].units",
                    refs=(codes().ref(row),),
                )
            )
    return out


@lru_cache(maxsize=_DAY_CACHE)
def _epoch(day: date) -> date:
    """The first day of the span of dates on which the units tool's tables read the same as on
    `day`: units computed for it hold for `day`, so a batch shares one cached answer per span."""
    bounds = [date.min]
    for table in (codes(), unit_table(), counting_methods()):
        for row in table.rows:
            bounds.append(row.effective_from)
            if row.effective_to is not None:
                bounds.append(row.effective_to + timedelta(days=1))
    return max(b for b in bounds if b <= day)


@lru_cache(maxsize=8192)
def _units_basis(
    key: tuple[tuple[str, int], ...], payer: str, plan_type: PlanType, day: date
) -> tuple[str, UnitsResult]:
    """How the units tool counted for this payer, and its result (for a finding's wording and
    references; only claims with a units finding need it)."""
    services = tuple(ServiceMinutes(code=code, minutes=minutes) for code, minutes in key)
    result = calculate_units(
        UnitsRequest(
            services=services, payer=payer or None, plan_type=plan_type, date_of_service=day
        )
    )
    if result.status == "indeterminate":
        return "both methods, because the payer's counting method is not in the table", result
    return f"{result.method} method ({result.method_reason})", result


@lru_cache(maxsize=_DAY_CACHE)
def _method_for(payer: str, plan_type: PlanType, epoch: date) -> CountingMethod | None:
    """The counting method the units tool picks for this payer on this span of dates (None when
    the table has no row for it, and the tool would answer indeterminate)."""
    if not payer and not plan_type:
        method: CountingMethod = "cms"
    else:
        row = match_payer(counting_methods(), epoch, name=payer or None, plan_type=plan_type)
        if row is None:
            return None
        method = row.method
    # Where the method's own unit table is missing the tool is indeterminate too.
    if epoch < code_table_start(codes().version) or unit_table().at(method, epoch) is None:
        return None
    return method


@lru_cache(maxsize=8192)
def _method_span(
    key: tuple[tuple[str, int], ...], method: CountingMethod | None, epoch: date
) -> dict[str, tuple[int, int]]:
    """Fewest and most units per code that the minutes support under a method (both methods when
    it is None). The payer only picks the method, so payers sharing one share this answer."""
    services = tuple(ServiceMinutes(code=code, minutes=minutes) for code, minutes in key)
    span: dict[str, tuple[int, int]] = {}
    for m in ("cms", "ama") if method is None else (method,):
        res = calculate_units(UnitsRequest(services=services, method=m, date_of_service=epoch))
        allocations = [res.units_by_code, *res.alternatives]
        for code in res.units_by_code:
            values = [a.get(code, 0) for a in allocations]
            lo, hi = span.get(code, (min(values), max(values)))
            span[code] = (min(lo, *values), max(hi, *values))
    return span


@lru_cache(maxsize=_DAY_CACHE)
def _units_off(
    key: tuple[tuple[str, int], ...],
    billed_units: tuple[tuple[str, int], ...],
    method: CountingMethod | None,
    epoch: date,
) -> tuple[tuple[int, str, int, int, int], ...]:
    """Codes whose billed units fall outside what the minutes support on one day:
    (position of the code's first line among the day's timed lines, code, billed, fewest, most)."""
    span = _method_span(key, method, epoch)
    billed: dict[str, int] = {}
    first: dict[str, int] = {}
    for pos, (code, units) in enumerate(billed_units):
        billed[code] = billed.get(code, 0) + units
        first.setdefault(code, pos)
    off = []
    for code, n in billed.items():
        lo, hi = span.get(code, (0, 0))
        if n > hi or n < lo:
            off.append((first[code], code, n, lo, hi))
    return tuple(off)


@_rule("UNITS_EXCEED_MINUTES")
def _units_exceed(ctx: _Ctx) -> list[Finding]:
    return _units_check(ctx)[0]


@_rule("UNITS_BELOW_MINUTES")
def _units_below(ctx: _Ctx) -> list[Finding]:
    return _units_check(ctx)[1]


def _units_check(ctx: _Ctx) -> tuple[list[Finding], list[Finding]]:
    """Both unit rules' findings (too many, too few) from one pass over the claim's days."""
    got: tuple[list[Finding], list[Finding]] | None = ctx.memo.get("units")
    if got is not None:
        return got
    exceed: list[Finding] = []
    below: list[Finding] = []
    ctx.memo["units"] = (exceed, below)
    lines, rows, days = ctx.lines, ctx.code_rows, ctx.days
    for day in ctx.dates:
        timed = [
            i
            for i in range(len(lines))
            if days[i] == day and (row := rows[i]) is not None and row.timed
        ]
        if not timed:
            continue
        missing = [i for i in timed if lines[i].minutes is None]
        if missing:
            for i in missing:
                below.append(
                    _finding(
                        "UNITS_BELOW_MINUTES",
                        f"Line {i + 1}: {lines[i].cpt} is timed but no minutes are given, so "
                        "its units cannot be checked.",
                        "Give the documented treatment minutes for every timed line.",
                        line=i,
                        field_path=f"lines[{i}].minutes",
                        severity="warning",
                    )
                )
            ctx.not_checked.append(f"units against minutes on {day}: minutes missing")
            continue
        key = tuple((lines[i].cpt, lines[i].minutes or 0) for i in timed)
        epoch = _epoch(day)
        payer = ctx.claim.payer
        try:
            off = _units_off(
                key,
                tuple([(ctx.codes[i], lines[i].units) for i in timed]),
                _method_for(payer.name, payer.plan_type, epoch),
                epoch,
            )
        except (InvalidBillingInput, ValueError) as exc:
            ctx.not_checked.append(f"units against minutes on {day}: {exc}")
            continue
        if not off:
            continue
        how, result = _units_basis(key, payer.name, payer.plan_type, epoch)
        refs = result.rule_data[:2]
        for pos, code, n, lo, hi in off:
            i = timed[pos]
            if n > hi:
                exceed.append(
                    _finding(
                        "UNITS_EXCEED_MINUTES",
                        f"{code} on {day} bills {n} unit(s) but the minutes support at most {hi} "
                        f"under {how}.",
                        f"Bill {hi} unit(s) of {code}, or document the minutes that support more.",
                        line=i,
                        field_path=f"lines[{i}].units",
                        refs=refs,
                    )
                )
            else:
                below.append(
                    _finding(
                        "UNITS_BELOW_MINUTES",
                        f"{code} on {day} bills {n} unit(s) but the minutes support {lo} under "
                        f"{how}.",
                        f"Check whether {lo} unit(s) of {code} should be billed.",
                        line=i,
                        field_path=f"lines[{i}].units",
                        refs=refs,
                    )
                )
    return exceed, below


@_rule("MUE_EXCEEDED")
def _mue(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    per_day: dict[tuple[date, str], int] = {}
    first: dict[tuple[date, str], int] = {}
    for i, key in enumerate(zip(ctx.days, ctx.codes, strict=True)):
        per_day[key] = per_day.get(key, 0) + ctx.lines[i].units
        first.setdefault(key, i)
    for (day, code), n in per_day.items():
        row = _mue_at(code, day)
        if row is None:
            if ctx.code_rows[first[(day, code)]] is not None:
                ctx.not_checked.append(f"MUE for {code} on {day}: no value in the table")
            continue
        if n > row.units:
            out.append(
                _finding(
                    "MUE_EXCEEDED",
                    f"{code} on {day}: {n} units, more than its MUE of {row.units} per day.",
                    "Bill no more than the MUE; if more was truly furnished, expect a denial and "
                    "appeal with records (an ABN cannot shift MUE denials to the patient).",
                    line=first[(day, code)],
                    field_path=f"lines[{first[(day, code)]}].units",
                    refs=(mues().ref(row),),
                    severity="warning" if row.unconfirmed else None,
                )
            )
    return out


@_rule("EVAL_MULTIPLE")
def _eval_multiple(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    if EVAL_CODES.isdisjoint(ctx.codes):
        return out
    per_day: dict[date, list[int]] = defaultdict(list)
    for i, (ln, code) in enumerate(zip(ctx.lines, ctx.codes, strict=True)):
        if code in EVAL_CODES:
            per_day[ln.date_of_service] += [i] * max(ln.units, 1)
    for day, idx in per_day.items():
        if len(idx) > 1:
            out.append(
                _finding(
                    "EVAL_MULTIPLE",
                    f"{len(idx)} OT evaluation/re-evaluation units on {day}; only one is allowed "
                    "per day.",
                    "Keep the one evaluation or re-evaluation that was done (one unit).",
                    line=idx[1],
                    field_path=f"lines[{idx[1]}].cpt",
                )
            )
    return out


@_rule("NCCI_MODIFIER_REQUIRED")
def _ncci_mod(ctx: _Ctx) -> list[Finding]:
    return _ncci(ctx, indicator=1)


@_rule("NCCI_NOT_ALLOWED")
def _ncci_never(ctx: _Ctx) -> list[Finding]:
    return _ncci(ctx, indicator=0)


@lru_cache(maxsize=8192)
def _pairs_on(
    version: str,  # noqa: ARG001 - part of the cache key: a new table must not hit old entries
    codes_on_day: frozenset[str],
    day: date,
) -> tuple[tuple[str, str, NcciPairRow], ...]:
    """NCCI pairs among the codes billed on one day (cached per table version: batches repeat
    code sets)."""
    table = ncci_pairs()
    found = []
    for c1 in codes_on_day:
        for c2 in codes_on_day:
            row = table.at(f"{c1}|{c2}", day)
            if row is not None:
                found.append((c1, c2, row))
    return tuple(found)


def _ncci(ctx: _Ctx, *, indicator: int) -> list[Finding]:
    out: list[Finding] = []
    table = ncci_pairs()
    for day in ctx.dates:
        on_day = {
            c: i for i, (c, d) in enumerate(zip(ctx.codes, ctx.days, strict=True)) if d == day
        }
        if len(on_day) < 2:
            continue
        for c1, c2, row in _pairs_on(table.version, frozenset(on_day), day):
            j = on_day[c2]
            if row.modifier_indicator != indicator:
                continue
            if indicator == 0:
                out.append(
                    _finding(
                        "NCCI_NOT_ALLOWED",
                        f"{c2} is never paid with {c1} on the same day (NCCI indicator 0).",
                        f"Remove {c2}, or bill it on its own date if it was truly separate.",
                        line=j,
                        field_path=f"lines[{j}].cpt",
                        refs=(table.ref(row),),
                    )
                )
            elif not (ctx.mods[j] & DISTINCT_MODIFIERS):
                out.append(
                    _finding(
                        "NCCI_MODIFIER_REQUIRED",
                        f"{c1} and {c2} on {day} form an NCCI pair; {c2} (column 2) is denied "
                        "without 59 or XU.",
                        f"If the services were in separate 15-minute intervals, add 59 (or XU) to "
                        f"{c2} and document the times; otherwise drop {c2}.",
                        line=j,
                        field_path=f"lines[{j}].modifiers",
                        refs=(table.ref(row),),
                        severity="warning" if row.unconfirmed else None,
                    )
                )
    return out


@_rule("BUNDLED_CODE")
def _bundled(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    for i, ln in enumerate(ctx.lines):
        row = _status_at(ctx.codes[i], ln.date_of_service)
        if row is not None and row.status in ("B", "I"):
            what = "bundled (status B)" if row.status == "B" else "not valid for Medicare (I)"
            instead = f" Bill {row.use_instead} instead." if row.use_instead else ""
            out.append(
                _finding(
                    "BUNDLED_CODE",
                    f"Line {i + 1}: Medicare treats {ln.cpt} as {what}; it is not paid separately."
                    + instead,
                    "Remove the line or replace it with the code Medicare pays." + instead,
                    line=i,
                    field_path=f"lines[{i}].cpt",
                    refs=(medicare_status().ref(row),),
                )
            )
    return out


@_rule("GO_MODIFIER_MISSING")
def _go(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    if ctx.claim.rendering_provider.discipline not in ("OT", "OTA"):
        return out
    for i, (ln, row) in enumerate(zip(ctx.lines, ctx.code_rows, strict=True)):
        if row is not None and "GO" not in ctx.mods[i]:
            out.append(
                _finding(
                    "GO_MODIFIER_MISSING",
                    f"Line {i + 1} ({ln.cpt}) lacks GO: every service under an OT plan of care "
                    "needs it.",
                    "Add modifier GO to the line.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                )
            )
    return out


@_rule("DISCIPLINE_MODIFIER_MISMATCH")
def _discipline(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    want = DISCIPLINE_MODIFIER[ctx.discipline]
    for i, mods in enumerate(ctx.mods):
        if mods.isdisjoint(_DISCIPLINE_SET):
            continue
        found = mods & _DISCIPLINE_SET
        if len(found) > 1 or (found and want not in found):
            out.append(
                _finding(
                    "DISCIPLINE_MODIFIER_MISMATCH",
                    f"Line {i + 1} carries {'/'.join(sorted(found))} but the rendering "
                    f"discipline is {ctx.discipline} ({want}).",
                    f"Use only {want} on lines under this discipline's plan of care.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                )
            )
    return out


def _ot_lines(ctx: _Ctx) -> list[int]:
    ot = ctx.discipline in ("OT", "OTA")
    return [
        i for i, row in enumerate(ctx.code_rows) if row is not None and (ot or "GO" in ctx.mods[i])
    ]


def _kx_state(ctx: _Ctx) -> tuple[str, RuleRef | None, Decimal | None]:
    """'over', 'crossing', 'under' or 'unknown', with the threshold row and amount."""
    got: tuple[str, RuleRef | None, Decimal | None] | None = ctx.memo.get("kx")
    if got is None:
        got = ctx.memo["kx"] = _kx_compute(ctx)
    return got


def _kx_compute(ctx: _Ctx) -> tuple[str, RuleRef | None, Decimal | None]:
    day = ctx.dates[0]
    threshold = _kx_threshold(day)
    if threshold is None:
        ctx.not_checked.append(f"KX threshold: no OT threshold in the table for {day.year}")
        return "unknown", None, None
    amount, ref = threshold
    ytd = ctx.claim.context.ytd_ot_allowed
    if ytd is None:
        ctx.not_checked.append("KX threshold: context.ytd_ot_allowed not given")
        return "unknown", ref, amount
    if ytd >= amount:
        return "over", ref, amount
    lines = ctx.lines
    if ytd + sum((lines[i].charge for i in _ot_lines(ctx)), Decimal(0)) > amount:
        return "crossing", ref, amount
    return "under", ref, amount


@lru_cache(maxsize=_DAY_CACHE)
def _kx_threshold(day: date) -> tuple[Decimal, RuleRef] | None:
    """The OT KX threshold in force on `day`, with its source."""
    table = kx_thresholds()
    row = table.at("OT", day)
    return (row.value, table.ref(row)) if row else None


@_rule("KX_MODIFIER_REQUIRED")
def _kx_required(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    state, ref, amount = _kx_state(ctx)
    if state not in ("over", "crossing") or ref is None:
        return out
    for i in _ot_lines(ctx):
        if "KX" not in ctx.mods[i]:
            out.append(
                _finding(
                    "KX_MODIFIER_REQUIRED",
                    f"Line {i + 1}: the patient's OT total for the year "
                    + ("has reached" if state == "over" else "may pass on this claim")
                    + f" the ${amount} KX threshold, so the line needs KX.",
                    "Add KX if the care is medically necessary and the record says why; without KX "
                    "the line is denied.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                    refs=(ref,),
                    severity=None if state == "over" else "warning",
                )
            )
    return out


@_rule("KX_NOT_SUPPORTED")
def _kx_not_supported(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    with_kx = [i for i, ln in enumerate(ctx.lines) if "KX" in ctx.mods[i]]
    if not with_kx:
        return out
    if ctx.plan != "medicare":
        for i in with_kx:
            out.append(
                _finding(
                    "KX_NOT_SUPPORTED",
                    f"Line {i + 1} carries KX, the Medicare therapy-threshold modifier, on a "
                    f"{ctx.plan} claim.",
                    "Remove KX unless this payer's policy asks for it.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                )
            )
        return out
    state, ref, amount = _kx_state(ctx)
    if state == "under" and ref is not None:
        for i in with_kx:
            out.append(
                _finding(
                    "KX_NOT_SUPPORTED",
                    f"Line {i + 1} carries KX but the year's OT total stays under the ${amount} "
                    "threshold.",
                    "Remove KX until the threshold is reached (it attests the care above it is "
                    "medically necessary).",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                    refs=(ref,),
                )
            )
    return out


@_rule("ASSISTANT_MODIFIER_MISSING")
def _assistant_missing(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    table = assistant_modifiers()
    by_ota = ctx.discipline == "OTA"
    implied_go = ctx.discipline in ("OT", "OTA")
    for i, ln in enumerate(ctx.lines):
        mods = ctx.mods[i]
        if (not by_ota and not ln.assistant_minutes) or "CO" in mods:
            continue
        if not (implied_go or "GO" in mods):
            continue
        row = table.at("CO", ln.date_of_service)
        if row is None:
            continue
        share = (
            Decimal(ln.assistant_minutes) * 100 / Decimal(ln.minutes) if ln.minutes else Decimal(0)
        )
        if by_ota or share > row.de_minimis_percent:
            why = (
                "the rendering provider is an OTA"
                if by_ota
                else f"an OTA furnished {ln.assistant_minutes} of {ln.minutes} minutes "
                f"({share:.0f}%, over the {row.de_minimis_percent}% de minimis)"
            )
            out.append(
                _finding(
                    "ASSISTANT_MODIFIER_MISSING",
                    f"Line {i + 1} needs CO: {why}.",
                    "Add CO; Medicare pays CO lines at 85% of the fee schedule.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                    refs=(table.ref(row),),
                )
            )
    return out


@_rule("ASSISTANT_MODIFIER_MISMATCH")
def _assistant_mismatch(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    discipline = ctx.claim.rendering_provider.discipline
    for i, ln in enumerate(ctx.lines):
        mods = ctx.mods[i]
        problem = ""
        if "CQ" in mods and (discipline in ("OT", "OTA") or "GO" in mods):
            problem = "CQ marks a physical therapist assistant; an OT line uses CO"
        elif "CO" in mods and "GP" in mods:
            problem = "CO (OTA) is on a GP (physical therapy) line"
        elif "CO" in mods and discipline in ("PT", "PTA", "SLP"):
            problem = f"CO (OTA) is on a line rendered by a {discipline}"
        elif "CO" in mods and discipline == "OT" and ln.assistant_minutes == 0:
            problem = "CO is on a line with no assistant minutes recorded"
        if problem:
            out.append(
                _finding(
                    "ASSISTANT_MODIFIER_MISMATCH",
                    f"Line {i + 1}: {problem}.",
                    "Use CO on OT lines an OTA furnished in whole or in part (over 10% of the "
                    "minutes), CQ only on PT lines; otherwise remove it.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                )
            )
    return out


# ---- telehealth ------------------------------------------------------------------------------


def _telehealth_lines(ctx: _Ctx) -> list[int]:
    got: list[int] | None = ctx.memo.get("tele")
    if got is None:
        tele_pos = _is_telehealth_pos(ctx.claim.place_of_service, ctx.dates[0])
        got = ctx.memo["tele"] = [
            i
            for i, mods in enumerate(ctx.mods)
            if tele_pos or not mods.isdisjoint(TELEHEALTH_MODIFIERS)
        ]
    return got


@lru_cache(maxsize=_DAY_CACHE)
def _pos_row(pos: str, day: date) -> PlaceOfServiceRow | None:
    return places_of_service().at(pos, day)


@lru_cache(maxsize=_DAY_CACHE)
def _mue_at(code: str, day: date) -> MueRow | None:
    return mues().at(code, day)


@lru_cache(maxsize=_DAY_CACHE)
def _status_at(code: str, day: date) -> MedicareStatusRow | None:
    return medicare_status().at(code, day)


def _is_telehealth_pos(pos: str, day: date) -> bool:
    row = _pos_row(pos, day)
    return row is not None and row.telehealth


@_rule("TELEHEALTH_MODIFIER_MISSING")
def _tele_mod(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    pos = ctx.claim.place_of_service
    for i in _telehealth_lines(ctx):
        if pos not in ("02", "10"):
            out.append(
                _finding(
                    "TELEHEALTH_MODIFIER_MISSING",
                    f"Line {i + 1} carries a telehealth modifier but the place of service is "
                    f"{pos!r}.",
                    "On professional claims, use POS 10 (patient at home) or 02 (elsewhere).",
                    line=i,
                    field_path="place_of_service",
                )
            )
        elif ctx.plan not in ("medicare",) and not (ctx.mods[i] & TELEHEALTH_MODIFIERS):
            out.append(
                _finding(
                    "TELEHEALTH_MODIFIER_MISSING",
                    f"Line {i + 1} is telehealth (POS {pos}) without modifier 95; many commercial "
                    "and Medicaid plans require it.",
                    "Add 95 (audio-video) if the payer's telehealth policy asks for it.",
                    line=i,
                    field_path=f"lines[{i}].modifiers",
                )
            )
    return out


@_rule("TELEHEALTH_NOT_COVERED")
def _tele_covered(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    table = telehealth_periods()
    for i in _telehealth_lines(ctx):
        ln = ctx.lines[i]
        row = table.at("OT", ln.date_of_service)
        if row is None or not row.covered:
            out.append(
                _finding(
                    "TELEHEALTH_NOT_COVERED",
                    f"Line {i + 1}: "
                    + (
                        f"no Medicare OT telehealth coverage is recorded for {ln.date_of_service}."
                        if row is None
                        else f"Medicare did not pay OT telehealth on {ln.date_of_service}."
                    ),
                    "Hold the claim and check whether Congress extended the telehealth "
                    "flexibilities for therapists for this date; otherwise see the patient in "
                    "person.",
                    line=i,
                    field_path=f"lines[{i}].date_of_service",
                    refs=(table.ref(row),) if row else (),
                )
            )
    return out


# ---- filing, duplicates, authorization and plan of care -------------------------------------


@lru_cache(maxsize=_DAY_CACHE)
def _filing_lookup(
    payer_name: str, payer_key: str | None, plan: str, network: str, day: date
) -> tuple[RuleTable[RuleRow], RuleRow | None]:
    table = timely_filing()
    name = normalize_name(payer_name)
    named = [
        k for k in dict.fromkeys(key.split(":")[0] for key in table.all_keys()) if f" {k} " in name
    ]
    keys = [f"{k}:{n}" for k in named for n in (network, "any")] + [
        f"{k}:{n}" for k in (payer_key, plan) if k for n in (network, "any")
    ]
    for key in keys:
        row = table.at(key, day)
        if row is not None:
            return table, row  # type: ignore[return-value]
    return table, None  # type: ignore[return-value]


_FILING_RULES = ("TIMELY_FILING_EXCEEDED", "TIMELY_FILING_NEAR", "TIMELY_FILING_UNKNOWN")


def _filing(ctx: _Ctx) -> dict[str, list[Finding]]:
    """The three timely-filing rules' findings from one look-up of the payer's limit."""
    got: dict[str, list[Finding]] | None = ctx.memo.get("filing")
    if got is not None:
        return got
    out: dict[str, list[Finding]] = {r: [] for r in _FILING_RULES}
    ctx.memo["filing"] = out
    payer = ctx.claim.payer
    table, row = _filing_lookup(payer.name, ctx.payer_key, ctx.plan, payer.network, ctx.dates[0])
    if row is None:
        out["TIMELY_FILING_UNKNOWN"].append(
            _finding(
                "TIMELY_FILING_UNKNOWN",
                f"No timely-filing limit is recorded for {payer.name or ctx.plan} "
                f"({'in-network' if payer.network == 'in' else 'out-of-network'}); the deadline "
                "could not be checked.",
                "Check the limit in your contract or the payer's provider manual (often 90-180 "
                "days for commercial plans) and file well before it.",
                field_path="payer",
            )
        )
        return out
    days = int(getattr(row, "days"))  # noqa: B009 - row is a TimelyFilingRow
    submitted = ctx.claim.submitted_on
    for day in ctx.dates:
        left = (day - submitted).days + days
        if left > NEAR_DAYS:
            continue
        deadline = day + timedelta(days=days)
        if left < 0:
            out["TIMELY_FILING_EXCEEDED"].append(
                _finding(
                    "TIMELY_FILING_EXCEEDED",
                    f"Date of service {day} had to be filed within {days} days (by {deadline}); "
                    f"the claim is {-left} day(s) late.",
                    "Late claims are denied (Medicare CO-29, no appeal). File only with proof of "
                    "an exception (e.g. a payer or administrative error).",
                    field_path="submitted_on",
                    refs=(table.ref(row),),
                )
            )
        else:
            out["TIMELY_FILING_NEAR"].append(
                _finding(
                    "TIMELY_FILING_NEAR",
                    f"Date of service {day} must be filed by {deadline} ({left} day(s) left).",
                    "Submit now and keep the acceptance report as proof of timely filing.",
                    field_path="submitted_on",
                    refs=(table.ref(row),),
                )
            )
    return out


for _rid in _FILING_RULES:
    RULES[_rid] = lambda ctx, _r=_rid: _filing(ctx)[_r]  # type: ignore[misc]


def line_key(day: date, cpt: str, modifiers: tuple[str, ...]) -> tuple[date, str, tuple[str, ...]]:
    """What makes two lines the same service for duplicate detection."""
    return day, _norm_code(cpt), _mod_key(modifiers)


def batch_duplicates(
    claim: Claim, seen: dict[tuple[str, tuple[date, str, tuple[str, ...]]], str]
) -> list[Finding]:
    """DUPLICATE_LINE findings for lines an earlier claim of the same batch already has (same
    member, date, code and modifiers); records this claim's lines in `seen`."""
    extra: list[Finding] = []
    member = claim.patient.member_id
    claim_id = claim.claim_id
    for i, ln in enumerate(claim.lines):
        key = (member, line_key(ln.date_of_service, ln.cpt, ln.modifiers))
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = claim_id
        elif earlier != claim_id:
            extra.append(
                _finding(
                    "DUPLICATE_LINE",
                    f"Line {i + 1} ({ln.cpt} on {ln.date_of_service}) is also on claim {earlier} "
                    "in this batch.",
                    "Send the service once; drop it from one of the claims.",
                    line=i,
                )
            )
    return extra


@lru_cache(maxsize=4096)
def _mod_key(modifiers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(m.strip().upper() for m in modifiers))


@_rule("DUPLICATE_LINE")
def _duplicates(ctx: _Ctx) -> list[Finding]:
    lines = ctx.lines
    previous = ctx.claim.context.previously_billed
    # Lines whose modifier *sets* differ cannot share a key: most claims stop here.
    if not previous and len(set(zip(ctx.days, ctx.codes, ctx.mods, strict=True))) == len(lines):
        return []
    keys = [
        (day, code, _mod_key(ln.modifiers))
        for day, code, ln in zip(ctx.days, ctx.codes, lines, strict=True)
    ]
    out: list[Finding] = []
    seen: dict[tuple[date, str, tuple[str, ...]], int] = {}
    earlier = {line_key(p.date_of_service, p.cpt, p.modifiers): p.claim_id for p in previous}
    for i, (ln, key) in enumerate(zip(lines, keys, strict=True)):
        if key in seen:
            out.append(
                _finding(
                    "DUPLICATE_LINE",
                    f"Line {i + 1} repeats line {seen[key] + 1} ({ln.cpt} on "
                    f"{ln.date_of_service}).",
                    "Put all units of a code on one line, or add the modifier that shows why it "
                    "was repeated.",
                    line=i,
                )
            )
        elif key in earlier:
            out.append(
                _finding(
                    "DUPLICATE_LINE",
                    f"Line {i + 1} ({ln.cpt} on {ln.date_of_service}) was already billed on claim "
                    f"{earlier[key] or '(earlier claim)'}.",
                    "Do not rebill; send a corrected claim (frequency code 7) if the first was "
                    "wrong.",
                    line=i,
                )
            )
        seen.setdefault(key, i)
    return out


@_rule("PRIOR_AUTH_MISSING")
def _auth_missing(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    auth = ctx.claim.context.prior_authorization
    if auth is not None and auth.required and not auth.number:
        out.append(
            _finding(
                "PRIOR_AUTH_MISSING",
                "The plan requires prior authorization but no authorization number is given.",
                "Get the authorization (or its number) before billing; services without one are "
                "usually denied and often cannot be billed to the patient.",
                field_path="context.prior_authorization.number",
            )
        )
    return out


@_rule("AUTH_EXHAUSTED")
def _auth_exhausted(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    auth = ctx.claim.context.prior_authorization
    if auth is None:
        return out
    visits = len(ctx.dates)
    units = sum(ln.units for ln in ctx.lines)
    if auth.visits_approved is not None and auth.visits_used + visits > auth.visits_approved:
        out.append(
            _finding(
                "AUTH_EXHAUSTED",
                f"Visits: {auth.visits_used} used + {visits} on this claim > "
                f"{auth.visits_approved} approved.",
                "Request more visits before these dates of service (a visit is one session, "
                "whatever its units).",
                field_path="context.prior_authorization.visits_approved",
            )
        )
    if auth.units_approved is not None and auth.units_used + units > auth.units_approved:
        out.append(
            _finding(
                "AUTH_EXHAUSTED",
                f"Units: {auth.units_used} used + {units} on this claim > {auth.units_approved} "
                "approved.",
                "Request more units; a 45-minute visit often bills 3 units.",
                field_path="context.prior_authorization.units_approved",
            )
        )
    return out


@_rule("AUTH_EXPIRED")
def _auth_expired(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    auth = ctx.claim.context.prior_authorization
    if auth is None:
        return out
    for i, ln in enumerate(ctx.lines):
        d = ln.date_of_service
        if (auth.start and d < auth.start) or (auth.end and d > auth.end):
            out.append(
                _finding(
                    "AUTH_EXPIRED",
                    f"Line {i + 1}: {d} is outside the authorization ({auth.start} to {auth.end}).",
                    "Ask the payer to extend or backdate the authorization, or bill the dates it "
                    "covers.",
                    line=i,
                    field_path=f"lines[{i}].date_of_service",
                )
            )
    return out


@lru_cache(maxsize=_DAY_CACHE)
def _poc_days(key: str, day: date) -> tuple[int, RuleRef] | None:
    table = plan_of_care_rules()
    row = table.at(key, day)
    return (int(row.value), table.ref(row)) if row else None


@_rule("POC_CERT_MISSING")
def _poc_missing(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    poc = ctx.claim.context.plan_of_care
    if poc is None:
        ctx.not_checked.append("plan-of-care certification: context.plan_of_care not given")
        return out
    if poc.certified_on is not None:
        return out
    got = _poc_days("initial_certification_days", poc.start)
    if got is None:
        return out
    days, ref = got
    last = max(ctx.dates)
    if (last - poc.start).days > days:
        out.append(
            _finding(
                "POC_CERT_MISSING",
                f"The plan of care started {poc.start} and is still not certified "
                f"{(last - poc.start).days} days later (limit {days}).",
                "Get the physician/NPP signature (or a documented verbal order) on the plan of "
                "care; a late certification needs the reason for the delay.",
                field_path="context.plan_of_care.certified_on",
                refs=(ref,),
            )
        )
    return out


@_rule("POC_CERT_LATE")
def _poc_late(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    poc = ctx.claim.context.plan_of_care
    if poc is None or poc.certified_on is None:
        return out
    got = _poc_days("initial_certification_days", poc.start)
    if got is None:
        return out
    days, ref = got
    late = (poc.certified_on - poc.start).days
    if late > days:
        out.append(
            _finding(
                "POC_CERT_LATE",
                f"The plan of care was certified {late} days after treatment began (limit {days}).",
                "Keep the documented reason for the delayed certification in the record.",
                field_path="context.plan_of_care.certified_on",
                refs=(ref,),
            )
        )
    return out


@_rule("POC_EXPIRED")
def _poc_expired(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    poc = ctx.claim.context.plan_of_care
    if poc is None:
        return out
    got = _poc_days("recertification_days", poc.start)
    limit = poc.end
    if got is not None:
        cap = poc.start + timedelta(days=got[0] - 1)
        limit = min(limit, cap) if limit else cap
    for i, ln in enumerate(ctx.lines):
        if limit and ln.date_of_service > limit:
            out.append(
                _finding(
                    "POC_EXPIRED",
                    f"Line {i + 1}: {ln.date_of_service} is after the plan of care ends ({limit}).",
                    "Get the plan recertified (signed) before billing services after it ends.",
                    line=i,
                    field_path=f"lines[{i}].date_of_service",
                    refs=(got[1],) if got else (),
                )
            )
    return out


@_rule("PROGRESS_REPORT_DUE")
def _progress(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    n = ctx.claim.context.treatment_days_since_progress_report
    if n is None:
        ctx.not_checked.append(
            "progress report: context.treatment_days_since_progress_report not given"
        )
        return out
    got = _poc_days("progress_report_treatment_days", ctx.dates[0])
    if got is not None and n >= got[0]:
        out.append(
            _finding(
                "PROGRESS_REPORT_DUE",
                f"{n} treatment days since the last progress report; one is due at least every "
                f"{got[0]} treatment days.",
                "The OT (not the OTA) writes a progress report on or before this visit.",
                field_path="context.treatment_days_since_progress_report",
                refs=(got[1],),
            )
        )
    return out


# ---- entry point -----------------------------------------------------------------------------


@lru_cache(maxsize=_DAY_CACHE)
def _payer_key_for(name: str, day: date) -> str | None:
    return _payer_key_in_span(name, _epoch(day))


@lru_cache(maxsize=_DAY_CACHE)
def _payer_key_in_span(name: str, epoch: date) -> str | None:
    row = match_payer(counting_methods(), epoch, name=name or None)
    return row.key if row else None


_ORDER = {"error": 0, "warning": 1, "info": 2}


@lru_cache(maxsize=_DAY_CACHE)
def _applicable(plan: str, first: date) -> tuple[Rule, ...]:
    """The rule functions the catalog runs for a plan type on a date, in catalog order."""
    catalog = claim_rules()
    out = []
    for rule_id, fn in RULES.items():
        row = catalog.at(rule_id, first)
        if row is not None and row.applies(plan):
            out.append(fn)
    return tuple(out)


def check_claim(claim: Claim) -> ClaimResult:
    """Run every catalog rule that applies to the claim's plan type."""
    ctx = _Ctx(claim)
    findings: list[Finding] = []
    for fn in _applicable(ctx.plan, ctx.dates[0]):
        findings.extend(fn(ctx))
    not_checked = ctx.not_checked
    return build_result(
        claim.claim_id, findings, tuple(dict.fromkeys(not_checked)) if not_checked else ()
    )


def build_result(
    claim_id: str, findings: list[Finding], not_checked: tuple[str, ...]
) -> ClaimResult:
    """A result from findings: sorted errors first, counted, and the status they imply."""
    counts = {"error": 0, "warning": 0, "info": 0}
    if findings:
        findings = sorted(
            findings, key=lambda f: (_ORDER[f.severity], -1 if f.line is None else f.line)
        )
        for f in findings:
            counts[f.severity] += 1
    status: ClaimStatus = (
        "errors" if counts["error"] else "warnings" if counts["warning"] else "clean"
    )
    # Every part was built from validated values; a second validation of each finding and
    # reference was a large share of a clean claim's cost.
    return trusted(
        ClaimResult,
        claim_id=claim_id,
        status=status,
        findings=tuple(findings),
        counts=counts,
        not_checked=not_checked,
        code_set=_code_set_release(),
    )
