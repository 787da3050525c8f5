"""Commercial and out-of-network estimates: only from the family's own plan terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tools.errors import InvalidBillingInput
from tools.estimate import EstimateRequest, EstimateResult, estimate_payment

DOS = date(2026, 8, 3)


def run(**kw: Any) -> EstimateResult:
    kw.setdefault("date_of_service", DOS)
    kw.setdefault("payer_basis", "commercial")
    return estimate_payment(EstimateRequest(**kw))


def test_allowed_amount_all_to_the_deductible() -> None:
    # Allowed $120, $500 deductible left: the family pays all $120, the plan $0.
    result = run(
        allowed_amount=Decimal(120), deductible_remaining=Decimal(500), coinsurance_percent=20
    )
    cs = result.cost_share
    assert cs is not None
    assert (cs.deductible_applied, cs.coinsurance, cs.family_pays, cs.plan_pays) == (
        Decimal(120),
        Decimal(0),
        Decimal(120),
        Decimal(0),
    )
    assert cs.deductible_remaining_after == Decimal(380)


def test_deductible_then_copay_then_coinsurance() -> None:
    # Allowed $120: deductible $50; rest $70; copay $10; 20% of $60 = $12.
    # Family 50 + 10 + 12 = $72; plan 120 - 72 = $48.
    result = run(
        allowed_amount=Decimal(120),
        deductible_remaining=Decimal(50),
        copay=Decimal(10),
        coinsurance_percent=Decimal(20),
    )
    cs = result.cost_share
    assert cs is not None
    assert cs.deductible_applied == Decimal(50)
    assert cs.copay == Decimal(10)
    assert cs.coinsurance == Decimal("12.00")
    assert cs.family_pays == Decimal(72)
    assert cs.plan_pays == Decimal(48)
    assert any("deductible, then copay, then coinsurance" in a for a in result.assumptions)


def test_out_of_pocket_maximum_caps_the_family_share() -> None:
    # Same visit, but only $30 left of the out-of-pocket maximum: family $30, plan $90.
    result = run(
        allowed_amount=Decimal(120),
        deductible_remaining=Decimal(50),
        copay=Decimal(10),
        coinsurance_percent=Decimal(20),
        oop_max_remaining=Decimal(30),
    )
    cs = result.cost_share
    assert cs is not None
    assert cs.capped_by_oop_max is True
    assert cs.family_pays == Decimal(30)
    assert cs.plan_pays == Decimal(90)


def test_missing_terms_are_assumptions_not_silence() -> None:
    result = run(allowed_amount=Decimal(100))
    assert any("Deductible remaining not given" in a for a in result.assumptions)
    assert any("Coinsurance not given" in a for a in result.assumptions)
    assert result.cost_share is not None
    assert result.cost_share.plan_pays == Decimal(100)


def test_percent_of_medicare() -> None:
    # 97530=38 min -> 3 units (CMS method chosen). Medicare national July 2026 without MPPR:
    # 3 x $35.07 = $105.21; x 110% = 115.731 -> $115.73. Coinsurance 20% = 23.146 -> $23.15.
    result = run(
        lines=[{"code": "97530", "minutes": 38}],
        percent_of_medicare=Decimal(110),
        counting_method="cms",
        coinsurance_percent=Decimal(20),
        deductible_remaining=Decimal(0),
    )
    assert result.allowed_total == Decimal("115.73")
    assert result.cost_share is not None
    assert result.cost_share.coinsurance == Decimal("23.15")
    assert result.cost_share.plan_pays == Decimal("92.58")


def test_percent_of_medicare_with_the_contracts_mppr() -> None:
    # With MPPR: $35.07 + 2 x $25.05 = $85.17; x 110% = 93.687 -> $93.69.
    result = run(
        lines=[{"code": "97530", "units": 3}],
        percent_of_medicare=Decimal(110),
        apply_mppr=True,
    )
    assert result.allowed_total == Decimal("93.69")


def test_fee_schedule_per_unit() -> None:
    # Contract: $45 per unit of 97530, $38.50 per unit of 97110: 3 x 45 + 1 x 38.50 = $173.50.
    result = run(
        lines=[
            {"code": "97530", "units": 3, "fee_schedule_amount": 45},
            {"code": "97110", "units": 1, "fee_schedule_amount": "38.50"},
        ],
        deductible_remaining=Decimal(0),
        coinsurance_percent=Decimal(10),
    )
    assert result.allowed_total == Decimal("173.50")
    assert result.cost_share is not None
    assert result.cost_share.coinsurance == Decimal("17.35")


def test_out_of_network_balance_bill() -> None:
    # Allowed $90, charge $200, 40% coinsurance, deductible met:
    # coinsurance 36; plan 54; balance bill 200 - 90 = 110; family 36 + 110 = $146.
    result = run(
        payer_basis="out_of_network",
        allowed_amount=Decimal(90),
        billed_charge_total=Decimal(200),
        coinsurance_percent=Decimal(40),
        deductible_remaining=Decimal(0),
    )
    cs = result.cost_share
    assert cs is not None
    assert cs.balance_bill == Decimal(110)
    assert cs.plan_pays == Decimal(54)
    assert cs.family_pays == Decimal(146)


def test_out_of_network_line_charges_add_up() -> None:
    result = run(
        payer_basis="out_of_network",
        allowed_amount=Decimal(90),
        lines=[
            {"code": "97530", "units": 2, "billed_charge": 120},
            {"code": "97110", "units": 1, "billed_charge": 60},
        ],
        deductible_remaining=Decimal(0),
    )
    assert result.cost_share is not None
    assert result.cost_share.balance_bill == Decimal(90)


def test_out_of_network_without_the_charge_is_indeterminate() -> None:
    result = run(payer_basis="out_of_network", allowed_amount=Decimal(90))
    assert result.status == "indeterminate"
    assert any("billed charge" in m for m in result.missing)


def test_minutes_on_a_commercial_line_need_the_counting_method() -> None:
    with pytest.raises(InvalidBillingInput, match="unit-counting method"):
        run(lines=[{"code": "97530", "minutes": 38}], percent_of_medicare=Decimal(110))


def test_the_tool_holds_no_commercial_rates() -> None:
    # Nothing but the family's terms can price a commercial visit.
    with pytest.raises(ValidationError, match="give the plan's terms"):
        EstimateRequest(payer_basis="commercial", lines=[{"code": "97530", "units": 1}])


@pytest.mark.parametrize(
    "payload",
    [
        {
            "payer_basis": "commercial",
            "allowed_amount": 1,
            "percent_of_medicare": 110,
            "lines": [{"code": "97530", "units": 1}],
        },
        {
            "payer_basis": "commercial",
            "lines": [
                {"code": "97530", "units": 1, "fee_schedule_amount": 4},
                {"code": "97110", "units": 1},
            ],
        },
        {"payer_basis": "commercial", "percent_of_medicare": 110},
        {"payer_basis": "commercial", "allowed_amount": 100, "coinsurance_percent": 120},
    ],
)
def test_plan_terms_are_validated(payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EstimateRequest.model_validate(payload)
