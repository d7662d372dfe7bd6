"""The control API under `/_sandbox/` (not part of the vendor API): settings, faults, the
request log, issued tokens, and switches that expire tokens or drop sessions."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.sandbox.context import Sandbox


def routes(sandbox: Sandbox) -> list[Route]:
    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "url": sandbox.api_url})

    async def config(request: Request) -> Response:
        if request.method == "POST":
            unknown = sandbox.settings.update(await _body(request))
            if unknown:
                return JSONResponse(
                    {"error": f"unknown settings: {', '.join(unknown)}"}, status_code=400
                )
        return JSONResponse(sandbox.settings.to_json())

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.faults.clear()
        elif request.method == "POST":
            try:
                sandbox.faults.add(list((await _body(request)).get("rules", [])))
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"rules": [r.to_json() for r in sandbox.faults.rules]})

    async def log(request: Request) -> Response:
        return JSONResponse({"entries": sandbox.recorder.entries})

    async def tokens(request: Request) -> Response:
        return JSONResponse({"tokens": sandbox.world.issued})

    async def expire_token(request: Request) -> Response:
        body = await _body(request)
        for account in sandbox.world.accounts.values():
            if body.get("all") or account.token == body.get("token"):
                account.expired = True
                account.expires_at = min(account.expires_at, time.time())
        return JSONResponse({"ok": True})

    async def drop_session(request: Request) -> Response:
        body = await _body(request)
        world = sandbox.world
        for session_id in list(world.sessions):
            if body.get("all") or session_id == body.get("session_id"):
                del world.sessions[session_id]
        return JSONResponse({"ok": True})

    async def reset(request: Request) -> Response:
        sandbox.world.reset()
        sandbox.faults.clear()
        sandbox.recorder.entries.clear()
        return JSONResponse({"ok": True})

    return [
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/config", config, methods=["GET", "POST"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/log", log, methods=["GET"]),
        Route("/_sandbox/tokens", tokens, methods=["GET"]),
        Route("/_sandbox/expire-token", expire_token, methods=["POST"]),
        Route("/_sandbox/drop-session", drop_session, methods=["POST"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
    ]


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
