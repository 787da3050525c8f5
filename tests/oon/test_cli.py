"""``otbill superbill`` and ``otbill oon-guide`` as real subprocesses."""

from __future__ import annotations

import json

import pypdf

from tests.cli.test_cli_contract import run
from tests.oon.samples import FULL_FACTS, superbill


def write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_superbill_ready_json_and_pdf(tmp_path) -> None:
    pdf = tmp_path / "out.pdf"
    proc = run("superbill", write(tmp_path, "sb.json", superbill()), "--pdf", str(pdf), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ready"] is True
    assert out["superbill"]["total_charges"] == "470.50"
    assert out["superbill"]["balance"] == "170.50"
    assert pdf.exists() and "wrote" in proc.stderr
    text = pypdf.PdfReader(str(pdf)).pages[0].extract_text()
    assert "Superbill" in text and "Sam Example" in text


def test_superbill_text_from_stdin() -> None:
    proc = run("superbill", "-", stdin=json.dumps(superbill()))
    assert proc.returncode == 0, proc.stderr
    assert "READY" in proc.stdout and "470.50" in proc.stdout


def test_not_ready_exits_1_and_refuses_the_pdf(tmp_path) -> None:
    pdf = tmp_path / "no.pdf"
    bad = write(tmp_path, "bad.json", superbill(diagnoses=["F80"]))
    proc = run("superbill", bad, "--pdf", str(pdf), "--json")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["ready"] is False
    assert "ICD10_NOT_BILLABLE" in {f["rule_id"] for f in out["findings"]}
    assert not pdf.exists() and "--force" in proc.stderr

    proc = run("superbill", bad, "--pdf", str(pdf), "--force")
    assert proc.returncode == 1
    assert pdf.exists() and "DRAFT" in proc.stderr
    assert "ICD10_NOT_BILLABLE" in proc.stdout


def test_superbill_bad_input_exits_2_naming_the_field(tmp_path) -> None:
    data = superbill()
    data["visits"][0]["lines"][0]["units"] = "many"
    proc = run("superbill", write(tmp_path, "x.json", data))
    assert proc.returncode == 2
    assert "visits.0.lines.0.units" in proc.stderr
    assert proc.stderr.count("\n") == 1

    proc = run("superbill", write(tmp_path, "y.json", [1, 2]), "--json")
    assert proc.returncode == 2 and json.loads(proc.stdout)["error"]["field"] == "INPUT"

    proc = run("superbill", "-", stdin="{not json")
    assert proc.returncode == 2 and "not valid JSON" in proc.stderr


def test_superbill_example_round_trips(tmp_path) -> None:
    example = run("superbill", "--example")
    assert example.returncode == 0
    path = tmp_path / "ex.json"
    path.write_text(example.stdout)
    proc = run("superbill", str(path), "--json")
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["ready"] is True


def test_oon_guide_units_json() -> None:
    proc = run(
        "oon-guide",
        "--codes",
        "97165,97530",
        "--payer",
        "Aetna",
        "--session-minutes",
        "60",
        "--units",
        "20",
        "--date",
        "2026-03-02",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["visits"]["visits"] == 5 and out["visits"]["units_per_visit"] == 4
    assert any("97530" in q["text"] for q in out["questions"])
    assert all(q["sources"] for q in out["questions"])


def test_oon_guide_letter_from_facts_file(tmp_path) -> None:
    facts = write(tmp_path, "facts.json", FULL_FACTS)
    proc = run(
        "oon-guide",
        "--codes",
        "97165,97530",
        "--payer",
        "Cigna",
        "--diagnosis",
        "F82",
        "--no-in-network",
        "--letter",
        "network_gap",
        "--facts",
        f"@{facts}",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["network_gap"]["id"] == "network_gap_unavailable"
    assert out["letter"]["kind"] == "network_gap" and out["letter"]["missing"] == []
    assert "Clinic One" in out["letter"]["text"]


def test_oon_guide_text_with_inline_facts() -> None:
    proc = run(
        "oon-guide",
        "--codes",
        "97530",
        "--payer",
        "Aetna",
        "--letter",
        "appeal",
        "--facts",
        '{"child_name": "Sam Example"}',
    )
    assert proc.returncode == 0, proc.stderr
    assert "Sam Example" in proc.stdout and "[claim number]" in proc.stdout
    assert "Missing (fill in)" in proc.stdout


def test_oon_guide_bad_input_exits_2_naming_the_field() -> None:
    proc = run("oon-guide", "--codes", "hello", "--payer", "Aetna")
    assert proc.returncode == 2 and "codes" in proc.stderr

    proc = run("oon-guide", "--codes", "97530", "--payer", "Aetna", "--facts", "{}")
    assert proc.returncode == 2 and "--facts" in proc.stderr

    proc = run(
        "oon-guide", "--codes", "97530", "--payer", "Aetna", "--letter", "appeal", "--facts", "[]"
    )
    assert proc.returncode == 2 and "--facts" in proc.stderr

    proc = run(
        "oon-guide",
        "--codes",
        "97530",
        "--payer",
        "Aetna",
        "--letter",
        "appeal",
        "--facts",
        '{"child_nmae": "x"}',
        "--json",
    )
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["field"] == "facts.child_nmae"

    proc = run("oon-guide", "--codes", "97530", "--payer", "Aetna", "--units", "0")
    assert proc.returncode == 2 and "authorization.units" in proc.stderr

    proc = run("oon-guide", "--codes", "97530")
    assert proc.returncode == 2 and "--payer" in proc.stderr


def test_help_has_examples() -> None:
    for cmd in ("superbill", "oon-guide"):
        proc = run(cmd, "--help")
        assert proc.returncode == 0 and "examples:" in proc.stdout
