"""validate-claim, scrub, rules and advocacy from the command line (real subprocesses)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.claims.conftest import make
from tests.cli.test_cli_contract import run


def test_validate_claim_clean_and_with_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(make()))
    done = run("validate-claim", str(good))
    assert done.returncode == 0, done.stderr
    assert "no problems found" in done.stdout

    bad = make(**{"lines.0.units": 4, "billing_provider.npi": "1234567890"})
    done = run("validate-claim", "-", "--json", stdin=json.dumps(bad))
    assert done.returncode == 1
    body = json.loads(done.stdout)
    assert body["status"] == "errors"
    assert {"UNITS_EXCEED_MINUTES", "NPI_INVALID"} <= {f["rule_id"] for f in body["findings"]}
    assert all(f["references"][0]["url"].startswith("http") for f in body["findings"])


def test_validate_claim_bad_input_exit_2_names_the_field() -> None:
    done = run("validate-claim", "-", stdin=json.dumps(make(**{"lines.0.units": "two"})))
    assert done.returncode == 2
    assert "lines.0.units" in done.stderr
    done = run("validate-claim", "-", stdin="{not json")
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_validate_claim_example_round_trips() -> None:
    example = run("validate-claim", "--example").stdout
    done = run("validate-claim", "-", stdin=example)
    assert done.returncode == 0, done.stdout + done.stderr


def test_scrub_jsonl_with_a_malformed_record(tmp_path: Path) -> None:
    claims = [make(claim_id=f"S-{i}", **{"patient.member_id": f"M{i}"}) for i in range(4)]
    claims[2]["lines"][0]["units"] = 4
    lines = [json.dumps(c) for c in claims]
    lines.insert(1, "{broken")
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    done = run("scrub", str(src), "--format", "jsonl", "--output", str(out))
    assert done.returncode == 1
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[1]["input_error"]["location"] == "line 2"
    results = [r["result"] for r in rows if "result" in r]
    assert [r["status"] for r in results] == ["clean", "clean", "errors", "clean"]
    summary = rows[-1]["summary"]
    assert summary["claims"] == 4 and summary["input_errors"] == 1
    assert summary["findings_by_rule"] == {"UNITS_EXCEED_MINUTES": 1}
    assert "4 claim(s): 3 clean" in done.stderr


def test_scrub_csv_output_one_row_per_finding(tmp_path: Path) -> None:
    claims = [make(claim_id="S-1"), make(claim_id="S-2", **{"lines.0.modifiers": []})]
    claims[1]["patient"]["member_id"] = "OTHER"
    src = tmp_path / "batch.json"
    src.write_text(json.dumps(claims))
    out = tmp_path / "findings.csv"
    run("scrub", str(src), "--format", "csv", "--output", str(out))
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["claim_id"] == "S-1" and rows[0]["rule_id"] == ""
    assert {"claim_id": "S-2", "rule_id": "GO_MODIFIER_MISSING"}.items() <= rows[1].items()


def test_rules_lists_the_catalog() -> None:
    done = run("rules", "--json")
    rules = json.loads(done.stdout)["rules"]
    assert len(rules) == 38
    assert all(r["source"]["url"].startswith("http") for r in rules)
    one = run("rules", "KX_MODIFIER_REQUIRED")
    assert "KX_MODIFIER_REQUIRED" in one.stdout and "1 rule(s)" in one.stdout


def test_advocacy_command() -> None:
    done = run("advocacy", "can", "our", "clinics", "all", "agree", "to", "drop", "UHC", "--json")
    assert done.returncode == 1
    body = json.loads(done.stdout)
    assert body["classification"] == "prohibited" and body["alternatives"] and body["sources"]
    done = run("advocacy", "how do I appeal a denied claim for my own patient")
    assert done.returncode == 0 and "safe" in done.stdout.lower()
