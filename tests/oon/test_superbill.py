"""make_superbill: structured superbill, totals, and the claim validator's verdict reused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

import tools.oon.superbill as superbill_module
from tests.oon.samples import superbill
from tools.claims.models import Claim
from tools.errors import InvalidBillingInput
from tools.oon import SuperbillRequest, SuperbillResult, make_superbill


def run(data: dict) -> SuperbillResult:
    return make_superbill(SuperbillRequest.model_validate(data))


def rule_ids(result: SuperbillResult) -> set[str]:
    return {f.rule_id for f in result.findings}


def test_good_superbill_is_ready_with_totals() -> None:
    result = run(superbill())
    assert result.ready and result.status == "ready"
    assert result.counts["error"] == 0
    sb = result.superbill
    assert [v.total_charge for v in sb.visits] == [Decimal("200.00"), Decimal("270.50")]
    assert [ln.charge for v in sb.visits for ln in v.lines] == [
        Decimal("200.00"),
        Decimal("180.00"),
        Decimal("90.50"),
    ]
    assert [ln.number for v in sb.visits for ln in v.lines] == [1, 2, 3]
    assert sb.total_charges == Decimal("470.50")
    assert sb.total_paid == Decimal("300.00")
    assert sb.balance == Decimal("170.50")


def test_json_has_every_field() -> None:
    out = run(superbill()).model_dump(mode="json")
    assert out["ready"] is True and out["status"] == "ready"
    sb = out["superbill"]
    assert sb["provider"]["name"] == "Alex Sample"
    assert sb["provider"]["credentials"] == "OTR/L"
    assert sb["provider"]["npi"] == "1245319599"
    assert sb["provider"]["tax_id"] == "12-3456789"
    assert sb["provider"]["address"].startswith("100 Example Ave")
    assert sb["provider"]["phone"] == "555-0100"
    assert sb["patient"] == {
        "name": "Sam Example",
        "date_of_birth": "2019-05-01",
        "member_id": "",
        "sex": "",
    }
    assert sb["insured"]["relationship"] == "child"
    assert sb["insured"]["group_number"] == "G-100"
    assert sb["payer"] == {"name": "Aetna", "plan_type": "commercial", "network": "out"}
    assert sb["diagnoses"] == ["F82", "R27.8"]
    assert sb["place_of_service"] == "11"
    line = sb["visits"][1]["lines"][0]
    assert line == {
        "number": 2,
        "date_of_service": "2026-03-09",
        "cpt": "97530",
        "modifiers": ["GO"],
        "units": 2,
        "minutes": 30,
        "diagnosis_pointers": [1, 2],
        "charge": "180.00",
    }
    assert sb["total_charges"] == "470.50" and sb["total_paid"] == "300.00"
    assert sb["balance"] == "170.50"
    assert sb["payments"][1] == {
        "date": "2026-03-09",
        "amount": "100",
        "method": "HSA",
        "reference": "",
    }
    assert out["code_set"] and isinstance(out["sources"], list) and out["sources"]


def test_the_claim_validator_is_called_on_the_equivalent_claim(monkeypatch) -> None:
    seen: list[Claim] = []
    real = superbill_module.check_claim

    def spy(claim: Claim):
        seen.append(claim)
        return real(claim)

    monkeypatch.setattr(superbill_module, "check_claim", spy)
    run(superbill())
    (claim,) = seen
    assert claim.payer.network == "out" and claim.payer.plan_type == "commercial"
    assert (claim.patient.first_name, claim.patient.last_name) == ("Sam", "Example")
    assert claim.patient.member_id == "XYZ123456"  # from the insured
    assert claim.rendering_provider.npi == claim.billing_provider.npi == "1245319599"
    assert claim.submitted_on.isoformat() == "2026-03-20"
    assert [ln.cpt for ln in claim.lines] == ["97165", "97530", "97110"]
    assert claim.lines[2].date_of_service.isoformat() == "2026-03-09"


def test_bad_npi_is_not_ready_with_the_validator_rule() -> None:
    result = run(superbill(provider={"npi": "1245319598"}))
    assert not result.ready and result.status == "not_ready"
    npi = [f for f in result.findings if f.rule_id == "NPI_INVALID"]
    assert npi and npi[0].severity == "error"
    assert npi[0].field == "provider.npi"
    assert "provider.npi" in npi[0].message
    assert len(npi) == 1  # billing and rendering NPI are the same input field
    assert "NPI_INVALID" in result.to_text()


def test_group_npi_is_the_billing_npi() -> None:
    result = run(superbill(provider={"group_npi": "1234567890"}))
    fields = {f.field for f in result.findings if f.rule_id == "NPI_INVALID"}
    assert fields == {"provider.group_npi"}


def test_header_icd10_code_is_not_ready() -> None:
    result = run(superbill(diagnoses=["F80", "R27.8"]))
    assert not result.ready
    found = [f for f in result.findings if f.rule_id == "ICD10_NOT_BILLABLE"]
    assert found and found[0].severity == "error" and found[0].field == "diagnoses[0]"
    assert found[0].references  # the validator's rule reference comes along


def test_line_fields_point_to_the_superbill_input() -> None:
    data = superbill()
    data["visits"][1]["lines"][1]["cpt"] = "97999"
    result = run(data)
    cpt = [f for f in result.findings if f.rule_id == "CPT_UNKNOWN"]
    assert cpt and cpt[0].field == "visits[1].lines[1].cpt"
    assert not result.ready


def test_units_beyond_minutes_come_from_the_validator() -> None:
    data = superbill()
    data["visits"][1]["lines"][0]["units"] = 4
    result = run(data)
    assert "UNITS_EXCEED_MINUTES" in rule_ids(result) and not result.ready


def test_superbill_checks_and_missing_list() -> None:
    result = run(superbill(provider={"address": "", "credentials": "", "phone": ""}, payments=[]))
    by_id = {f.rule_id: f for f in result.findings}
    assert by_id["SUPERBILL_ADDRESS_MISSING"].severity == "error"
    assert by_id["SUPERBILL_CREDENTIALS_MISSING"].severity == "warning"
    assert by_id["SUPERBILL_PHONE_MISSING"].severity == "warning"
    assert by_id["SUPERBILL_PAYMENT_MISSING"].field == "payments"
    assert not result.ready
    for field in ("provider.address", "provider.credentials", "provider.phone", "payments"):
        assert field in result.missing
    assert result.superbill.total_paid == 0 and result.superbill.balance == Decimal("470.50")


def test_missing_tax_id_is_an_error() -> None:
    result = run(superbill(provider={"tax_id": ""}))
    assert "SUPERBILL_TAX_ID_MISSING" in rule_ids(result) and not result.ready


def test_patient_sex_is_information_only() -> None:
    result = run(superbill())
    sex = [f for f in result.findings if f.field == "patient.sex"]
    assert sex and sex[0].severity == "info"


def test_overpayment_is_a_warning() -> None:
    result = run(superbill(payments=[{"date": "2026-03-02", "amount": "999", "method": "cash"}]))
    assert "SUPERBILL_OVERPAID" in rule_ids(result)
    assert result.superbill.balance == Decimal("-528.50")


def test_future_date_of_service_is_the_validators_error() -> None:
    result = run(superbill(issued_on="2026-03-05"))
    assert "DOS_IN_FUTURE" in rule_ids(result) and not result.ready


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"visits": []}, "visits"),
        ({"insured": {"name": "Pat Example"}}, "insured.relationship"),
        ({"payments": [{"date": "2026-03-02", "amount": "-5", "method": "card"}]}, "payments.0"),
        ({"diagnoses": "F82"}, "diagnoses"),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(change, loc) -> None:
    data = superbill()
    data.update(change)
    with pytest.raises(ValidationError) as exc:
        SuperbillRequest.model_validate(data)
    where = ".".join(str(p) for p in exc.value.errors()[0]["loc"])
    assert where.startswith(loc)


def test_more_than_fifty_lines_is_refused() -> None:
    visit = superbill()["visits"][1]
    data = superbill(visits=[visit] * 26)
    with pytest.raises(InvalidBillingInput) as exc:
        run(data)
    assert exc.value.field == "visits"


def test_text_output_lists_lines_and_totals() -> None:
    text = run(superbill()).to_text()
    assert "READY" in text and "97530" in text and "470.50" in text and "170.50" in text
