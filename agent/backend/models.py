"""What comes back over the wire, as small frozen dataclasses with tolerant parsers.

Each `from_wire` accepts every shape the vendor documents (vendor-api.md) and ignores unknown
fields; a body that cannot be read raises `ProtocolError`. Dataclasses rather than pydantic
models because this module loads on every turn and pydantic's import alone costs ~70 ms here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.backend.errors import ProtocolError
from agent.secret import Secret

RENDER_TERMINAL = frozenset({"completed", "failed", "cancelled", "canceled"})


def _mapping(raw: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ProtocolError(f"the {what} response is not an object")
    return raw


def _text(raw: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def _number(raw: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                continue
    return None


@dataclass(frozen=True)
class AnonymousToken:
    """A free token (A1)."""

    token: Secret
    user_id: str | None
    expires_at: str | None
    credits: float | None

    @classmethod
    def from_wire(cls, raw: Any) -> AnonymousToken:
        data = _mapping(raw, "anonymous-token")
        token = _text(data, "token")
        if token is None:
            raise ProtocolError("the anonymous-token response has no token")
        return cls(
            token=Secret(token),
            user_id=_text(data, "user_id"),
            expires_at=_text(data, "expires_at"),
            credits=_number(data, "credits"),
        )


@dataclass(frozen=True)
class SessionInfo:
    """A task and its agent session (A3)."""

    session_id: str
    task_id: str | None
    user_id: str | None

    @classmethod
    def from_wire(cls, raw: Any) -> SessionInfo:
        data = _mapping(raw, "create-session")
        session_id = _text(data, "session_id", "sessionId")
        if session_id is None:
            raise ProtocolError("the create-session response has no session_id")
        return cls(session_id, _text(data, "task_id", "taskId"), _text(data, "user_id"))


@dataclass(frozen=True)
class Credits:
    """A balance (A6). `total` is available + frozen when the backend does not say."""

    available: float
    frozen: float
    total: float

    @classmethod
    def from_wire(cls, raw: Any) -> Credits:
        data = _mapping(raw, "credits")
        available = _number(data, "available")
        if available is None:
            raise ProtocolError("the credits response has no 'available'")
        frozen = _number(data, "frozen") or 0.0
        total = _number(data, "total")
        if total is None:
            granted, consumed = _number(data, "total_granted"), _number(data, "total_consumed")
            total = granted - consumed if granted is not None and consumed is not None else None
        return cls(available, frozen, total if total is not None else available + frozen)


@dataclass(frozen=True)
class UploadedFile:
    """One file the backend accepted (A5)."""

    filename: str
    file_type: str | None
    url: str | None
    duration: float | None = None
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_wire(cls, raw: Any) -> UploadedFile:
        data = _mapping(raw, "upload file")
        width, height = _number(data, "width"), _number(data, "height")
        return cls(
            filename=_text(data, "filename", "name") or "",
            file_type=_text(data, "file_type", "type"),
            url=_text(data, "cdn_url", "url"),
            duration=_number(data, "duration"),
            width=int(width) if width is not None else None,
            height=int(height) if height is not None else None,
        )


@dataclass(frozen=True)
class UploadResult:
    files: tuple[UploadedFile, ...]
    applied: bool

    @classmethod
    def from_wire(cls, raw: Any) -> UploadResult:
        data = _mapping(raw, "upload")
        files = data.get("files")
        if not isinstance(files, list):
            raise ProtocolError("the upload response has no 'files' list")
        return cls(
            files=tuple(UploadedFile.from_wire(f) for f in files),
            applied=bool(data.get("session_state_applied", True)),
        )


@dataclass(frozen=True)
class SessionState:
    """The session state (A7): `state` is kept raw for the draft parser."""

    session_id: str | None
    task_id: str | None
    user_id: str | None
    state: Mapping[str, Any] = field(default_factory=dict)

    @property
    def draft(self) -> Any:
        return self.state.get("draft")

    @classmethod
    def from_wire(cls, raw: Any) -> SessionState:
        data = _mapping(raw, "state")
        state = data.get("state")
        if state is None:
            state = {}
        if not isinstance(state, Mapping):
            raise ProtocolError("the state response's 'state' is not an object")
        return cls(_text(data, "session_id"), _text(data, "task_id"), _text(data, "user_id"), state)


@dataclass(frozen=True)
class RenderStatus:
    """A render's progress (A9), from any of the three documented poll shapes.

    `ref`: `{"success": true, "data": {"status", "progress", "outputUrl"}}` (unwrapped before us);
    `top`: top-level `status`, `output.url`; `init`: `{"taskId", "status", "output": {...}}`.
    """

    render_id: str | None
    status: str
    progress: float | None
    url: str | None
    size: int | None
    duration: float | None
    error: str | None

    @property
    def finished(self) -> bool:
        return self.status in RENDER_TERMINAL

    @property
    def succeeded(self) -> bool:
        return self.status == "completed" and self.url is not None

    @classmethod
    def from_wire(cls, raw: Any) -> RenderStatus:
        data = _mapping(raw, "render")
        inner = data.get("data")
        if isinstance(inner, Mapping) and "status" not in data:
            data = inner
        status = _text(data, "status")
        if status is None:
            raise ProtocolError("the render response has no status")
        output = data.get("output")
        output = output if isinstance(output, Mapping) else {}
        size = _number(output, "size") or _number(data, "size")
        error = data.get("error")
        if isinstance(error, Mapping):
            error = _text(error, "message", "detail")
        return cls(
            render_id=_text(data, "id", "taskId", "render_id"),
            status=status.lower(),
            progress=_number(data, "progress"),
            url=_text(output, "url") or _text(data, "outputUrl", "output_url", "url"),
            size=int(size) if size is not None else None,
            duration=_number(output, "duration") or _number(data, "duration"),
            error=error if isinstance(error, str) else None,
        )


@dataclass(frozen=True)
class ClaimToken:
    """A browser claim token (A2): safe in a URL, useless for the API."""

    claim_token: str
    expires_in: float | None

    @classmethod
    def from_wire(cls, raw: Any) -> ClaimToken:
        data = _mapping(raw, "claim-token")
        token = _text(data, "claim_token")
        if token is None:
            raise ProtocolError("the claim-token response has no claim_token")
        return cls(token, _number(data, "expires_in"))
