"""How the sandbox writes the wire: both JSON envelopes, error codes, and agent events in the
typed shape (SK-REF) or the ADK shape (vendor-api.md §3.3), with all three heartbeat forms."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

# HTTP statuses for code errors when `error_http_status` is on (the vendor documents codes only).
CODE_STATUS = {1001: 401, 1002: 404, 2001: 403, 4001: 415, 4002: 413}
MESSAGES = {
    1001: "Invalid or expired token",
    1002: "Session not found",
    2001: "Insufficient credits",
    4001: "Unsupported file type",
    4002: "File too large",
}


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "data": data})


def code_error(code: int, with_status: bool, message: str | None = None) -> JSONResponse:
    body = {"code": code, "message": message or MESSAGES.get(code, "Error"), "data": None}
    return JSONResponse(body, status_code=CODE_STATUS.get(code, 400) if with_status else 200)


def http_error(status: int, message: str, code: int | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": code or status, "message": message, "data": None}, status_code=status
    )


def render_ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status)


def render_error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"success": False, "error": message}, status_code=status)


@dataclass(frozen=True)
class AgentStep:
    """One thing the scripted agent says: text, tool_call, tool_result or heartbeat."""

    kind: str
    text: str = ""
    name: str = ""
    payload: Any = None
    call_id: str = ""


def sse(data: str) -> bytes:
    return f"data: {data}\n\n".encode()


def encode(step: AgentStep, shape: str, beat: int) -> bytes:
    """The bytes of one step in `shape`; heartbeats rotate through their three forms."""
    if step.kind == "heartbeat":
        form = beat % 3
        if form == 0 and shape == "typed":
            return sse('{"type":"heartbeat"}')
        if form == 1:
            return b"data:\n\n"
        return b": keepalive\n\n"
    if shape == "adk":
        return sse(json.dumps(_adk(step), ensure_ascii=False))
    return sse(json.dumps(_typed(step), ensure_ascii=False))


def _typed(step: AgentStep) -> dict[str, Any]:
    if step.kind == "text":
        return {"type": "text", "content": step.text}
    if step.kind == "tool_call":
        return {"type": "tool_call", "name": step.name, "args": step.payload, "id": step.call_id}
    return {"type": "tool_result", "name": step.name, "result": step.payload, "id": step.call_id}


def _adk(step: AgentStep) -> dict[str, Any]:
    if step.kind == "text":
        part: dict[str, Any] = {"text": step.text}
        role = "model"
    elif step.kind == "tool_call":
        part = {"functionCall": {"id": step.call_id, "name": step.name, "args": step.payload}}
        role = "model"
    else:
        part = {
            "functionResponse": {"id": step.call_id, "name": step.name, "response": step.payload}
        }
        role = "user"
    return {
        "content": {"parts": [part], "role": role},
        "invocationId": "e-" + step.call_id[:8] if step.call_id else "e-0",
        "author": "nemo_agent",
        "actions": {"stateDelta": {}, "artifactDelta": {}},
        "id": "ev-" + secrets.token_hex(4),
        "timestamp": round(time.time(), 3),
    }
