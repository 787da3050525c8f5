"""The project's embedding model: a static model2vec model shipped inside the package.

It loads from the package folder, never from a hub, and needs no torch. The model folder is
``knowledge/models/m2v-minilm-256`` (distilled from all-MiniLM-L6-v2 by
``scripts/distill_embeddings.py``; see the NOTICE in that folder).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_NAME = "m2v-minilm-256"


def model_dir(name: str = MODEL_NAME) -> Path:
    """Absolute path of a shipped model folder (model2vec treats a missing path as a hub id)."""
    path = Path(str(resources.files("knowledge").joinpath("models", name))).resolve()
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"embedding model {name!r} not found at {path}; reinstall the package or run "
            "scripts/distill_embeddings.py"
        )
    return path


@cache
def _load(name: str) -> Any:
    from model2vec import StaticModel

    return StaticModel.from_pretrained(str(model_dir(name)))


def embed(texts: list[str], name: str = MODEL_NAME) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text."""
    vectors = np.asarray(_load(name).encode(texts, show_progress_bar=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
