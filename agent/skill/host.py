"""Which agent host runs us, from the environment and our own install path.

The platform feeds `X-Skill-Platform`; the host decides delivery details (OpenClaw's `MEDIA:` line)
and the default project (the host's conversation identity).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Install-path markers, checked in order (vendor-api.md §1.1 plus OpenClaw's own roots).
_PATH_PLATFORMS = (
    ("/.clawhub/", "clawhub"),
    ("/.openclaw/", "clawhub"),
    ("/.cursor/skills/", "cursor"),
    ("/.claude/skills/", "claude_code"),
)
_HOST_OF_PLATFORM = {"clawhub": "openclaw", "cursor": "cursor", "claude_code": "claude_code"}


@dataclass(frozen=True)
class Host:
    """`name`: openclaw, claude_code, cursor or terminal; `platform`: the attribution value."""

    name: str
    platform: str
    conversation: str | None = None


def platform_from_path(path: str) -> str | None:
    normalised = path.replace("\\", "/")
    for marker, platform in _PATH_PLATFORMS:
        if marker in normalised:
            return platform
    return None


def platform_from_env(env: Mapping[str, str]) -> str | None:
    if env.get("OPENCLAW_SHELL") or env.get("OPENCLAW_CHANNEL_CONTEXT"):
        return "clawhub"
    if env.get("CLAUDECODE") or env.get("CLAUDE_CODE_SESSION_ID"):
        return "claude_code"
    if env.get("CURSOR_AGENT") or env.get("CURSOR_TRACE_ID") or env.get("CURSOR_SESSION_ID"):
        return "cursor"
    return None


def detect_host(env: Mapping[str, str], install_paths: tuple[str, ...]) -> Host:
    """`SKILL_SOURCE` wins, then the install path, then the host's env markers, else unknown."""
    by_path = next((p for p in map(platform_from_path, install_paths) if p), None)
    by_env = platform_from_env(env)
    explicit = env.get("SKILL_SOURCE", "").strip()
    platform = explicit or by_path or by_env or "unknown"
    host_name = _HOST_OF_PLATFORM.get(by_env or by_path or "", "terminal")
    return Host(name=host_name, platform=platform, conversation=conversation_identity(env))


def conversation_identity(env: Mapping[str, str]) -> str | None:
    """A stable id of the host conversation, when the host gives one."""
    context = env.get("OPENCLAW_CHANNEL_CONTEXT", "")
    if context:
        try:
            data = json.loads(context)
        except ValueError:
            data = None
        if isinstance(data, dict):
            parts = [
                str(data.get(k))
                for k in ("channel", "chat_id", "chatId", "sender_id", "senderId", "sender")
                if data.get(k)
            ]
            if parts:
                return "openclaw:" + ":".join(parts)
    session = env.get("CLAUDE_CODE_SESSION_ID", "").strip()
    if session:
        return f"claude:{session}"
    return None


def runtime_install_paths(skill_file: Path) -> tuple[str, ...]:
    """The paths whose location tells the platform: the runtime package and its skill.md."""
    return (str(Path(__file__).resolve().parent.parent), str(skill_file.resolve()))
