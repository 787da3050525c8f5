"""The corpus: Markdown documents with TOML front matter, split into cited passages.

A document is ``knowledge/corpus/<id>.md``: front matter between two ``+++`` lines (id, title,
publisher, payer, audience, topics, effective dates, checked date and ``[[sources]]``), then a
Markdown body whose ``##`` sections become passages. A passage keeps its document's title and
its own heading, so it still reads (and retrieves) correctly on its own, and its id is a hash of
its content: re-ingesting an unchanged document yields the same ids.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Audience = Literal["biller", "therapist", "parent"]
PAYERS = (
    "all",
    "medicare",
    "medicare_advantage",
    "medicaid",
    "tricare",
    "commercial",
    "aetna",
    "cigna",
    "unitedhealthcare",
    "anthem",
    "bcbs",
    "humana",
)
OPEN_END = date(9999, 12, 31)
MAX_PASSAGE_WORDS = 320


class CorpusError(ValueError):
    """A corpus file is malformed; the message names the file and the problem."""


class SourceRef(BaseModel):
    """One source a document cites, numbered by its position ([1], [2], ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Where the source can be read.")
    title: str = Field(min_length=1, description="Title of the source.")
    publisher: str = Field(min_length=1, description="Who published it.")
    grade: Literal["primary", "secondary"] = Field(description="primary or secondary source.")

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"source url must be http(s), got {value!r}")
        return value


