"""The retrieval evaluation harness on the fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.evaluate import evaluate, load_questions


def write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "q.toml").write_text(text)
    return folder


def test_recall_and_mrr(fixture_kb, tmp_path: Path) -> None:
    folder = write(
        tmp_path / "q",
        """
[[questions]]
id = "t-1"
audience = "biller"
question = "CO-97 denial"
relevant = ["test-denial-co97"]

[[questions]]
id = "t-2"
audience = "parent"
question = "what paperwork gets my child's private OT reimbursed"
relevant = ["test-superbill"]

[[questions]]
id = "t-3"
audience = "biller"
question = "KX threshold"
relevant = ["test-kx-2025"]
date = 2026-05-01
""",
    )
    report = evaluate(fixture_kb, load_questions(folder), k=5)
    assert report.questions == 3
    # t-3 asks for the 2025 document with a 2026 date of service: filtered out, so a miss
    assert report.recall_at_k == pytest.approx(2 / 3, abs=1e-3)
    assert [m.id for m in report.misses] == ["t-3"]
    assert report.by_audience["parent"]["recall_at_k"] == 1.0


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    q = '[[questions]]\nid = "a"\naudience = "biller"\nquestion = "xyz"\nrelevant = ["d"]\n'
    folder = write(tmp_path / "q", q + q)
    with pytest.raises(ValueError, match="duplicate"):
        load_questions(folder)
