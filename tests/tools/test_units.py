"""The units tool against every CMS s20.2 example, the AMA contrasts, and properties over 0-600 min."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.errors import InvalidBillingInput
from tools.units import ServiceMinutes, UnitsRequest, calculate_units

CASES = tomllib.loads((Path(__file__).parent / "cases" / "cms_s20_2_examples.toml").read_text())
DOS = date(2026, 3, 2)
PRINTED_BANDS = [
    (0, 1, 7),
    (1, 8, 22),
    (2, 23, 37),
    (3, 38, 52),
    (4, 53, 67),
    (5, 68, 82),
    (6, 83, 97),
    (7, 98, 112),
    (8, 113, 127),
]
POOLED_CODES = ["97110", "97112", "97116", "97140", "97530", "97535", "97035", "97032"]


def table_units(minutes: int) -> int:
    """Independent oracle: the printed s20.2 bands, extended 15 minutes at a time."""
    if minutes == 0:
        return 0
    units, low, high = PRINTED_BANDS[-1]
    for u, lo, hi in PRINTED_BANDS:
        if lo <= minutes <= hi:
            return u
    while minutes > high:
        units, low, high = units + 1, low + 15, high + 15
    return units


def units(minutes: dict[str, int | None], **kw: object):
    services = tuple(ServiceMinutes(code=c, minutes=m) for c, m in minutes.items())
    kw.setdefault("date_of_service", DOS)
    return calculate_units(UnitsRequest(services=services, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES["example"], ids=[c["name"] for c in CASES["example"]])
def test_every_cms_s20_2_example(case: dict) -> None:
    result = units(case["minutes"], payer="Medicare")
    assert result.status == "ok"
    assert result.method == "cms"
    assert result.total_units == case["total_units"]
    assert result.total_timed_minutes == case["total_timed_minutes"]
    if "units" in case:
        assert result.units_by_code == case["units"]
        assert result.alternatives == ()
    else:
        allowed = case["any_of"]
        assert result.units_by_code in allowed
        # every allocation CMS allows is offered: the chosen one plus the listed alternatives
        offered = [result.units_by_code, *result.alternatives]
        assert sorted(map(sorted, (a.items() for a in offered))) == sorted(
            map(sorted, (a.items() for a in allowed))
        )
        assert result.tie_break


def test_example_3_working_explains_the_leftover_rule() -> None:
    result = units({"97110": 33, "97140": 7}, payer="Medicare")
    text = " ".join(result.working)
    assert "40 total timed minutes" in text
    assert "38-52" in text
    assert "97140 (7 min)" in text


def test_example_4_warns_that_ultrasound_earned_nothing() -> None:
    result = units({"97110": 18, "97140": 13, "97116": 10, "97035": 8}, payer="Medicare")
    assert any(w.startswith("97035") and "no unit" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ({"97110": 33, "97140": 7}, {"97110": 2, "97140": 0}),
        (
            {"97110": 18, "97140": 13, "97116": 10, "97035": 8},
            {"97110": 1, "97140": 1, "97116": 1, "97035": 1},
        ),
        ({"97112": 7, "97110": 7, "97140": 7}, {"97112": 0, "97110": 0, "97140": 0}),
        ({"97112": 24, "97110": 23}, {"97112": 2, "97110": 2}),
        ({"97112": 20, "97110": 20}, {"97112": 1, "97110": 1}),
    ],
    ids=["ex3", "ex4", "ex5", "ex1", "ex2"],
)
def test_ama_method_counts_each_code_on_its_own(minutes: dict, expected: dict) -> None:
    result = units(minutes, method="ama")
    assert result.units_by_code == expected
    assert result.total_units == sum(expected.values())
    assert result.other_method is not None and result.other_method.method == "cms"


def test_untimed_codes_bill_one_unit_and_stay_out_of_timed_minutes() -> None:
    result = units({"97165": 50, "97530": 38, "97150": 45}, payer="Medicare")
    assert result.units_by_code == {"97165": 1, "97530": 3, "97150": 1}
    assert result.total_timed_minutes == 38
    assert result.untimed_units == 2 and result.timed_units == 3


def test_untimed_code_without_minutes() -> None:
    assert units({"97166": None}, method="cms").units_by_code == {"97166": 1}


def test_payer_table_selects_the_method() -> None:
    assert units({"97110": 20}, payer="Premera Blue Cross").method == "ama"
    ma = units({"97110": 20}, payer="Aetna Medicare Advantage")
    assert ma.payer_id == "medicare_advantage" and ma.method == "cms"
    assert units({"97110": 20}, plan_type="tricare").payer_id == "tricare"


def test_medicaid_conflict_is_surfaced() -> None:
    result = units({"97110": 20}, payer="Texas Medicaid")
    assert result.method == "cms"
    assert any("sources disagree" in w for w in result.warnings)
    assert any(r.table == "counting-methods" and "CONFLICT" in r.note for r in result.rule_data)


def test_unknown_payer_without_method_is_indeterminate_not_a_guess() -> None:
    result = units({"97110": 20}, payer="Acme Health Plan")
    assert result.status == "indeterminate"
    assert result.total_units is None and result.units_by_code == {}
    assert any("counting method" in m for m in result.missing)


def test_unknown_payer_with_a_method_is_answered() -> None:
    result = units({"97110": 20, "97140": 20}, payer="Acme Health Plan", method="ama")
    assert result.status == "ok" and result.total_units == 2


def test_no_payer_no_method_says_it_assumed_cms_and_shows_ama() -> None:
    result = units({"97110": 33, "97140": 7})
    assert result.method == "cms"
    assert "assumed" in result.method_reason
    assert result.other_method is not None and result.other_method.total_units == 2


def test_chosen_method_differing_from_table_is_flagged() -> None:
    result = units({"97110": 20}, payer="Medicare", method="ama")
    assert any("rule table lists CMS" in w for w in result.warnings)


def test_rule_data_cites_unit_table_codes_and_payer() -> None:
    result = units({"97110": 33}, payer="Medicare")
    tables = {r.table for r in result.rule_data}
    assert {"cms-unit-table", "codes", "counting-methods"} <= tables
    assert all(r.url.startswith("http") and r.checked for r in result.rule_data)


def test_bundled_and_invalid_for_medicare_codes_are_flagged() -> None:
    result = units({"97010": None, "97014": None, "97110": 15}, payer="Medicare")
    assert result.units_by_code["97010"] == 1
    assert any("97010 is bundled" in w for w in result.warnings)
    assert any("G0283" in w for w in result.warnings)


def test_pt_code_is_flagged_for_an_ot() -> None:
    result = units({"97161": None}, method="cms")
    assert any(w.startswith("97161") for w in result.warnings)


def test_cognitive_family_splits_into_first_and_further_units() -> None:
    result = units({"97129": 38}, payer="Medicare")
    assert result.units_by_code == {"97129": 1, "97130": 2}


def test_addon_given_alone_is_reported_under_its_primary() -> None:
    result = units({"97130": 30}, payer="Medicare")
    assert result.units_by_code == {"97129": 1, "97130": 1}
    assert any("add-on" in w for w in result.warnings)


def test_cognitive_family_pools_with_other_codes() -> None:
    # 97129 family 10 min + 97530 10 min = 20 -> 1 unit under CMS, to the one listed first (tie)
    result = units({"97129": 10, "97530": 10}, payer="Medicare")
    assert result.total_units == 1
    assert result.alternatives


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (15, {"97550": 0, "97551": 0}),
        (16, {"97550": 1, "97551": 0}),
        (37, {"97550": 1, "97551": 0}),
        (38, {"97550": 1, "97551": 1}),
        (52, {"97550": 1, "97551": 1}),
        (53, {"97550": 1, "97551": 2}),
    ],
)
def test_caregiver_training_uses_its_30_minute_unit(minutes: int, expected: dict) -> None:
    for method in ("cms", "ama"):
        result = units({"97550": minutes}, method=method, date_of_service=date(2025, 5, 1))
        assert result.units_by_code == expected


def test_a_long_unit_states_its_minimum_minutes() -> None:
    result = units({"97550": 20}, method="cms", date_of_service=date(2025, 5, 1))
    assert "at least 16 minutes for the first" in " ".join(result.working)


def test_caregiver_code_before_2024_is_refused() -> None:
    with pytest.raises(InvalidBillingInput, match="not a valid code on 2023-06-01"):
        units({"97550": 30}, method="cms", date_of_service=date(2023, 6, 1))


def test_repeated_code_minutes_are_added_with_a_warning() -> None:
    services = (ServiceMinutes(code="97110", minutes=10), ServiceMinutes(code="97110", minutes=13))
    result = calculate_units(UnitsRequest(services=services, method="cms", date_of_service=DOS))
    assert result.units_by_code == {"97110": 2}
    assert any("more than once" in w for w in result.warnings)


def test_dates_before_the_tables_are_indeterminate() -> None:
    result = units({"97110": 20}, method="cms", date_of_service=date(2010, 1, 4))
    assert result.status == "indeterminate"


def test_bad_input_names_the_field() -> None:
    with pytest.raises(InvalidBillingInput) as err:
        units({"97999": 20}, method="cms")
    assert err.value.field == "services[0].code"
    with pytest.raises(InvalidBillingInput) as err:
        units({"97110": None}, method="cms")
    assert err.value.field == "services[0].minutes"


def test_over_a_day_in_total_is_refused() -> None:
    with pytest.raises(ValueError, match="more than the 1440 minutes"):
        UnitsRequest(
            services=(
                ServiceMinutes(code="97110", minutes=800),
                ServiceMinutes(code="97140", minutes=800),
            )
        )


minutes_st = st.dictionaries(
    st.sampled_from(POOLED_CODES), st.integers(min_value=0, max_value=600), min_size=1, max_size=4
).filter(lambda d: sum(d.values()) <= 1440)


@settings(max_examples=300, deadline=None)
@given(minutes_st)
def test_cms_total_equals_the_table_of_the_total(minutes: dict[str, int]) -> None:
    result = units(minutes, method="cms")
    assert result.total_units == table_units(sum(minutes.values()))
    for code, m in minutes.items():
        got = result.units_by_code[code]
        assert m // 15 <= got <= m // 15 + 1


@settings(max_examples=300, deadline=None)
@given(minutes_st)
def test_ama_units_equal_the_table_per_code(minutes: dict[str, int]) -> None:
    result = units(minutes, method="ama")
    assert result.units_by_code == {c: table_units(m) for c, m in minutes.items()}


@settings(max_examples=300, deadline=None)
@given(
    minutes_st,
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["cms", "ama"]),
)
def test_adding_minutes_never_lowers_units(
    minutes: dict[str, int], pick: int, extra: int, method: str
) -> None:
    code = sorted(minutes)[pick % len(minutes)]
    if sum(minutes.values()) + extra > 1440:
        return
    before = units(minutes, method=method)
    after = units({**minutes, code: minutes[code] + extra}, method=method)
    assert after.total_units >= before.total_units
    assert after.units_by_code[code] >= before.units_by_code[code]


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=600), st.sampled_from(["97165", "97150", "97010", "97018"])
)
def test_untimed_always_one_unit(minutes: int, code: str) -> None:
    result = units({code: minutes}, method="cms")
    assert result.units_by_code == {code: 1}
    assert result.total_timed_minutes == 0


@pytest.mark.parametrize("total", range(0, 601))
def test_single_code_every_minute_0_to_600(total: int) -> None:
    cms = units({"97530": total}, method="cms")
    ama = units({"97530": total}, method="ama")
    assert cms.total_units == ama.total_units == table_units(total)
