"""Readable text of an estimate: lines, cost sharing, thresholds, working and sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.estimate.money import usd

if TYPE_CHECKING:
    from tools.estimate.models import EstimateResult


def render(result: EstimateResult) -> str:
    """Render `result` for a terminal."""
    head = f"Estimate for {result.date_of_service} ({result.payer_basis.replace('_', ' ')})"
    if result.locality:
        head += f", {result.locality}"
    if result.setting:
        head += f", {result.setting.replace('_', '-')}"
    out = [head]
    if result.status != "ok":
        out.append("INDETERMINATE: missing " + "; ".join(result.missing))
    if result.lines:
        out.append(f"{'code':<12}{'units':>6}{'per unit':>11}{'reduced':>10}{'allowed':>11}  note")
        for line in result.lines:
            code = "-".join((line.code, *line.modifiers))
            per = usd(line.fee_per_unit) if line.fee_per_unit is not None else "-"
            red = (
                f"{line.units_reduced}x{usd(line.fee_per_unit_reduced)}"
                if line.fee_per_unit_reduced is not None
                else "-"
            )
            allowed = usd(line.allowed) if line.allowed is not None else "-"
            note = line.note or line.units_how
            out.append(f"{code:<12}{line.units:>6}{per:>11}{red:>10}{allowed:>11}  {note}")
    if result.allowed_total is not None:
        out.append(f"Allowed for the visit: {usd(result.allowed_total)}")
    cs = result.cost_share
    if cs is not None:
        parts = [f"deductible {usd(cs.deductible_applied)}"]
        if cs.copay:
            parts.append(f"copay {usd(cs.copay)}")
        parts.append(f"coinsurance {usd(cs.coinsurance)}")
        if cs.balance_bill is not None:
            parts.append(f"balance bill {usd(cs.balance_bill)}")
        payer = "Medicare" if result.payer_basis == "medicare" else "Plan"
        out.append(f"{payer} pays {usd(cs.plan_pays)}; family pays {usd(cs.family_pays)} ")
        out[-1] += "(" + ", ".join(parts) + ")"
        if cs.capped_by_oop_max:
            out.append("The out-of-pocket maximum capped the family's share.")
    for t in result.thresholds:
        out.append(t.message)
    out += ["", "Working:"] + [f"  {i}. {s}" for i, s in enumerate(result.working, 1)]
    for title, items in (
        ("Assumed", result.assumptions),
        ("Check", result.warnings),
        ("Unconfirmed values used", result.unconfirmed),
    ):
        if items:
            out += ["", f"{title}:"] + [f"  - {s}" for s in items]
    urls = list(dict.fromkeys(f"{r.source} ({r.url})" for r in result.rule_data))
    if urls:
        out += ["", "Sources:"] + [f"  - {u}" for u in urls]
    return "\n".join(out)
