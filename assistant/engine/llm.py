"""The LLM engine: a langchain agent over the same registry tools, behind the grounding guard.

Switched on by configuration (``OTBILL_CHAT_MODEL=openai:gpt-4o-mini``, ``anthropic:...``,
``ollama:...``). The model may phrase, route and explain; every figure it states must come from a
tool result or a retrieved passage of this turn (see `assistant.engine.guard`). A provider error
or a timeout hands the turn to the offline engine, and the answer says so.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import re
from datetime import date
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, Field

import prompts
from assistant.engine import guard
from assistant.engine.offline import Draft, Ledger
from assistant.schemas import Engine, GuardReport, Persona, ToolCall
from knowledge.store import Hit, KnowledgeBase
from tools.errors import InvalidBillingInput
from tools.registry import TOOLS, ToolSpec

log = logging.getLogger(__name__)
_LABEL = re.compile(r"\[(\d+)\]")


def build_chat_model(
    model: str, *, base_url: str | None = None, timeout: float = 30.0
) -> BaseChatModel:
    """The only place a provider model is constructed (tests forbid calling it)."""
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"timeout": timeout}
    if base_url:
        kwargs["base_url"] = base_url
    chat: BaseChatModel = init_chat_model(model, **kwargs)
    return chat


def registry_tool(spec: ToolSpec[Any, Any]) -> StructuredTool:
    """A registry tool as a langchain tool: its request model is the argument schema."""

    def run(**fields: Any) -> str:
        try:
            result = spec.run(fields)
        except InvalidBillingInput as exc:
            raise ToolException(str(exc)) from exc
        text: str = result.model_dump_json()
        return text

    return StructuredTool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        args_schema=spec.request_model,
        handle_tool_error=True,
    )


class SearchArgs(BaseModel):
    """Arguments of the knowledge search tool."""

    query: str = Field(description="What to look up in the payer-policy and guidance corpus.")
    payer: str | None = Field(
        default=None,
        description="Payer id filter: medicare, medicaid, aetna, cigna, unitedhealthcare, ...",
    )
    date_of_service: date | None = Field(
        default=None, description="Only passages in force on this date."
    )


class _Turn:
    """Per-turn record of retrieved passages (numbered for citation) and their texts."""

    def __init__(self, kb: KnowledgeBase | None) -> None:
        self.kb = kb
        self.ledger = Ledger()
        self.hits: dict[str, Hit] = {}

    def search_tool(self) -> StructuredTool:
        def search_knowledge(
            query: str, payer: str | None = None, date_of_service: date | None = None
        ) -> str:
            if self.kb is None:
                return "The knowledge base is not available."
            try:
                hits = self.kb.search(query, k=5, payer=payer, on=date_of_service)
            except ValueError as exc:
                raise ToolException(str(exc)) from exc
            blocks = []
            for hit in hits:
                label = self.ledger.cite(hit)
                self.hits[label] = hit
                p = hit.passage
                blocks.append(
                    f"{label} {p.title} > {p.section} ({p.publisher}, in force from "
                    f"{p.effective_from}): {p.text}"
                )
            return "\n\n".join(blocks) or "No passage matched."

        return StructuredTool.from_function(
            func=search_knowledge,
            name="search_knowledge",
            description="Search the cited corpus of CMS, AMA/AOTA and payer guidance. Returns "
            "numbered "
            "passages; cite them by their [n] labels.",
            args_schema=SearchArgs,
            handle_tool_error=True,
        )


class LlmEngine:
    """Runs the agent, checks its answer, and falls back to the offline engine when needed."""

    def __init__(
        self,
        model: BaseChatModel,
        kb: KnowledgeBase | None,
        *,
        timeout: float = 30.0,
        tools: list[BaseTool] | None = None,
    ) -> None:
        self.model = model
        self.kb = kb
        self.timeout = timeout
        self.extra_tools = tools or []

    def _agent(self, turn: _Turn, persona: Persona) -> Any:
        from langchain.agents import create_agent

        system = prompts.load("llm/system").render(
            today=date.today().isoformat(),
            persona_guidance=prompts.load(f"llm/{persona}").text.strip(),
        )
        tools: list[BaseTool] = [registry_tool(s) for s in TOOLS] + [
            turn.search_tool(),
            *self.extra_tools,
        ]
        return create_agent(model=self.model, tools=tools, system_prompt=system)

    def answer(
        self, text: str, persona: Persona, offline: Draft, state: dict[str, Any]
    ) -> tuple[Draft, Engine, GuardReport | None, list[str]]:
        """Answer with the model; return (draft, engine, guard report, notes)."""
        turn = _Turn(self.kb)
        history = [
            HumanMessage(m) if role == "user" else AIMessage(m)
            for role, m in state.get("history", [])
        ]
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        try:
            future = pool.submit(
                self._agent(turn, persona).invoke, {"messages": [*history, HumanMessage(text)]}
            )
            result = future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            return (
                offline,
                "offline",
                None,
                [
                    f"The language model did not answer within {self.timeout:g} s; the offline "
                    "engine answered."
                ],
            )
        except Exception as exc:  # provider errors of every kind end in the offline answer
            log.warning("LLM engine failed: %s", type(exc).__name__)
            return (
                offline,
                "offline",
                None,
                [f"The language model failed ({type(exc).__name__}); the offline engine answered."],
            )
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        messages = result["messages"]
        calls = self._tool_calls(messages)
        final = next(
            (
                m
                for m in reversed(messages)
                if isinstance(m, AIMessage) and m.content and not m.tool_calls
            ),
            None,
        )
        if final is None:
            return (
                offline,
                "offline",
                None,
                ["The language model gave no final answer; the offline engine answered."],
            )
        answer_text = str(final.content)
        notes: list[str] = []
        cited = {int(n) for n in _LABEL.findall(answer_text)}
        known = {int(c.label) for c in turn.ledger.citations}
        dangling = sorted(cited - known)
        if dangling:
            answer_text = _LABEL.sub(
                lambda m: "" if int(m.group(1)) in dangling else m.group(0), answer_text
            )
            notes.append(
                f"Removed citation labels no passage had: {', '.join(f'[{n}]' for n in dangling)}."
            )
        sources = [text] + [json.dumps(c.arguments) + json.dumps(c.result) for c in calls]
        sources += [h.passage.text + " " + h.passage.title for h in turn.hits.values()]
        outcome = guard.check(answer_text, sources)
        citations = [c for c in turn.ledger.citations if int(c.label) in cited]
        if outcome.passed:
            draft = Draft(
                offline.intent,
                answer_text,
                citations=citations,
                tool_calls=calls,
                slots=offline.slots,
            )
            return draft, "llm", GuardReport(checked=True, passed=True), notes
        listed = ", ".join(outcome.unsupported)
        if outcome.repaired:
            draft = Draft(
                offline.intent,
                outcome.repaired,
                citations=citations,
                tool_calls=calls,
                slots=offline.slots,
            )
            notes.append(
                "The grounding guard removed sentences with figures no tool or source supported: "
                f"{listed}."
            )
            report = GuardReport(
                checked=True, passed=False, unsupported=outcome.unsupported, action="repaired"
            )
            return draft, "llm-guarded", report, notes
        notes.append(
            f"The model's answer stated figures no tool or source supported ({listed}); "
            "the offline engine's answer is shown instead."
        )
        report = GuardReport(
            checked=True, passed=False, unsupported=outcome.unsupported, action="replaced"
        )
        return offline, "llm-guarded", report, notes

    @staticmethod
    def _tool_calls(messages: list[Any]) -> list[ToolCall]:
        args_by_id: dict[str, tuple[str, dict[str, Any]]] = {}
        for m in messages:
            if isinstance(m, AIMessage):
                for call in m.tool_calls:
                    args_by_id[str(call["id"])] = (call["name"], dict(call["args"]))
        calls: list[ToolCall] = []
        for m in messages:
            if isinstance(m, ToolMessage) and m.tool_call_id in args_by_id:
                name, args = args_by_id[m.tool_call_id]
                try:
                    result = json.loads(str(m.content))
                except json.JSONDecodeError:
                    result = {"text": str(m.content)}
                if not isinstance(result, dict):
                    result = {"value": result}
                calls.append(ToolCall(name=name, arguments=args, result=result))
        return calls
