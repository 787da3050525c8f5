"""The knowledge base on a real embedded chroma store and a real chroma server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from knowledge.store import KnowledgeBase

HERE = Path(__file__).parent / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(HERE, folder)
    return folder


@pytest.fixture
def kb(tmp_path: Path, corpus: Path) -> KnowledgeBase:
    base = KnowledgeBase(data_dir=tmp_path / "data", corpus_dir=corpus)
    base.ingest()
    return base


def test_first_ingest_embeds_everything(tmp_path: Path, corpus: Path) -> None:
    base = KnowledgeBase(data_dir=tmp_path / "d", corpus_dir=corpus)
    report = base.ingest()
    assert sorted(report.added) == sorted(p.stem for p in corpus.glob("*.md"))
    assert report.passages_embedded == report.passages_total == 6
    assert base.is_current()


def test_ingest_is_incremental(kb: KnowledgeBase, corpus: Path) -> None:
    again = kb.ingest()
    assert again.passages_embedded == 0 and again.unchanged == 4
    doc = corpus / "test-superbill.md"
    doc.write_text(doc.read_text().replace("what the family paid", "the amount the family paid"))
    (corpus / "test-kx-2025.md").unlink()
    report = kb.ingest()
    assert report.updated == ("test-superbill",)
    assert report.removed == ("test-kx-2025",)
    assert report.passages_embedded == 1
    assert report.passages_total == 5
    assert not any(p.doc_id == "test-kx-2025" for p in kb.passages())


def test_index_survives_a_new_process_object(
    kb: KnowledgeBase, tmp_path: Path, corpus: Path
) -> None:
    reopened = KnowledgeBase(data_dir=tmp_path / "data", corpus_dir=corpus)
    assert reopened.is_current()
    assert reopened.ensure_ready() is None
    assert reopened.search("superbill NPI", k=1)[0].passage.doc_id == "test-superbill"


def test_rebuild_starts_over(kb: KnowledgeBase) -> None:
    report = kb.ingest(rebuild=True)
    assert report.passages_embedded == 6 and len(report.added) == 4


def test_exact_code_finds_its_passage(kb: KnowledgeBase) -> None:
    hits = kb.search("CO-97", k=3)
    assert hits[0].passage.doc_id == "test-denial-co97"
    assert hits[0].keyword_rank == 1


def test_paraphrase_finds_its_passage(kb: KnowledgeBase) -> None:
    hits = kb.search(
        "what paperwork do I send my insurance to get paid back for private therapy", k=2
    )
    assert hits[0].passage.doc_id == "test-superbill"


_STATE_DOC = """+++
id = "test-state-copay-law"
title = "A state law on therapy cost sharing"
publisher = "Project guide"
doc_type = "explainer"
payer = ["commercial"]
audience = ["parent"]
topics = ["state law"]
effective_from = 2020-01-01
checked = 2026-11-24

[[sources]]
url = "https://example.org/state-law"
title = "State law"
publisher = "Example"
grade = "secondary"
+++

# A state law on therapy cost sharing

## The Vermont rule

Vermont law limits what a state-regulated policy may take from the member for occupational
therapy [1].
"""


def test_a_rare_name_in_a_long_question_finds_its_document(tmp_path: Path, corpus: Path) -> None:
    """A name used by few documents (a state, a contractor) decides the topic even when the
    rest of a long question matches another document's words better."""
    (corpus / "test-state-copay-law.md").write_text(_STATE_DOC)
    base = KnowledgeBase(data_dir=tmp_path / "data", corpus_dir=corpus)
    base.ingest()
    question = (
        "We live in Vermont and our plan charges a copay for each of my child's out-of-network "
        "OT visits; what should the superbill show about units, charges and what we paid?"
    )
    assert "test-state-copay-law" in [h.passage.doc_id for h in base.search(question, k=2)]
    # a question that names nothing keeps its usual ranking
    plain = base.search("what does a superbill show about units and charges", k=1)
    assert plain[0].passage.doc_id == "test-superbill"


def test_date_of_service_selects_the_version_in_force(kb: KnowledgeBase) -> None:
    old = kb.search("KX threshold amount", k=5, on=date(2025, 6, 1))
    new = kb.search("KX threshold amount", k=5, on=date(2026, 6, 1))
    assert {h.passage.doc_id for h in old} & {"test-kx-2025"} and "test-kx-2026" not in {
        h.passage.doc_id for h in old
    }
    assert "test-kx-2025" not in {h.passage.doc_id for h in new}
    assert new[0].passage.doc_id == "test-kx-2026"


def test_a_period_finds_every_version_in_force_during_it(kb: KnowledgeBase) -> None:
    """ "in late 2025 and January 2026": both versions were in force at some time in it."""
    both = kb.search("KX threshold amount", k=5, on=date(2025, 12, 1), until=date(2026, 1, 31))
    assert {"test-kx-2025", "test-kx-2026"} <= {h.passage.doc_id for h in both}
    only_2026 = kb.search("KX threshold amount", k=5, on=date(2026, 1, 1), until=date(2026, 3, 1))
    assert "test-kx-2025" not in {h.passage.doc_id for h in only_2026}
    with pytest.raises(ValueError, match="until"):
        kb.search("x", on=date(2026, 2, 1), until=date(2026, 1, 1))
    with pytest.raises(ValueError, match="until"):
        kb.search("x", until=date(2026, 1, 1))


def test_payer_filter_keeps_all_payer_passages(kb: KnowledgeBase) -> None:
    hits = kb.search("denial bundled superbill", k=10, payer="cigna")
    ids = {h.passage.doc_id for h in hits}
    assert "test-denial-co97" in ids  # payer "all"
    assert "test-superbill" in ids  # generic commercial passages also apply to cigna
    assert not ids & {"test-kx-2025", "test-kx-2026"}  # medicare-only passages are filtered out


def test_audience_filter(kb: KnowledgeBase) -> None:
    ids = {
        h.passage.doc_id for h in kb.search("threshold superbill denial", k=10, audience="parent")
    }
    assert ids <= {"test-superbill", "test-denial-co97"}


def test_bad_filter_values_are_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="unknown payer"):
        kb.search("x", payer="acme")
    with pytest.raises(ValueError, match="unknown audience"):
        kb.search("x", audience="coder")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_chroma_server_mode(tmp_path: Path, corpus: Path) -> None:
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        base = KnowledgeBase(
            data_dir=tmp_path / "unused", corpus_dir=corpus, host="127.0.0.1", port=port
        )
        report = base.ingest()
        assert report.passages_total == 6
        assert base.location == f"http://127.0.0.1:{port}"
        assert base.search("CO-97", k=1)[0].passage.doc_id == "test-denial-co97"
        assert not (tmp_path / "unused").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
