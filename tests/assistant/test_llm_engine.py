"""The LLM engine with scripted chat models: tools, the grounding guard, and the fallbacks."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.engine.llm import LlmEngine, registry_tool
from assistant.engine.offline import Draft
from tests.fakes import FailingChatModel, SlowChatModel, scripted, tool_call
from tools.registry import get_tool

OFFLINE = Draft("units", "offline answer: 97110 x2, 97140 x1")
UNITS_ARGS = {
    "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
    "payer": "Medicare",
    "date_of_service": "2026-03-02",
}


def test_registry_tool_schema_is_the_request_model() -> None:
    tool = registry_tool(get_tool("calculate_units"))
    schema = tool.args_schema.model_json_schema()  # type: ignore[union-attr]
    assert {"services", "method", "payer", "date_of_service"} <= set(schema["properties"])
    assert tool.description.startswith("Compute billable units")


def test_grounded_answer_is_used_with_its_tool_calls() -> None:
    model = scripted(
        tool_call("calculate_units", **UNITS_ARGS),
        "Bill 97110 x2 and 97140 x1: 3 units for 40 total timed minutes.",
    )
    draft, engine, report, _notes = LlmEngine(model, None).answer("units?", "biller", OFFLINE, {})
    assert engine == "llm" and report is not None and report.passed
    assert draft.text.startswith("Bill 97110 x2")
    assert draft.tool_calls[0].name == "calculate_units"
    assert draft.tool_calls[0].result["total_units"] == 3


def test_invented_figure_is_removed_when_the_rest_stands() -> None:
    model = scripted(
        tool_call("calculate_units", **UNITS_ARGS),
        "Under the CMS method you bill 97110 x2 and 97140 x1, which is 3 units for 40 total timed minutes "
        "that day. Medicare pays roughly $97.50 for that visit.",
    )
    draft, engine, report, notes = LlmEngine(model, None).answer("units?", "biller", OFFLINE, {})
    assert engine == "llm-guarded" and report is not None and report.action == "repaired"
    assert "97.5" in report.unsupported and "97.50" not in draft.text
    assert any("removed sentences" in n for n in notes)


def test_invented_answer_is_replaced_by_the_offline_engine() -> None:
    model = scripted(
        tool_call("get_therapy_thresholds", date_of_service="2026-02-01"),
        "The OT threshold is $2,510 and PT is $2,300.",
    )
    draft, engine, report, notes = LlmEngine(model, None).answer("kx?", "biller", OFFLINE, {})
    assert engine == "llm-guarded" and report is not None and report.action == "replaced"
    assert draft is OFFLINE
    assert set(report.unsupported) >= {"2510", "2300"}
    assert any("offline engine's answer is shown instead" in n for n in notes)


def test_provider_failure_falls_back_to_offline() -> None:
    draft, engine, report, notes = LlmEngine(scripted("x", cls=FailingChatModel), None).answer(
        "q", "biller", OFFLINE, {}
    )
    assert draft is OFFLINE and engine == "offline" and report is None
    assert "ConnectionError" in notes[0]


def test_timeout_falls_back_to_offline() -> None:
    model = SlowChatModel(messages=iter([]), delay=1.5)
    draft, engine, _, notes = LlmEngine(model, None, timeout=0.3).answer("q", "biller", OFFLINE, {})
    assert draft is OFFLINE and engine == "offline"
    assert "did not answer within" in notes[0]


def test_bad_tool_arguments_come_back_to_the_model() -> None:
    model = scripted(
        tool_call("calculate_units", services=[{"code": "97999", "minutes": 20}], method="cms"),
        "I could not compute that: 97999 is not an OT code.",
    )
    draft, engine, _, _ = LlmEngine(model, None).answer("q", "biller", OFFLINE, {})
    assert engine == "llm"
    assert "97999" in draft.tool_calls[0].result["text"]


@pytest.mark.usefixtures("fixture_kb")
def test_citations_resolve_and_dangling_labels_are_dropped(fixture_kb) -> None:
    model = scripted(
        tool_call("search_knowledge", query="CO-97 denial", date_of_service=str(date(2026, 3, 1))),
        "CO-97 means the service was bundled into another one [1][7].",
    )
    draft, engine, _, notes = LlmEngine(model, fixture_kb).answer(
        "what is CO-97", "biller", OFFLINE, {}
    )
    assert engine == "llm"
    assert [c.doc_id for c in draft.citations] == ["test-denial-co97"]
    assert "[7]" not in draft.text and any("[7]" in n for n in notes)
