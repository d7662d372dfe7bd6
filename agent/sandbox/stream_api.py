"""`POST /run_sse` (vendor-api.md §3): checks that come before the stream (1001, 422, 1002,
2001), the hand-over to the scripted agent, and the stream itself with its faults (reset,
stall, garbage lines, a huge event after N events)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agent.sandbox import drafts
from agent.sandbox.agent_script import Script
from agent.sandbox.billing import charge
from agent.sandbox.bodies import RunAgentRequest, parse
from agent.sandbox.faults import FaultRule, InjectedFault
from agent.sandbox.guards import RouteGroup, entry_of, fault_of, json_body
from agent.sandbox.intents import plan_reply
from agent.sandbox.state import Session
from agent.sandbox.wire import AgentStep, EventWriter

DEFAULT_GARBAGE = ("data: {not json", "event", "data: [1,2", "retry: soon")


class StreamRoutes(RouteGroup):
    def routes(self) -> list[Route]:
        return [Route("/run_sse", self.run_sse, methods=["POST"])]

    async def run_sse(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        body = parse(RunAgentRequest, await json_body(request))
        message = body.text if body is not None else ""
        if body is None or not message:
            # What ADK's FastAPI server answers to a body that is not a RunAgentRequest.
            return JSONResponse(
                {"detail": "expected a RunAgentRequest with new_message.parts[].text"},
                status_code=422,
            )
        entry_of(request)["message"] = message
        session = self.session(request, account, body.session_id)
        if session is None:
            return self.code(1002)
        images = [self.sandbox.media_url(m) for m in session.uploads if m.file_type == "image"]
        plan = plan_reply(message, drafts.has_video(session), images)
        frozen = charge(self.settings, account, session, plan)
        if frozen is None:
            return self.code(2001)
        script = Script(self.sandbox, session, account, plan, frozen)
        self.sandbox.spawn(script.run())
        entry_of(request)["accepted"] = True  # the agent took the message: from here it is billed
        return StreamingResponse(
            self._events(script, EventWriter(self._shape(session)), fault_of(request)),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    def _shape(self, session: Session) -> str:
        if self.settings.wire == "mixed":
            return "adk" if session.index % 2 else "typed"
        return self.settings.wire

    async def _events(
        self, script: Script, writer: EventWriter, fault: FaultRule | None
    ) -> AsyncIterator[bytes]:
        sent = 0
        after = int(fault.number("after_events", 1)) if fault is not None else -1
        while True:
            step = await script.queue.get()
            if step is None:
                return
            if sent == after and fault is not None:
                extra = await _act_out(fault, writer)
                if extra:
                    yield extra
            sent += 1
            yield writer.encode(step)


async def _act_out(fault: FaultRule, writer: EventWriter) -> bytes:
    """Play a stream fault at its event; returns bytes to send before the next event."""
    if fault.kind == "reset":
        raise InjectedFault("sandbox fault: stream reset")
    if fault.kind == "stall":
        await asyncio.sleep(fault.number("seconds", 30))
        return b""
    if fault.kind == "malformed_sse":
        lines = fault.params.get("lines") or DEFAULT_GARBAGE
        return ("\n".join(str(line) for line in lines) + "\n\n").encode()
    if fault.kind == "huge_body":
        size = int(fault.number("bytes", 6_000_000))
        return writer.encode(AgentStep("text", text="x" * size))
    return b""
