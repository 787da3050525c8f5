"""One planted error per catalog rule: the rule must fire, and the clean claim must stay clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.claims.conftest import BASE, make
from tools.claims import ClaimRulesRequest, list_claim_rules
from tools.claims.core import RULES, check_claim, npi_valid
from tools.claims.models import Claim, ClaimResult
from tools.ruledata import claims_tables
from tools.ruledata.claims_tables import NcciPairRow
from tools.ruledata.loader import parse_table


def _line(cpt: str, units: int = 1, minutes: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "date_of_service": "2026-03-02",
        "cpt": cpt,
        "modifiers": ["GO"],
        "units": units,
        "minutes": minutes,
        "diagnosis_pointers": [1],
        "charge": "80.00",
        **extra,
    }


def _add(*lines: dict[str, Any]) -> dict[str, Any]:
    claim = make()
    claim["lines"] = [*claim["lines"], *lines]
    return claim


def _ctx(**ctx: Any) -> dict[str, Any]:
    claim = make()
    claim["context"] = {**claim["context"], **ctx}
    return claim


def _future_telehealth() -> dict[str, Any]:
    claim = make(**{"place_of_service": "10", "submitted_on": "2028-01-10"})
    for line in claim["lines"]:
        line["date_of_service"] = "2028-01-05"
    claim["context"]["plan_of_care"] = {"start": "2027-12-20", "certified_on": "2027-12-22"}
    return claim


PLANTED: dict[str, Callable[[], dict[str, Any]]] = {
    "NPI_INVALID": lambda: make(**{"billing_provider.npi": "1234567890"}),
    "ICD10_INVALID": lambda: make(diagnoses=["I69.3X9", "R26.89"]),
    "ICD10_NOT_BILLABLE": lambda: make(diagnoses=["I69.35", "R26.89"]),
    "DX_MISSING": lambda: make(diagnoses=[]),
    "DX_POINTER_INVALID": lambda: make(**{"lines.0.diagnosis_pointers": [3]}),
    "CPT_UNKNOWN": lambda: make(**{"lines.1.cpt": "99213"}),
    "UNITS_EXCEED_MINUTES": lambda: make(**{"lines.0.units": 4}),
    "UNITS_BELOW_MINUTES": lambda: make(**{"lines.0.units": 1}),
    "UNTIMED_UNITS": lambda: _add(_line("97150", units=2)),
    "MUE_EXCEEDED": lambda: make(**{"lines.0.units": 7, "lines.0.minutes": 100}),
    "EVAL_MULTIPLE": lambda: _add(_line("97165"), _line("97168")),
    "NCCI_MODIFIER_REQUIRED": lambda: make(
        **{"lines.1": _line("97168", modifiers=["GO"]), "lines.0.units": 2}
    ),
    "GO_MODIFIER_MISSING": lambda: make(**{"lines.0.modifiers": []}),
    "DISCIPLINE_MODIFIER_MISMATCH": lambda: make(**{"lines.0.modifiers": ["GO", "GP"]}),
    "KX_MODIFIER_REQUIRED": lambda: _ctx(ytd_ot_allowed="2600.00"),
    "KX_NOT_SUPPORTED": lambda: make(**{"lines.0.modifiers": ["GO", "KX"]}),
    "ASSISTANT_MODIFIER_MISSING": lambda: make(**{"lines.0.assistant_minutes": 10}),
    "ASSISTANT_MODIFIER_MISMATCH": lambda: make(**{"lines.0.modifiers": ["GO", "CQ"]}),
    "TELEHEALTH_MODIFIER_MISSING": lambda: make(**{"lines.0.modifiers": ["GO", "95"]}),
    "TELEHEALTH_NOT_COVERED": _future_telehealth,
    "TIMELY_FILING_EXCEEDED": lambda: make(submitted_on="2027-04-01"),
    "TIMELY_FILING_NEAR": lambda: make(submitted_on="2027-02-20"),
    "TIMELY_FILING_UNKNOWN": lambda: make(
        **{"payer.name": "Acme Health Plan", "payer.plan_type": "commercial"}
    ),
    "DUPLICATE_LINE": lambda: _ctx(
        previously_billed=[
            {
                "claim_id": "T-0000",
                "date_of_service": "2026-03-02",
                "cpt": "97530",
                "modifiers": ["GO"],
                "units": 2,
            }
        ]
    ),
    "PRIOR_AUTH_MISSING": lambda: _ctx(prior_authorization={"required": True}),
    "AUTH_EXHAUSTED": lambda: _ctx(
        prior_authorization={
            "required": True,
            "number": "A1",
            "visits_approved": 5,
            "visits_used": 5,
        }
    ),
    "AUTH_EXPIRED": lambda: _ctx(
        prior_authorization={"number": "A1", "start": "2026-01-01", "end": "2026-02-28"}
    ),
    "POC_CERT_MISSING": lambda: _ctx(plan_of_care={"start": "2026-01-15"}),
    "POC_CERT_LATE": lambda: _ctx(
        plan_of_care={"start": "2026-01-15", "certified_on": "2026-02-25"}
    ),
    "POC_EXPIRED": lambda: _ctx(plan_of_care={"start": "2025-11-01", "certified_on": "2025-11-05"}),
    "PROGRESS_REPORT_DUE": lambda: _ctx(treatment_days_since_progress_report=10),
    "DOS_IN_FUTURE": lambda: make(submitted_on="2026-03-01"),
    "DOS_BEFORE_BIRTH": lambda: make(**{"patient.date_of_birth": "2026-03-05"}),
    "PATIENT_INFO_MISSING": lambda: make(**{"patient.member_id": ""}),
    "POS_INVALID": lambda: make(place_of_service="77"),
    "BUNDLED_CODE": lambda: _add(_line("97010")),
    "CHARGE_INVALID": lambda: make(**{"lines.0.charge": "0"}),
}


def run(raw: dict[str, Any]) -> ClaimResult:
    return check_claim(Claim.model_validate(raw))


def test_clean_claim_has_no_findings() -> None:
    result = run(BASE)
    assert result.status == "clean", result.findings
    assert result.findings == ()
    assert result.not_checked == ()


@pytest.mark.parametrize("rule_id", sorted(PLANTED))
def test_planted_error_is_found(rule_id: str) -> None:
    result = run(PLANTED[rule_id]())
    fired = {f.rule_id for f in result.findings}
    assert rule_id in fired, f"{rule_id} did not fire; got {sorted(fired)}"
    finding = next(f for f in result.findings if f.rule_id == rule_id)
    assert finding.message and finding.fix
    assert finding.references and finding.references[0].url.startswith("http")


def test_ncci_indicator_zero_pair_is_never_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    table = parse_table(
        """
