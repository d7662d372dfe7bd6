"""How the sandbox writes the wire: both JSON envelopes, error codes, and agent events in the
typed shape (SK-REF §3.2) or the ADK shape (vendor-api.md §3.3), with all three heartbeat forms."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

# HTTP statuses for code errors when `error_http_status` is on (the vendor documents codes only).
CODE_STATUS = {1001: 401, 1002: 404, 2001: 402, 4001: 415, 4002: 413}
MESSAGES = {
    1001: "Invalid or expired token",
    1002: "Session not found",
    2001: "Insufficient credits",
    4001: "Unsupported file type",
    4002: "File too large",
}
HEARTBEATS = (b'data: {"type":"heartbeat"}\n\n', b"data:\n\n", b": keepalive\n\n")


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "data": data})


def code_error(code: int, with_status: bool, message: str | None = None) -> JSONResponse:
    """`{"code", "message", "data": null}`, HTTP 200 unless statuses are switched on."""
    body = {"code": code, "message": message or MESSAGES.get(code, "Error"), "data": None}
    return JSONResponse(body, status_code=CODE_STATUS.get(code, 400) if with_status else 200)


def http_error(status: int, message: str) -> JSONResponse:
    """The statuses the vendor does document (400, 402, 429) and ADK's 422."""
    return JSONResponse({"code": status, "message": message, "data": None}, status_code=status)


def render_ok(data: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data})


def render_error(message: str, status: int, with_status: bool) -> JSONResponse:
    """`{"success": false, "error"}`, HTTP 200 unless statuses are switched on."""
    body = {"success": False, "error": message}
    return JSONResponse(body, status_code=status if with_status else 200)


@dataclass(frozen=True)
class AgentStep:
    """One thing the scripted agent says: text, tool_call, tool_result or heartbeat."""

    kind: str
    text: str = ""
    name: str = ""
    payload: Any = None
    call_id: str = ""


class EventWriter:
    """Encodes one stream's steps in one shape: `typed` or `adk`."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.invocation_id = "e-" + secrets.token_hex(6)
        self.beats = 0

    def encode(self, step: AgentStep) -> bytes:
        if step.kind == "heartbeat":
            # The gateway's keep-alives look the same whatever the agent speaks.
            beat = HEARTBEATS[self.beats % len(HEARTBEATS)]
            self.beats += 1
            return beat
        event = self._adk(step) if self.shape == "adk" else _typed(step)
        return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n\n"

    def _adk(self, step: AgentStep) -> dict[str, Any]:
        event: dict[str, Any] = {}
        if step.kind == "text":
            event["content"] = {"parts": [{"text": step.text}], "role": "model"}
        elif step.kind == "tool_call":
            call = {"id": step.call_id, "name": step.name, "args": step.payload}
            event["content"] = {"parts": [{"functionCall": call}], "role": "model"}
            event["longRunningToolIds"] = []
        else:
            answer = {"id": step.call_id, "name": step.name, "response": step.payload}
            event["content"] = {"parts": [{"functionResponse": answer}], "role": "user"}
        event.update(
            invocationId=self.invocation_id,
            author="nemo_agent",
            actions={"stateDelta": {}, "artifactDelta": {}},
            id="ev-" + secrets.token_hex(4),
            timestamp=round(time.time(), 3),
        )
        return event


def _typed(step: AgentStep) -> dict[str, Any]:
    if step.kind == "text":
        return {"type": "text", "content": step.text}
    if step.kind == "tool_call":
        return {"type": "tool_call", "name": step.name, "args": step.payload, "id": step.call_id}
    return {"type": "tool_result", "name": step.name, "result": step.payload, "id": step.call_id}
