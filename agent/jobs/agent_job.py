"""One agent message (a generation or an edit) carried to its end inside a detached worker.

Order of work: read the state before, mark the job sent, send exactly once, journal every event,
note the two stages as the draft shows them, then read the state after and keep what changed.
A stream that breaks or times out is never re-sent: the job switches to state recovery.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from agent.backend import errors
from agent.backend.client import NemoClient
from agent.backend.stream import (
    AgentEvent,
    AgentStream,
    ErrorEvent,
    HeartbeatEvent,
    QuestionEvent,
    TextEvent,
    ToolCallEvent,
    ToolResultEvent,
    UnknownEvent,
)
from agent.errors import WanError
from agent.jobs import recovery
from agent.jobs.ledger import FAILED, RUNNING, SUCCEEDED, Job, Ledger
from agent.jobs.watchdog import StreamLimits, StreamWatchdog
from agent.links import registration_link
from agent.runtime import Runtime

TRAILING_NOISE = "i encountered a temporary issue"
# Progress the user sees while an agent job runs: sent, agent working, raw clip, post stage.
PROGRESS_SENT, PROGRESS_TOOL, PROGRESS_RAW, PROGRESS_POST = 5, 20, 70, 90


def run_agent_job(rt: Runtime, job: Job, limits: StreamLimits | None = None) -> None:
    """Send the job's message once and record how it ended."""
    conn = rt.connection()
    language = job.language
    try:
        before = conn.in_session(language, lambda c, sid: dict(c.state(sid).state))
    except errors.BackendError as exc:
        _fail(rt.ledger, job.id, exc)  # nothing was sent: safe to say "try again"
        return
    session = conn.project.session(conn.api_url)
    scaled = (limits or StreamLimits()).scaled(rt.settings.clock)
    consumer = _Consumer(rt, job, before, scaled)
    rt.ledger.update(
        job.id,
        lambda j: _mark_sent(j, before, session.session_id if session else None, conn.api_url),
    )
    try:
        conn.in_session(language, consumer.send)
    except (errors.TransportError, errors.ProtocolError, errors.DeadlineExceeded) as exc:
        consumer.flush_notes()
        never_left = isinstance(exc, errors.TransportError) and not exc.maybe_sent
        if never_left and not consumer.sent:
            _fail(rt.ledger, job.id, exc)
        else:
            recovery.recover(rt, job.id, reason=exc.kind)
        return
    except errors.ApiError as exc:
        extra = {"bind_url": registration_link(conn)} if exc.kind == "credits" else {}
        _fail(rt.ledger, job.id, exc, **extra)
        return
    if conn.session_replaced:
        rt.ledger.update(job.id, lambda j: j.notes.append({"kind": "session_replaced"}))
    consumer.finish()


def _mark_sent(job: Job, before: dict[str, Any], session_id: str | None, api_url: str) -> None:
    job.state, job.phase, job.progress = RUNNING, "sending", PROGRESS_SENT
    job.sent_at = time.time()
    job.before = before
    job.session_id, job.api_url = session_id, api_url


