"""The estimator: Medicare from the fee schedule, commercial and out-of-network from the family's
own plan terms. Never from other providers' rates: the tool holds none."""

from __future__ import annotations

from decimal import Decimal

from tools.estimate.medicare import (
    PricedLine,
    apply_assistant_rate,
    apply_mppr,
    conversion_factor,
    medicare_cost_share,
    national_label,
    price_units,
    resolve_locality,
    threshold_status,
)
from tools.estimate.models import (
    CostShare,
    EstimateRequest,
    EstimateResult,
    LineEstimate,
    ThresholdStatus,
)
from tools.estimate.money import Working, cents, num, percent_of, usd
from tools.estimate.units import LineUnits, resolve_units


def estimate_payment(request: EstimateRequest) -> EstimateResult:
    """Estimate what Medicare or a plan pays for a therapy visit and what the family pays.

    Use when someone asks what a visit will be paid or cost. Medicare: the fee schedule for the
    date of service ((work RVU x GPCI + PE RVU x GPCI + MP RVU x GPCI) x conversion factor),
    nationally or for a locality, with the therapy MPPR, the 85% CO/CQ assistant rate, the Part B
    deductible and 20% coinsurance, and the running total against the KX threshold. Commercial or
    out of network: only from the family's own terms (allowed amount, percent of Medicare or a fee
    schedule; deductible, copay, coinsurance, out-of-pocket maximum, billed charge). Every step of
    the arithmetic is shown; missing rates make the answer indeterminate, never a guess.
    """
    work = Working()
    dos = request.date_of_service
    if request.payer_basis == "medicare":
        return _medicare(request, work)
    lines: list[PricedLine] = []
    allowed: Decimal | None
    gpci_label = None
    cf = None
    setting = None
    if request.allowed_amount is not None:
        allowed = cents(request.allowed_amount)
        work.steps.append(f"Allowed amount from your plan's terms: {usd(allowed)} for the visit.")
        if request.lines:
            lines = [PricedLine(lu) for lu in _informational_units(request, work)]
    elif request.percent_of_medicare is not None:
        gpci = resolve_locality(request.locality, dos, work)
        gpci_label = national_label(gpci)
        setting = request.setting
        cf = conversion_factor(dos, request.qualifying_apm, work)
        items = _units_or_none(request, work)
        lines = price_units(items, dos, gpci, cf, request.setting, work)
        if request.apply_mppr:
            apply_mppr(lines, dos, gpci, cf, request.setting, request.claim_type, work)
        else:
            for pl in lines:
                if pl.full is not None and pl.lu.units is not None:
                    pl.before_assistant = cents(pl.full * pl.lu.units)
            work.assumptions.append(
                "The Medicare MPPR and assistant reduction were not applied to the percent-of-"
                "Medicare base; add --mppr if your contract applies the MPPR."
            )
        pct = request.percent_of_medicare
        for pl in lines:
            if pl.before_assistant is None:
                continue
            pl.allowed = percent_of(pl.before_assistant, pct)
            work.steps.append(
                f"{pl.line.code}: Medicare {usd(pl.before_assistant)} x {num(pct)}% = "
                f"{usd(pl.allowed)} (your contract's rate)."
            )
        allowed = _sum_allowed(lines, work)
    else:
        items = _units_or_none(request, work)
        lines = [PricedLine(lu) for lu in items]
        for pl in lines:
            fee = pl.line.fee_schedule_amount
            if fee is None or pl.lu.units is None:
                continue
            pl.full = cents(fee)
            pl.before_assistant = pl.allowed = cents(fee * pl.lu.units)
            work.steps.append(
                f"{pl.line.code}: {usd(fee)} per unit (your fee schedule) x {pl.lu.units} = "
                f"{usd(pl.allowed)}."
            )
        allowed = _sum_allowed(lines, work)
    cost_share = None
    if allowed is not None:
        cost_share = _plan_cost_share(request, allowed, lines, work)
    return _result(
        request,
        work,
        lines,
        allowed,
        cost_share,
        [],
        gpci_label,
        setting,
        cf,
    )


def _units_or_none(request: EstimateRequest, work: Working) -> list[LineUnits]:
    """Units for commercial lines; minutes need a counting method from the caller."""
    return resolve_units(
        request.lines, request.date_of_service, request.counting_method, None, work
    )


def _informational_units(request: EstimateRequest, work: Working) -> list[LineUnits]:
    """Lines listed with a visit-level allowed amount: count units only when it is possible."""
    needs_method = any(ln.units is None and ln.minutes for ln in request.lines)
    if needs_method and request.counting_method is None:
        return [
            LineUnits(i, ln, ln.units, "not counted: the allowed amount covers the visit")
            for i, ln in enumerate(request.lines)
        ]
    return _units_or_none(request, work)


def _sum_allowed(lines: list[PricedLine], work: Working) -> Decimal | None:
    if any(pl.allowed is None for pl in lines) or not lines:
        return None
    total = sum((pl.allowed or Decimal(0) for pl in lines), Decimal("0.00"))
    work.steps.append(
        "Allowed for the visit: "
        + " + ".join(usd(pl.allowed or Decimal(0)) for pl in lines)
        + f" = {usd(total)}."
    )
    return total


