"""`wan22 mcp`: the skill's tools over MCP (stdio), with the official `mcp` SDK (extra `mcp`).

Imported only by `wan22 mcp`. Every tool runs the same `Turn` the CLI runs and returns the
same JSON object as `wan22 turn --json`. Long work returns a job id at once; a call asked to
wait sends MCP progress notifications (stdout is the protocol channel: nothing else goes there).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context, MCPServer

from agent.errors import WanError
from agent.settings import Settings

INSTRUCTIONS = (
    "Make and edit WAN 2.2 videos. Start with `generate` (a prompt, optionally an image path). "
    "Long work returns a job id: check it with `status` or `result`, never call `generate` "
    "again for the same request (it is billed). `export` saves the mp4 and returns its path."
)


def serve(settings: Settings) -> int:
    from agent.runtime import load_skill

    manifest, _ = load_skill(settings)
    server = MCPServer(name=manifest.name, version=manifest.version, instructions=INSTRUCTIONS)

    @server.tool(description="Generate a new video from a text prompt (or an image and a prompt).")
    async def generate(
        prompt: str, ctx: Context, image_path: str | None = None, wait_seconds: float = 0
    ) -> str:
        files = [image_path] if image_path else []
        return await _run(
            settings, ctx, wait_seconds, lambda t: _chat(t, prompt, files, wait_seconds, True)
        )

    @server.tool(description="Edit the current video: music, title, length, style...")
    async def edit(instruction: str, ctx: Context, wait_seconds: float = 0) -> str:
        return await _run(
            settings, ctx, wait_seconds, lambda t: _chat(t, instruction, [], wait_seconds, False)
        )

    @server.tool(description="The timeline and any running job (cheap; safe to repeat).")
    async def status(ctx: Context, job_id: str | None = None) -> str:
        return await _run(settings, ctx, 0, lambda t: (t.report_updates(), t.status(job_id)))

    @server.tool(description="A finished job's outcome, again (idempotent).")
    async def result(job_id: str, ctx: Context) -> str:
        return await _run(settings, ctx, 0, lambda t: t.result(job_id))

    @server.tool(description="Render the timeline to mp4 and save it; returns the file path.")
    async def export(ctx: Context, wait_seconds: float = 0) -> str:
        return await _run(
            settings, ctx, wait_seconds, lambda t: (t.report_updates(), t.export(wait_seconds))
        )

    @server.tool(description="The credit balance.")
    async def credits(ctx: Context) -> str:
        return await _run(settings, ctx, 0, lambda t: (t.report_updates(), t.credits()))

    @server.tool(description="Upload local media files (or https URLs) to the project.")
    async def upload(paths: list[str], ctx: Context) -> str:
        return await _run(settings, ctx, 0, lambda t: _upload(t, paths))

    server.run("stdio")
    return 0


def _chat(turn: Any, text: str, files: list[str], wait: float, generation: bool) -> None:
    from agent.media_files import check_attachment

    media = [check_attachment(f) for f in files]
    turn.report_updates()
    mode = "i2v" if any(m.kind == "image" for m in media) else "t2v"
    turn.chat(text, media, mode, "generation" if generation else None, wait)


def _upload(turn: Any, paths: list[str]) -> None:
    from agent.media_files import check_attachment

    urls = [p for p in paths if p.startswith(("https://", "http://"))]
    turn.report_updates()
    turn.upload([check_attachment(p) for p in paths if p not in urls], urls)


async def _run(settings: Settings, ctx: Any, wait: float, action: Callable[[Any], object]) -> str:
    """Run one turn off the event loop; progress goes back to the client while it waits."""
    import anyio
    import anyio.from_thread

    def work() -> str:
        from agent.runtime import load_runtime
        from agent.turn import Turn

        rt = load_runtime(settings)
        turn = Turn(rt, rt.project.language() or "en")
        if wait > 0:
            turn.on_wait = lambda job: anyio.from_thread.run(
                ctx.report_progress, float(job.progress), 100.0, f"{job.kind}: {job.phase}"
            )
        try:
            action(turn)
            reply = turn.finish()
        except WanError as exc:
            reply = turn.fail(exc)
        finally:
            rt.close()
        return json.dumps(reply.to_json(), ensure_ascii=False)

    result: str = await anyio.to_thread.run_sync(work)
    return result
