"""Money helpers: CMS rounds fee schedule amounts to the cent, half up; so does every step here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tools.common import RuleRef

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up (how CMS prints fee schedule amounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def usd(value: Decimal) -> str:
    """$1,234.56."""
    return f"${cents(value):,.2f}"


def num(value: Decimal) -> str:
    """A factor or RVU without trailing zeros beyond what it carries (0.44, 1.000, 32.3465)."""
    return format(value, "f")


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, rounded to the cent."""
    return cents(amount * percent / HUNDRED)


@dataclass
class Working:
    """Collects the steps, assumptions, warnings, gaps and rule rows of one estimate."""

    steps: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    refs: dict[tuple[str, str, date], RuleRef] = field(default_factory=dict)

    def cite(self, ref: RuleRef, what: str = "", unconfirmed: bool = False) -> None:
        """Record a rule row; note it once more if no primary source confirmed it."""
        key = (ref.table, ref.key, ref.effective_from)
        if key in self.refs:
            return
        self.refs[key] = ref
        if unconfirmed:
            self.unconfirmed.append(f"{what or ref.key} ({ref.table}, from {ref.effective_from})")

    def need(self, text: str) -> None:
        """Record a missing input or rate, once."""
        if text not in self.missing:
            self.missing.append(text)

    def warn(self, text: str) -> None:
        """Record a warning, once."""
        if text not in self.warnings:
            self.warnings.append(text)
