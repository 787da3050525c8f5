"""The otbill CLI contract that other parts and external checks rely on (real subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.cli import main

OTBILL = shutil.which("otbill") or str(Path(sys.executable).with_name("otbill"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [OTBILL, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env=env,
        check=False,
    )


def test_units_json_contract() -> None:
    proc = run(
        "units", "--payer", "medicare", "--date", "2026-03-02", "97110=33", "97140=7", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["units_by_code"] == {"97110": 2, "97140": 1}
    assert out["total_units"] == 3
    assert out["total_timed_minutes"] == 40
    assert out["method"] == "cms"


def test_units_method_ama_and_untimed_bare_code() -> None:
    proc = run("units", "--method", "ama", "97110=33", "97140=7", "97165", "--json")
    out = json.loads(proc.stdout)
    assert out["units_by_code"] == {"97110": 2, "97140": 0, "97165": 1}
    assert out["total_timed_minutes"] == 40


def test_units_text_is_a_readable_table() -> None:
    proc = run("units", "--payer", "medicare", "97110=18", "97140=13", "97116=10", "97035=8")
    assert proc.returncode == 0
    assert "total units 3" in proc.stdout
    assert "Working:" in proc.stdout and "97035" in proc.stdout


def test_visits_json_contract() -> None:
    out = json.loads(run("visits", "--units", "20", "--session-minutes", "60", "--json").stdout)
    assert out["units_per_visit"] == 4 and out["visits"] == 5
    out = json.loads(run("visits", "--visits", "12", "--session-minutes", "30", "--json").stdout)
    assert out["units"] == 24 and out["visits"] == 12


def test_eval_complexity_json_contract() -> None:
    proc = run(
        "eval-complexity",
        "--history",
        "extensive",
        "--deficits",
        "6",
        "--decision",
        "high",
        "--comorbidities",
        "diabetes,copd",
        "--modification",
        "significant",
        "--json",
    )
    assert json.loads(proc.stdout)["code"] == "97167"
    proc = run(
        "eval-complexity", "--history", "brief", "--deficits", "6", "--decision", "high", "--json"
    )
    assert json.loads(proc.stdout)["code"] == "97165"
    proc = run(
        "eval-complexity",
        "--history",
        "expanded",
        "--deficits",
        "moderate",
        "--decision",
        "moderate",
        "--json",
    )
    assert json.loads(proc.stdout)["code"] == "97166"


def test_assistant_rate_json_contract() -> None:
    proc = run("assistant-rate", "--date", "2026-03-02", "--amount", "60", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert Decimal(out["payment_percent"]) == 85
    assert Decimal(out["assistant_amount"]) == Decimal("51.00")
    proc = run("assistant-rate", "--assistant-minutes", "5", "--total-minutes", "40", "--json")
    assert json.loads(proc.stdout)["modifier_required"] is True


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["units", "97999=20"], "97999"),
        (["units", "97110=-5"], "97110"),
        (["units", "97110=2000"], "day"),
        (["units", "97110"], "minutes"),
        (["units", "97110==3"], "97110"),
        (["units", "banana"], "CODE=MINUTES"),
        (["units", "--payer", "Acme Health", "97110=20"], "--method"),
        (["units", "--date", "2026-02-30", "97110=20"], "YYYY-MM-DD"),
        (
            ["eval-complexity", "--history", "brief", "--deficits", "0", "--decision", "low"],
            "deficits",
        ),
        (
            ["eval-complexity", "--history", "brief", "--deficits", "lots", "--decision", "low"],
            "deficits",
        ),
        (
            ["eval-complexity", "--history", "huge", "--deficits", "2", "--decision", "low"],
            "history",
        ),
        (["visits", "--session-minutes", "60"], "--units"),
        (["assistant-rate", "--assistant-minutes", "4"], "--total-minutes"),
        (["assistant-rate", "--amount", "sixty"], "--amount"),
        (["conversion-factor", "--date", "2019-05-01"], "2024-01-01"),
        (["tool", "calculate_units", "--input", "{not json"], "JSON"),
        (["tool", "nope", "--input", "{}"], "otbill tools"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args: list[str], field: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert field in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_input_with_json_also_prints_a_json_error() -> None:
    proc = run("units", "--payer", "Acme Health", "97110=20", "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["field"] == "payer"


def test_generic_tool_runner_reads_stdin() -> None:
    proc = run(
        "tool",
        "eval-complexity",
        "--input",
        "-",
        "--json",
        stdin='{"history": "brief", "deficits": 2, "decision": "low"}',
    )
    assert json.loads(proc.stdout)["code"] == "97165"


@pytest.mark.parametrize(
    "command",
    ["units", "visits", "eval-complexity", "reeval", "assistant-rate", "conversion-factor", "tool"],
)
def test_help_teaches_by_example(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_listings(capsys) -> None:
    assert main(["tools"]) == 0
    assert "units" in capsys.readouterr().out
    assert main(["codes", "--json"]) == 0
    codes = json.loads(capsys.readouterr().out)
    assert any(c["key"] == "97530" and c["unit_minutes"] == 15 for c in codes)
    assert main(["data", "--json"]) == 0
    assert {t["id"] for t in json.loads(capsys.readouterr().out)} >= {"codes", "cms-unit-table"}
