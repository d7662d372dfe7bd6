"""Render jobs: pending → processing (progress rising across `render_seconds`) → completed |
failed | cancelled, drawn into a real mp4 off the event loop, and reported in the three
documented poll shapes (vendor-api.md §5.3)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from agent.sandbox.context import Sandbox
from agent.sandbox.render import render_draft
from agent.sandbox.state import Render, Session

STEPS = 5
STUCK_PROGRESS = 60
SHAPES = ("ref", "top", "init")
FAILURE = "render failed: the encoder crashed (sandbox fault)"


def start_render(sandbox: Sandbox, render: Render, session: Session) -> None:
    sandbox.world.renders[render.render_id] = render
    sandbox.spawn(_run(sandbox, render, _image_of(sandbox, render.draft, session)))


async def _run(sandbox: Sandbox, render: Render, image: Path | None) -> None:
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
        render.progress = STUCK_PROGRESS
        return  # processing for good, until cancelled
    if render.fault == "render_fail":
        render.status, render.error = "failed", render.fault_error or FAILURE
        return
    out = sandbox.data_dir / "renders" / f"{render.render_id}.mp4"
    out.parent.mkdir(parents=True, exist_ok=True)
    size, duration = await asyncio.to_thread(render_draft, render.draft, out, image)
    if render.status == "cancelled":
        out.unlink(missing_ok=True)
        return
    render.path, render.size, render.duration = out, size, duration
    render.status, render.progress, render.completed_at = "completed", 100, time.time()


def _image_of(sandbox: Sandbox, draft: dict[str, Any], session: Session) -> Path | None:
    """The uploaded image behind an image-to-video segment (`img`), when it is on disk."""
    for track in draft.get("t", []):
        segments = track.get("sg", []) if isinstance(track, dict) else []
        for segment in segments if isinstance(segments, list) else []:
            url = segment.get("img") if isinstance(segment, dict) else None
            for media in session.uploads if url else []:
                if sandbox.media_url(media) == url and media.path is not None:
                    return media.path
    return None


def poll_body(sandbox: Sandbox, render: Render) -> dict[str, Any]:
    """The poll answer in the configured shape (`rotate` cycles through all three)."""
    shape = sandbox.settings.render_shape
    if shape == "rotate":
        shape = SHAPES[render.polls % len(SHAPES)]
    render.polls += 1
    url = sandbox.render_url(render.render_id) if render.path is not None else None
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
    body: dict[str, Any] = {
        "id" if shape == "top" else "taskId": render.render_id,
        "status": render.status,
        "progress": render.progress,
    }
    if url is not None:
        body["output"] = {"url": url, "duration": render.duration, "size": render.size}
    if render.error:
        body["error"] = render.error
    return body
