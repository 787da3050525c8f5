"""Batch scrubbing: JSON, JSON Lines and CSV in, one result per claim, bad records isolated."""

from __future__ import annotations

import copy
import csv
import io
import json
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.claims.conftest import BASE, make
from tools.claims.batch import CSV_COLUMNS, RecordError, read_records, scrub, summarize
from tools.claims.core import check_claim
from tools.claims.models import Claim, ClaimResult


def _claims(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        claim = make(claim_id=f"B-{i:03d}", **{"patient.member_id": f"M{i:05d}"})
        out.append(claim)
    return out


def _run(text: str, fmt: str) -> list[ClaimResult | RecordError]:
    return list(scrub(read_records(text, fmt)))  # type: ignore[arg-type]


def test_jsonl_malformed_record_in_the_middle_loses_nothing_else() -> None:
    lines = [json.dumps(c) for c in _claims(5)]
    lines[2] = '{"claim_id": "B-002", "lines": ['  # truncated record
    lines[3] = json.dumps({**json.loads(lines[3]), "lines": "not a list"})
    items = _run("\n".join(lines), "jsonl")
    assert len(items) == 5
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.location for e in errors] == ["line 3", "line 4"]
    assert errors[1].claim_id == "B-003" and errors[1].field.startswith("lines")
    results = [i for i in items if isinstance(i, ClaimResult)]
    assert [r.claim_id for r in results] == ["B-000", "B-001", "B-004"]
    assert all(r.status == "clean" for r in results)
    summary = summarize(items, time.perf_counter())
    assert summary.claims == 3 and summary.input_errors == 2 and summary.clean_rate == 1.0


def test_json_array_and_duplicates_across_the_batch() -> None:
    claims = _claims(2)
    claims[1]["patient"]["member_id"] = claims[0]["patient"]["member_id"]  # same patient
    items = _run(json.dumps(claims), "json")
    assert isinstance(items[0], ClaimResult) and items[0].status == "clean"
    assert isinstance(items[1], ClaimResult)
    dup = [f for f in items[1].findings if f.rule_id == "DUPLICATE_LINE"]
    assert len(dup) == 2 and "B-000" in dup[0].message


def test_not_json_at_all_is_one_record_error() -> None:
    items = _run("[{oops", "json")
    assert len(items) == 1 and isinstance(items[0], RecordError)


