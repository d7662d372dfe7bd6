"""Configuration of one run, from the environment and the command line (flags win).

| Variable | Meaning |
|---|---|
| `NEMO_TOKEN` | API token; else a stored one; else a free anonymous token |
| `NEMO_API_URL` | backend (default production); https unless loopback |
| `NEMO_WEB_URL` | web front end for task links (default https://nemovideo.com) |
| `NEMO_CLIENT_ID` | client id for anonymous tokens |
| `SKILL_SOURCE` | overrides the detected `X-Skill-Platform` |
| `WAN22_PROJECT` | project name (else the host conversation, else `default`) |
| `WAN22_OUTPUT_DIR` | where exports are saved |
| `WAN22_WAIT` | seconds `wan22 turn` waits for long work before returning |
| `WAN22_TIME_SCALE` | shrinks every documented wait (tests) |
| `WAN22_LOG` | diagnostic log level on stderr |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agent.clock import Clock, system_clock
from agent.secret import Secret
from agent.store.dirs import AppDirs

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
DEFAULT_PROJECT = "default"
# Hosts give a call seconds: OpenClaw backgrounds a command after 10 s, so stay under it there.
DEFAULT_WAIT_SECONDS = 20.0
OPENCLAW_WAIT_SECONDS = 8.0


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about where and how to run."""

    api_url: str
    web_url: str
    env_token: Secret | None
    dirs: AppDirs
    clock: Clock
    output_dir: Path
    project: str | None
    wait_seconds: float | None
    env: Mapping[str, str] = field(repr=False)

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        api_url: str | None = None,
        project: str | None = None,
        output_dir: str | None = None,
        wait_seconds: float | None = None,
    ) -> Settings:
        env = dict(os.environ) if env is None else dict(env)
        dirs = AppDirs.from_env(env)
        token = env.get("NEMO_TOKEN", "").strip()
        wait_env = env.get("WAN22_WAIT", "")
        if wait_seconds is None and wait_env:
            try:
                wait_seconds = max(float(wait_env), 0.0)
            except ValueError:
                wait_seconds = None
        return cls(
            api_url=(api_url or env.get("NEMO_API_URL") or DEFAULT_API_URL).rstrip("/"),
            web_url=(env.get("NEMO_WEB_URL") or DEFAULT_WEB_URL).rstrip("/"),
            env_token=Secret(token) if token else None,
            dirs=dirs,
            clock=system_clock(env),
            output_dir=Path(
                output_dir or env.get("WAN22_OUTPUT_DIR") or default_output_dir(env, dirs)
            ),
            project=project or env.get("WAN22_PROJECT") or None,
            wait_seconds=wait_seconds,
            env=env,
        )


def default_output_dir(env: Mapping[str, str], dirs: AppDirs) -> Path:
    """A folder the host can see: OpenClaw's workspace when OpenClaw runs us, else ~/Videos."""
    if env.get("OPENCLAW_SHELL") or env.get("OPENCLAW_WORKSPACE_DIR"):
        workspace = env.get("OPENCLAW_WORKSPACE_DIR") or str(dirs.home / ".openclaw" / "workspace")
        return Path(workspace) / "wan22-videos"
    return dirs.home / "Videos" / "wan22"
