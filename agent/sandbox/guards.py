"""What every vendor route checks first: who calls (bearer → 1001), which session (→ 1002, also
where a `lose_session` fault strikes), the JSON body, and the fault and log entry the gate
handed on for this call."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from agent.sandbox.context import Sandbox
from agent.sandbox.faults import FaultRule
from agent.sandbox.state import Account, Session
from agent.sandbox.wire import code_error


def fault_of(request: Request) -> FaultRule | None:
    fault: FaultRule | None = request.scope.get("state", {}).get("fault")
    return fault


def entry_of(request: Request) -> dict[str, Any]:
    """The call's log entry (a throwaway one when the gate did not record the call)."""
    entry: dict[str, Any] = request.scope.setdefault("state", {}).setdefault("entry", {})
    return entry


async def json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class RouteGroup:
    """Routes sharing the sandbox and these checks; each group lists its own in `routes()`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.world = sandbox.world
        self.settings = sandbox.settings

    def code(self, code: int, message: str | None = None) -> JSONResponse:
        return code_error(code, self.settings.error_http_status, message)

    def caller(self, request: Request) -> Account | None:
        return self.world.account_for(request.headers.get("authorization"), time.time())

    def session(self, request: Request, account: Account, session_id: str) -> Session | None:
        """The caller's session, forgotten first when a `lose_session` fault hits this call."""
        fault = fault_of(request)
        if fault is not None and fault.kind == "lose_session":
            self.world.forget_session(session_id)
        return self.world.session_of(account, session_id)
