"""The answer contract shared by both engines, the CLI (`ask --json`) and the HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Persona = Literal["biller", "therapist", "parent"]
Engine = Literal["offline", "llm", "llm-guarded"]


class Citation(BaseModel):
    """A passage an answer relies on, with what a reader needs to check it."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(description="Marker used in the answer text, e.g. '1' for [1].")
    title: str = Field(description="Document title.")
    section: str = Field(description="Section of the document.")
    publisher: str = Field(description="Who issued the rule or guidance.")
    url: str = Field(description="Source URL.")
    effective_from: date = Field(description="First date the content is in force.")
    effective_to: date | None = Field(description="Last date in force, if closed.")
    doc_id: str = Field(description="Corpus document id.")
    passage_id: str = Field(description="Passage id (content hash).")


class ToolCall(BaseModel):
    """A deterministic tool the answer used, with its arguments and full result."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Registry name of the tool.")
    arguments: dict[str, Any] = Field(description="The request sent to the tool.")
    result: dict[str, Any] = Field(description="The tool's result, as JSON.")


class GuardReport(BaseModel):
    """What the grounding guard found in an LLM answer."""

    model_config = ConfigDict(frozen=True)

    checked: bool = Field(description="Whether the guard ran.")
    passed: bool = Field(description="Whether every number, code and modifier was grounded.")
    unsupported: tuple[str, ...] = Field(default=(), description="Tokens no source supported.")
    action: Literal["none", "repaired", "replaced"] = Field(
        default="none", description="What the guard did about them."
    )


class ChatResponse(BaseModel):
    """One answer of the assistant."""

    answer: str = Field(description="The answer text, with [n] citation markers.")
    citations: list[Citation] = Field(description="Passages cited, in marker order.")
    tool_calls: list[ToolCall] = Field(description="Tools called, with arguments and results.")
    engine: Engine = Field(description="Which engine produced the answer.")
    conversation_id: str = Field(description="Conversation the turn belongs to.")
    persona: Persona = Field(description="Audience the answer was written for.")
    intent: str = Field(description="What the assistant understood was asked.")
    notes: list[str] = Field(
        default_factory=list,
        description="Assumptions made, missing facts, fallbacks and guard actions, in plain words.",
    )
    guard: GuardReport | None = Field(default=None, description="Grounding guard report (LLM).")
    created_at: datetime = Field(description="When the answer was produced (UTC).")


class ChatRequest(BaseModel):
    """A question to the assistant."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=8000, description="The user's question.")
    persona: Persona | None = Field(
        default=None, description="biller, therapist or parent; inferred from the text if omitted."
    )
    conversation_id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Continue this conversation; a new one is started if omitted.",
    )
