"""`wan22 mcp` driven by the MCP SDK's own stdio client: list the tools, start a generation that
waits (progress notifications arrive), read the result."""

from __future__ import annotations

import json
import os
import sys

import anyio
import pytest

from tests.support import ROOT
from tests.support.cli import record


def test_mcp_client_session(env, sandbox):
    from mcp import ClientSession, StdioServerParameters, stdio_client

    sandbox.configure(generation_seconds=2.0)
    progress: list[float] = []
    outputs: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async def scenario() -> None:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "agent", "mcp"], env=env, cwd=str(ROOT)
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {tool.name for tool in (await session.list_tools()).tools}
            assert tools >= {"generate", "edit", "status", "result", "export", "credits", "upload"}
            started = await session.call_tool(
                "generate",
                {"prompt": "Generate a 4-second video of a snowy owl", "wait_seconds": 60},
                progress_callback=on_progress,
            )
            reply = json.loads(started.content[0].text)
            outputs.append(started.content[0].text)
            assert reply["job"]["state"] == "succeeded", reply
            again = await session.call_tool("result", {"job_id": reply["job"]["id"]})
            outputs.append(again.content[0].text)
            assert json.loads(again.content[0].text)["job"]["state"] == "succeeded"
            quick = await session.call_tool("credits", {})
            outputs.append(quick.content[0].text)
            assert "Credits" in json.loads(quick.content[0].text)["text"]

    anyio.run(scenario)
    record(["wan22", "mcp"], "\n".join(outputs), "")
    assert progress, "a waiting call sends progress notifications"
    assert progress == sorted(progress)


@pytest.mark.parametrize("tool", ["status"])
def test_mcp_returns_a_job_id_at_once_without_waiting(env, sandbox, tool):
    from mcp import ClientSession, StdioServerParameters, stdio_client

    sandbox.configure(generation_seconds=5.0)

    async def scenario() -> dict:
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "agent", "mcp"], env=env, cwd=str(ROOT)
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            started = await session.call_tool(
                "generate", {"prompt": "Generate a video of a quiet harbour"}
            )
            first = json.loads(started.content[0].text)
            follow = await session.call_tool(tool, {})
            return {"first": first, "follow": json.loads(follow.content[0].text)}

    result = anyio.run(scenario)
    record(["wan22", "mcp"], json.dumps(result), "")
    assert result["first"]["job"]["state"] in ("queued", "running")
    assert result["first"]["job"]["id"]


def test_without_the_sdk_wan22_mcp_explains_on_stderr_and_exits_8(home, tmp_path):
    from tests.support.cli import isolated_env, run_wan22

    shadow = tmp_path / "shadow" / "mcp"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError('No module named mcp', name='mcp')\n"
    )
    env = isolated_env(home, None, PYTHONPATH=f"{shadow.parent}{os.pathsep}{ROOT}")
    result = run_wan22(env, "mcp", cwd=tmp_path)
    assert result.code == 8
    assert result.stdout == "", "stdout is the MCP channel"
    assert "pip install 'wan-22[mcp]'" in result.stderr
