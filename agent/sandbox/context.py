"""The sandbox instance shared by its routes: world, settings, faults, log, addresses, tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sandbox.faults import Faults
from agent.sandbox.recorder import Recorder
from agent.sandbox.settings import SandboxSettings
from agent.sandbox.state import World


@dataclass
class Sandbox:
    settings: SandboxSettings
    data_dir: Path
    port: int = 0
    world: World = field(init=False)
    faults: Faults = field(default_factory=Faults)
    recorder: Recorder = field(default_factory=Recorder)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.world = World(self.settings, self.data_dir)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cdn_url(self) -> str:
        """Media is served on another host name, so a client's credentials must not follow."""
        return f"http://localhost:{self.port}"

    def cdn(self, path: str) -> str:
        return f"{self.cdn_url}/cdn/{path}"

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run work that must outlive the request (a generation, a render)."""
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
