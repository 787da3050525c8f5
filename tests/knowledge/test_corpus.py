"""Corpus parsing and chunking, and the shipped corpus's own integrity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.corpus import CorpusError, chunk, load_corpus, parse_document

HERE = Path(__file__).parent / "corpus"


def test_fixture_corpus_parses_and_chunks_by_section() -> None:
    docs = {d.meta.id: d for d in load_corpus(HERE)}
    passages = chunk(docs["test-kx-2026"])
    assert [p.section for p in passages] == ["Amount", "When to add KX"]
    assert all(p.title == "Therapy KX threshold in 2026" for p in passages)
    assert passages[0].url == "https://example.org/kx-2026"
    assert passages[0].in_force(date(2026, 3, 1)) and not passages[0].in_force(date(2025, 3, 1))


def test_ids_are_stable_content_hashes() -> None:
    doc = next(d for d in load_corpus(HERE) if d.meta.id == "test-kx-2026")
    assert [p.id for p in chunk(doc)] == [p.id for p in chunk(doc)]
    changed = parse_document(Path(doc.path).read_text().replace("per beneficiary", "per person"))
    assert {p.id for p in chunk(changed)} != {p.id for p in chunk(doc)}


def test_long_sections_are_split_with_their_heading() -> None:
    text = (HERE / "test-superbill.md").read_text()
    long_para = "\n\n".join(["word " * 200] * 3)
    doc = parse_document(text.replace("## Required items", f"## Required items\n\n{long_para}"))
    parts = [p for p in chunk(doc) if p.section == "Required items"]
    assert len(parts) >= 2
    assert all(len(p.text.split()) <= 420 for p in parts)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda t: t.replace('payer = ["commercial"]', 'payer = ["acme"]'), "unknown payer"),
        (lambda t: t.replace('audience = ["parent"]', "audience = []"), "audience"),
        (lambda t: t.split("+++", 2)[2], "front matter"),
        (lambda t: t.replace('url = "https://example.org/superbill"', 'url = "ftp://x"'), "http"),
        (
            lambda t: t.replace(
                "effective_from = 2020-01-01",
                "effective_from = 2020-01-01\neffective_to = 2019-01-01",
            ),
            "before",
        ),
    ],
)
def test_malformed_documents_are_refused(edit, problem: str) -> None:
    text = (HERE / "test-superbill.md").read_text()
    with pytest.raises(CorpusError, match=problem):
        parse_document(edit(text), "x/test-superbill.md")


def test_id_must_match_file_name(tmp_path: Path) -> None:
    (tmp_path / "other-name.md").write_text((HERE / "test-superbill.md").read_text())
    with pytest.raises(CorpusError, match="must equal the file name"):
        load_corpus(tmp_path)