class DocumentMeta(BaseModel):
    """Front matter of a corpus document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable kebab-case id.")
    title: str = Field(min_length=3, description="Document title.")
    publisher: str = Field(min_length=2, description="Organisation whose rule it summarises.")
    doc_type: str = Field(default="guidance", description="rule, policy, guidance, explainer...")
    payer: tuple[str, ...] = Field(min_length=1, description="Payer ids, or ('all',).")
    audience: tuple[Audience, ...] = Field(min_length=1, description="Who it is written for.")
    topics: tuple[str, ...] = Field(default=(), description="Topic keywords.")
    asked_as: tuple[str, ...] = Field(
        default=(),
        description="Questions the document answers, in the everyday words of people who do not "
        "know its terms; indexed with the document's first passage so search finds it from a "
        "described situation. Search aid only: never quoted in answers.",
    )
    effective_from: date = Field(description="First date the content is in force.")
    effective_to: date | None = Field(default=None, description="Last date in force, if closed.")
    checked: date = Field(description="Date the sources were checked.")
    sources: tuple[SourceRef, ...] = Field(min_length=1, description="Sources, numbered in order.")

    @field_validator("payer")
    @classmethod
    def _known_payers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [p for p in value if p not in PAYERS]
        if unknown:
            raise ValueError(f"unknown payer id(s) {unknown}; use one of {', '.join(PAYERS)}")
        return value


class Document(BaseModel):
    """A parsed corpus document: its metadata, body and content hash."""

    model_config = ConfigDict(frozen=True)

    meta: DocumentMeta
    body: str
    content_hash: str
    path: str


class Passage(BaseModel):
    """A retrievable, citable piece of a document (one ``##`` section or part of one)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Content hash: stable across re-ingests of the same text.")
    doc_id: str = Field(description="Document id.")
    title: str = Field(description="Document title.")
    section: str = Field(description="Section heading the passage comes from.")
    text: str = Field(description="Passage text (Markdown).")
    publisher: str = Field(description="Publisher of the document's rule or guidance.")
    url: str = Field(description="The document's first (strongest) source URL.")
    sources: tuple[SourceRef, ...] = Field(description="All sources of the document.")
    payer: tuple[str, ...] = Field(description="Payer ids the passage applies to.")
    audience: tuple[str, ...] = Field(description="Audiences it is written for.")
    topics: tuple[str, ...] = Field(description="Topic keywords.")
    asked_as: tuple[str, ...] = Field(
        default=(), description="Everyday questions indexed with this passage (search aid only)."
    )
    effective_from: date = Field(description="First date in force.")
    effective_to: date | None = Field(description="Last date in force, if closed.")
    checked: date = Field(description="Date the sources were checked.")
    doc_hash: str = Field(description="Hash of the whole document file (for incremental ingest).")

    @property
    def embed_text(self) -> str:
        """What is embedded and indexed: title and heading give the section its context."""
        asked = f"\n{' '.join(self.asked_as)}" if self.asked_as else ""
        return f"{self.title}. {self.section}.\n{self.text}{asked}"

    def in_force(self, when: date) -> bool:
        """Whether the passage applies on `when`."""
        return self.effective_from <= when <= (self.effective_to or OPEN_END)


def default_corpus_dir() -> Path:
    """The corpus shipped inside the package."""
    return Path(str(resources.files("knowledge").joinpath("corpus")))


def parse_document(text: str, path: str = "<string>") -> Document:
    """Parse one corpus file; raise CorpusError naming the file and the problem."""
    parts = text.split("+++", 2)
    if len(parts) != 3 or parts[0].strip():
        raise CorpusError(f"{path}: must start with TOML front matter between '+++' lines")
    try:
        raw = tomllib.loads(parts[1])
        meta = DocumentMeta.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: front matter is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    stem = Path(path).stem
    if path != "<string>" and stem != meta.id:
        raise CorpusError(f"{path}: id {meta.id!r} must equal the file name {stem!r}")
    if meta.effective_to is not None and meta.effective_to < meta.effective_from:
        raise CorpusError(f"{path}: effective_to is before effective_from")
    body = parts[2].strip()
    if not body:
        raise CorpusError(f"{path}: has no body")
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Document(meta=meta, body=body, content_hash=digest, path=path)


def load_corpus(corpus_dir: Path | None = None) -> list[Document]:
    """Every document in the corpus folder, sorted by id; duplicate ids are an error."""
    folder = corpus_dir or default_corpus_dir()
    docs = [
        parse_document(p.read_text(encoding="utf-8"), str(p)) for p in sorted(folder.glob("*.md"))
    ]
    seen: dict[str, str] = {}
    for doc in docs:
        if doc.meta.id in seen:
            raise CorpusError(
                f"duplicate document id {doc.meta.id!r} in {seen[doc.meta.id]} and {doc.path}"
            )
        seen[doc.meta.id] = doc.path
    return docs


_HEADING = re.compile(r"^(#{1,3})\s+(.*\S)\s*$")


def _sections(body: str) -> Iterable[tuple[str, str]]:
    """Yield (heading, text) per ``##`` section; text before the first one is the overview."""
    heading = "Overview"
    lines: list[str] = []
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            continue  # the document title: already in every passage
        if match and len(match.group(1)) == 2:
            if "\n".join(lines).strip():
                yield heading, "\n".join(lines).strip()
            heading, lines = match.group(2), []
            continue
        lines.append(line)
    if "\n".join(lines).strip():
        yield heading, "\n".join(lines).strip()


def _split_long(text: str) -> list[str]:
    """Split an over-long section at paragraph breaks into pieces of bounded length."""
    if len(text.split()) <= MAX_PASSAGE_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        words = sum(len(p.split()) for p in current)
        if current and words + len(para.split()) > MAX_PASSAGE_WORDS:
            pieces.append("\n\n".join(current))
            current = []
        current.append(para)
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk(doc: Document) -> list[Passage]:
    """Split a document into passages with stable content-hash ids."""
    meta = doc.meta
    out: list[Passage] = []
    for heading, text in _sections(doc.body):
        for piece in _split_long(text):
            # The everyday questions go with the first passage only: it then stands for the
            # whole document, and its neighbours are brought in as the answer's siblings.
            asked = meta.asked_as if not out else ()
            key = f"{meta.id}\n{heading}\n{piece}" + (f"\n{'|'.join(asked)}" if asked else "")
            pid = hashlib.sha256(key.encode()).hexdigest()[:20]
            out.append(
                Passage(
                    id=pid,
                    doc_id=meta.id,
                    title=meta.title,
                    section=heading,
                    text=piece,
                    publisher=meta.publisher,
                    url=meta.sources[0].url,
                    sources=meta.sources,
                    payer=meta.payer,
                    audience=meta.audience,
                    topics=meta.topics,
                    asked_as=asked,
                    effective_from=meta.effective_from,
                    effective_to=meta.effective_to,
                    checked=meta.checked,
                    doc_hash=doc.content_hash,
                )
            )
    return out
