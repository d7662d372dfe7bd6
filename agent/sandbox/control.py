"""The control API under `/_sandbox/` (not part of the vendor API): settings, fault rules, the
request log, issued tokens, and switches that expire tokens, drop sessions or reset it all."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.sandbox.guards import RouteGroup, json_body


class ControlRoutes(RouteGroup):
    def routes(self) -> list[Route]:
        return [
            Route("/_sandbox/health", self.health, methods=["GET"]),
            Route("/_sandbox/config", self.config, methods=["GET", "POST"]),
            Route("/_sandbox/faults", self.faults, methods=["GET", "POST", "DELETE"]),
            Route("/_sandbox/log", self.log, methods=["GET"]),
            Route("/_sandbox/tokens", self.tokens, methods=["GET"]),
            Route("/_sandbox/expire-token", self.expire_token, methods=["POST"]),
            Route("/_sandbox/drop-session", self.drop_session, methods=["POST"]),
            Route("/_sandbox/reset", self.reset, methods=["POST"]),
        ]

    async def health(self, request: Request) -> Response:
        return JSONResponse(
            {"ok": True, "url": self.sandbox.api_url, "cdn_url": self.sandbox.cdn_url}
        )

    async def config(self, request: Request) -> Response:
        if request.method == "POST":
            changes = await _object(request)
            try:
                self.settings.update(changes)
            except ValueError as exc:
                return _refuse(str(exc))
            if "seed" in changes:
                self.world.reseed()
        return JSONResponse(self.settings.to_json())

    async def faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.sandbox.faults.clear()
        elif request.method == "POST":
            try:
                self.sandbox.faults.add((await _object(request)).get("rules"))
            except ValueError as exc:
                return _refuse(str(exc))
        return JSONResponse({"rules": [r.to_json() for r in self.sandbox.faults.rules]})

    async def log(self, request: Request) -> Response:
        return JSONResponse({"entries": self.sandbox.recorder.entries})

    async def tokens(self, request: Request) -> Response:
        return JSONResponse({"tokens": self.world.issued})

    async def expire_token(self, request: Request) -> Response:
        body = await _object(request)
        if body.get("all"):
            self.world.expire()
        elif isinstance(body.get("token"), str):
            self.world.expire(body["token"])
        else:
            return _refuse('expected {"token": "..."} or {"all": true}')
        return JSONResponse({"ok": True})

    async def drop_session(self, request: Request) -> Response:
        body = await _object(request)
        if body.get("all"):
            self.world.forget_session()
        elif isinstance(body.get("session_id"), str):
            self.world.forget_session(body["session_id"])
        else:
            return _refuse('expected {"session_id": "..."} or {"all": true}')
        return JSONResponse({"ok": True})

    async def reset(self, request: Request) -> Response:
        self.world.reset()
        self.sandbox.faults.clear()
        self.sandbox.recorder.clear()
        return JSONResponse({"ok": True})


async def _object(request: Request) -> dict[str, Any]:
    return await json_body(request) or {}


def _refuse(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)
