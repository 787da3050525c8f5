"""Train the advocacy classifier's learned second opinion from the labelled requests.

A multinomial naive Bayes over the classifier's own tokens (words and word pairs, after its typo
map, stemming and named-practice marking), written to ``tools/ruledata/advocacy_model.json`` so
the tool needs nothing beyond the standard library to use it. Run after changing a labelled set:

    .venv/bin/python scripts/train_advocacy_model.py tests/advocacy/*.toml

``--evaluate`` instead reports leave-one-set-out accuracy: each file is scored by a model trained
on the other files only, which is how the model does on requests written by someone else.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.advocacy import features, load_patterns  # noqa: E402

OUT = ROOT / "tools" / "ruledata" / "advocacy_model.json"
ALPHA = 0.5
MIN_COUNT = 2


def load(paths: list[Path]) -> dict[str, list[tuple[str, str]]]:
    return {
        p.name: [(c["text"], c["expected"]) for c in tomllib.loads(p.read_text())["cases"]]
        for p in paths
    }


def train(cases: list[tuple[str, str]]) -> dict[str, object]:
    pat = load_patterns()
    replace, speller = pat.replace, pat.speller
    docs = Counter(label for _, label in cases)
    counts: dict[str, Counter[str]] = {label: Counter() for label in docs}
    for text, label in cases:
        counts[label].update(set(features(text, replace, speller)))
    total = Counter()
    for c in counts.values():
        total.update(c)
    vocab = sorted(f for f, n in total.items() if n >= MIN_COUNT)
    classes = sorted(docs)
    loglik: dict[str, dict[str, float]] = {}
    unseen: dict[str, float] = {}
    for label in classes:
        size = sum(counts[label][f] for f in vocab)
        denom = size + ALPHA * (len(vocab) + 1)
        unseen[label] = math.log(ALPHA / denom)
        for f in vocab:
            loglik.setdefault(f, {})[label] = round(math.log((counts[label][f] + ALPHA) / denom), 4)
    n = sum(docs.values())
    return {
        "classes": classes,
        "priors": {c: round(math.log(docs[c] / n), 4) for c in classes},
        "unseen": {c: round(v, 4) for c, v in unseen.items()},
        "loglik": loglik,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="+", type=Path, help="labelled TOML sets")
    parser.add_argument("--evaluate", action="store_true", help="leave-one-set-out accuracy")
    args = parser.parse_args()
    sets = load(args.files)
    if args.evaluate:
        from tools.advocacy import posterior

        for name, cases in sets.items():
            rest = [c for other, cs in sets.items() if other != name for c in cs]
            model = train(rest)
            right = sum(
                max(posterior(text, model).items(), key=lambda kv: kv[1])[0] == label
                for text, label in cases
            )
            print(f"{name}: {right}/{len(cases)} right when trained on the other sets")
        return
    model = train([c for cs in sets.values() for c in cs])
    model = {
        "trained_on": {name: len(cs) for name, cs in sets.items()},
        "trained": date.today().isoformat(),
        **model,
    }
    OUT.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(model['loglik'])} features)")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
