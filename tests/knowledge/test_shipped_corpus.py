"""The corpus the package ships: size, coverage, citations and no AMA descriptor text."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from knowledge.corpus import chunk, default_corpus_dir, load_corpus
from scripts.check_corpus import problems

DOCS = load_corpus()
TEXT = {d.meta.id: d.body for d in DOCS}


def test_size_and_audiences() -> None:
    assert len(DOCS) >= 80
    audiences = Counter(a for d in DOCS for a in d.meta.audience)
    assert all(audiences[a] >= 15 for a in ("biller", "therapist", "parent")), audiences


def test_checker_finds_no_problems() -> None:
    assert problems(default_corpus_dir(), Path("tests/eval/retrieval")) == []


def test_required_themes_are_covered() -> None:
    required = {
        "cms-8-minute-rule",
        "medicare-kx-threshold-2026",
        "medicare-targeted-medical-review",
        "medicare-mppr",
        "medicare-assistant-modifiers-85-percent",
        "medicare-go-gp-gn-modifiers",
        "medicare-progress-report",
        "medicare-maintenance-therapy-jimmo",
        "ncci-chapter-11-therapy-policy",
        "medicare-timely-filing",
        "medicare-abn-therapy",
        "medicare-caregiver-training-codes",
        "ot-evaluation-complexity-components",
        "antitrust-messenger-model",
        "antitrust-clinically-integrated-networks-and-ipas",
        "connecticut-anthem-therapy-cap-reversal",
        "medicaid-97530-97533-edit",
        "cigna-medical-necessity-review",
        "aetna-therapy-policy",
        "unitedhealthcare-therapy-policy",
        "humana-therapy-authorization",
        "bcbs-plans-therapy-coverage",
        "parent-superbill-what-it-must-show",
        "parent-visits-vs-units-on-authorization",
        "parent-habilitative-vs-rehabilitative",
        "parent-network-gap-exception",
        "denial-codes-carc-common-therapy",
    }
    assert required <= set(TEXT), sorted(required - set(TEXT))
    telehealth = [i for i in TEXT if i.startswith("medicare-telehealth-therapists")]
    assert len(telehealth) >= 3  # one per coverage period


def test_every_document_names_a_real_source_and_a_checked_date() -> None:
    for doc in DOCS:
        assert doc.meta.sources and doc.meta.checked.year >= 2025, doc.meta.id
        assert all(
            s.url.startswith("https://") or s.url.startswith("http://") for s in doc.meta.sources
        )


AMA_PHRASES = [
    "direct (one-on-one) patient contact",
    "use of dynamic activities to improve functional performance",
    "each 15 minutes",
    "requires these components",
    "typically, 30 minutes are spent face-to-face",
]


def test_no_ama_descriptor_text() -> None:
    for doc_id, body in TEXT.items():
        low = body.lower()
        hits = [p for p in AMA_PHRASES if p in low]
        assert not hits, f"{doc_id} carries AMA descriptor wording {hits}"


def test_passages_are_bounded_and_cite() -> None:
    for doc in DOCS:
        for passage in chunk(doc):
            assert len(passage.text.split()) <= 330, (doc.meta.id, passage.section)
    cited = sum(1 for body in TEXT.values() if re.search(r"\[\d+\]", body))
    assert cited == len(TEXT)
