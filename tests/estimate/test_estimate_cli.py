"""The real `otbill estimate` command: JSON contract, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from tests.cli.test_cli_contract import run


def test_medicare_json_contract() -> None:
    proc = run(
        "estimate",
        "--date",
        "2026-08-03",
        "97530=38",
        "97110=15",
        "--deductible-remaining",
        "0",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "ok"
    assert out["allowed_total"] == "107.38"
    assert out["conversion_factor"] == "33.4009"
    assert [(ln["code"], ln["units"]) for ln in out["lines"]] == [("97530", 3), ("97110", 1)]
    assert out["cost_share"]["coinsurance"] == "21.48"
    assert out["thresholds"][0]["group"] == "OT"
    assert out["working"] and out["rule_data"]


def test_text_output_shows_the_working_and_sources() -> None:
    proc = run("estimate", "--date", "2025-06-10", "97530=2u", "--locality", "AR-13")
    assert proc.returncode == 0, proc.stderr
    assert "$31.65" in proc.stdout and "$23.02" in proc.stdout
    assert "Working:" in proc.stdout and "Sources:" in proc.stdout


def test_assistant_and_discipline_syntax() -> None:
    proc = run("estimate", "--date", "2026-08-03", "97110-GO-CO=2u", "PT:97112=1u", "--json")
    out = json.loads(proc.stdout)
    lines = {ln["code"]: ln for ln in out["lines"]}
    assert lines["97110"]["modifiers"] == ["GO", "CO"]
    assert lines["97110"]["assistant_percent"] == "85"
    assert lines["97112"]["discipline"] == "PT"


def test_commercial_and_out_of_network() -> None:
    proc = run(
        "estimate",
        "--allowed",
        "120",
        "--deductible-remaining",
        "500",
        "--coinsurance",
        "20",
        "--json",
    )
    out = json.loads(proc.stdout)
    assert out["payer_basis"] == "commercial"
    assert out["cost_share"]["family_pays"] == "120.00"
    proc = run(
        "estimate",
        "--out-of-network",
        "--allowed",
        "90",
        "--billed",
        "$200",
        "--coinsurance",
        "40%",
        "--deductible-remaining",
        "0",
        "--json",
    )
    out = json.loads(proc.stdout)
    assert out["cost_share"]["balance_bill"] == "110.00"
    assert out["cost_share"]["family_pays"] == "146.00"
    proc = run(
        "estimate",
        "--date",
        "2026-08-03",
        "97530=2u",
        "--fee",
        "97530=45",
        "--deductible-remaining",
        "0",
        "--json",
    )
    assert json.loads(proc.stdout)["allowed_total"] == "90.00"


def test_indeterminate_prints_the_answer_and_exits_1() -> None:
    proc = run("estimate", "--date", "2024-05-01", "97530=38", "--json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["status"] == "indeterminate"
    assert any("2024" in m for m in out["missing"])


def test_list_localities() -> None:
    proc = run("estimate", "--list-localities", "--json")
    keys = {row["key"] for row in json.loads(proc.stdout)}
    assert {"NATIONAL", "AR-13", "CA-18"} <= keys


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["97530=abc"], "97530"),
        (["97530=2000"], "day"),
        (["97530=99u"], "units"),
        (["banana"], "CODE=MINUTES"),
        (["97110"], "minutes"),
        (["97999=20"], "97999"),
        (["97530=20", "--locality", "ZZ-99"], "locality"),
        (["--allowed", "abc"], "--allowed"),
        (["--coinsurance", "2000"], "--coinsurance"),
        (["97110=2u", "--fee", "97530=45"], "--fee"),
        (["97110=2u", "--fee", "97110"], "--fee"),
        (["97530=38", "--percent-of-medicare", "110"], "counting_method"),
        (["97530=2u", "--allowed", "100", "--percent-of-medicare", "110"], "pricing basis"),
        (["--date", "2026-13-01", "97530=2u"], "YYYY-MM-DD"),
        ([], "give at least one code"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], field: str) -> None:
    proc = run("estimate", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert field in lines[0]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["estimate", "check-note"])
def test_help_teaches_by_example(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "examples:" in capsys.readouterr().out