def _to_csv(claims: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for c in claims:
        for ln in c["lines"]:
            writer.writerow(
                {
                    "claim_id": c["claim_id"],
                    "submitted_on": c["submitted_on"],
                    "payer_name": c["payer"]["name"],
                    "plan_type": c["payer"]["plan_type"],
                    "network": c["payer"]["network"],
                    **{k: c["patient"][k] for k in ("member_id", "first_name", "last_name")},
                    "date_of_birth": c["patient"]["date_of_birth"],
                    "sex": c["patient"]["sex"],
                    "billing_npi": c["billing_provider"]["npi"],
                    "tax_id": c["billing_provider"]["tax_id"],
                    "rendering_npi": c["rendering_provider"]["npi"],
                    "discipline": c["rendering_provider"]["discipline"],
                    "place_of_service": c["place_of_service"],
                    "diagnoses": ";".join(c["diagnoses"]),
                    "date_of_service": ln["date_of_service"],
                    "cpt": ln["cpt"],
                    "modifiers": ";".join(ln["modifiers"]),
                    "units": ln["units"],
                    "minutes": ln["minutes"],
                    "diagnosis_pointers": ";".join(map(str, ln["diagnosis_pointers"])),
                    "charge": ln["charge"],
                    "assistant_minutes": 0,
                    "ytd_ot_allowed": c["context"]["ytd_ot_allowed"],
                }
            )
    return buf.getvalue()


def test_csv_round_trip_matches_the_json_result() -> None:
    claims = _claims(3)
    claims[1]["lines"][0]["units"] = 4  # planted: units exceed minutes
    by_csv = _run(_to_csv(claims), "csv")
    by_json = _run(json.dumps(claims), "json")
    rules_csv = [
        sorted(f.rule_id for f in r.findings) for r in by_csv if isinstance(r, ClaimResult)
    ]
    rules_json = [
        sorted(f.rule_id for f in r.findings) for r in by_json if isinstance(r, ClaimResult)
    ]
    # CSV carries no plan-of-care or progress-report context, so compare the shared rules.
    assert rules_csv == rules_json
    assert "UNITS_EXCEED_MINUTES" in rules_csv[1]


def test_csv_bad_row_names_its_rows() -> None:
    text = _to_csv(_claims(2)).replace("2026-03-02", "03/02/2026", 1)
    items = _run(text, "csv")
    assert isinstance(items[0], RecordError) and items[0].location == "rows 2-3"
    assert "date_of_service" in items[0].field
    assert isinstance(items[1], ClaimResult)


def test_csv_missing_header_column_is_explained() -> None:
    items = _run("claim_id,units\nX,1\n", "csv")
    assert isinstance(items[0], RecordError) and "cpt" in items[0].message


CODES = [
    "97530",
    "97110",
    "97112",
    "97140",
    "97535",
    "97165",
    "97168",
    "97150",
    "97010",
    "99999",
    "G0283",
    "9753",
    "",
]
MODS = ["GO", "GP", "KX", "CO", "CQ", "59", "XU", "95", "ZZ", ""]


@st.composite
def random_claims(draw: st.DrawFn) -> dict[str, Any]:
    claim = copy.deepcopy(BASE)
    n = draw(st.integers(1, 6))
    claim["lines"] = [
        {
            "date_of_service": draw(
                st.dates(
                    min_value=__import__("datetime").date(2015, 1, 1),
                    max_value=__import__("datetime").date(2029, 12, 31),
                )
            ).isoformat(),
            "cpt": draw(st.sampled_from(CODES)),
            "modifiers": draw(st.lists(st.sampled_from(MODS), max_size=4)),
            "units": draw(st.integers(0, 30)),
            "minutes": draw(st.one_of(st.none(), st.integers(0, 300))),
            "diagnosis_pointers": draw(st.lists(st.integers(-2, 14), max_size=6)),
            "charge": str(draw(st.decimals(-100, 5000, places=2, allow_nan=False))),
            "assistant_minutes": draw(st.integers(0, 300)),
        }
        for _ in range(n)
    ]
    claim["diagnoses"] = draw(
        st.lists(st.sampled_from(["I69.351", "F82", "R26", "xx", "", "M54.50"]), max_size=5)
    )
    claim["payer"]["plan_type"] = draw(
        st.sampled_from(
            ["medicare", "medicare_advantage", "medicaid", "commercial", "tricare", "other"]
        )
    )
    claim["payer"]["name"] = draw(
        st.sampled_from(["Medicare", "Aetna", "Cigna", "", "Acme", "UnitedHealthcare"])
    )
    claim["payer"]["network"] = draw(st.sampled_from(["in", "out"]))
    claim["place_of_service"] = draw(st.sampled_from(["11", "02", "10", "12", "", "7"]))
    claim["rendering_provider"]["discipline"] = draw(
        st.sampled_from(["OT", "OTA", "PT", "PTA", "SLP"])
    )
    claim["billing_provider"]["npi"] = draw(st.text("0123456789", max_size=11))
    claim["context"]["ytd_ot_allowed"] = draw(st.sampled_from([None, "0", "2479.99", "9000"]))
    return claim


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_claims())
def test_random_valid_claims_never_crash(raw: dict[str, Any]) -> None:
    result = check_claim(Claim.model_validate(raw))
    assert result.status in ("clean", "warnings", "errors")
    assert (result.status == "errors") == any(f.severity == "error" for f in result.findings)
    for f in result.findings:
        assert f.message and f.fix and f.references
