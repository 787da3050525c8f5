"""The assistant as one object: engines, knowledge base and conversation store behind `chat()`.

The CLI (`ask`, `chat`), the HTTP API and the OpenAI-compatible endpoint all call `chat()`, so a
question gets the same answer whichever way it arrives. The offline engine is the default; the
LLM engine is used only when a model is configured, and falls back to the offline engine.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from assistant.engine.offline import Draft, OfflineEngine, state_after
from assistant.memory import ConversationStore, sqlite_url
from assistant.schemas import ChatRequest, ChatResponse, Citation, Engine, GuardReport
from assistant.settings import Settings
from knowledge.store import KnowledgeBase

log = logging.getLogger(__name__)


def render_sources(citations: list[Citation]) -> str:
    """The citations as a 'Sources' list for clients that only show text."""
    if not citations:
        return ""
    lines = ["", "Sources:"]
    for c in citations:
        until = f" to {c.effective_to}" if c.effective_to else ""
        lines.append(
            f"[{c.label}] {c.title}, {c.section} ({c.publisher}; in force from "
            f"{c.effective_from}{until}): {c.url}"
        )
    return "\n".join(lines)


class Assistant:
    """Answers chat messages and remembers conversations."""

    def __init__(
        self,
        settings: Settings,
        *,
        kb: KnowledgeBase | None = None,
        store: ConversationStore | None = None,
        llm: Any = None,
    ) -> None:
        self.settings = settings
        self.kb = kb if kb is not None else settings.knowledge()
        self.store = (
            store
            if store is not None
            else ConversationStore(settings.database_url or sqlite_url(settings.data_dir))
        )
        self.offline = OfflineEngine(self.kb)
        self.llm = llm if llm is not None else self._configured_llm()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _configured_llm(self) -> Any:
        """The LLM engine named by settings.chat_model, or None for offline only."""
        if not self.settings.chat_model:
            return None
        from assistant.engine.llm import LlmEngine, build_chat_model

        try:
            model = build_chat_model(
                self.settings.chat_model,
                base_url=self.settings.llm_base_url,
                timeout=self.settings.llm_timeout,
            )
        except Exception as exc:
            raise RuntimeError(
                f"OTBILL_CHAT_MODEL={self.settings.chat_model!r} could not be loaded: {exc}. "
                "Install the "
                "provider package (e.g. pip install -e '.[openai]'), set its API key, or unset "
                "OTBILL_CHAT_MODEL to answer offline."
            ) from exc
        return LlmEngine(model, self.kb, timeout=self.settings.llm_timeout)

    def prepare(self) -> None:
        """Build or refresh the knowledge index (first use builds it)."""
        report = self.kb.ensure_ready()
        if report is not None:
            log.info("knowledge index: %d passages embedded", report.passages_embedded)

    def _lock(self, conversation_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(conversation_id, threading.Lock())

    def chat(self, request: ChatRequest) -> ChatResponse:
        """Answer one message; the turn is stored before the answer is returned."""
        conversation_id = request.conversation_id or self.store.new_id()
        with self._lock(conversation_id):
            state = self.store.state(conversation_id)
            draft, persona = self.offline.answer(request.message, request.persona, state)
            engine: Engine = "offline"
            guard: GuardReport | None = None
            notes = list(draft.notes)
            if self.llm is not None and draft.intent == "advocacy":
                # The antitrust verdict is binding tool output like a number: the model may not
                # rephrase it into something that drafts or softens a coordination request.
                notes.append("Advocacy question: answered from the advocacy tool, not the model.")
            elif self.llm is not None:
                context = {**state, "history": self.store.history(conversation_id, limit=12)}
                draft, engine, guard, llm_notes = self.llm.answer(
                    request.message, persona, draft, context
                )
                notes += llm_notes
            response = self._response(draft, engine, conversation_id, persona, notes, guard)
            self.store.record_turn(
                conversation_id, request.message, response, state_after(draft, persona, state)
            )
            return response

    def _response(
        self,
        draft: Draft,
        engine: Engine,
        conversation_id: str,
        persona: Any,
        notes: list[str],
        guard: GuardReport | None,
    ) -> ChatResponse:
        return ChatResponse(
            answer=draft.text.rstrip() + render_sources(draft.citations),
            citations=draft.citations,
            tool_calls=draft.tool_calls,
            engine=engine,
            conversation_id=conversation_id,
            persona=persona,
            intent=draft.intent,
            notes=notes,
            guard=guard,
            created_at=datetime.now(UTC),
        )

    def close(self) -> None:
        """Release the database."""
        self.store.close()