class _Consumer:
    """Reads one stream into the ledger."""

    def __init__(self, rt: Runtime, job: Job, before: dict[str, Any], limits: StreamLimits) -> None:
        self.rt, self.job, self.before, self.limits = rt, job, before, limits
        self.ledger: Ledger = rt.ledger
        self.texts: list[str] = []
        self.partials: list[str] = []
        self.question: dict[str, Any] | None = None
        self.errors: list[str] = []
        self.sent = False
        self.milestones: set[str] = set()
        self._still_working = 0
        self._client: NemoClient | None = None
        self._session_id = ""

    def send(self, client: NemoClient, session_id: str) -> None:
        self._client, self._session_id = client, session_id
        with client.run_sse(session_id, self.job.request["message"]) as stream:
            self.sent = True
            self.ledger.update(self.job.id, _phase("streaming", session_id))
            self._consume(stream)

    def _consume(self, stream: AgentStream) -> None:
        clock = self.rt.settings.clock
        with StreamWatchdog(self.limits, clock, stream.close) as watchdog:
            try:
                for event in stream:
                    watchdog.event(content=not isinstance(event, HeartbeatEvent))
                    self._journal(event)
                    self._handle(event)
                    self._maybe_still_working(watchdog)
            except Exception as exc:
                if watchdog.fired:
                    raise errors.DeadlineExceeded(
                        f"the agent stream hit its {watchdog.fired} limit", limit=watchdog.fired
                    ) from exc
                raise
            if watchdog.fired:
                raise errors.DeadlineExceeded(
                    f"the agent stream hit its {watchdog.fired} limit", limit=watchdog.fired
                )

    def _handle(self, event: AgentEvent) -> None:
        if isinstance(event, TextEvent):
            (self.partials if event.partial else self.texts).append(event.text)
        elif isinstance(event, QuestionEvent):
            self.question = question_json(event)
        elif isinstance(event, ToolCallEvent):
            self.ledger.update(self.job.id, _progress_at_least(PROGRESS_TOOL, f"tool:{event.name}"))
        elif isinstance(event, ToolResultEvent):
            self._check_stage()
        elif isinstance(event, ErrorEvent):
            self.errors.append(event.message)

    def _check_stage(self) -> None:
        """Read the draft after a tool finishes: it shows when the raw clip and post stage land."""
        from agent.conversation.draft import snapshot_from_state, stage_of

        if self._client is None:
            return
        try:
            state = self._client.state(self._session_id).state
        except errors.BackendError:
            return
        stage = stage_of(snapshot_from_state(state))
        before_stage = stage_of(snapshot_from_state(self.before))
        if stage == before_stage or stage in self.milestones or stage == "none":
            return
        self.milestones.add(stage)
        progress = PROGRESS_RAW if stage == "raw" else PROGRESS_POST

        def note(job: Job) -> None:
            job.milestones.append({"stage": stage, "at": time.time(), "reported": False})
            job.progress = max(job.progress, progress)

        self.ledger.update(self.job.id, note)

    def _maybe_still_working(self, watchdog: StreamWatchdog) -> None:
        due = (
            int(watchdog.quiet_for() // self.limits.still_working)
            if self.limits.still_working
            else 0
        )
        if due > self._still_working:
            self._still_working = due
            minutes = round(
                due * self.limits.still_working / max(self.rt.settings.clock.scale, 1e-9) / 60
            )
            self.ledger.update(
                self.job.id, lambda j: j.notes.append({"kind": "still_working", "minutes": minutes})
            )

    def _journal(self, event: AgentEvent) -> None:
        self.ledger.append_event(self.job.id, event_json(event))

    def flush_notes(self) -> None:
        texts = self._final_texts()
        if texts:
            self.ledger.update(self.job.id, lambda j: j.result.__setitem__("texts", texts))

    def _final_texts(self) -> list[str]:
        texts = self.texts or (["".join(self.partials)] if self.partials else [])
        if len(texts) > 1 and texts[-1].strip().lower().startswith(TRAILING_NOISE):
            texts = texts[:-1]
        return [t for t in texts if t.strip()]

    def finish(self) -> None:
        """The stream closed normally: read the state after and store the outcome."""
        after: Mapping[str, Any] | None = None
        try:
            after = self.rt.connection().in_session(
                self.job.language, lambda c, sid: dict(c.state(sid).state)
            )
        except errors.BackendError:
            after = None
        texts = self._final_texts()
        result: dict[str, Any] = {
            "texts": texts,
            "question": self.question,
            "after": dict(after) if after is not None else None,
            "agent_errors": self.errors,
        }
        failed = bool(self.errors) and not texts and after == self.before

        def done(job: Job) -> None:
            job.result.update(result)
            job.finished_at = time.time()
            job.phase = "done"
            if failed:
                job.state = FAILED
                job.error = {"kind": "agent_error", "message": self.errors[-1]}
            else:
                job.state = SUCCEEDED
                job.progress = 100

        self.ledger.update(self.job.id, done)


def _phase(phase: str, session_id: str) -> Any:
    def change(job: Job) -> None:
        job.phase = phase
        job.session_id = session_id

    return change


def _progress_at_least(progress: int, phase: str) -> Any:
    def change(job: Job) -> None:
        job.progress = max(job.progress, progress)
        job.phase = phase

    return change


def _fail(ledger: Ledger, job_id: str, exc: WanError, **extra: Any) -> None:
    def change(job: Job) -> None:
        job.state = FAILED
        job.finished_at = time.time()
        job.error = {**error_json(exc), **extra}

    ledger.update(job_id, change)


def error_json(exc: WanError) -> dict[str, Any]:
    details = {k: v for k, v in exc.details.items() if isinstance(v, str | int | float | bool)}
    return {"kind": exc.kind, "message": exc.message, **details}


def question_json(event: QuestionEvent) -> dict[str, Any]:
    return {
        "title": event.title,
        "questions": [
            {
                "id": q.question_id,
                "prompt": q.prompt,
                "options": [{"id": o.option_id, "label": o.label} for o in q.options],
                "allow_multiple": q.allow_multiple,
            }
            for q in event.questions
        ],
    }


def event_json(event: AgentEvent) -> dict[str, Any]:
    """A journal line: the event's kind and its fields, with a timestamp."""
    record: dict[str, Any] = {"at": round(time.time(), 3)}
    if isinstance(event, HeartbeatEvent):
        record["kind"] = "heartbeat"
    elif isinstance(event, TextEvent):
        record.update(kind="text", text=event.text, partial=event.partial)
    elif isinstance(event, ToolCallEvent):
        record.update(kind="tool_call", name=event.name, args=_jsonable(event.args))
    elif isinstance(event, ToolResultEvent):
        record.update(kind="tool_result", name=event.name, result=_jsonable(event.result))
    elif isinstance(event, QuestionEvent):
        record.update(kind="question", **question_json(event))
    elif isinstance(event, ErrorEvent):
        record.update(kind="error", message=event.message, code=event.code)
    elif isinstance(event, UnknownEvent):
        record.update(kind="unknown", raw=event.raw)
    return record


def _jsonable(value: Any) -> Any:
    import json

    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)[:500]
    return value
