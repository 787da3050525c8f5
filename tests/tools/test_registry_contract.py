"""Every registered tool keeps the contract the CLI, API, agent and MCP server rely on."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, ValidationError

from tools.registry import TOOLS, get_tool

JUNK = [{}, {"nonsense": 1}, {"services": "🙂"}, {"history": None}, {"units": [1, 2]}]


def _all_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    stack = [model]
    while stack:
        m = stack.pop()
        if m in seen:
            continue
        seen.append(m)
        for field in m.model_fields.values():
            for arg in (*getattr(field.annotation, "__args__", ()), field.annotation):
                for sub in (*getattr(arg, "__args__", ()), arg):
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        stack.append(sub)
    return seen


def test_names_are_unique() -> None:
    names = [t.name for t in TOOLS] + [t.cli_name for t in TOOLS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("spec", TOOLS, ids=[t.name for t in TOOLS])
def test_tool_contract(spec) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]+", spec.name)
    assert re.fullmatch(r"[a-z][a-z0-9-]+", spec.cli_name)
    assert len(spec.description) > 80, "docstring must say what the tool answers and when"
    assert spec.audiences
    for model in _all_models(spec.request_model):
        assert model.model_config.get("frozen") is True, model
        assert model.model_config.get("extra") == "forbid", model
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} needs a description"
    for model in _all_models(spec.result_model):
        assert model.model_config.get("frozen") is True, model
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} needs a description"
    assert "status" in spec.result_model.model_fields
    spec.request_model.model_json_schema()
    spec.result_model.model_json_schema()


@pytest.mark.parametrize("spec", TOOLS, ids=[t.name for t in TOOLS])
@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_is_a_validation_error_and_nothing_else(spec, junk) -> None:
    try:
        result = spec.run(junk)
    except ValidationError:
        return
    # a payload that happens to be valid (every field defaulted) must give a proper result
    assert isinstance(result, spec.result_model)


def test_get_tool_by_either_name() -> None:
    assert get_tool("units") is get_tool("calculate_units")
    with pytest.raises(KeyError, match="known tools"):
        get_tool("nope")
