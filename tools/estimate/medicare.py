"""Medicare fee schedule arithmetic: locality, conversion factor, per-unit fees, MPPR, the assistant
rate, Part B cost sharing and the KX / targeted-review running totals. All rates come from the
rule tables; this module only multiplies, ranks and rounds (to the cent, half up, as CMS does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tools.errors import InvalidBillingInput
from tools.estimate.models import (
    ClaimType,
    CostShare,
    EstimateLine,
    Setting,
    ThresholdStatus,
)
from tools.estimate.money import HUNDRED, Working, cents, num, percent_of, usd
from tools.estimate.units import LineUnits
from tools.ruledata.medicare_fees import (
    GpciRow,
    RvuRow,
    conversion_factors,
    cost_sharing,
    gpcis,
    mppr_rates,
    rvus,
)
from tools.ruledata.tables import assistant_modifiers, kx_thresholds

ASSISTANT_MODIFIERS = ("CO", "CQ")
NOT_PRICED = {"C": "priced by the MAC (carrier priced)", "R": "restricted: priced by the MAC"}
NOT_PAID = {
    "B": "bundled: Medicare never pays it separately",
    "I": "not valid for Medicare",
    "N": "not covered by Medicare",
    "E": "excluded from the fee schedule",
    "X": "not a fee-schedule service",
}


@dataclass
class PricedLine:
    """A line with its fee schedule amounts, filled in step by step."""

    lu: LineUnits
    rvu: RvuRow | None = None
    full: Decimal | None = None
    reduced: Decimal | None = None
    pe_payment: Decimal = Decimal(0)
    units_reduced: int = 0
    before_assistant: Decimal | None = None
    assistant_percent: Decimal | None = None
    allowed: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> EstimateLine:
        """The request line."""
        return self.lu.line


def resolve_locality(text: str | None, dos: date, work: Working) -> GpciRow | None:
    """The GPCI row for a locality (national when empty); None when the year is not on file."""
    table = gpcis()
    wanted = (text or "national").strip()
    key = _locality_key(wanted)
    if key is None:
        known = ", ".join(k for k in table.all_keys() if k != "NATIONAL")
        raise InvalidBillingInput(
            "locality",
            f"{wanted!r} is not a Medicare locality on file",
            f"use national or one of {known} (STATE-NN, MAC-NN or the locality name); "
            "`otbill estimate --list-localities` shows them",
        )
    row = table.at(key, dos)
    if row is None:
        years = sorted({r.effective_from.year for r in table.history(key)})
        work.need(
            f"GPCIs for locality {key} in {dos.year} (on file for {', '.join(map(str, years))}); "
            "use --locality national or a date the table covers"
        )
        return None
    work.cite(table.ref(row), f"GPCIs of {key}", row.unconfirmed)
    return row


def _locality_key(text: str) -> str | None:
    """Accept AR-13, AR13, 07102-13, 'national' or a unique part of a locality name."""
    table = gpcis()
    norm = text.upper().replace(" ", "")
    if norm in {"NATIONAL", "NATIONALRATE", "NATIONWIDE", "US"}:
        return "NATIONAL"
    rows = table.rows
    for row in rows:
        if row.key == "NATIONAL":
            continue
        forms = {
            row.key,
            row.key.replace("-", ""),
            f"{row.mac}-{row.locality}",
            f"{row.mac}{row.locality}",
        }
        if norm in forms:
            return row.key
    hits = {r.key for r in rows if r.key != "NATIONAL" and text.upper() in r.name.upper()}
    if len(hits) == 1:
        return hits.pop()
    if len(hits) > 1:
        raise InvalidBillingInput(
            "locality",
            f"{text!r} matches several localities ({', '.join(sorted(hits))})",
            "give the STATE-NN key, e.g. CA-18",
        )
    return None


def conversion_factor(dos: date, qualifying_apm: bool, work: Working) -> Decimal | None:
    """The conversion factor in force on `dos` (APM or non-APM)."""
    key = "apm" if qualifying_apm else "non_apm"
    table = conversion_factors()
    row = table.at(key, dos)
    if row is None:
        work.need(f"the Medicare conversion factor ({key}) for {dos}")
        return None
    who = "qualifying APM participants" if qualifying_apm else "non-APM practitioners"
    work.cite(table.ref(row), f"conversion factor {num(row.value)}", row.unconfirmed)
    end = table.end_of(row)
    work.steps.append(
        f"Conversion factor for {dos} ({who}): ${num(row.value)} per RVU "
        f"(in force {row.effective_from} to {end or 'now'})."
    )
    if row.conflict:
        work.warn(f"Conversion factor: {row.conflict}")
    return row.value


def price_units(
    items: list[LineUnits],
    dos: date,
    gpci: GpciRow | None,
    cf: Decimal | None,
    setting: Setting,
    work: Working,
) -> list[PricedLine]:
    """Full and MPPR-reduced amount of one unit of each line, with the formula written out."""
    table = rvus()
    priced = []
    shown: set[str] = set()
    for lu in items:
        pl = PricedLine(lu)
        priced.append(pl)
        code = lu.line.code
        row = table.at(code, dos)
        if row is None:
            years = sorted({r.effective_from.year for r in table.history(code)})
            on_file = f" (on file for {', '.join(map(str, years))})" if years else ""
            work.need(f"Medicare RVUs for {code} on {dos}{on_file}")
            continue
        pl.rvu = row
        work.cite(table.ref(row), f"RVUs of {code}", row.unconfirmed)
        if row.status in NOT_PRICED:
            work.need(f"a price for {code}: status {row.status}, {NOT_PRICED[row.status]}")
            continue
        if row.status in NOT_PAID:
            pl.full = pl.reduced = Decimal(0)
            pl.notes.append(f"status {row.status}: {NOT_PAID[row.status]}")
            work.warn(f"{code} is {NOT_PAID[row.status]} (PFS status {row.status}): priced at $0.")
            continue
        if gpci is None or cf is None:
            continue
        pe = row.pe_facility if setting == "facility" else row.pe_nonfacility
        if setting == "facility" and row.facility_na:
            work.warn(
                f"{code}: CMS marks the facility amount NA for this code; check how your setting "
                "is paid (the facility column is used as asked)."
            )
        total_rvu = row.work * gpci.work + pe * gpci.pe + row.mp * gpci.mp
        raw = total_rvu * cf
        pl.full = cents(raw)
        pl.pe_payment = pe * gpci.pe * cf
        if code in shown:
            continue
        shown.add(code)
        work.steps.append(
            f"{code} one unit ({setting.replace('_', '-')}): (work {num(row.work)} x "
            f"{num(gpci.work)} + PE {num(pe)} x {num(gpci.pe)} + MP {num(row.mp)} x "
            f"{num(gpci.mp)}) x ${num(cf)} = {num(total_rvu.normalize())} x ${num(cf)} = "
            f"${raw.quantize(Decimal('0.0001'))} -> {usd(pl.full)}."
        )
        pl.notes.append(f"PE payment per unit {usd(pl.pe_payment)}")
    return priced


def apply_mppr(
    priced: list[PricedLine],
    dos: date,
    gpci: GpciRow | None,
    cf: Decimal | None,
    setting: Setting,
    claim_type: ClaimType,
    work: Working,
) -> None:
    """Pay the highest-PE unit in full and every other MPPR unit with reduced PE.

    Units of codes with mult_proc 5 compete across disciplines. The ranking is by PE payment, then
    by total fee; a remaining tie keeps the order the lines were given.
    """
    eligible = [
        pl
        for pl in priced
        if pl.rvu is not None
        and pl.rvu.mult_proc == 5
        and pl.full is not None
        and pl.full > 0
        and (pl.lu.units or 0) > 0
    ]
    if not eligible or gpci is None or cf is None:
        for pl in priced:
            _line_total(pl, 0)
        return
    table = mppr_rates()
    rate_row = table.at(claim_type, dos)
    if rate_row is None:
        work.need(f"the therapy MPPR rate for {claim_type} claims on {dos}")
        return
    work.cite(table.ref(rate_row), f"MPPR {num(rate_row.value)}% of PE", rate_row.unconfirmed)
    rate = rate_row.value / HUNDRED
    for pl in eligible:
        assert pl.rvu is not None
        pe = pl.rvu.pe_facility if setting == "facility" else pl.rvu.pe_nonfacility
        raw = (pl.rvu.work * gpci.work + pe * gpci.pe * rate + pl.rvu.mp * gpci.mp) * cf
        pl.reduced = cents(raw)
    ranked = sorted(
        eligible,
        key=lambda p: (-p.pe_payment, -(p.full or Decimal(0)), priced.index(p)),
    )
    top = ranked[0]
    units_total = sum(p.lu.units or 0 for p in eligible)
    if units_total == 1:
        work.steps.append(
            f"MPPR: only one therapy unit today ({top.line.code}), so nothing is reduced."
        )
    else:
        order = ", ".join(
            f"{p.line.code} (PE {usd(p.pe_payment)}, fee {usd(p.full or Decimal(0))})"
            for p in ranked
        )
        work.steps.append(
            f"MPPR (same patient, same day, across disciplines): units ranked by PE payment: "
            f"{order}. One unit of {top.line.code} is paid in full; every other unit keeps full "
            f"work and MP but {num(rate_row.value)}% of its PE."
        )
        for p in {q.line.code: q for q in ranked}.values():
            assert p.rvu is not None
            assert p.reduced is not None
            pe = p.rvu.pe_facility if setting == "facility" else p.rvu.pe_nonfacility
            work.steps.append(
                f"{p.line.code} reduced unit: (work {num(p.rvu.work)} x {num(gpci.work)} + "
                f"PE {num(pe)} x {num(gpci.pe)} x {num(rate_row.value)}% + MP {num(p.rvu.mp)} x "
                f"{num(gpci.mp)}) x ${num(cf)} -> {usd(p.reduced)}."
            )
    for pl in priced:
        if pl in eligible:
            n = pl.lu.units or 0
            _line_total(pl, n - 1 if pl is top else n)
        else:
            _line_total(pl, 0)


def _line_total(pl: PricedLine, reduced_units: int) -> None:
    if pl.full is None or pl.lu.units is None:
        return
    pl.units_reduced = reduced_units
    full_units = pl.lu.units - reduced_units
    reduced = pl.reduced if pl.reduced is not None else pl.full
    pl.before_assistant = cents(pl.full * full_units + reduced * reduced_units)


def apply_assistant_rate(priced: list[PricedLine], dos: date, work: Working) -> None:
    """Pay CO/CQ lines at the assistant rate, after the MPPR (Pub. 100-04 Ch. 5 s20.1)."""
    table = assistant_modifiers()
    for pl in priced:
        if pl.before_assistant is None:
            continue
        mods = [m for m in pl.line.modifiers if m in ASSISTANT_MODIFIERS]
        pl.allowed = pl.before_assistant
        if not mods:
            continue
        row = table.at(mods[0], dos)
        if row is None:
            work.warn(f"{mods[0]} had no payment effect on {dos} (the modifier started in 2020).")
            continue
        work.cite(table.ref(row), f"{row.key} payment percent", row.unconfirmed)
        expected = {"OTA": "OT", "PTA": "PT"}[row.assistant]
        if pl.line.discipline != expected:
            work.warn(
                f"{pl.line.code}: {row.key} marks the {row.assistant} ({row.discipline_modifier}), "
                f"but the line is {pl.line.discipline}; CO is the OT assistant modifier, CQ the "
                "PT assistant modifier."
            )
        pl.assistant_percent = row.payment_percent
        if row.payment_percent == HUNDRED:
            work.steps.append(
                f"{pl.line.code}-{row.key}: reported, paid at 100% on {dos} (the 85% rate starts "
                "2022-01-01)."
            )
            continue
        pl.allowed = percent_of(pl.before_assistant, row.payment_percent)
        work.steps.append(
            f"{pl.line.code}-{row.key} (assistant): {usd(pl.before_assistant)} after MPPR x "
            f"{num(row.payment_percent)}% = {usd(pl.allowed)}."
        )


def medicare_cost_share(
    allowed: Decimal, dos: date, remaining: Decimal | None, work: Working
) -> CostShare | None:
    """Part B deductible, then 20% coinsurance; Medicare pays the rest (before sequestration)."""
    table = cost_sharing()
    ded_row = table.at("part_b_deductible", dos)
    coins_row = table.at("part_b_coinsurance", dos)
    if ded_row is None:
        work.need(f"the Part B deductible for {dos.year}")
    if coins_row is None:
        work.need(f"the Part B coinsurance rate for {dos}")
    if ded_row is None or coins_row is None:
        return None
    work.cite(table.ref(ded_row), f"Part B deductible {usd(ded_row.value)}", ded_row.unconfirmed)
    work.cite(table.ref(coins_row), "Part B coinsurance", coins_row.unconfirmed)
    if remaining is None:
        remaining = ded_row.value
        work.assumptions.append(
            f"Deductible remaining not given: the whole {dos.year} Part B deductible "
            f"({usd(ded_row.value)}) is assumed unmet. Give --deductible-remaining 0 if it is met."
        )
    elif remaining > ded_row.value:
        work.warn(
            f"Deductible remaining {usd(remaining)} is more than the {dos.year} Part B "
            f"deductible ({usd(ded_row.value)})."
        )
    applied = min(allowed, remaining)
    rest = allowed - applied
    coins = percent_of(rest, coins_row.value)
    work.steps.append(
        f"Part B: deductible takes {usd(applied)} of {usd(allowed)} ({usd(remaining)} left "
        f"before the visit); {num(coins_row.value)}% coinsurance of {usd(rest)} = {usd(coins)}; "
        f"Medicare pays {usd(rest)} - {usd(coins)} = {usd(rest - coins)} (before the 2% "
        "sequestration reduction)."
    )
    return CostShare(
        allowed=allowed,
        deductible_applied=applied,
        copay=Decimal("0.00"),
        coinsurance=coins,
        capped_by_oop_max=False,
        balance_bill=None,
        family_pays=applied + coins,
        plan_pays=rest - coins,
        deductible_remaining_after=remaining - applied,
    )


def threshold_status(
    priced: list[PricedLine],
    dos: date,
    prior_ot: Decimal,
    prior_pt_slp: Decimal,
    work: Working,
) -> list[ThresholdStatus]:
    """Running totals against the KX threshold and the $3,000 targeted-review threshold."""
    table = kx_thresholds()
    out = []
    groups = {"OT": (("OT",), prior_ot), "PT_SLP": (("PT", "SLP"), prior_pt_slp)}
    for group, (disciplines, prior) in groups.items():
        lines = [p for p in priced if p.line.discipline in disciplines and p.allowed is not None]
        if not lines and not prior:
            continue
        kx_row = table.at(group, dos)
        mr_row = table.at(f"MR_{group}", dos)
        if kx_row is None:
            work.need(f"the {group} KX threshold for {dos.year}")
            continue
        work.cite(table.ref(kx_row), f"{group} KX threshold", kx_row.unconfirmed)
        if mr_row is not None:
            work.cite(table.ref(mr_row), f"{group} review threshold", mr_row.unconfirmed)
        this_visit = sum((p.allowed or Decimal(0) for p in lines), Decimal("0.00"))
        running = prior + this_visit
        kx_codes: list[str] = []
        total = prior
        for p in lines:
            total += p.allowed or Decimal(0)
            if total > kx_row.value:
                kx_codes.append(p.line.code)
        needed = bool(kx_codes)
        review = mr_row is not None and running > mr_row.value
        label = "OT" if group == "OT" else "PT and SLP (combined)"
        if needed and prior > kx_row.value:
            msg = (
                f"{label}: already {usd(prior)} this year, above the {usd(kx_row.value)} KX "
                "threshold: every line of this visit needs KX (and documentation of necessity)."
            )
        elif needed:
            msg = (
                f"{label}: this visit takes the year's total from {usd(prior)} to {usd(running)}, "
                f"past the {usd(kx_row.value)} KX threshold: add KX to "
                f"{', '.join(kx_codes)} (the lines at and after the crossing)."
            )
        else:
            msg = (
                f"{label}: {usd(running)} of the {usd(kx_row.value)} KX threshold used "
                f"({usd(kx_row.value - running)} left): no KX yet (adding it before the "
                "threshold is in sight is improper)."
            )
        if review and mr_row is not None:
            msg += (
                f" The running total passes {usd(mr_row.value)}: claims above it may be picked "
                "for targeted medical review."
            )
        work.steps.append(
            f"Threshold ({label}): {usd(prior)} + {usd(this_visit)} = {usd(running)}."
        )
        out.append(
            ThresholdStatus(
                group=group,
                prior_incurred=prior,
                this_visit=this_visit,
                running_total=running,
                kx_threshold=kx_row.value,
                kx_needed=needed,
                kx_codes=tuple(kx_codes),
                review_threshold=mr_row.value if mr_row else None,
                review_reached=review,
                message=msg,
            )
        )
    return out


def national_label(gpci: GpciRow | None) -> str | None:
    """'AR-13 ARKANSAS (MAC 07102)' or 'national'."""
    if gpci is None:
        return None
    if gpci.key == "NATIONAL":
        return "national (every GPCI 1.000)"
    return f"{gpci.key} {gpci.name} (MAC {gpci.mac}, locality {gpci.locality})"
