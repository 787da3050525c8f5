"""The one list of tools. The CLI, the HTTP API, the LLM agent and the MCP server all read it.

A tool is a plain function ``fn(Request) -> Result`` over frozen pydantic models whose fields all
carry descriptions. Its docstring's first paragraph is written for whoever picks the tool (a
person reading ``--help`` or a model choosing a tool): what it answers and when to use it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from tools.advocacy import AdvocacyRequest, AdvocacyResult, classify_advocacy
from tools.assistant_rate import (
    AssistantRateRequest,
    AssistantRateResult,
    check_assistant_modifier,
)
from tools.claims import (
    ClaimRequest,
    ClaimResult,
    ClaimRulesRequest,
    ClaimRulesResult,
    list_claim_rules,
    validate_claim,
)
from tools.claims.pairs import CodePairRequest, CodePairResult, check_code_pair
from tools.conversion_factor import (
    ConversionFactorRequest,
    ConversionFactorResult,
    get_conversion_factor,
)
from tools.cost_sharing import (
    CostSharingRequest,
    CostSharingResult,
    get_medicare_cost_sharing,
)
from tools.estimate import EstimateRequest, EstimateResult, estimate_payment
from tools.eval_complexity import (
    EvalComplexityRequest,
    EvalComplexityResult,
    EvalLevelRequest,
    EvalLevelResult,
    ReevalRequest,
    ReevalResult,
    check_eval_complexity,
    check_reevaluation,
    describe_eval_level,
)
from tools.lookup import (
    CodeLookupRequest,
    CodeLookupResult,
    ThresholdRequest,
    ThresholdResult,
    get_therapy_thresholds,
    lookup_code,
)
from tools.notes import NoteCheckRequest, NoteCheckResult, check_note
from tools.oon import (
    OonGuideRequest,
    OonGuideResult,
    SuperbillRequest,
    SuperbillResult,
    make_superbill,
    oon_guide,
)
from tools.units import UnitsRequest, UnitsResult, calculate_units
from tools.visits import VisitsRequest, VisitsResult, convert_visits

RequestT = TypeVar("RequestT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)


@dataclass(frozen=True)
class ToolSpec(Generic[RequestT, ResultT]):
    """A registered tool: its names, its function and its request and result models."""

    name: str
    cli_name: str
    fn: Callable[[RequestT], ResultT]
    request_model: type[RequestT]
    result_model: type[ResultT]
    audiences: tuple[str, ...]

    @property
    def description(self) -> str:
        """The function's docstring: what the tool answers and when to use it."""
        return inspect.getdoc(self.fn) or ""

    @property
    def summary(self) -> str:
        """First line of the description."""
        return self.description.splitlines()[0] if self.description else self.name

    def describe(self) -> dict[str, Any]:
        """Names, audiences, description and JSON schemas: what listings of tools show."""
        return {
            "name": self.name,
            "cli_name": self.cli_name,
            "audiences": list(self.audiences),
            "description": self.description,
            "request_schema": self.request_model.model_json_schema(),
            "result_schema": self.result_model.model_json_schema(),
        }

    def run(self, payload: RequestT | Mapping[str, Any]) -> ResultT:
        """Validate `payload` (a request or a plain mapping) and call the tool."""
        request = (
            payload
            if isinstance(payload, self.request_model)
            else self.request_model.model_validate(payload)
        )
        return self.fn(request)


TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    ToolSpec(
        "calculate_units",
        "units",
        calculate_units,
        UnitsRequest,
        UnitsResult,
        ("biller", "therapist"),
    ),
    ToolSpec(
        "convert_visits",
        "visits",
        convert_visits,
        VisitsRequest,
        VisitsResult,
        ("parent", "biller"),
    ),
    ToolSpec(
        "check_eval_complexity",
        "eval-complexity",
        check_eval_complexity,
        EvalComplexityRequest,
        EvalComplexityResult,
        ("therapist", "biller"),
    ),
    ToolSpec(
        "describe_eval_level",
        "eval-level",
        describe_eval_level,
        EvalLevelRequest,
        EvalLevelResult,
        ("therapist", "biller"),
    ),
    ToolSpec(
        "lookup_code",
        "code",
        lookup_code,
        CodeLookupRequest,
        CodeLookupResult,
        ("biller", "therapist", "parent"),
    ),
    ToolSpec(
        "get_therapy_thresholds",
        "thresholds",
        get_therapy_thresholds,
        ThresholdRequest,
        ThresholdResult,
        ("biller", "therapist", "parent"),
    ),
    ToolSpec(
        "check_reevaluation",
        "reeval",
        check_reevaluation,
        ReevalRequest,
        ReevalResult,
        ("therapist", "biller"),
    ),
    ToolSpec(
        "check_note",
        "check-note",
        check_note,
        NoteCheckRequest,
        NoteCheckResult,
        ("therapist", "biller"),
    ),
    ToolSpec(
        "estimate_payment",
        "estimate",
        estimate_payment,
        EstimateRequest,
        EstimateResult,
        ("parent", "therapist", "biller"),
    ),
    ToolSpec(
        "get_medicare_cost_sharing",
        "medicare-cost-sharing",
        get_medicare_cost_sharing,
        CostSharingRequest,
        CostSharingResult,
        ("parent", "biller", "therapist"),
    ),
    ToolSpec(
        "get_conversion_factor",
        "conversion-factor",
        get_conversion_factor,
        ConversionFactorRequest,
        ConversionFactorResult,
        ("biller", "therapist"),
    ),
    ToolSpec(
        "check_assistant_modifier",
        "assistant-rate",
        check_assistant_modifier,
        AssistantRateRequest,
        AssistantRateResult,
        ("biller", "therapist"),
    ),
    ToolSpec(
        "validate_claim",
        "validate-claim",
        validate_claim,
        ClaimRequest,
        ClaimResult,
        ("biller",),
    ),
    ToolSpec(
        "classify_advocacy",
        "advocacy",
        classify_advocacy,
        AdvocacyRequest,
        AdvocacyResult,
        ("therapist", "biller", "parent"),
    ),
    ToolSpec(
        "check_code_pair",
        "code-pair",
        check_code_pair,
        CodePairRequest,
        CodePairResult,
        ("biller", "therapist"),
    ),
    ToolSpec(
        "list_claim_rules",
        "rules",
        list_claim_rules,
        ClaimRulesRequest,
        ClaimRulesResult,
        ("biller",),
    ),
    ToolSpec(
        "make_superbill",
        "superbill",
        make_superbill,
        SuperbillRequest,
        SuperbillResult,
        ("parent", "biller"),
    ),
    ToolSpec(
        "oon_guide",
        "oon-guide",
        oon_guide,
        OonGuideRequest,
        OonGuideResult,
        ("parent",),
    ),
)


def get_tool(name: str) -> ToolSpec[Any, Any]:
    """Find a tool by its name or its CLI name; raise KeyError naming the known tools."""
    for spec in TOOLS:
        if name in (spec.name, spec.cli_name):
            return spec
    known = ", ".join(spec.name for spec in TOOLS)
    raise KeyError(f"no tool named {name!r}; known tools: {known}")
