"""Render routes (vendor-api.md A8-A11): submit (HTTP 402 without attribution headers, unique
client-chosen ids, free), poll in the configured shape, cancel, and the bearer download."""

from __future__ import annotations

from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent.sandbox.bodies import RenderSubmit, parse
from agent.sandbox.files import serve_file
from agent.sandbox.guards import RouteGroup, entry_of, fault_of, json_body
from agent.sandbox.render_jobs import poll_body, start_render
from agent.sandbox.state import Account, Render
from agent.sandbox.wire import http_error, render_error, render_ok

ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")


class RenderRoutes(RouteGroup):
    def routes(self) -> list[Route]:
        base = "/api/render/proxy"
        return [
            Route(f"{base}/lambda", self.submit, methods=["POST"]),
            Route(f"{base}/lambda/{{rid}}", self.poll, methods=["GET"]),
            Route(f"{base}/lambda/{{rid}}/cancel", self.cancel, methods=["POST"]),
            Route(f"{base}/{{rid}}/download", self.download, methods=["GET"]),
        ]

    def _error(self, message: str, status: int) -> JSONResponse:
        return render_error(message, status, self.settings.error_http_status)

    def _render(self, account: Account, render_id: str) -> Render | None:
        render = self.world.renders.get(render_id)
        return render if render is not None and render.user_id == account.user_id else None

    async def submit(self, request: Request) -> Response:
        if any(not request.headers.get(name) for name in ATTRIBUTION):
            return http_error(
                402,
                "Export requires the X-Skill-Source, X-Skill-Version and X-Skill-Platform headers",
            )
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        body = parse(RenderSubmit, await json_body(request))
        if body is None:
            return self._error("expected {id, sessionId, draft, output}", 400)
        render_id, draft = body.id, body.draft
        entry_of(request)["render_id"] = render_id or None
        if not render_id:
            return self._error("'id' is required", 400)
        session = self.session(request, account, body.sessionId)
        if session is None:
            return self.code(1002)
        if not _exportable(draft):
            return self._error("the draft has no tracks with segments: nothing to render", 400)
        if render_id in self.world.renders:
            return self._error(f"a render with id {render_id} already exists", 409)
        fault = fault_of(request)
        kind = fault.kind if fault and fault.kind in ("render_fail", "render_stuck") else None
        render = Render(render_id, session.session_id, account.user_id, draft, fault=kind)
        if fault is not None and kind == "render_fail" and fault.params.get("error"):
            render.fault_error = str(fault.params["error"])
        start_render(self.sandbox, render, session)
        return render_ok({"id": render_id, "status": render.status, "progress": render.progress})

    async def poll(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        render = self._render(account, request.path_params["rid"])
        if render is None:
            return self._error("render not found", 404)
        hint = str(max(1, round(self.settings.render_seconds / 5)))
        return JSONResponse(poll_body(self.sandbox, render), headers={"Retry-After": hint})

    async def cancel(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        render = self._render(account, request.path_params["rid"])
        if render is None:
            return self._error("render not found", 404)
        if render.status in ("pending", "processing"):
            render.status = "cancelled"
        return render_ok({"id": render.render_id, "status": render.status})

    async def download(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        render = self._render(account, request.path_params["rid"])
        if render is None or render.path is None:
            return self._error("render not found or not finished", 404)
        return serve_file(request, render.path, "video/mp4", fault_of(request))


def _exportable(draft: Any) -> TypeGuard[dict[str, Any]]:
    """§4.3: `draft.t` exists and at least one track has segments."""
    if not isinstance(draft, dict) or not isinstance(draft.get("t"), list):
        return False
    return any(isinstance(t, dict) and t.get("sg") for t in draft["t"])
