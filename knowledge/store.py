"""The knowledge base: passages in chromadb, hybrid dense + BM25 search, incremental ingest.

By default chroma runs embedded (``PersistentClient``) in the data directory; set a host to use
a chroma server (``HttpClient``) instead. Either way the collection is opened with the project's
embedding function, never chroma's default. Dense hits come from chroma with the metadata filters
applied there; keyword hits come from a BM25 index over the same passages, masked by the same
filters; the two rankings are fused by reciprocal rank, so exact codes ("97533", "CO-97") and
paraphrases both find their passages. A rare name in the question (a state, a contractor) counts
as a first-rank keyword hit for the passages that use it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from knowledge.chroma_ef import ProjectEmbedding
from knowledge.corpus import OPEN_END, PAYERS, Passage, chunk, default_corpus_dir, load_corpus
from knowledge.embeddings import MODEL_NAME, embed
from knowledge.text import expand, tokens

# bm25s sets its own logger to DEBUG at import, which leaks "Building index" lines into the CLI.
logging.getLogger("bm25s").setLevel(logging.WARNING)

log = logging.getLogger(__name__)

COLLECTION = "otbill-passages"
RRF_K = 60
CANDIDATES = 40
NAME_DOCS = 3
"""A name ("Connecticut", "TRICARE", "Noridian") found in at most this many documents marks
them as the ones the question is about: such a name decides the topic, but both searches can
bury it (the embedding under the rest of a long question, BM25 only in fusion)."""

_NAME = re.compile(r"\b(?:[A-Z][a-z]{3,}|[A-Z]{4,})\b")
_QUESTION_NAME = re.compile(r"(?<![.?!:]\s)(?<!^)" + _NAME.pattern)  # not a sentence's first word
_LOWER_WORD = re.compile(r"(?<![\w-])[a-z]{4,}\b")
_NOT_NAMES = frozenset(
    "january february march april june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
AUDIENCES = ("biller", "therapist", "parent")


def default_data_dir() -> Path:
    """Where the embedded index lives: $OTBILL_DATA_DIR, else the XDG data home."""
    env = os.environ.get("OTBILL_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "otbill"


class Hit(BaseModel):
    """A search result: the passage, its fused score and where each search ranked it."""

    model_config = ConfigDict(frozen=True)

    passage: Passage = Field(description="The passage found.")
    score: float = Field(description="Reciprocal-rank-fusion score (higher is better).")
    dense_rank: int | None = Field(description="Rank in the embedding search, 1-based.")
    keyword_rank: int | None = Field(description="Rank in the BM25 search, 1-based.")

    def record(self) -> dict[str, Any]:
        """The result as plain JSON data with every citation field (API, CLI and MCP use it)."""
        p = self.passage
        return {
            "id": p.id,
            "doc_id": p.doc_id,
            "title": p.title,
            "section": p.section,
            "publisher": p.publisher,
            "url": p.url,
            "effective_from": p.effective_from.isoformat(),
            "effective_to": p.effective_to.isoformat() if p.effective_to else None,
            "payer": list(p.payer),
            "audience": list(p.audience),
            "score": self.score,
            "text": p.text,
        }


class IngestReport(BaseModel):
    """What an ingest changed."""

    added: tuple[str, ...] = Field(description="Documents new to the index.")
    updated: tuple[str, ...] = Field(description="Documents whose text changed.")
    removed: tuple[str, ...] = Field(description="Documents no longer in the corpus.")
    unchanged: int = Field(description="Documents left as they were.")
    passages_embedded: int = Field(description="Passages embedded in this run.")
    passages_total: int = Field(description="Passages in the index afterwards.")
    seconds: float = Field(description="Wall time of the ingest.")


def _date_int(value: date | None) -> int:
    value = value or OPEN_END
    return value.year * 10000 + value.month * 100 + value.day


def _metadata(p: Passage) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": p.doc_id,
        "doc_hash": p.doc_hash,
        "eff_from": _date_int(p.effective_from),
        "eff_to": _date_int(p.effective_to),
        "passage_json": p.model_dump_json(),
    }
    for payer in PAYERS:
        meta[f"payer_{payer}"] = payer in p.payer
    for aud in AUDIENCES:
        meta[f"aud_{aud}"] = aud in p.audience
    return meta


def _payer_keys(payer: str | None) -> list[str]:
    """Payer ids a filter accepts: the payer, generic commercial for commercial carriers, all."""
    if payer is None:
        return []
    keys = [payer, "all"]
    if payer in {"aetna", "cigna", "unitedhealthcare", "anthem", "bcbs", "humana"}:
        keys.append("commercial")
    return keys


@dataclass
class _Keyword:
    """BM25 index plus the arrays used to mask it by the same filters as chroma."""

    passages: list[Passage]
    by_id: dict[str, Passage]
    index: Any
    eff_from: np.ndarray
    eff_to: np.ndarray
    payer: dict[str, np.ndarray] = field(default_factory=dict)
    audience: dict[str, np.ndarray] = field(default_factory=dict)
    names: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, passages: list[Passage]) -> _Keyword:
        index = bm25s.BM25()
        index.index([tokens(p.embed_text) or ["_"] for p in passages], show_progress=False)
        found: dict[str, list[int]] = {}
        common: set[str] = set()  # words the corpus also writes in lower case are not names
        for i, p in enumerate(passages):
            for name in {m.group(0).lower() for m in _NAME.finditer(p.embed_text)}:
                found.setdefault(name, []).append(i)
            common.update(_LOWER_WORD.findall(p.embed_text))
        names = {
            name: tuple(at)
            for name, at in found.items()
            if name not in _NOT_NAMES
            and name not in common
            and len({passages[i].doc_id for i in at}) <= NAME_DOCS
        }
        return cls(
            passages=passages,
            by_id={p.id: p for p in passages},
            index=index,
            eff_from=np.array([_date_int(p.effective_from) for p in passages]),
            eff_to=np.array([_date_int(p.effective_to) for p in passages]),
            payer={k: np.array([k in p.payer for p in passages]) for k in PAYERS},
            audience={a: np.array([a in p.audience for p in passages]) for a in AUDIENCES},
            names=names,
        )

    def naming(self, query: str, keep: np.ndarray) -> list[Passage]:
        """Passages that use, as a name, a rare name the question uses mid-sentence."""
        said = {m.group(0).lower() for m in _QUESTION_NAME.finditer(query)}
        at = {i for name in said for i in self.names.get(name, ()) if keep[i]}
        return [self.passages[i] for i in sorted(at)]

    def mask(
        self,
        payer: str | None,
        audience: str | None,
        on: date | None,
        until: date | None = None,
    ) -> np.ndarray:
        keep = np.ones(len(self.passages), dtype=bool)
        if on is not None:
            keep &= (self.eff_from <= _date_int(until or on)) & (self.eff_to >= _date_int(on))
        if payer is not None:
            allowed = np.zeros(len(self.passages), dtype=bool)
            for key in _payer_keys(payer):
                allowed |= self.payer.get(key, np.zeros(len(self.passages), dtype=bool))
            keep &= allowed
        if audience is not None:
            keep &= self.audience[audience]
        return keep

    def search(self, query: str, n: int, keep: np.ndarray) -> list[Passage]:
        qtok = tokens(query)
        if not qtok or not keep.any():
            return []
        n = min(n, len(self.passages))
        ids, scores = self.index.retrieve(
            [qtok], k=n, show_progress=False, weight_mask=keep.astype(np.float32)
        )
        return [self.passages[i] for i, s in zip(ids[0], scores[0], strict=True) if s > 0]


class KnowledgeBase:
    """Passages of the corpus in chroma, searchable by meaning and by keyword."""

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        corpus_dir: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = COLLECTION,
        model: str = MODEL_NAME,
    ) -> None:
        self.data_dir = data_dir or default_data_dir()
        self.corpus_dir = corpus_dir or default_corpus_dir()
        self.host = host
        self.port = port
        self.collection_name = collection
        self.model = model
        self._client: Any = None
        self._collection: Any = None
        self._keyword: _Keyword | None = None

    @property
    def location(self) -> str:
        """Where the index lives, for messages and /healthz."""
        return f"http://{self.host}:{self.port}" if self.host else str(self.data_dir / "chroma")

    def _open(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings

            settings = Settings(anonymized_telemetry=False)
            if self.host:
                self._client = chromadb.HttpClient(
                    host=self.host, port=self.port, settings=settings
                )
            else:
                path = self.data_dir / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
            self._collection = self._client.get_or_create_collection(
                self.collection_name,
                embedding_function=ProjectEmbedding(self.model),
                metadata={"hnsw:space": "cosine"},
            )
        return self._collection

    def _indexed_docs(self) -> dict[str, tuple[str, list[str]]]:
        """doc_id -> (doc_hash, passage ids) as stored in chroma."""
        got = self._open().get(include=["metadatas"])
        docs: dict[str, tuple[str, list[str]]] = {}
        for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            doc_hash, ids = docs.get(str(meta["doc_id"]), (str(meta["doc_hash"]), []))
            ids.append(pid)
            docs[str(meta["doc_id"])] = (doc_hash, ids)
        return docs

    def ingest(
        self,
        *,
        rebuild: bool = False,
        progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
    ) -> IngestReport:
        """Bring the index in line with the corpus; only changed documents are re-embedded."""
        start = time.perf_counter()
        docs = load_corpus(self.corpus_dir)
        if rebuild:
            self._drop()
        coll = self._open()
        stored = self._indexed_docs()
        wanted = {d.meta.id: d for d in docs}
        removed = sorted(set(stored) - set(wanted))
        added = sorted(d for d in wanted if d not in stored)
        updated = sorted(
            d for d in wanted if d in stored and stored[d][0] != wanted[d].content_hash
        )
        stale = [pid for d in removed + updated for pid in stored[d][1]]
        if stale:
            coll.delete(ids=stale)
        todo = [p for d in added + updated for p in chunk(wanted[d])]
        batches = [todo[i : i + 64] for i in range(0, len(todo), 64)]
        iterator: Iterable[list[Passage]] = progress(batches, len(todo)) if progress else batches
        for batch in iterator:
            coll.add(
                ids=[p.id for p in batch],
                documents=[p.embed_text for p in batch],
                embeddings=list(embed([p.embed_text for p in batch], self.model)),
                metadatas=[_metadata(p) for p in batch],
            )
        self._keyword = None
        return IngestReport(
            added=tuple(added),
            updated=tuple(updated),
            removed=tuple(removed),
            unchanged=len(wanted) - len(added) - len(updated),
            passages_embedded=len(todo),
            passages_total=coll.count(),
            seconds=round(time.perf_counter() - start, 3),
        )

    def _drop(self) -> None:
        self._open()
        self._client.delete_collection(self.collection_name)
        self._collection = None
        self._keyword = None

    def is_current(self) -> bool:
        """Whether the index holds exactly the corpus as it is on disk."""
        stored = self._indexed_docs()
        return {k: v[0] for k, v in stored.items()} == {
            d.meta.id: d.content_hash for d in load_corpus(self.corpus_dir)
        }

    def ensure_ready(self) -> IngestReport | None:
        """Build or update the index if the corpus changed (first use builds it)."""
        if self.is_current():
            return None
        log.info("knowledge index out of date at %s; ingesting", self.location)
        return self.ingest(progress=_terminal_progress())

    def passages(self) -> list[Passage]:
        """Every indexed passage (loaded once per process)."""
        return self._keywords().passages

    def _keywords(self) -> _Keyword:
        if self._keyword is None:
            got = self._open().get(include=["metadatas"])
            passages = [
                Passage.model_validate_json(str(m["passage_json"])) for m in got["metadatas"] or []
            ]
            passages.sort(key=lambda p: (p.doc_id, p.id))
            self._keyword = _Keyword.build(passages)
        return self._keyword

    def version(self) -> str:
        """A short id of the indexed content: changes whenever any passage changes."""
        import hashlib

        ids = "".join(sorted(p.id for p in self.passages()))
        return hashlib.sha256(f"{self.model}:{ids}".encode()).hexdigest()[:12]

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        payer: str | None = None,
        audience: str | None = None,
        on: date | None = None,
        until: date | None = None,
    ) -> list[Hit]:
        """Hybrid search with optional payer, audience and date filters: in force on `on`, or
        at any time from `on` to `until` ("in January 2026", "in 2025")."""
        if until is not None and (on is None or until < on):
            raise ValueError("`until` needs an `on` date no later than it")
        if payer is not None and payer not in PAYERS:
            raise ValueError(f"unknown payer {payer!r}; use one of {', '.join(PAYERS)}")
        if audience is not None and audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
        text = expand(query)
        keyword = self._keywords()
        if not keyword.passages:
            return []
        by_id = keyword.by_id
        dense = self._dense(text, CANDIDATES, payer, audience, (on, until or on), by_id)
        keep = keyword.mask(payer, audience, on, until)
        sparse = keyword.search(text, CANDIDATES, keep)
        scores: dict[str, float] = {}
        d_rank = {p.id: i for i, p in enumerate(dense, 1)}
        k_rank = {p.id: i for i, p in enumerate(sparse, 1)}
        for pid, rank in d_rank.items():
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
        for pid, rank in k_rank.items():
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank)
        for passage in keyword.naming(query, keep):
            scores[passage.id] = scores.get(passage.id, 0.0) + 1.0 / (RRF_K + 1)
        # ties go to the embedding side, whose ranks are finer-grained on paraphrases
        best = sorted(scores, key=lambda pid: (-scores[pid], d_rank.get(pid, 10**6), pid))[:k]
        return [
            Hit(
                passage=by_id[pid],
                score=round(scores[pid], 6),
                dense_rank=d_rank.get(pid),
                keyword_rank=k_rank.get(pid),
            )
            for pid in best
        ]

    def _dense(
        self,
        text: str,
        n: int,
        payer: str | None,
        audience: str | None,
        period: tuple[date | None, date | None],
        by_id: dict[str, Passage],
    ) -> list[Passage]:
        clauses: list[dict[str, Any]] = []
        start, end = period
        if start is not None and end is not None:
            clauses += [
                {"eff_from": {"$lte": _date_int(end)}},
                {"eff_to": {"$gte": _date_int(start)}},
            ]
        if payer is not None:
            keys = _payer_keys(payer)
            clauses.append({"$or": [{f"payer_{k}": True} for k in keys]})
        if audience is not None:
            clauses.append({f"aud_{audience}": True})
        where: dict[str, Any] | None = None
        if len(clauses) == 1:
            where = clauses[0]
        elif clauses:
            where = {"$and": clauses}
        coll = self._open()
        got = coll.query(
            query_embeddings=list(embed([text], self.model)),
            n_results=min(n, len(by_id)),
            where=where,
            include=[],
        )
        return [by_id[pid] for pid in got["ids"][0] if pid in by_id]


def _terminal_progress() -> Callable[[Iterable[Any], int], Iterable[Any]] | None:
    """A tqdm progress bar on an interactive terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    def wrap(batches: Iterable[Any], total: int) -> Iterable[Any]:
        bar = tqdm(total=total, unit="passage", desc="indexing", file=sys.stderr)
        for batch in batches:
            yield batch
            bar.update(len(batch))
        bar.close()

    return wrap
