"""Check the shipped corpus and retrieval questions before committing them.

Usage: python scripts/check_corpus.py [corpus_dir] [questions_dir]

Checks that every document parses, that every ``##`` section that states a figure, code or date
cites at least one source with ``[n]``, that no ``[n]`` points past the document's source list,
and that every retrieval question names documents that exist. Prints one line per problem;
exit 1 if there are any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from knowledge.corpus import CorpusError, _sections, default_corpus_dir, load_corpus
from knowledge.evaluate import load_questions

_CITE = re.compile(r"\[(\d+)\]")
_FIGURE = re.compile(r"\d")


def problems(corpus_dir: Path, questions_dir: Path | None) -> list[str]:
    """Every problem found, as human-readable lines."""
    try:
        docs = load_corpus(corpus_dir)
    except CorpusError as exc:
        return [str(exc)]
    out: list[str] = []
    ids = {d.meta.id for d in docs}
    for doc in docs:
        n_sources = len(doc.meta.sources)
        for heading, text in _sections(doc.body):
            cites = [int(n) for n in _CITE.findall(text)]
            if not cites and _FIGURE.search(_CITE.sub("", text)):
                out.append(f"{doc.path}: section {heading!r} states figures but cites no source")
            for n in cites:
                if not 1 <= n <= n_sources:
                    out.append(f"{doc.path}: [{n}] but only {n_sources} sources")
    if questions_dir and questions_dir.exists():
        try:
            questions = load_questions(questions_dir)
        except ValueError as exc:
            return [*out, str(exc)]
        for q in questions:
            missing = [r for r in q.relevant if r not in ids]
            if missing:
                out.append(f"question {q.id}: unknown document id(s) {missing}")
    return out


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else default_corpus_dir()
    questions = Path(argv[2]) if len(argv) > 2 else Path("tests/eval/retrieval")
    found = problems(corpus, questions)
    for line in found:
        print(line)
    docs = len(list(corpus.glob("*.md")))
    print(f"{docs} documents; {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
