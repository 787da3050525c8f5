"""An MCP server exposing every registry tool (and knowledge search) to MCP clients.

The tools are the same functions the CLI, the HTTP API and the agent call; their input schemas are
the request models' JSON schemas and their results the result models as structured content.
Run over stdio with ``otbill mcp`` (for Claude Desktop, IDEs and other MCP hosts).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import mcp.types as types
from mcp.server.lowlevel import Server
from pydantic import ValidationError

from tools.errors import InvalidBillingInput
from tools.registry import TOOLS, get_tool

SEARCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "What to look up."},
        "payer": {"type": "string", "description": "Payer id: medicare, medicaid, cigna, ..."},
        "date_of_service": {
            "type": "string",
            "format": "date",
            "description": "Only passages in force then.",
        },
        "k": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
    },
    "required": ["query"],
    "additionalProperties": False,
}


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


def build_server(kb: Any = None) -> Server[Any]:
    """The MCP server; `kb` is a KnowledgeBase for the search tool (None leaves it out)."""

    async def list_tools(_ctx: Any, _params: Any) -> types.ListToolsResult:
        tools = [
            types.Tool(
                name=s.name,
                description=s.description,
                input_schema=s.request_model.model_json_schema(),
            )
            for s in TOOLS
        ]
        if kb is not None:
            tools.append(
                types.Tool(
                    name="search_knowledge",
                    description="Search the cited corpus of CMS, AMA/AOTA and payer guidance for "
                    "OT billing.",
                    input_schema=SEARCH_SCHEMA,
                )
            )
        return types.ListToolsResult(tools=tools)

    async def call_tool(_ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        args = dict(params.arguments or {})
        if params.name == "search_knowledge" and kb is not None:
            return _search(kb, args)
        try:
            spec = get_tool(params.name)
        except KeyError as exc:
            return _error(str(exc.args[0]))
        try:
            result = spec.run(args)
        except ValidationError as exc:
            first = exc.errors()[0]
            return _error(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
        except InvalidBillingInput as exc:
            return _error(str(exc))
        data = json.loads(result.model_dump_json())
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(data, indent=2))],
            structured_content=data,
        )

    return Server(
        "ot-billing-assistant",
        version="0.1.0",
        instructions="Deterministic OT billing tools: units under the 8-minute rule, visits versus "
        "units, evaluation complexity, codes, thresholds and more. Results carry their rule "
        "sources.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _search(kb: Any, args: dict[str, Any]) -> types.CallToolResult:
    try:
        when = date.fromisoformat(args["date_of_service"]) if args.get("date_of_service") else None
        hits = kb.search(
            str(args["query"]), k=int(args.get("k", 5)), payer=args.get("payer"), on=when
        )
    except (KeyError, ValueError) as exc:
        return _error(f"search_knowledge: {exc}")
    results = [h.record() for h in hits]
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(results, indent=2))],
        structured_content={"results": results},
    )


async def serve_stdio(kb: Any = None) -> None:
    """Serve MCP over stdin/stdout until the client disconnects."""
    from mcp.server.stdio import stdio_server

    server = build_server(kb)
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
