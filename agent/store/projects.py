"""Per-project state: the backend session (one per backend URL) and the conversation language.

A project is one conversation's video work. Its folder also holds the job ledger. Two
projects never share a session, so two conversations never see each other's videos.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.store.dirs import AppDirs
from agent.store.files import atomic_write_json, ensure_private_dir, quarantine, read_json
from agent.store.locks import locked

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class BackendSession:
    """The backend session a project uses on one backend."""

    session_id: str
    task_id: str | None = None
    user_id: str | None = None
    created_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "task_id": self.task_id,
            "user_id": self.user_id,
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, raw: Any) -> BackendSession | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("session_id"), str):
            return None
        return cls(
            session_id=raw["session_id"],
            task_id=raw.get("task_id") if isinstance(raw.get("task_id"), str) else None,
            user_id=raw.get("user_id") if isinstance(raw.get("user_id"), str) else None,
            created_at=float(raw.get("created_at") or 0.0),
        )


def project_slug(name: str) -> str:
    """A folder name for a project: readable when the name is simple, hashed otherwise."""
    lowered = name.strip().lower()
    if lowered and len(lowered) <= 48 and set(lowered) <= _SAFE and not lowered.startswith("."):
        return lowered
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    readable = "".join(c for c in lowered if c in _SAFE).strip(".-_")[:24]
    return f"{readable}-{digest}" if readable else digest


class ProjectStore:
    """Reads and writes `<state>/projects/<slug>/project.json`."""

    def __init__(self, dirs: AppDirs, name: str) -> None:
        self.name = name
        self.root = dirs.projects_dir / project_slug(name)
        self._file = self.root / "project.json"
        self._lock = self.root / ".project.lock"

    def ensure(self) -> Path:
        return ensure_private_dir(self.root)

    def language(self) -> str | None:
        value = self._read().get("language")
        return value if isinstance(value, str) else None

    def session(self, api_url: str) -> BackendSession | None:
        sessions = self._read().get("sessions")
        return (
            BackendSession.from_json(sessions.get(api_url)) if isinstance(sessions, dict) else None
        )

    def save_session(self, api_url: str, session: BackendSession) -> None:
        self._update(lambda data: _sessions(data).__setitem__(api_url, session.to_json()))

    def forget_session(self, api_url: str) -> None:
        self._update(lambda data: _sessions(data).pop(api_url, None))

    def save_language(self, language: str) -> None:
        if self.language() != language:
            self._update(lambda data: data.__setitem__("language", language))

    def _read(self) -> dict[str, Any]:
        raw = read_json(self._file)
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            quarantine(self._file)
            return {}
        return raw

    def _update(self, change: Any) -> None:
        self.ensure()
        with locked(self._lock):
            data = self._read()
            data.setdefault("name", self.name)
            data.setdefault("created_at", time.time())
            change(data)
            atomic_write_json(self._file, data)


def _sessions(data: dict[str, Any]) -> dict[str, Any]:
    sessions = data.get("sessions")
    if not isinstance(sessions, dict):
        sessions = data["sessions"] = {}
    return sessions


def _index_file(dirs: AppDirs) -> Path:
    return dirs.projects_dir / "index.json"


def current_project(dirs: AppDirs, identity: str) -> str:
    """The project a conversation identity works in now (`wan22 new` moves it on)."""
    index = read_json(_index_file(dirs))
    if isinstance(index, dict):
        name = index.get(identity)
        if isinstance(name, str) and name:
            return name
    return identity


def start_new_project(dirs: AppDirs, identity: str) -> str:
    """Point the identity at a fresh project (the old one and its jobs stay on disk)."""
    ensure_private_dir(dirs.projects_dir)
    with locked(dirs.projects_dir / ".index.lock"):
        index = read_json(_index_file(dirs))
        index = index if isinstance(index, dict) else {}
        previous = index.get(identity, identity)
        stem, _, number = str(previous).rpartition("#")
        base = stem if stem and number.isdigit() else str(previous)
        count = int(number) + 1 if stem and number.isdigit() else 2
        name = f"{base}#{count}"
        index[identity] = name
        atomic_write_json(_index_file(dirs), index)
    return name
