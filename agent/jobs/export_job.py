"""Export as a job: check the draft, render it (a fresh `render_<ms>` id, one retry with a new
id on failure), poll at the documented cadence, download to the output folder, make the links.

Export is free (vendor-api.md §5.2), so retrying a failed render is safe; a render is still
never submitted twice under the same id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.backend import errors
from agent.backend.client import NemoClient, new_render_id
from agent.backend.download import download_render
from agent.backend.models import RenderStatus
from agent.connection import Connection
from agent.errors import WanError
from agent.jobs.agent_job import error_json
from agent.jobs.ledger import FAILED, RUNNING, SUCCEEDED, Job, Ledger
from agent.links import task_link
from agent.runtime import Runtime

POLL_SECONDS = 10.0  # SK-REF: 10 s x 30 = 5 min; a server `Retry-After` hint may shorten it
MIN_POLL_SECONDS = 1.0
RENDER_LIMIT_SECONDS = 300.0
RENDER_ATTEMPTS = 2


class NoDraft(errors.BackendError):
    kind = "no_draft"


def run_export_job(rt: Runtime, job: Job) -> None:
    conn = rt.connection()
    ledger = rt.ledger
    ledger.update(job.id, lambda j: _set(j, state=RUNNING, phase="checking", progress=2))
    try:
        session_id, draft = _exportable_draft(conn, job.language)
        status = _render(rt, conn, job.id, session_id, draft)
        ledger.update(job.id, lambda j: _set(j, phase="downloading", progress=80))
        media = _download(rt, conn, job, status)
        links = {"video": status.url, "task": task_link(conn)}
    except WanError as exc:
        failure = error_json(exc)
        ledger.update(job.id, lambda j: _fail(j, failure))
        return

    def done(j: Job) -> None:
        j.result.update({"media": [media], "links": links, "render_id": status.render_id})
        _set(j, state=SUCCEEDED, phase="done", progress=100, finished_at=time.time())

    ledger.update(job.id, done)


def _fail(job: Job, failure: dict[str, Any]) -> None:
    _set(job, state=FAILED, error=failure, finished_at=time.time())


def _set(job: Job, **values: Any) -> None:
    for key, value in values.items():
        setattr(job, key, value)


def _exportable_draft(conn: Connection, language: str) -> tuple[str, Any]:
    from agent.conversation.draft import is_exportable, parse_draft

    session = conn.session(language)
    state = conn.in_session(language, lambda c, sid: c.state(sid))
    draft = parse_draft(state.draft)
    if draft is None or not is_exportable(draft):
        raise NoDraft("there is no video on the timeline to export yet")
    current = conn.project.session(conn.api_url) or session
    return current.session_id, state.draft


def _render(
    rt: Runtime, conn: Connection, job_id: str, session_id: str, draft: Any
) -> RenderStatus:
    last_error: WanError | None = None
    for attempt in range(1, RENDER_ATTEMPTS + 1):
        render_id = new_render_id() + (f"_{attempt}" if attempt > 1 else "")
        rt.ledger.update(job_id, _remember_render(render_id))
        try:
            submitted = conn.call(_submitter(session_id, draft, render_id))
            status = _poll(rt, conn, job_id, submitted)
        except (errors.RenderFailed, errors.DeadlineExceeded) as exc:
            last_error = exc
            continue
        if status.succeeded:
            return status
        last_error = errors.RenderFailed(status.error or f"the render ended {status.status}")
    assert last_error is not None
    raise last_error


def _poll(rt: Runtime, conn: Connection, job_id: str, status: RenderStatus) -> RenderStatus:
    clock = rt.settings.clock
    render_id = status.render_id or ""
    deadline = clock.monotonic() + clock.seconds(RENDER_LIMIT_SECONDS)
    last_progress = -1.0
    while not status.finished:
        if clock.monotonic() >= deadline:
            _cancel_quietly(conn, render_id)
            raise errors.DeadlineExceeded("the render did not finish in time", limit="render")
        clock.sleep(_poll_interval(conn.client, clock.seconds(POLL_SECONDS)))
        status = conn.call(lambda c: c.poll_render(render_id))
        if status.progress is not None and status.progress != last_progress:
            last_progress = status.progress
            shown = 10 + int(status.progress * 0.7)
            rt.ledger.update(job_id, _rendering(shown))
    if status.status == "completed" and status.url is None:
        raise errors.RenderFailed("the render completed without a download URL")
    if status.status != "completed":
        raise errors.RenderFailed(status.error or f"the render ended {status.status}")
    return status


def _remember_render(render_id: str) -> Callable[[Job], None]:
    return lambda job: job.result.setdefault("renders", []).append(render_id)


def _submitter(session_id: str, draft: Any, render_id: str) -> Callable[[NemoClient], RenderStatus]:
    return lambda client: client.submit_render(session_id, draft, render_id)


def _rendering(progress: int) -> Callable[[Job], None]:
    return lambda job: _set(job, phase="rendering", progress=max(job.progress, progress))


def _poll_interval(client: NemoClient, documented: float) -> float:
    """The documented interval, or the server's `Retry-After` hint when it asks for sooner."""
    hint = client.transport.last_headers.get("retry-after", "")
    try:
        seconds = float(hint)
    except ValueError:
        return documented
    return min(max(seconds, MIN_POLL_SECONDS), documented)


def _cancel_quietly(conn: Connection, render_id: str) -> None:
    try:
        conn.call(lambda c: c.cancel_render(render_id))
    except errors.BackendError:
        return


def _download(rt: Runtime, conn: Connection, job: Job, status: RenderStatus) -> dict[str, Any]:
    from agent.store.projects import project_slug

    render_id = status.render_id or new_render_id()
    out_dir = rt.settings.output_dir
    dest = Path(out_dir) / f"wan22-{project_slug(rt.project.name)}-{render_id}.mp4"
    progress = _throttled_progress(rt.ledger, job.id)
    saved = download_render(
        conn.client.transport,
        status.url,
        conn.client.download_path(render_id),
        dest,
        expected_size=status.size,
        progress=progress,
    )
    return {
        "kind": "video",
        "path": str(saved.path.resolve()),
        "size": saved.size,
        "url": status.url,
        "duration": status.duration,
    }


def _throttled_progress(ledger: Ledger, job_id: str) -> Callable[[int, int | None], None]:
    last = [0.0]

    def report(done: int, total: int | None) -> None:
        now = time.monotonic()
        if total and now - last[0] >= 0.5:
            last[0] = now
            shown = 80 + int(19 * done / total)
            ledger.update(job_id, lambda j: _set(j, progress=max(j.progress, shown)))

    return report
