"""The chroma embedding function backed by the shipped model.

chromadb's default embedding function downloads an ONNX model on first use and fails offline, so
every collection is created and opened with this one. It is registered with chroma so a
persisted collection can rebuild it from its stored config.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.embeddings import MODEL_NAME, embed


@register_embedding_function
class ProjectEmbedding(EmbeddingFunction[Documents]):
    """chromadb embedding function backed by the shipped model2vec model."""

    def __init__(self, model: str = MODEL_NAME) -> None:
        self.model = model

    def __call__(self, input: Documents) -> Embeddings:
        return list(embed(list(input), self.model))

    @staticmethod
    def name() -> str:
        return "otbill-model2vec"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ProjectEmbedding:
        return ProjectEmbedding(str(config.get("model", MODEL_NAME)))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
