"""Renders: pending → processing (progress) → completed | failed | cancelled, drawn into a real
mp4 off the event loop, and reported in the three documented poll shapes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from agent.sandbox.context import Sandbox
from agent.sandbox.render import render_draft
from agent.sandbox.state import Account, Render, Session

STEPS = 5


def start_render(
    sandbox: Sandbox,
    render_id: str,
    session: Session,
    account: Account,
    draft: dict[str, Any],
    fault: str | None,
) -> Render:
    render = Render(render_id, session.session_id, account.user_id, draft, fault=fault)
    sandbox.world.renders[render_id] = render
    sandbox.spawn(_run(sandbox, render, session))
    return render


async def _run(sandbox: Sandbox, render: Render, session: Session) -> None:
    step = max(sandbox.settings.render_seconds, 0.05) / STEPS
    await asyncio.sleep(step / 2)
    if render.status == "cancelled":
        return
    render.status = "processing"
    for index in range(1, STEPS):
        await asyncio.sleep(step)
        if render.status == "cancelled":
            return
        render.progress = 5 + index * 18
    if render.fault == "render_stuck":
        render.progress = 60
        while render.status == "processing":
            await asyncio.sleep(1)
        return
    if render.fault == "render_fail":
        render.status, render.error = "failed", "render failed: the encoder crashed (sandbox fault)"
        return
    out = sandbox.data_dir / "renders" / f"{render.render_id}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    image = _i2v_image(render.draft, session)
    size, duration = await asyncio.to_thread(render_draft, render.draft, out, image)
    if render.status == "cancelled":
        return
    render.path, render.size, render.duration = out, size, duration
    render.status, render.progress, render.completed_at = "completed", 100, time.time()


def _i2v_image(draft: dict[str, Any], session: Session) -> Path | None:
    for track in draft.get("t", []):
        for segment in track.get("sg", []) if isinstance(track, dict) else []:
            url = segment.get("img") if isinstance(segment, dict) else None
            if url:
                for upload in session.uploads.values():
                    if upload["cdn_url"] == url:
                        return Path(upload["path"])
    return None


def poll_body(sandbox: Sandbox, render: Render) -> dict[str, Any]:
    """The poll answer in the configured shape (`rotate` cycles through all three)."""
    shape = sandbox.settings.render_shape
    if shape == "rotate":
        shape = ("ref", "top", "init")[render.polls % 3]
    render.polls += 1
    url = f"{sandbox.cdn_url}/render-result/{render.render_id}.mp4" if render.path else None
    output = {"url": url, "duration": render.duration, "size": render.size} if url else None
    if shape == "ref":
        data: dict[str, Any] = {
            "id": render.render_id,
            "status": render.status,
            "progress": render.progress,
            "outputUrl": url,
            "createdAt": int(render.created_at * 1000),
            "completedAt": int(render.completed_at * 1000) if render.completed_at else None,
        }
        if render.error:
            data["error"] = render.error
        return {"success": True, "data": data}
    key = "id" if shape == "top" else "taskId"
    body: dict[str, Any] = {
        key: render.render_id,
        "status": render.status,
        "progress": render.progress,
    }
    if output:
        body["output"] = output
    if render.error:
        body["error"] = render.error
    return body
