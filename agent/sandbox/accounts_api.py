"""Accounts and sessions (vendor-api.md A1, A2, A3, A6, A7): anonymous tokens with their rate
limits, claim tokens and the claim page, task + session creation, credits, session state."""

from __future__ import annotations

import html
import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from agent.sandbox.bodies import ClaimRequest, NewSession, parse
from agent.sandbox.guards import RouteGroup, json_body
from agent.sandbox.state import CLAIM_SECONDS, DAY
from agent.sandbox.wire import http_error, ok

IP_WINDOW = 7 * DAY


class AccountRoutes(RouteGroup):
    def routes(self) -> list[Route]:
        return [
            Route("/api/auth/anonymous-token", self.anonymous_token, methods=["POST"]),
            Route("/api/auth/claim-token", self.claim_token, methods=["POST"]),
            Route("/api/tasks/me/with-session/nemo_agent", self.create_session, methods=["POST"]),
            Route("/api/credits/balance/simple", self.credits, methods=["GET"]),
            Route("/api/state/nemo_agent/me/{sid}/latest", self.state, methods=["GET"]),
            Route("/workspace/claim", self.claim_page, methods=["GET"]),
        ]

    async def anonymous_token(self, request: Request) -> Response:
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id:
            return http_error(400, "Missing X-Client-Id header")
        now = time.time()
        if self.world.live_token_of(client_id, now) is not None:
            return http_error(429, "Rate limit: one anonymous token per client every 7 days")
        ip = request.client.host if request.client else "unknown"
        recent = [t for t in self.world.ip_tokens.get(ip, []) if t > now - IP_WINDOW]
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
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        body = parse(ClaimRequest, await json_body(request)) or ClaimRequest()
        session = self.session(request, account, body.session_id)
        if session is None:
            return self.code(1002)
        token = self.world.claim(session.task_id, session.session_id)
        return ok({"claim_token": token, "expires_in": CLAIM_SECONDS})

    async def create_session(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        body = parse(NewSession, await json_body(request)) or NewSession()
        session = self.world.new_session(account, body.task_name or "project", body.language)
        return ok(
            {
                "task_id": session.task_id,
                "session_id": session.session_id,
                "user_id": account.user_id,
            }
        )

    async def credits(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        total = account.available + account.frozen
        return ok({"available": account.available, "frozen": account.frozen, "total": total})

    async def state(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        session = self.session(request, account, request.path_params["sid"])
        if session is None:
            return self.code(1002)
        return ok(
            {
                "session_id": session.session_id,
                "task_id": session.task_id,
                "task_name": session.task_name,
                "user_id": session.user_id,
                "state": {
                    "video_infos": session.video_infos,
                    "draft": session.draft,
                    "canvas_config": {"width": 1280, "height": 720, "aspect_ratio": "16:9"},
                    "video_analyses": {},
                    "generated_media": session.generated_media,
                },
            }
        )

    async def claim_page(self, request: Request) -> Response:
        """The web front end's claim link (`?ct=` only, as v1.9 says)."""
        claim = self.world.claims.get(request.query_params.get("ct", ""))
        if claim is None:
            return HTMLResponse("<h1>Unknown or expired link</h1>", status_code=404)
        task_id, session_id = (html.escape(part) for part in claim)
        return HTMLResponse(f"<h1>Sandbox project</h1><p>Task {task_id}, session {session_id}.</p>")