def _medicare(request: EstimateRequest, work: Working) -> EstimateResult:
    dos = request.date_of_service
    gpci = resolve_locality(request.locality, dos, work)
    cf = conversion_factor(dos, request.qualifying_apm, work)
    items = resolve_units(request.lines, dos, None, "medicare", work)
    priced = price_units(items, dos, gpci, cf, request.setting, work)
    apply_mppr(priced, dos, gpci, cf, request.setting, request.claim_type, work)
    apply_assistant_rate(priced, dos, work)
    allowed = _sum_allowed(priced, work)
    cost_share = None
    thresholds: list[ThresholdStatus] = []
    if allowed is not None:
        cost_share = medicare_cost_share(allowed, dos, request.deductible_remaining, work)
        thresholds = threshold_status(
            priced, dos, request.prior_incurred_ot, request.prior_incurred_pt_slp, work
        )
        for t in thresholds:
            if t.kx_needed:
                work.warn(t.message)
    return _result(
        request,
        work,
        priced,
        allowed,
        cost_share,
        thresholds,
        national_label(gpci),
        request.setting,
        cf,
    )


def _plan_cost_share(
    request: EstimateRequest, allowed: Decimal, lines: list[PricedLine], work: Working
) -> CostShare:
    """Deductible, then copay, then coinsurance, capped by the out-of-pocket maximum."""
    remaining = request.deductible_remaining
    if remaining is None:
        remaining = Decimal(0)
        work.assumptions.append("Deductible remaining not given: assumed met ($0 left).")
    coins_pct = request.coinsurance_percent
    if coins_pct is None:
        coins_pct = Decimal(0)
        work.assumptions.append("Coinsurance not given: assumed 0%.")
    applied = min(allowed, remaining)
    rest = allowed - applied
    copay = min(request.copay or Decimal(0), rest)
    after_copay = rest - copay
    coins = percent_of(after_copay, coins_pct)
    family = applied + copay + coins
    work.steps.append(
        f"Deductible takes {usd(applied)} ({usd(remaining)} left before the visit); "
        f"copay {usd(copay)}; {num(coins_pct)}% coinsurance of {usd(after_copay)} = {usd(coins)}; "
        f"family share {usd(family)}."
    )
    work.assumptions.append(
        "Cost-sharing order used: deductible, then copay, then coinsurance on the rest. Some plans "
        "waive the deductible for copay services or charge only one of copay and coinsurance: "
        "check your plan's summary of benefits."
    )
    capped = False
    if request.oop_max_remaining is not None and family > request.oop_max_remaining:
        work.steps.append(
            f"Out-of-pocket maximum: only {usd(request.oop_max_remaining)} is left this year, so "
            f"the family share is capped from {usd(family)} to {usd(request.oop_max_remaining)}."
        )
        family = cents(request.oop_max_remaining)
        capped = True
    plan_pays = allowed - family
    balance: Decimal | None = None
    if request.payer_basis == "out_of_network":
        billed = request.billed_charge_total
        if billed is None and lines and all(pl.line.billed_charge is not None for pl in lines):
            billed = sum((pl.line.billed_charge or Decimal(0) for pl in lines), Decimal(0))
        if billed is None:
            work.need(
                "the provider's billed charge (--billed): out of network the provider may bill "
                "the family the difference between the charge and the allowed amount"
            )
        else:
            balance = max(cents(billed) - allowed, Decimal("0.00"))
            work.steps.append(
                f"Balance bill: charge {usd(billed)} - allowed {usd(allowed)} = {usd(balance)} "
                "(usually outside the deductible and out-of-pocket maximum; check your plan)."
            )
            if billed < allowed:
                work.warn("The billed charge is below the allowed amount; plans pay the lower.")
    elif request.billed_charge_total is not None:
        work.warn("In network the provider may not balance-bill: the billed charge is not used.")
    total_family = family + (balance or Decimal(0))
    work.steps.append(
        f"Plan pays {usd(allowed)} - {usd(family)} = {usd(plan_pays)}; the family pays "
        f"{usd(total_family)}."
    )
    return CostShare(
        allowed=allowed,
        deductible_applied=applied,
        copay=cents(copay),
        coinsurance=coins,
        capped_by_oop_max=capped,
        balance_bill=balance,
        family_pays=total_family,
        plan_pays=plan_pays,
        deductible_remaining_after=remaining - applied,
    )


def _result(
    request: EstimateRequest,
    work: Working,
    lines: list[PricedLine],
    allowed: Decimal | None,
    cost_share: CostShare | None,
    thresholds: list[ThresholdStatus],
    locality: str | None,
    setting: str | None,
    cf: Decimal | None,
) -> EstimateResult:
    return EstimateResult(
        status="indeterminate" if work.missing else "ok",
        payer_basis=request.payer_basis,
        date_of_service=request.date_of_service,
        locality=locality,
        setting=setting,
        conversion_factor=cf,
        lines=tuple(_line_estimate(pl) for pl in lines),
        allowed_total=allowed,
        cost_share=cost_share,
        thresholds=tuple(thresholds),
        working=tuple(work.steps),
        assumptions=tuple(work.assumptions),
        warnings=tuple(work.warnings),
        unconfirmed=tuple(work.unconfirmed),
        missing=tuple(work.missing),
        rule_data=tuple(work.refs.values()),
    )


def _line_estimate(pl: PricedLine) -> LineEstimate:
    return LineEstimate(
        code=pl.line.code,
        modifiers=pl.line.modifiers,
        discipline=pl.line.discipline,
        units=pl.lu.units or 0,
        units_how=pl.lu.how,
        pfs_status=pl.rvu.status if pl.rvu else None,
        fee_per_unit=pl.full,
        fee_per_unit_reduced=pl.reduced if pl.units_reduced else None,
        units_reduced=pl.units_reduced,
        before_assistant=pl.before_assistant,
        assistant_percent=pl.assistant_percent,
        allowed=pl.allowed,
        note="; ".join(n for n in pl.notes if not n.startswith("PE payment")),
    )
