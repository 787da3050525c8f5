"""Shared fixtures. No test may construct a real LLM provider or reach the network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_CORPUS = Path(__file__).parent / "knowledge" / "corpus"


@pytest.fixture(autouse=True)
def _no_real_models(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.engine.llm as llm

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test tried to build a real chat model")

    monkeypatch.setattr(llm, "build_chat_model", refuse)
    for key in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "OTBILL_CHAT_MODEL",
        "OTBILL_DATABASE_URL",
        "OTBILL_CHROMA_HOST",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory):
    """A knowledge base over the small test corpus, built once per session."""
    from knowledge.store import KnowledgeBase

    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(FIXTURE_CORPUS, root / "corpus")
    kb = KnowledgeBase(data_dir=root / "data", corpus_dir=root / "corpus")
    kb.ingest()
    return kb


@pytest.fixture(scope="session")
def shipped_kb(tmp_path_factory: pytest.TempPathFactory):
    """A knowledge base over the corpus the package ships, built once per session."""
    from knowledge.corpus import default_corpus_dir
    from knowledge.store import KnowledgeBase

    root = tmp_path_factory.mktemp("shipped-kb")
    kb = KnowledgeBase(data_dir=root / "data", corpus_dir=default_corpus_dir())
    kb.ingest()
    return kb
