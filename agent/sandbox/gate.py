"""The ASGI layer in front of every route: records each request and applies the fault rules
that need no help from the route (statuses, rate limits, bad bodies, resets, stalls, redirects,
expired tokens, lost sessions). Route-specific faults are handed on in `scope["state"]`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from agent.sandbox.context import Sandbox
from agent.sandbox.faults import FaultRule
from agent.sandbox.wire import CODE_STATUS, MESSAGES

STREAM_PATHS = ("/run_sse", "/render-result/", "/cdn/")
ROUTE_FAULTS = frozenset(
    {"render_fail", "render_stuck", "cut_download", "wrong_length", "malformed_sse"}
)


class Gate:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        entry = self.sandbox.recorder.start(scope)
        fault = None if path.startswith("/_sandbox") else self.sandbox.faults.take(method, path)
        scope.setdefault("state", {})
        scope["state"]["entry"] = entry
        scope["state"]["fault"] = fault

        async def recording_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        if fault is not None and await self._apply(fault, scope, receive, recording_send):
            return
        await self.app(scope, receive, recording_send)

    async def _apply(self, fault: FaultRule, scope: Scope, receive: Receive, send: Send) -> bool:
        """Act out a generic fault; True when the response has been written here."""
        kind, params, path = fault.kind, fault.params, scope["path"]
        streaming = path.startswith(STREAM_PATHS)
        if kind in ROUTE_FAULTS or (streaming and kind in ("reset", "stall", "huge_body")):
            return False
        if kind == "expire_token":
            self._expire_caller(scope)
            return False
        if kind == "lose_session":
            self._drop_caller_sessions(scope)
            return False
        if kind == "stall":
            await asyncio.sleep(float(params.get("seconds", 30)))
            return False
        if kind == "status":
            status = int(params.get("status", 500))
            body = params.get("body") or {
                "code": status,
                "message": f"sandbox fault: HTTP {status}",
            }
            await _respond(send, status, json.dumps(body).encode(), params.get("headers"))
        elif kind == "rate_limit":
            headers = (
                {"Retry-After": str(params["retry_after"])} if params.get("retry_after") else {}
            )
            body = {"code": 429, "message": "Too many requests", "data": None}
            await _respond(send, 429, json.dumps(body).encode(), headers)
        elif kind == "code":
            code = int(params.get("code", 1001))
            status = CODE_STATUS.get(code, 400) if self.sandbox.settings.error_http_status else 200
            message = params.get("message") or MESSAGES.get(code, "Error")
            await _respond(
                send, status, json.dumps({"code": code, "message": message, "data": None}).encode()
            )
        elif kind == "malformed_json":
            await _respond(send, 200, b'{"code": 0, "data": {"available": 1,')
        elif kind == "huge_body":
            await _huge(send, int(params.get("bytes", 20_000_000)))
        elif kind == "redirect":
            port = self.sandbox.port
            location = str(
                params.get("location") or f"http://{params.get('host', '127.0.0.2')}:{port}{path}"
            )
            await _respond(send, 302, b"", {"Location": location.replace("{path}", path)})
        elif kind == "reset":
            await _drain(receive, int(params.get("after_bytes", 0)))
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            await send(
                {"type": "http.response.body", "body": b'{"code": 0, "da', "more_body": True}
            )
            raise ConnectionResetError("sandbox fault: connection reset")
        else:
            return False
        return True

    def _caller(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name.lower() == b"authorization":
                text = value.decode("latin-1")
                return text[7:].strip() if text.lower().startswith("bearer ") else None
        return None

    def _expire_caller(self, scope: Scope) -> None:
        token = self._caller(scope)
        account = self.sandbox.world.accounts.get(token or "")
        if account is not None:
            account.expired = True
            account.expires_at = min(account.expires_at, time.time())

    def _drop_caller_sessions(self, scope: Scope) -> None:
        account = self.sandbox.world.accounts.get(self._caller(scope) or "")
        if account is None:
            return
        world = self.sandbox.world
        for session_id in [
            s.session_id for s in world.sessions.values() if s.user_id == account.user_id
        ]:
            del world.sessions[session_id]


async def _respond(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), str(v).encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _huge(send: Send, size: int) -> None:
    head, tail = b'{"code": 0, "data": {"padding": "', b'"}}'
    total = len(head) + size + len(tail)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(total).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": head, "more_body": True})
    chunk = b"x" * 65536
    sent = 0
    while sent < size:
        piece = chunk[: min(len(chunk), size - sent)]
        sent += len(piece)
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": tail})


async def _drain(receive: Receive, limit: int) -> None:
    received = 0
    while received < limit:
        message = await receive()
        received += len(message.get("body", b""))
        if not message.get("more_body"):
            return
