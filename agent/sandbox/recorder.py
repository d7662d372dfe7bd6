"""The sandbox's request log (`GET /_sandbox/log`): what each call carried, never a secret.

Tests read it to check attribution headers, that a paid message went out once, that no token
went to the "CDN" host, and that a resumed download asked for a `Range`. Of `Authorization`
only its presence is kept.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from typing import Any

RECORDED_HEADERS = {
    b"x-skill-source": "X-Skill-Source",
    b"x-skill-version": "X-Skill-Version",
    b"x-skill-platform": "X-Skill-Platform",
    b"x-client-id": "X-Client-Id",
}


class Recorder:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def start(self, scope: MutableMapping[str, Any]) -> dict[str, Any]:
        """A new log entry for this call; routes fill in what only they know."""
        headers: dict[str, str] = {}
        authorization = False
        host = range_header = None
        for name, value in scope.get("headers", []):
            lowered = name.lower()
            if lowered in RECORDED_HEADERS:
                headers[RECORDED_HEADERS[lowered]] = value.decode("latin-1")
            elif lowered == b"authorization":
                authorization = True
            elif lowered == b"range":
                range_header = value.decode("latin-1")
            elif lowered == b"host":
                host = value.decode("latin-1").rsplit(":", 1)[0]
        entry: dict[str, Any] = {
            "seq": len(self.entries),
            "time": round(time.time(), 3),
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "host": host,
            "headers": headers,
            "authorization": authorization,
            "range": range_header,
            "message": None,
            "accepted": False,
            "render_id": None,
            "fault": None,
            "status": None,
        }
        self.entries.append(entry)
        return entry

    def clear(self) -> None:
        self.entries.clear()
