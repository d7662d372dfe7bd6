"""The vendor API's routes (vendor-api.md §2.1, Surface A), as the sandbox answers them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agent.sandbox import control
from agent.sandbox.agent_script import Plan, Script, plan_reply
from agent.sandbox.context import Sandbox
from agent.sandbox.faults import FaultRule
from agent.sandbox.files import serve_file
from agent.sandbox.gate import Gate
from agent.sandbox.renders import poll_body, start_render
from agent.sandbox.state import Account, Session
from agent.sandbox.uploads import file_type, receive_multipart
from agent.sandbox.wire import code_error, encode, http_error, ok, render_error, render_ok

ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")


def create_app(sandbox: Sandbox) -> Gate:
    api = _Api(sandbox)
    routes = [
        Route("/api/auth/anonymous-token", api.anonymous_token, methods=["POST"]),
        Route("/api/auth/claim-token", api.claim_token, methods=["POST"]),
        Route("/api/tasks/me/with-session/nemo_agent", api.create_session, methods=["POST"]),
        Route("/run_sse", api.run_sse, methods=["POST"]),
        Route("/api/upload-video/nemo_agent/me/{sid}", api.upload, methods=["POST"]),
        Route("/api/credits/balance/simple", api.credits, methods=["GET"]),
        Route("/api/state/nemo_agent/me/{sid}/latest", api.state, methods=["GET"]),
        Route("/api/render/proxy/lambda", api.render_submit, methods=["POST"]),
        Route("/api/render/proxy/lambda/{rid}", api.render_poll, methods=["GET"]),
        Route("/api/render/proxy/lambda/{rid}/cancel", api.render_cancel, methods=["POST"]),
        Route("/api/render/proxy/{rid}/download", api.render_download, methods=["GET"]),
        Route("/render-result/{name}", api.render_result, methods=["GET"]),
        Route("/cdn/{path:path}", api.cdn, methods=["GET"]),
        Route("/workspace/claim", api.claim_page, methods=["GET"]),
        *control.routes(sandbox),
    ]
    return Gate(Starlette(routes=routes), sandbox)


def _fault(request: Request) -> FaultRule | None:
    fault: FaultRule | None = request.scope["state"].get("fault")
    return fault


def _entry(request: Request) -> dict[str, Any]:
    entry: dict[str, Any] = request.scope["state"]["entry"]
    return entry


class _Api:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.world = sandbox.world
        self.settings = sandbox.settings

    # helpers ---------------------------------------------------------------------------------

    def _code(self, code: int, message: str | None = None) -> JSONResponse:
        return code_error(code, self.settings.error_http_status, message)

    def _account(self, request: Request) -> Account | None:
        return self.world.account_for(request.headers.get("authorization"), time.time())

    def _session(self, account: Account, session_id: str) -> Session | None:
        session = self.world.sessions.get(session_id)
        return session if session is not None and session.user_id == account.user_id else None

    async def _json(self, request: Request) -> dict[str, Any] | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    # A1, A2, A3 ------------------------------------------------------------------------------

    async def anonymous_token(self, request: Request) -> Response:
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id:
            return http_error(400, "Missing X-Client-Id header")
        now = time.time()
        if self.world.live_token_of(client_id, now) is not None:
            return http_error(429, "Rate limit: one anonymous token per client every 7 days")
        ip = request.client.host if request.client else "?"
        recent = [t for t in self.world.ip_tokens.get(ip, []) if t > now - 7 * 86400]
        if len(recent) >= self.settings.ip_token_limit:
            return http_error(429, "Rate limit: too many anonymous tokens from this address")
        self.world.ip_tokens[ip] = [*recent, now]
        account = self.world.issue_token(client_id, now)
        expires = datetime.fromtimestamp(account.expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ok(
            {
                "token": account.token,
                "user_id": account.user_id,
                "expires_at": expires,
                "credits": account.available,
            }
        )

    async def claim_token(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        body = await self._json(request) or {}
        session = self._session(account, str(body.get("session_id", "")))
        if session is None:
            return self._code(1002)
        token = self.world.claim(session.task_id, session.session_id)
        return ok({"claim_token": token, "expires_in": 604800})

    async def create_session(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        body = await self._json(request) or {}
        language = body.get("language") if isinstance(body.get("language"), str) else None
        session = self.world.new_session(account, str(body.get("task_name") or "project"), language)
        return ok(
            {
                "task_id": session.task_id,
                "session_id": session.session_id,
                "user_id": account.user_id,
            }
        )

    # A4 --------------------------------------------------------------------------------------

    async def run_sse(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        body = await self._json(request)
        message = _message_text(body)
        if body is None or message is None:
            return JSONResponse(
                {"detail": "body must be a RunAgentRequest with new_message.parts[0].text"},
                status_code=422,
            )
        _entry(request)["message"] = message
        session = self._session(account, str(body.get("session_id", "")))
        if session is None:
            return self._code(1002)
        plan = plan_reply(session, message)
        if not self._can_pay(account, session, plan):
            return self._code(2001)
        script = Script(self.world, session, account, plan, self.sandbox.cdn)
        self.sandbox.spawn(script.run())
        _entry(request)["accepted"] = True  # the agent took the message: from here it is billed
        shape = self.settings.wire
        if shape == "mixed":
            shape = "adk" if session.index % 2 else "typed"
        return StreamingResponse(
            self._events(script, shape, _fault(request)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    def _can_pay(self, account: Account, session: Session, plan: Plan) -> bool:
        if plan.kind == "generation":
            return account.available >= self.settings.generation_cost
        if plan.kind == "edit" and not session.edit_charged:
            return account.available >= self.settings.edit_cost
        return True

    async def _events(
        self, script: Script, shape: str, fault: FaultRule | None
    ) -> AsyncIterator[bytes]:
        sent = 0
        beats = 0
        after = int(fault.params.get("after_events", 1)) if fault else 0
        while True:
            step = await script.queue.get()
            if step is None:
                return
            if fault is not None and sent == after:
                extra = await _stream_fault(fault)
                if extra is not None:
                    yield extra
            payload = encode(step, shape, beats)
            beats += step.kind == "heartbeat"
            sent += 1
            yield payload

    # A5 --------------------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        session = self._session(account, request.path_params["sid"])
        if session is None:
            return self._code(1002)
        if request.headers.get("content-type", "").startswith("application/json"):
            return await self._upload_urls(request, session)
        directory = self.sandbox.data_dir / "uploads"
        try:
            outcome = await receive_multipart(request, directory, self.settings.max_upload_bytes)
        except ValueError as exc:
            return http_error(400, str(exc))
        if outcome.too_large:
            for received in outcome.files:
                received.path.unlink(missing_ok=True)
            return self._code(4002)
        files = [f for f in outcome.files if f.field_name == "files"]
        if not files:
            return http_error(400, "no field named 'files'")
        if any(file_type(f.filename) is None for f in files):
            for received in outcome.files:
                received.path.unlink(missing_ok=True)
            return self._code(4001)
        described = [
            await self._register(session, f.path, f.filename, f.size, f.sha.hexdigest())
            for f in files
        ]
        return ok({"files": described, "session_state_applied": True})

    async def _register(
        self, session: Session, path: Path, filename: str, size: int, sha: str
    ) -> dict[str, Any]:
        kind = file_type(filename) or "video"
        key = path.parent.name
        info: dict[str, Any] = {
            "filename": filename,
            "file_type": kind,
            "cdn_url": self.sandbox.cdn(f"{key}/{filename}"),
            "size": size,
            "hash": sha[:16],
        }
        info.update(await asyncio.to_thread(_probe, path))
        session.uploads[key] = {**info, "path": str(path)}
        session.video_infos.append({k: v for k, v in info.items() if k != "hash"})
        return info

    async def _upload_urls(self, request: Request, session: Session) -> Response:
        body = await self._json(request) or {}
        urls = body.get("urls")
        if not isinstance(urls, list) or not urls or body.get("source_type") != "url":
            return http_error(400, 'expected {"urls": [...], "source_type": "url"}')
        described = []
        for url in urls:
            name = str(url).rsplit("/", 1)[-1].split("?")[0] or "remote"
            kind = file_type(name)
            if kind is None:
                return self._code(4001)
            info = {"filename": name, "file_type": kind, "cdn_url": str(url)}
            session.video_infos.append(info)
            described.append(info)
        return ok({"files": described, "session_state_applied": True})

    # A6, A7 ----------------------------------------------------------------------------------

    async def credits(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        total = account.available + account.frozen
        return ok({"available": account.available, "frozen": account.frozen, "total": total})

    async def state(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        session = self._session(account, request.path_params["sid"])
        if session is None:
            return self._code(1002)
        return ok(
            {
                "session_id": session.session_id,
                "task_id": session.task_id,
                "task_name": session.task_name,
                "user_id": session.user_id,
                "state": {
                    "video_infos": session.video_infos,
                    "draft": session.draft,
                    "canvas_config": {"width": 1280, "height": 720, "ratio": "16:9"},
                    "video_analyses": {},
                    "generated_media": session.generated_media,
                },
            }
        )

    # A8-A11 ----------------------------------------------------------------------------------

    async def render_submit(self, request: Request) -> Response:
        if any(not request.headers.get(h) for h in ATTRIBUTION):
            return http_error(
                402,
                "Export requires the X-Skill-Source, X-Skill-Version and X-Skill-Platform headers",
            )
        account = self._account(request)
        if account is None:
            return self._code(1001)
        body = await self._json(request) or {}
        render_id = body.get("id")
        _entry(request)["render_id"] = render_id
        if not isinstance(render_id, str) or not render_id:
            return render_error("'id' is required")
        session = self._session(account, str(body.get("sessionId", "")))
        if session is None:
            return self._code(1002)
        draft = body.get("draft")
        if not isinstance(draft, dict) or not draft.get("t"):
            return render_error("the draft has no tracks")
        if render_id in self.world.renders:
            return render_error(f"render id {render_id} already exists", 409)
        fault = _fault(request)
        render = start_render(
            self.sandbox,
            render_id,
            session,
            account,
            draft,
            fault.kind if fault and fault.kind in ("render_fail", "render_stuck") else None,
        )
        return render_ok(
            {"id": render.render_id, "status": render.status, "progress": render.progress}
        )

    async def render_poll(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        render = self.world.renders.get(request.path_params["rid"])
        if render is None or render.user_id != account.user_id:
            return render_error("render not found", 404)
        body = poll_body(self.sandbox, render)
        hint = str(max(1, round(self.settings.render_seconds / 5)))
        return JSONResponse(body, headers={"Retry-After": hint})

    async def render_cancel(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        render = self.world.renders.get(request.path_params["rid"])
        if render is None or render.user_id != account.user_id:
            return render_error("render not found", 404)
        if render.status in ("pending", "processing"):
            render.status = "cancelled"
        return render_ok({"id": render.render_id, "status": render.status})

    async def render_download(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return self._code(1001)
        render = self.world.renders.get(request.path_params["rid"])
        if render is None or render.user_id != account.user_id or render.path is None:
            return render_error("render not found or not finished", 404)
        return serve_file(request, render.path, "video/mp4", _fault(request))

    async def render_result(self, request: Request) -> Response:
        render = self.world.renders.get(request.path_params["name"].removesuffix(".mp4"))
        if render is None or render.path is None:
            return Response("not found", status_code=404)
        return serve_file(request, render.path, "video/mp4", _fault(request))

    async def cdn(self, request: Request) -> Response:
        key, _, name = request.path_params["path"].partition("/")
        for session in self.world.sessions.values():
            upload = session.uploads.get(key)
            if upload is not None and upload["filename"] == name:
                return serve_file(
                    request, Path(upload["path"]), "application/octet-stream", _fault(request)
                )
        return Response("not found", status_code=404)

    async def claim_page(self, request: Request) -> Response:
        token = request.query_params.get("ct", "")
        claim = self.world.claims.get(token)
        if claim is None:
            return HTMLResponse("<h1>Unknown or expired link</h1>", status_code=404)
        return HTMLResponse(f"<h1>Sandbox project</h1><p>Task {claim[0]}, session {claim[1]}.</p>")


def _message_text(body: dict[str, Any] | None) -> str | None:
    if body is None:
        return None
    message = body.get("new_message")
    parts = message.get("parts") if isinstance(message, dict) else None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], dict):
        return None
    text = parts[0].get("text")
    return text if isinstance(text, str) and text.strip() else None


async def _stream_fault(fault: FaultRule) -> bytes | None:
    """Act out a stream fault at its event; some return bytes to send before the next event."""
    params = fault.params
    if fault.kind == "reset":
        raise ConnectionResetError("sandbox fault: stream reset")
    if fault.kind == "stall":
        await asyncio.sleep(float(params.get("seconds", 30)))
        return None
    if fault.kind == "malformed_sse":
        lines = params.get("lines") or ["data: {not json", "event", "data: [1,2"]
        return ("\n".join(str(line) for line in lines) + "\n\n").encode()
    if fault.kind == "huge_body":
        return (
            b'data: {"type":"text","content":"'
            + b"x" * int(params.get("bytes", 6_000_000))
            + b'"}\n\n'
        )
    return None


def _probe(path: Path) -> dict[str, Any]:
    """Duration and size of uploaded media, read with PyAV when it can."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0] if container.streams.video else None
            facts: dict[str, Any] = {}
            if stream is not None:
                facts["width"], facts["height"] = stream.width, stream.height
            if container.duration:
                facts["duration"] = round(container.duration / 1_000_000, 2)
            return facts
    except (av.error.FFmpegError, OSError, IndexError):
        return {}
