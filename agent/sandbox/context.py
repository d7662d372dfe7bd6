"""The sandbox instance shared by its routes: memory, settings, faults, log, addresses, and the
background work (generations, renders) that outlives a request."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sandbox.faults import Faults
from agent.sandbox.recorder import Recorder
from agent.sandbox.settings import SandboxSettings
from agent.sandbox.state import Media, World


@dataclass
class Sandbox:
    settings: SandboxSettings
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    world: World = field(init=False)
    faults: Faults = field(default_factory=Faults)
    recorder: Recorder = field(default_factory=Recorder)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.world = World(self.settings)

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def cdn_url(self) -> str:
        """Media is served under another host name, so a client's credentials must not follow."""
        other = "127.0.0.1" if self.host == "localhost" else "localhost"
        return f"http://{other}:{self.port}"

    def media_url(self, media: Media) -> str:
        """Where a client fetches the media: the "CDN", or the address a URL upload came from
        (the sandbox is offline, so it never mirrors remote files)."""
        return media.source_url or f"{self.cdn_url}/cdn/{media.cdn_path}"

    def render_url(self, render_id: str) -> str:
        return f"{self.cdn_url}/render-result/{render_id}.mp4"

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run work that must outlive the request (a generation, a render)."""
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
