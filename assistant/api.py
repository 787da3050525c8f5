"""The HTTP API (FastAPI).

* ``POST /v1/chat``: the assistant's answer object (same as ``otbill ask --json``).
* ``POST /v1/chat/completions``: OpenAI-compatible, plain and SSE streaming, so existing chat
  clients and SDKs work unchanged. The model name picks the persona (``otbill-parent``...).
* ``GET /v1/tools``, ``POST /v1/tools/{name}``: every registry tool, called directly, no LLM.
* ``POST /v1/knowledge/search``, ``GET /v1/conversations/{id}``, ``GET /healthz``, ``/docs``.

Every error is JSON, ``{"error": {"type", "message", "field"}}``; nothing a client sends can take
the server down.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sse_starlette.sse import EventSourceResponse

from assistant.engine.offline import state_after
from assistant.schemas import ChatRequest, ChatResponse, Persona
from assistant.service import Assistant
from assistant.settings import Settings, get_settings
from tools.errors import InvalidBillingInput
from tools.registry import TOOLS, get_tool
from tools.ruledata.loader import load_table
from tools.ruledata.tables import TABLES

log = logging.getLogger(__name__)

MODELS = {
    "otbill": None,
    "otbill-biller": "biller",
    "otbill-therapist": "therapist",
    "otbill-parent": "parent",
}


class ApiError(Exception):
    """An error with an HTTP status, returned as the JSON error body."""

    def __init__(self, status: int, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.field = field


def _error(status: int, kind: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"type": kind, "message": message, "field": field}}
    )


class OpenAIMessage(BaseModel):
    """A chat message in the OpenAI format (text content only)."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool", "developer"] = Field(
        description="Speaker."
    )
    content: str | list[dict[str, Any]] | None = Field(default=None, description="Text or parts.")

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class OpenAIChatRequest(BaseModel):
    """The subset of the OpenAI chat-completions request this server honours."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(
        default="otbill", description="otbill, otbill-biller, otbill-therapist or otbill-parent."
    )
    messages: list[OpenAIMessage] = Field(min_length=1, description="The conversation so far.")
    stream: bool = Field(default=False, description="Stream the answer as server-sent events.")
    user: str | None = Field(
        default=None, max_length=64, description="Used as the conversation id."
    )


class SearchRequest(BaseModel):
    """A knowledge-base search."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=2000, description="The question.")
    k: int = Field(default=5, ge=1, le=50, description="Number of results.")
    payer: str | None = Field(default=None, description="Payer id filter (medicare, cigna, ...).")
    audience: Literal["biller", "therapist", "parent"] | None = Field(
        default=None, description="Audience filter."
    )
    date: dt.date | None = Field(
        default=None, description="Only passages in force on this date of service."
    )


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    """Build the app; the assistant (index, database) is opened at startup."""
    cfg = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.assistant = assistant or Assistant(cfg)
        await asyncio.to_thread(app.state.assistant.prepare)
        yield
        app.state.assistant.close()

    app = FastAPI(
        title="OT Billing Assistant",
        version="0.1.0",
        description="Sourced answers to occupational-therapy billing questions. Binding answers "
        "come "
        "from deterministic tools with their working and rule sources; open questions are answered "
        "from a cited corpus.",
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.kind, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p != "body"]
        return _error(
            422, "invalid_request", str(first.get("msg", "invalid request")), ".".join(loc) or None
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        ref = uuid.uuid4().hex[:8]
        log.error("unhandled error %s: %s", ref, type(exc).__name__, exc_info=exc)
        return _error(
            500,
            "internal_error",
            f"internal error (reference {ref}); the request was not completed",
        )

    def _assistant(request: Request) -> Assistant:
        bot: Assistant = request.app.state.assistant
        return bot

    @app.post("/v1/chat", response_model=ChatResponse, tags=["chat"])
    async def chat(body: ChatRequest, request: Request) -> ChatResponse:
        """Ask the assistant; the answer carries citations and tool calls."""
        return await asyncio.to_thread(_assistant(request).chat, body)

    @app.get("/v1/models", tags=["openai"])
    async def models() -> dict[str, Any]:
        """Models for OpenAI-compatible clients: one per persona."""
        return {
            "object": "list",
            "data": [
                {"id": name, "object": "model", "created": 0, "owned_by": "ot-billing-assistant"}
                for name in MODELS
            ],
        }

    @app.post("/v1/chat/completions", tags=["openai"])
    async def chat_completions(
        body: OpenAIChatRequest,
        request: Request,
        x_conversation_id: str | None = Header(default=None),
    ) -> Any:
        """OpenAI-compatible chat completions (plain or streamed)."""
        bot = _assistant(request)
        if body.model not in MODELS and not body.model.startswith("otbill"):
            raise ApiError(
                404,
                "model_not_found",
                f"model {body.model!r} not found; use one of {', '.join(MODELS)}",
                "model",
            )
        persona: Persona | None = MODELS.get(body.model)  # type: ignore[assignment]
        users = [m.text() for m in body.messages if m.role == "user" and m.text().strip()]
        if not users:
            raise ApiError(
                422,
                "invalid_request",
                "messages need at least one user message with text",
                "messages",
            )
        conversation_id = x_conversation_id or body.user or _new_id()
        if not bot.store.exists(conversation_id) and len(users) > 1:
            await asyncio.to_thread(_replay, bot, conversation_id, users[:-1], persona)
        answer = await asyncio.to_thread(
            bot.chat,
            ChatRequest(message=users[-1][:8000], persona=persona, conversation_id=conversation_id),
        )
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        if not body.stream:
            completion = ChatCompletion(
                id=completion_id,
                object="chat.completion",
                created=created,
                model=body.model,
                choices=[
                    Choice(
                        index=0,
                        finish_reason="stop",
                        message=ChatCompletionMessage(role="assistant", content=answer.answer),
                    )
                ],
                usage=CompletionUsage(
                    prompt_tokens=sum(len(u.split()) for u in users),
                    completion_tokens=len(answer.answer.split()),
                    total_tokens=sum(len(u.split()) for u in users) + len(answer.answer.split()),
                ),
            )
            data = completion.model_dump(exclude_none=True)
            data["conversation_id"] = conversation_id
            data["citations"] = [c.model_dump(mode="json") for c in answer.citations]
            return JSONResponse(data)

        async def events() -> AsyncIterator[dict[str, str]]:
            def chunk(delta: ChoiceDelta, finish: str | None = None) -> str:
                return ChatCompletionChunk(
                    id=completion_id,
                    object="chat.completion.chunk",
                    created=created,
                    model=body.model,
                    choices=[ChunkChoice(index=0, delta=delta, finish_reason=finish)],  # type: ignore[arg-type]
                ).model_dump_json(exclude_none=True)

            yield {"data": chunk(ChoiceDelta(role="assistant", content=""))}
            for piece in _pieces(answer.answer):
                yield {"data": chunk(ChoiceDelta(content=piece))}
            yield {"data": chunk(ChoiceDelta(), "stop")}
            yield {"data": "[DONE]"}

        return EventSourceResponse(events(), headers={"X-Conversation-Id": conversation_id})

    @app.get("/v1/tools", tags=["tools"])
    async def list_tools() -> list[dict[str, Any]]:
        """Every deterministic tool with its description and request schema."""
        return [s.describe() for s in TOOLS]

    @app.post("/v1/tools/{name}", tags=["tools"])
    async def call_tool(name: str, request: Request) -> Any:
        """Run one tool on a JSON request body (no LLM involved)."""
        try:
            spec = get_tool(name)
        except KeyError as exc:
            raise ApiError(404, "tool_not_found", str(exc.args[0]), "name") from None
        try:
            payload = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "invalid_json", "the request body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise ApiError(422, "invalid_request", "the request body must be a JSON object")
        try:
            result = await asyncio.to_thread(spec.run, payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ()))
            raise ApiError(
                422, "invalid_request", first.get("msg", "invalid"), field or None
            ) from None
        except InvalidBillingInput as exc:
            message = exc.message + (f"; fix: {exc.fix}" if exc.fix else "")
            raise ApiError(422, "invalid_billing_input", message, exc.field) from None
        return JSONResponse(json.loads(result.model_dump_json()))

    @app.post("/v1/knowledge/search", tags=["knowledge"])
    async def search(body: SearchRequest, request: Request) -> dict[str, Any]:
        """Hybrid search over the corpus, with citation fields on every result."""
        kb = _assistant(request).kb
        try:
            hits = await asyncio.to_thread(
                kb.search,
                body.query,
                k=body.k,
                payer=body.payer,
                audience=body.audience,
                on=body.date,
            )
        except ValueError as exc:
            raise ApiError(422, "invalid_request", str(exc), "payer") from None
        return {
            "query": body.query,
            "results": [h.record() for h in hits],
        }

    @app.get("/v1/conversations/{conversation_id}", tags=["chat"])
    async def conversation(conversation_id: str, request: Request) -> dict[str, Any]:
        """A stored conversation with every message and answer."""
        found = await asyncio.to_thread(_assistant(request).store.get, conversation_id)
        if found is None:
            raise ApiError(
                404,
                "conversation_not_found",
                f"no conversation {conversation_id!r}",
                "conversation_id",
            )
        return found

    @app.get("/healthz", tags=["ops"])
    async def healthz(request: Request) -> dict[str, Any]:
        """Liveness plus the versions of the rule data, the index and the engine in use."""
        bot = _assistant(request)
        tables = {load_table(n, m).id: load_table(n, m).version for n, m in TABLES.items()}
        index = await asyncio.to_thread(
            lambda: {
                "version": bot.kb.version(),
                "passages": len(bot.kb.passages()),
                "location": bot.kb.location,
            }
        )
        return {
            "status": "ok",
            "engine": "llm" if bot.llm is not None else "offline",
            "rule_data": tables,
            "index": index,
            "database": bot.store.backend,
            "tools": [s.name for s in TOOLS],
        }

    return app


def _pieces(text: str, size: int = 24) -> list[str]:
    """Split an answer into small chunks for streaming, keeping whitespace."""
    words = text.split(" ")
    return [
        " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")
        for i in range(0, len(words), size)
    ]


def _new_id() -> str:
    """A conversation id for an OpenAI client that sent none (its history is replayed instead)."""
    return "oa-" + uuid.uuid4().hex


def _replay(
    bot: Assistant, conversation_id: str, earlier: list[str], persona: Persona | None
) -> None:
    """Rebuild follow-up state from a client-held history (OpenAI clients resend it each time)."""
    state: dict[str, Any] = {}
    for text in earlier:
        draft, chosen = bot.offline.answer(text, persona, state)
        state = state_after(draft, chosen, state)
    bot.store.seed_state(conversation_id, state, persona or state.get("persona", "biller"))
