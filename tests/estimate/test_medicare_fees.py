"""Medicare fee arithmetic, checked by hand on worked examples and against CMS's own amounts.

Each worked example writes the arithmetic out. CY2026 national: every GPCI is 1.000 and the
non-APM conversion factor is $33.4009, so a unit is (work + PE + MP) x 33.4009, rounded half up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from tools.errors import InvalidBillingInput
from tools.estimate import EstimateRequest, EstimateResult, estimate_payment
from tools.estimate.money import cents
from tools.ruledata.medicare_fees import conversion_factors, mppr_rates

D2026 = date(2026, 3, 2)  # CY2026, January-June rows (RVUs carried back from the July release)
D2026_JUL = date(2026, 8, 3)  # CY2026, July release in force
D2025 = date(2025, 6, 10)


def run(lines: list[dict[str, Any]], **kw: Any) -> EstimateResult:
    kw.setdefault("date_of_service", D2026_JUL)
    return estimate_payment(EstimateRequest(lines=lines, **kw))


def by_code(result: EstimateResult) -> dict[str, Any]:
    return {"-".join((ln.code, *ln.modifiers)): ln for ln in result.lines}


def test_national_2026_single_unit_worked_example() -> None:
    # 97530 CY2026: work 0.44 + PE 0.60 + MP 0.01 = 1.05 RVU; 1.05 x 33.4009 = 35.070945 -> $35.07
    result = run([{"code": "97530", "units": 1}], deductible_remaining=Decimal(0))
    line = by_code(result)["97530"]
    assert line.fee_per_unit == Decimal("35.07")
    assert line.allowed == Decimal("35.07")
    assert result.allowed_total == Decimal("35.07")
    assert any("1.05 x $33.4009 = $35.0709 -> $35.07" in s for s in result.working)
    assert result.status == "ok"
    assert isinstance(result.allowed_total, Decimal)


def test_apm_conversion_factor_2026() -> None:
    # Qualifying APM participant: 1.05 x 33.5675 = 35.245875 -> $35.25
    result = run([{"code": "97530", "units": 1}], qualifying_apm=True)
    assert result.conversion_factor == Decimal("33.5675")
    assert by_code(result)["97530"].fee_per_unit == Decimal("35.25")
    assert any("33.5675" in u for u in result.unconfirmed)


# CMS's own CY2025 amounts for Arkansas (locality 13, MAC 07102), from the payment file PFAR25A:
# (code, full non-facility amount, MPPR-reduced amount). The estimator must reproduce every one.
CMS_PFAR25A = [
    ("97110", "26.69", "20.70"),
    ("97112", "29.69", "23.02"),
    ("97140", "25.20", "19.64"),
    ("97150", "16.22", "12.89"),
    ("97165", "93.05", "71.76"),
    ("97168", "63.82", "47.69"),
    ("97530", "31.65", "23.02"),
    ("97533", "54.08", "34.89"),
    ("97535", "29.47", "22.10"),
    ("97760", "41.66", "29.00"),
    ("97763", "45.18", "30.44"),
    ("97018", "5.45", "3.78"),
    ("97035", "12.80", "9.88"),
]


@pytest.mark.parametrize(("code", "full", "reduced"), CMS_PFAR25A)
def test_arkansas_2025_matches_the_cms_payment_file(code: str, full: str, reduced: str) -> None:
    # Two units of one code: the first full, the second MPPR-reduced (work + 50% PE + MP).
    result = run([{"code": code, "units": 2}], date_of_service=D2025, locality="AR-13")
    line = by_code(result)[code]
    assert line.fee_per_unit == Decimal(full)
    assert line.fee_per_unit_reduced == Decimal(reduced)
    assert line.allowed == Decimal(full) + Decimal(reduced)


def test_arkansas_worked_example_by_hand() -> None:
    # 97530, AR-13 2025: (0.44 x 1.000 + 0.62 x 0.860 + 0.01 x 0.518) x 32.3465
    #   = (0.44 + 0.5332 + 0.00518) x 32.3465 = 0.97838 x 32.3465 = 31.6472 -> $31.65
    result = run([{"code": "97530", "units": 1}], date_of_service=D2025, locality="07102-13")
    assert by_code(result)["97530"].fee_per_unit == Decimal("31.65")
    assert any("0.97838 x $32.3465 = $31.6472 -> $31.65" in s for s in result.working)
    assert result.locality is not None and result.locality.startswith("AR-13 ARKANSAS")


def test_facility_and_non_facility_differ_for_97129() -> None:
    # CY2026 July release: 97129 PE non-facility 0.16, facility 0.08.
    # Non-facility: (0.50 + 0.16 + 0.01) = 0.67 x 33.4009 = 22.378603 -> $22.38
    # Facility:     (0.50 + 0.08 + 0.01) = 0.59 x 33.4009 = 19.706531 -> $19.71
    nf = run([{"code": "97129", "units": 1}])
    fac = run([{"code": "97129", "units": 1}], setting="facility")
    assert by_code(nf)["97129"].fee_per_unit == Decimal("22.38")
    assert by_code(fac)["97129"].fee_per_unit == Decimal("19.71")
    assert fac.setting == "facility"


def test_mppr_highest_pe_unit_is_paid_in_full_across_codes() -> None:
    # 97165 (PE 1.46) outranks 97530 (PE 0.60) and 97110 (PE 0.41).
    # 97165 full:    (1.54 + 1.46 + 0.01) = 3.01 x 33.4009 = 100.536709 -> $100.54
    # 97530 reduced: (0.44 + 0.60/2 + 0.01) = 0.75 x 33.4009 = 25.050675 -> $25.05
    # 97110 reduced: (0.45 + 0.41/2 + 0.01) = 0.665 x 33.4009 = 22.211599 -> $22.21
    result = run([{"code": "97530", "units": 1}, {"code": "97110", "units": 1}, {"code": "97165"}])
    lines = by_code(result)
    assert lines["97165"].allowed == Decimal("100.54")
    assert lines["97165"].units_reduced == 0
    assert lines["97530"].allowed == Decimal("25.05")
    assert lines["97110"].allowed == Decimal("22.21")
    assert result.allowed_total == Decimal("147.80")
    ranking = next(s for s in result.working if s.startswith("MPPR"))
    assert ranking.index("97165") < ranking.index("97530") < ranking.index("97110")


def test_mppr_pe_tie_is_broken_by_total_fee_not_by_order() -> None:
    # 97012 and 97032 both carry PE 0.18; 97032's total (0.44) beats 97012's (0.43).
    # 97032 full:    0.44 x 33.4009 = 14.696396 -> $14.70
    # 97012 reduced: (0.24 + 0.09 + 0.01) = 0.34 x 33.4009 = 11.356306 -> $11.36
    result = run([{"code": "97012", "units": 1}, {"code": "97032", "units": 1}])
    lines = by_code(result)
    assert lines["97032"].allowed == Decimal("14.70")
    assert lines["97012"].allowed == Decimal("11.36")


def test_mppr_applies_across_disciplines_same_day() -> None:
    # A PT line and an OT line compete for the one full-PE unit.
    # 97530 full $35.07; PT 97110 reduced $22.21.
    result = run([{"code": "97530", "units": 1}, {"code": "97110", "units": 1, "discipline": "PT"}])
    lines = by_code(result)
    assert lines["97530"].allowed == Decimal("35.07")
    assert lines["97110"].allowed == Decimal("22.21")


def test_single_unit_and_non_mppr_codes_are_not_reduced() -> None:
    # 97129 has multiple-procedure indicator 0: it neither reduces nor is reduced.
    result = run([{"code": "97530", "units": 1}, {"code": "97129", "units": 1}])
    lines = by_code(result)
    assert lines["97530"].allowed == Decimal("35.07")
    assert lines["97129"].allowed == Decimal("22.38")
    assert any("only one therapy unit" in s for s in result.working)


def test_mppr_rate_before_and_after_april_2013() -> None:
    table = mppr_rates()
    assert table.require("professional", date(2013, 3, 31)).value == 80
    assert table.require("institutional", date(2013, 3, 31)).value == 75
    assert table.require("professional", date(2013, 4, 1)).value == 50
    assert table.require("institutional", date(2013, 4, 1)).value == 50


def test_assistant_rate_is_85_percent_of_the_mppr_reduced_line() -> None:
    # 97110-CO x2: $29.06 (full) + $22.21 (MPPR) = $51.27; x 85% = 43.5795 -> $43.58
    result = run([{"code": "97110", "units": 2, "modifiers": ["GO", "CO"]}])
    line = by_code(result)["97110-GO-CO"]
    assert line.before_assistant == Decimal("51.27")
    assert line.assistant_percent == Decimal(85)
    assert line.allowed == Decimal("43.58")


def test_mppr_ranks_on_the_unreduced_pe_before_the_assistant_rate() -> None:
    # 97530-CO (PE 0.60) outranks 97535 (PE 0.51) although 85% of it would not: MPPR comes first.
    # 97530-CO: $35.07 full x 85% = 29.8095 -> $29.81
    # 97535 reduced: (0.45 + 0.51/2 + 0.01) = 0.715 x 33.4009 = 23.881644 -> $23.88
    result = run(
        [{"code": "97535", "units": 1}, {"code": "97530", "units": 1, "modifiers": ["CO"]}]
    )
    lines = by_code(result)
    assert lines["97530-CO"].allowed == Decimal("29.81")
    assert lines["97535"].allowed == Decimal("23.88")


def test_assistant_modifier_on_the_wrong_discipline_is_flagged() -> None:
    result = run([{"code": "97110", "units": 1, "modifiers": ["CQ"]}])
    assert any("CQ marks the PTA" in w for w in result.warnings)


def test_part_b_deductible_and_coinsurance() -> None:
    # 97530=38 min (3 units) + 97110=15 min (1 unit), national July 2026:
    # 97530: $35.07 + 2 x $25.05 = $85.17; 97110 reduced $22.21; allowed $107.38.
    # Deductible left $50: takes $50.00; rest $57.38; 20% = 11.476 -> $11.48;
    # Medicare pays 57.38 - 11.48 = $45.90; family pays 50 + 11.48 = $61.48.
    result = run(
        [{"code": "97530", "minutes": 38}, {"code": "97110", "minutes": 15}],
        deductible_remaining=Decimal(50),
    )
    assert result.allowed_total == Decimal("107.38")
    cs = result.cost_share
    assert cs is not None
    assert cs.deductible_applied == Decimal(50)
    assert cs.coinsurance == Decimal("11.48")
    assert cs.plan_pays == Decimal("45.90")
    assert cs.family_pays == Decimal("61.48")
    assert cs.deductible_remaining_after == Decimal(0)


def test_unknown_deductible_assumes_the_whole_year_remains() -> None:
    result = run([{"code": "97530", "units": 1}])
    cs = result.cost_share
    assert cs is not None
    assert cs.deductible_applied == Decimal("35.07")
    assert cs.plan_pays == Decimal(0)
    assert cs.deductible_remaining_after == Decimal("283.00") - Decimal("35.07")
    assert any("$283.00" in a for a in result.assumptions)
    assert any("Part B deductible" in u for u in result.unconfirmed)


def test_deductible_above_the_annual_amount_is_flagged() -> None:
    result = run([{"code": "97530", "units": 1}], deductible_remaining=Decimal(900))
    assert any("more than the 2026 Part B deductible" in w for w in result.warnings)


def _visit() -> list[dict[str, Any]]:
    # allowed: 97530 $85.17 then 97110 $22.21 (see the deductible test)
    return [{"code": "97530", "minutes": 38}, {"code": "97110", "minutes": 15}]


@pytest.mark.parametrize(
    ("prior", "kx_codes", "review"),
    [
        ("2000", (), False),  # 2107.38 <= 2480
        ("2390", ("97110",), False),  # 2475.17 after 97530, 2497.38 after 97110
        ("2400", ("97530", "97110"), False),  # 2485.17 after 97530: crossing on 97530
        ("2950", ("97530", "97110"), True),  # 3057.38 passes the $3,000 review threshold
    ],
)
def test_kx_threshold_running_total(prior: str, kx_codes: tuple[str, ...], review: bool) -> None:
    result = run(_visit(), prior_incurred_ot=Decimal(prior), deductible_remaining=Decimal(0))
    (ot,) = [t for t in result.thresholds if t.group == "OT"]
    assert ot.kx_threshold == Decimal("2480.00")
    assert ot.running_total == Decimal(prior) + Decimal("107.38")
    assert ot.kx_codes == kx_codes
    assert ot.kx_needed is bool(kx_codes)
    assert ot.review_reached is review
    if kx_codes:
        assert any("KX" in w for w in result.warnings)


def test_pt_lines_count_toward_the_pt_slp_threshold_only() -> None:
    result = run(
        [{"code": "97110", "units": 1, "discipline": "PT"}],
        prior_incurred_pt_slp=Decimal(2470),
        prior_incurred_ot=Decimal(2470),
    )
    groups = {t.group: t for t in result.thresholds}
    assert groups["PT_SLP"].kx_needed is True
    assert groups["OT"].this_visit == Decimal(0)
    assert groups["OT"].kx_needed is False


def test_conversion_factor_2024_split_at_march_9() -> None:
    table = conversion_factors()
    assert table.require("non_apm", date(2024, 3, 8)).value == Decimal("32.7442")
    assert table.require("non_apm", date(2024, 3, 9)).value == Decimal("33.2875")
    assert table.require("non_apm", date(2025, 1, 1)).value == Decimal("32.3465")
    assert table.require("non_apm", date(2026, 1, 1)).value == Decimal("33.4009")
    assert table.require("apm", date(2026, 1, 1)).value == Decimal("33.5675")
    assert table.require("non_apm", date(2024, 3, 9)).unconfirmed


def test_2024_has_a_conversion_factor_but_no_rvus_so_it_is_indeterminate() -> None:
    result = run([{"code": "97530", "units": 1}], date_of_service=date(2024, 5, 1))
    assert result.status == "indeterminate"
    assert result.conversion_factor == Decimal("33.2875")
    assert any("RVUs for 97530 on 2024-05-01" in m for m in result.missing)
    assert result.allowed_total is None
    assert result.cost_share is None


def test_first_half_of_2026_flags_the_rvus_as_unconfirmed() -> None:
    result = run([{"code": "97530", "units": 1}], date_of_service=D2026)
    assert result.status == "ok"
    assert any("RVUs of 97530" in u for u in result.unconfirmed)
    later = run([{"code": "97530", "units": 1}], date_of_service=D2026_JUL)
    assert not any("RVUs of 97530" in u for u in later.unconfirmed)


def test_locality_missing_for_the_year_is_indeterminate() -> None:
    # CA-05 is on file for 2026 only.
    result = run([{"code": "97530", "units": 1}], date_of_service=D2025, locality="CA-05")
    assert result.status == "indeterminate"
    assert any("GPCIs for locality CA-05 in 2025" in m for m in result.missing)


@pytest.mark.parametrize("text", ["AR-13", "ar13", "07102-13", "arkansas", "Arkansas"])
def test_locality_spellings(text: str) -> None:
    result = run([{"code": "97530", "units": 1}], date_of_service=D2025, locality=text)
    assert result.locality is not None and result.locality.startswith("AR-13")


def test_unknown_or_ambiguous_locality_is_bad_input() -> None:
    with pytest.raises(InvalidBillingInput, match="not a Medicare locality"):
        run([{"code": "97530", "units": 1}], locality="ZZ-99")
    with pytest.raises(InvalidBillingInput, match="several localities"):
        run([{"code": "97530", "units": 1}], locality="SAN")


def test_minutes_become_units_with_the_units_tool_per_discipline() -> None:
    # 7 OT minutes and 7 PT minutes are not pooled across plans of care: no unit either way.
    result = run(
        [{"code": "97530", "minutes": 7}, {"code": "97110", "minutes": 7, "discipline": "PT"}]
    )
    units = {ln.code: ln.units for ln in result.lines}
    assert units == {"97530": 0, "97110": 0}
    assert result.allowed_total == Decimal("0.00")


def test_primary_and_add_on_minutes_produce_an_add_on_line() -> None:
    # 40 minutes of cognitive intervention: 3 units = 97129 x1 + 97130 x2.
    result = run([{"code": "97129", "minutes": 40}])
    units = {ln.code: ln.units for ln in result.lines}
    assert units == {"97129": 1, "97130": 2}


def test_same_code_twice_with_minutes_needs_units() -> None:
    with pytest.raises(InvalidBillingInput, match="listed twice"):
        run(
            [
                {"code": "97110", "minutes": 20},
                {"code": "97110", "minutes": 10, "modifiers": ["CO"]},
            ]
        )


def test_timed_code_without_minutes_or_units_is_bad_input() -> None:
    with pytest.raises(InvalidBillingInput, match="needs its minutes or its units"):
        run([{"code": "97110"}])


def test_bundled_code_pays_nothing_and_restricted_code_is_indeterminate() -> None:
    bundled = run([{"code": "97010"}, {"code": "97110", "units": 1}])
    assert by_code(bundled)["97010"].allowed == Decimal(0)
    assert any("97010 is bundled" in w for w in bundled.warnings)
    restricted = run([{"code": "97545", "units": 1}])
    assert restricted.status == "indeterminate"
    assert any("priced by the MAC" in m for m in restricted.missing)


def test_cents_round_half_up() -> None:
    assert cents(Decimal("0.005")) == Decimal("0.01")
    assert cents(Decimal("22.2115")) == Decimal("22.21")
    assert cents(Decimal("2.675")) == Decimal("2.68")


@pytest.mark.parametrize(
    "payload",
    [
        {"lines": []},
        {"lines": [{"code": "97530", "units": 1}], "allowed_amount": 100},
        {"lines": [{"code": "97530", "units": 1, "fee_schedule_amount": 40}]},
        {"lines": [{"code": "97530", "units": 99}]},
        {"lines": [{"code": "97530", "units": 1}], "deductible_remaining": -1},
    ],
)
def test_medicare_requests_are_validated(payload: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EstimateRequest.model_validate(payload)
