"""Runtime configuration, read from OTBILL_* environment variables (and a .env file).

Nothing is read at import time: call `get_settings()` (cached) or build `Settings(...)` directly
in tests. Every default works offline on a fresh machine.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.store import KnowledgeBase, default_data_dir


class Settings(BaseSettings):
    """Configuration of the assistant, its index and its storage."""

    model_config = SettingsConfigDict(env_prefix="OTBILL_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded chroma index and the SQLite database live.",
    )
    corpus_dir: Path | None = Field(
        default=None, description="A corpus folder to index instead of the one shipped."
    )
    chroma_host: str | None = Field(
        default=None, description="Use a chroma server at this host instead of the embedded store."
    )
    chroma_port: int = Field(default=8000, ge=1, le=65535, description="Port of the chroma server.")
    collection: str = Field(
        default="otbill-passages", min_length=3, description="Chroma collection."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the conversation store, e.g. "
        "postgresql+psycopg://user:pw@host/db; default: a SQLite file in data_dir.",
    )
    chat_model: str | None = Field(
        default=None,
        description="LLM as 'provider:model' (openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, "
        "ollama:llama3.1); unset means the offline engine answers alone.",
    )
    llm_base_url: str | None = Field(
        default=None, description="Base URL for an OpenAI-compatible or Ollama server."
    )
    llm_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Seconds before the offline engine takes over."
    )

    def knowledge(self) -> KnowledgeBase:
        """A knowledge base configured from these settings."""
        return KnowledgeBase(
            data_dir=self.data_dir,
            corpus_dir=self.corpus_dir,
            host=self.chroma_host,
            port=self.chroma_port,
            collection=self.collection,
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
