"""The ASGI layer in front of every route: it records each call and plays the fault rules that
need no help from the route (statuses, rate limits, codes, bad or huge bodies, redirects,
resets, stalls, expired tokens). The other faults travel to the route in `scope["state"]`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import MutableMapping
from email.utils import formatdate
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from agent.sandbox.context import Sandbox
from agent.sandbox.faults import FaultRule, InjectedFault, played_by_route
from agent.sandbox.wire import CODE_STATUS, MESSAGES

CONTROL_PREFIX = "/_sandbox"
TRUNCATED_JSON = b'{"code": 0, "data": {"available": 1,'


class Gate:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if path.startswith(CONTROL_PREFIX):
            # The harness talking to the sandbox: neither logged nor subject to faults.
            await self.app(scope, receive, send)
            return
        entry = self.sandbox.recorder.start(scope)
        fault = self.sandbox.faults.take(method, path)
        state = scope.setdefault("state", {})
        state["entry"] = entry
        if fault is not None:
            entry["fault"] = fault.kind
            if played_by_route(fault.kind, path):
                state["fault"] = fault

        async def recording_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        generic = fault if fault is not None and not played_by_route(fault.kind, path) else None
        if generic is not None and await self._play(generic, scope, receive, recording_send):
            return
        await self.app(scope, receive, recording_send)

    async def _play(self, fault: FaultRule, scope: Scope, receive: Receive, send: Send) -> bool:
        """Act out a generic fault; True when it wrote the whole response itself."""
        kind, params, path = fault.kind, fault.params, scope["path"]
        if kind == "expire_token":
            token = _bearer(scope)
            if token:
                self.sandbox.world.expire(token)
            return False
        if kind == "stall":
            await asyncio.sleep(fault.number("seconds", 30))
            return False
        if kind == "status":
            status = int(fault.number("status", 500))
            body = params.get("body")
            if body is None:
                body = {"code": status, "message": f"sandbox fault: HTTP {status}", "data": None}
            await _respond(send, status, body, params.get("headers"))
        elif kind == "rate_limit":
            body = {"code": 429, "message": "Too many requests", "data": None}
            await _respond(send, 429, body, _retry_after(params))
        elif kind == "code":
            code = int(params.get("code", 1001))
            status = CODE_STATUS.get(code, 400) if self.sandbox.settings.error_http_status else 200
            message = params.get("message") or MESSAGES.get(code, "Error")
            await _respond(send, status, {"code": code, "message": message, "data": None})
        elif kind == "malformed_json":
            await _respond(send, 200, TRUNCATED_JSON)
        elif kind == "huge_body":
            await _huge(send, int(fault.number("bytes", 20_000_000)))
        elif kind == "redirect":
            await _respond(send, 302, b"", {"Location": self._location(params, path)})
        elif kind == "reset":
            await _drain(receive, int(fault.number("after_bytes", 0)))
            await _send_start(
                send, 200, {"content-type": "application/json", "content-length": "64"}
            )
            await send(
                {"type": "http.response.body", "body": b'{"code": 0, "da', "more_body": True}
            )
            raise InjectedFault("sandbox fault: connection reset")
        else:
            return False
        return True

    def _location(self, params: dict[str, Any], path: str) -> str:
        """`location` with `{port}`, `{path}` and `{file}` filled in; by default the same path
        under the other host name, where a careful client must not send its token."""
        template = str(params.get("location") or "{cdn}{path}")
        return (
            template.replace("{cdn}", self.sandbox.cdn_url)
            .replace("{port}", str(self.sandbox.port))
            .replace("{path}", path)
            .replace("{file}", path.rsplit("/", 1)[-1])
        )


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


def _retry_after(params: dict[str, Any]) -> dict[str, str]:
    """`retry_after`: seconds (or any text, such as an HTTP-date, sent as is);
    `retry_after_date`: seconds from now, sent as an HTTP-date."""
    if params.get("retry_after_date") is not None:
        when = time.time() + float(params["retry_after_date"])
        return {"Retry-After": formatdate(when, usegmt=True)}
    value = params.get("retry_after")
    if value is None or value == "":
        return {}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"Retry-After": str(max(0, round(value)))}
    return {"Retry-After": str(value)}


async def _send_start(send: Send, status: int, headers: dict[str, str]) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})


async def _respond(
    send: Send, status: int, body: Any, headers: dict[str, Any] | None = None
) -> None:
    """A whole response; a dict or list body is JSON, text is sent as text."""
    if isinstance(body, bytes):
        raw, kind = body, "application/json"
    elif isinstance(body, str):
        raw, kind = body.encode(), "text/plain; charset=utf-8"
    else:
        raw, kind = json.dumps(body).encode(), "application/json"
    merged = {"content-type": kind, "content-length": str(len(raw))}
    merged |= {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    await _send_start(send, status, merged)
    await send({"type": "http.response.body", "body": raw})


async def _huge(send: Send, size: int) -> None:
    head, tail = b'{"code": 0, "data": {"padding": "', b'"}}'
    length = str(len(head) + size + len(tail))
    await _send_start(send, 200, {"content-type": "application/json", "content-length": length})
    await send({"type": "http.response.body", "body": head, "more_body": True})
    chunk = b"x" * 65536
    sent = 0
    while sent < size:
        piece = chunk[: min(len(chunk), size - sent)]
        sent += len(piece)
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": tail})


async def _drain(receive: Receive, limit: int) -> None:
    """Read up to `limit` bytes of the request body (a reset "during the upload")."""
    received = 0
    while received < limit:
        message = await receive()
        received += len(message.get("body", b""))
        if not message.get("more_body"):
            return
