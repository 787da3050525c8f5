"""Build ``tools/ruledata/known_words.txt``: the words the advocacy classifier never respells.

The classifier mends typos ("boycot", "reimbersement") by looking for a pattern word one edit
away, but only for words it does not know, so that a real word ("late", "share") is never
turned into another ("rate", "shore"). Known words are the whole words of the shipped embedding
model's WordPiece vocabulary (English, MIT/Apache licensed) plus every word of the knowledge
corpus (the billing vocabulary: coinsurance, reimbursement, payer, ...).

Run from the project root: ``python scripts/build_known_words.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "knowledge/models/m2v-minilm-256/tokenizer.json"
CORPUS = ROOT / "knowledge/corpus"
OUT = ROOT / "tools/ruledata/known_words.txt"
_WORD = re.compile(r"[a-z]+")


def main() -> None:
    vocab = json.loads(TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    words = {w for w in vocab if w.isascii() and w.isalpha() and w.islower() and len(w) >= 3}
    for doc in sorted(CORPUS.glob("*.md")):
        words |= {w for w in _WORD.findall(doc.read_text(encoding="utf-8").lower()) if len(w) >= 3}
    header = [
        "# Words the advocacy classifier treats as correctly spelt (never respelt as typos).",
        "# Built by scripts/build_known_words.py from the WordPiece vocabulary of",
        "# knowledge/models/m2v-minilm-256 (whole words only) and the words of knowledge/corpus.",
    ]
    OUT.write_text("\n".join([*header, *sorted(words)]) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(words)} words)")


if __name__ == "__main__":
    main()
