"""The assistant-modifier tool: the dated rate, the de minimis share and the arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from tools.assistant_rate import AssistantRateRequest, check_assistant_modifier
from tools.registry import get_tool


def _run(**kw: object):
    return check_assistant_modifier(AssistantRateRequest.model_validate(kw))


def test_co_line_is_paid_85_percent_from_2022() -> None:
    result = _run(full_amount="60", date_of_service=date(2026, 3, 2))
    assert result.status == "ok"
    assert result.payment_percent == Decimal(85)
    assert result.assistant_amount == Decimal("51.00")
    assert result.rule_data[0].effective_from == date(2022, 1, 1)
    assert any("after the multiple procedure payment reduction" in w for w in result.working)


def test_rounding_is_to_the_cent_half_up() -> None:
    # 85% of $33.33 is $28.3305, printed $28.33; of $33.37 it is $28.3645 -> $28.36
    assert _run(full_amount="33.33", date_of_service=date(2025, 5, 1)).assistant_amount == Decimal(
        "28.33"
    )
    assert _run(full_amount="33.37", date_of_service=date(2025, 5, 1)).assistant_amount == Decimal(
        "28.36"
    )


def test_2020_and_2021_report_without_a_cut() -> None:
    result = _run(modifier="CQ", full_amount="40", date_of_service=date(2021, 6, 1))
    assert result.payment_percent == Decimal(100)
    assert result.assistant_amount == Decimal("40.00")
    assert result.assistant == "PTA" and result.discipline_modifier == "GP"
    assert any("not yet paid less" in w for w in result.working)
    # the row after it in the table says when the cut came
    assert any(w.startswith("From 2022-01-01 Medicare pays 85%") for w in result.working)
    later = _run(modifier="CQ", date_of_service=date(2023, 6, 1))
    assert not any(w.startswith("From ") for w in later.working)


def test_before_the_modifiers_existed_is_indeterminate() -> None:
    result = _run(full_amount="40", date_of_service=date(2019, 12, 31))
    assert result.status == "indeterminate"
    assert result.assistant_amount is None
    assert "2020-01-01" in result.missing[0]


@pytest.mark.parametrize(
    ("assistant", "total", "required"),
    [(4, 40, False), (5, 40, True), (0, 30, False), (30, 30, True)],
)
def test_de_minimis_share(assistant: int, total: int, required: bool) -> None:
    # exactly 10% is not "more than 10%": 4 of 40 does not need CO, 5 of 40 does
    result = _run(assistant_minutes=assistant, total_minutes=total, date_of_service="2026-01-05")
    assert result.modifier_required is required
    assert result.assistant_share_percent == Decimal(assistant * 100) / total
    said = "over" if required else "not over" if assistant * 10 == total else "under"
    assert f"{said} the 10% de minimis share" in " ".join(result.working)
    # only the assistant's minutes alone are the share; time together is the therapist's
    assert "together with the therapist count as the therapist's" in " ".join(result.working)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"assistant_minutes": 5}, "assistant_minutes and total_minutes"),
        ({"assistant_minutes": 50, "total_minutes": 40}, "cannot exceed"),
        ({"full_amount": "-1"}, "full_amount"),
        ({"modifier": "GO"}, "modifier"),
    ],
)
def test_bad_input_names_the_field(payload: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        AssistantRateRequest.model_validate(payload)
    assert field in str(err.value)


def test_registered_once_under_both_names() -> None:
    assert get_tool("assistant-rate") is get_tool("check_assistant_modifier")
