"""The real `otbill check-note` command: input forms, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli_contract import run
from tests.notes.cases import DAILY
from tests.notes.test_parse import NOTE


def test_free_text_from_stdin_with_plan_facts(tmp_path) -> None:
    proc = run(
        "check-note",
        "--text",
        "-",
        "--payer",
        "medicare",
        "--json",
        stdin=NOTE,
    )
    assert proc.returncode == 1  # 4 units billed for 46 minutes
    out = json.loads(proc.stdout)
    assert out["status"] == "incomplete"
    assert {"rule_id", "severity", "message", "fix", "sources"} <= set(out["findings"][0])
    assert out["extracted"]["total_timed_minutes"] == 46


def test_structured_note_file_complete_exits_0(tmp_path) -> None:
    path = tmp_path / "note.json"
    path.write_text(json.dumps(DAILY))
    proc = run("check-note", "--input", f"@{path}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "COMPLETE" in proc.stdout


def test_flags_fill_the_plan_of_care(tmp_path) -> None:
    note = {k: v for k, v in DAILY.items() if k not in {"plan_of_care", "treatment_days_in_period"}}
    path = tmp_path / "note.json"
    path.write_text(json.dumps(note))
    proc = run("check-note", "--input", f"@{path}", "--json")
    assert json.loads(proc.stdout)["status"] == "indeterminate"
    assert proc.returncode == 1
    proc = run(
        "check-note",
        "--input",
        f"@{path}",
        "--start-of-care",
        "2026-01-02",
        "--treatment-day",
        "4",
        "--json",
    )
    out = json.loads(proc.stdout)
    assert "POC-CERT-01" in {f["rule_id"] for f in out["findings"]}
    proc = run(
        "check-note",
        "--input",
        f"@{path}",
        "--start-of-care",
        "2026-02-10",
        "--signed-order",
        "--poc-sent",
        "2026-02-12",
        "--treatment-day",
        "4",
        "--json",
    )
    out = json.loads(proc.stdout)
    assert "POC-CERT-02" in {f["rule_id"] for f in out["findings"]}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ([], "--text/--input"),
        (["--text", "/nonexistent/note.txt"], "--text"),
        (["--input", "{not json"], "JSON"),
        (["--input", "[1, 2]"], "JSON object"),
        (["--input", '{"note_type": "daily", "bogus": 1}'], "bogus"),
        (["--input", '{"note_type": "weekly"}'], "note_type"),
        (["--input", '{"billed": [{"code": "ABC"}]}'], "code"),
        (["--text", "-", "--type", "monthly"], "--type"),
        (["--text", "-", "--start-of-care", "2026-02-31"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], field: str) -> None:
    proc = run("check-note", *args, stdin="Daily note\n")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert field in lines[0]
    assert "Traceback" not in proc.stderr


def test_empty_text_is_bad_input() -> None:
    proc = run("check-note", "--text", "-", stdin="   \n")
    assert proc.returncode == 2
    assert "empty" in proc.stderr
