"""Scripted chat models for the LLM engine tests (a real provider cannot run here).

langchain's stock fakes raise NotImplementedError from bind_tools, which create_agent always
calls, so these subclasses accept it. Each test builds a fresh model: the script is consumed.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

_ids = itertools.count(1)


class ScriptedChatModel(GenericFakeChatModel):
    """Replays scripted AI messages; tool calls included."""

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> ScriptedChatModel:  # type: ignore[override]
        return self


class FailingChatModel(ScriptedChatModel):
    """A provider that errors on every call."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("provider unreachable")


class SlowChatModel(ScriptedChatModel):
    """A provider that takes longer than the engine's timeout."""

    delay: float = 2.0

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(self.delay)
        return super()._generate(*args, **kwargs)


def tool_call(name: str, /, **args: Any) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}],
    )


def scripted(
    *turns: AIMessage | str, cls: type[ScriptedChatModel] = ScriptedChatModel
) -> ScriptedChatModel:
    messages = [AIMessage(content=t) if isinstance(t, str) else t for t in turns]
    return cls(messages=iter(messages))