[table]
id = "ncci-ptp"
title = "test"
description = "one indicator-0 pair"
[sources.s]
url = "https://example.org/ncci"
title = "test source"
publisher = "test"
grade = "primary"
checked = 2026-01-01
[[rows]]
key = "97530|97110"
effective_from = 2020-01-01
column1 = "97530"
column2 = "97110"
modifier_indicator = 0
source = "s"
""",
        NcciPairRow,
    )
    monkeypatch.setattr(claims_tables, "ncci_pairs", lambda: table)
    monkeypatch.setattr("tools.claims.core.ncci_pairs", lambda: table)
    result = run(make(**{"lines.1.modifiers": ["GO", "59"]}))
    hit = [f for f in result.findings if f.rule_id == "NCCI_NOT_ALLOWED"]
    assert hit and hit[0].line == 1


def test_every_catalog_rule_is_implemented_and_planted() -> None:
    catalog = {r.rule_id for r in list_claim_rules(ClaimRulesRequest()).rules}
    assert catalog == set(RULES)
    assert catalog - set(PLANTED) == {"NCCI_NOT_ALLOWED"}  # planted above with its own table


def test_modifier_59_clears_the_ncci_finding() -> None:
    claim = PLANTED["NCCI_MODIFIER_REQUIRED"]()
    claim["lines"][1]["modifiers"] = ["GO", "59"]
    assert "NCCI_MODIFIER_REQUIRED" not in {f.rule_id for f in run(claim).findings}


def test_units_follow_the_cms_pooled_method_for_medicare() -> None:
    # 33 min 97110 + 7 min 97140 = 40 min = 3 units: 2 + 1 under CMS (s20.2 example 3).
    claim = make(
        **{
            "lines.0.cpt": "97110",
            "lines.0.minutes": 33,
            "lines.0.units": 2,
            "lines.1.cpt": "97140",
            "lines.1.minutes": 7,
            "lines.1.units": 1,
        }
    )
    assert run(claim).status == "clean"


def test_unknown_counting_method_only_flags_what_both_methods_reject() -> None:
    claim = make(
        **{
            "payer.name": "Acme Health Plan",
            "payer.plan_type": "commercial",
            "lines.0.cpt": "97110",
            "lines.0.minutes": 33,
            "lines.0.units": 2,
            "lines.1.cpt": "97140",
            "lines.1.minutes": 7,
            "lines.1.units": 1,
        }
    )
    rules = {f.rule_id for f in run(claim).findings}
    assert "UNITS_EXCEED_MINUTES" not in rules  # the CMS method supports 97140 x1


def test_medicare_only_rules_skip_commercial_claims() -> None:
    claim = make(
        **{"payer.name": "Cigna", "payer.plan_type": "commercial", "lines.0.modifiers": []}
    )
    rules = {f.rule_id for f in run(claim).findings}
    assert "GO_MODIFIER_MISSING" not in rules
    assert "PROGRESS_REPORT_DUE" not in rules


def test_missing_context_is_reported_not_passed() -> None:
    claim = make()
    claim["context"] = {}
    result = run(claim)
    joined = " ".join(result.not_checked)
    assert "ytd_ot_allowed" in joined and "plan_of_care" in joined


def test_kx_threshold_uses_the_year_of_service() -> None:
    # 2025 OT threshold is $2,410: $2,450 already incurred requires KX in 2025.
    claim = _ctx(ytd_ot_allowed="2450.00")
    for line in claim["lines"]:
        line["date_of_service"] = "2025-06-02"
    claim["submitted_on"] = "2025-06-10"
    claim["context"]["plan_of_care"] = {"start": "2025-05-20", "certified_on": "2025-05-21"}
    rules = {f.rule_id for f in run(claim).findings}
    assert "KX_MODIFIER_REQUIRED" in rules


def test_timely_filing_cigna_in_network_is_90_days() -> None:
    claim = make(
        **{"payer.name": "Cigna", "payer.plan_type": "commercial", "submitted_on": "2026-06-10"}
    )
    hit = [f for f in run(claim).findings if f.rule_id == "TIMELY_FILING_EXCEEDED"]
    assert hit and "90 days" in hit[0].message


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("1245319599", True),
        ("1234567890", False),
        ("123456789", False),
        ("12345678a3", False),
    ],
)
def test_npi_check_digit(npi: str, valid: bool) -> None:
    assert npi_valid(npi) is valid


def test_icd10_dot_optional_and_case_insensitive() -> None:
    assert run(make(diagnoses=["i69351", "R2689"])).status == "clean"


def test_icd10_outside_code_set_dates_is_a_warning_not_an_error() -> None:
    claim = make(diagnoses=["I69.3X9"], submitted_on="2026-11-20")
    for line in claim["lines"]:
        line["date_of_service"] = "2026-11-02"
        line["diagnosis_pointers"] = [1]
    claim["context"]["plan_of_care"] = {"start": "2026-10-20", "certified_on": "2026-10-22"}
    hit = [f for f in run(claim).findings if f.rule_id == "ICD10_INVALID"]
    assert hit and hit[0].severity == "warning" and "outside" in hit[0].message
