"""The MCP server: in-process, and as a real `otbill mcp` subprocess over stdio."""

from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from assistant.mcp_server import build_server
from tools.registry import TOOLS


def test_in_process_lists_and_calls_tools(fixture_kb) -> None:
    async def scenario() -> None:
        async with Client(build_server(fixture_kb)) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert {t.name for t in TOOLS} | {"search_knowledge"} == names
            done = await client.call_tool(
                "calculate_units",
                {
                    "services": [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}],
                    "method": "cms",
                },
            )
            assert not done.is_error and done.structured_content["units_by_code"] == {
                "97110": 2,
                "97140": 1,
            }
            bad = await client.call_tool(
                "calculate_units", {"services": [{"code": "97999", "minutes": 3}], "method": "cms"}
            )
            assert bad.is_error and "97999" in bad.content[0].text
            found = await client.call_tool("search_knowledge", {"query": "CO-97", "k": 1})
            assert found.structured_content["results"][0]["url"] == "https://x12.org/codes"

    anyio.run(scenario)


@pytest.mark.slow
def test_stdio_subprocess() -> None:
    otbill = str(Path(sys.executable).with_name("otbill"))

    async def scenario() -> None:
        async with Client(
            StdioServerParameters(command=otbill, args=["mcp", "--no-search"])
        ) as client:
            result = await client.call_tool(
                "check_eval_complexity", {"history": "brief", "deficits": 2, "decision": "low"}
            )
            assert result.structured_content["code"] == "97165"

    anyio.run(scenario)
