"""The credential file: one token per backend URL, with its expiry, mode 0600.

This is the only file that ever holds a token. `NEMO_TOKEN` from the environment is never
written here: it belongs to the user's own configuration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent.secret import Secret
from agent.store.dirs import AppDirs
from agent.store.files import atomic_write_json, quarantine, read_json
from agent.store.locks import locked

FORMAT_VERSION = 1
# Renew a little before the backend's expiry so a long turn does not cross it.
EXPIRY_MARGIN_SECONDS = 600


@dataclass(frozen=True)
class StoredToken:
    """A token we obtained (anonymous or not) and what we know about it."""

    token: Secret
    expires_at: str | None = None
    user_id: str | None = None
    client_id: str | None = None
    anonymous: bool = True

    def expired(self, now: float | None = None) -> bool:
        if not self.expires_at:
            return False
        try:
            deadline = datetime.fromisoformat(self.expires_at.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return False
        return (now if now is not None else time.time()) >= deadline - EXPIRY_MARGIN_SECONDS

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token.reveal(),
            "expires_at": self.expires_at,
            "user_id": self.user_id,
            "client_id": self.client_id,
            "anonymous": self.anonymous,
        }

    @classmethod
    def from_json(cls, raw: Any) -> StoredToken | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("token"), str) or not raw["token"]:
            return None
        return cls(
            token=Secret(raw["token"]),
            expires_at=_str_or_none(raw.get("expires_at")),
            user_id=_str_or_none(raw.get("user_id")),
            client_id=_str_or_none(raw.get("client_id")),
            anonymous=bool(raw.get("anonymous", True)),
        )


class CredentialStore:
    """Reads and writes `<config>/credentials.json`."""

    def __init__(self, dirs: AppDirs) -> None:
        self._path = dirs.credentials_file
        self._lock = dirs.config / ".credentials.lock"

    def load(self, api_url: str) -> StoredToken | None:
        return StoredToken.from_json(self._read().get(api_url))

    def save(self, api_url: str, token: StoredToken) -> None:
        with locked(self._lock):
            data = self._read()
            data[api_url] = token.to_json()
            atomic_write_json(self._path, {"version": FORMAT_VERSION, "backends": data})

    def forget(self, api_url: str) -> None:
        with locked(self._lock):
            data = self._read()
            if data.pop(api_url, None) is not None:
                atomic_write_json(self._path, {"version": FORMAT_VERSION, "backends": data})

    def _read(self) -> dict[str, Any]:
        raw = read_json(self._path)
        if raw is None:
            return {}
        backends = raw.get("backends") if isinstance(raw, dict) else None
        if not isinstance(backends, dict):
            quarantine(self._path)
            return {}
        return backends


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
