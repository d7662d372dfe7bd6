"""Finding out how a sent message ended when its stream was lost (vendor-api.md §3.5).

The backend's rule: never re-send; wait 30 s and read the state; if it changed, report it; if
not, read again every 60 s; five unchanged reads in a row mean the work failed. A generation
whose raw clip appears is watched a little longer so the second stage is reported too.
"""

from __future__ import annotations

import time
from typing import Any

from agent.backend import errors
from agent.jobs.ledger import FAILED, SUCCEEDED, UNKNOWN, Job
from agent.runtime import Runtime

FIRST_WAIT = 30.0
NEXT_WAIT = 60.0
UNCHANGED_LIMIT = 5
SETTLE_READS = 2


def recover(rt: Runtime, job_id: str, *, reason: str) -> None:
    """Poll the session state until it shows the job's outcome, then store it."""
    job = rt.ledger.update(job_id, lambda j: _start(j, reason))
    if job is None:
        return
    clock = rt.settings.clock
    before = job.before or {}
    last: dict[str, Any] | None = None
    unchanged = 0
    settled_reads = 0
    wait = FIRST_WAIT
    while True:
        clock.sleep(clock.seconds(wait))
        wait = NEXT_WAIT
        state = _read_state(rt, job)
        if state is None:
            unchanged += 1
        elif fingerprint(state) == fingerprint(last if last is not None else before):
            unchanged += 1
            settled_reads += last is not None
        else:
            unchanged, settled_reads = 0, 0
            last = state
            _note_progress(rt, job_id, state, before)
        if last is not None and (_complete(job, last) or settled_reads >= SETTLE_READS):
            _finish(rt, job_id, SUCCEEDED, last)
            return
        if unchanged >= UNCHANGED_LIMIT:
            _finish(rt, job_id, FAILED if last is None else SUCCEEDED, last)
            return


def fingerprint(state: dict[str, Any]) -> str:
    """What counts as "the state changed": the draft and the number of media, nothing else."""
    import json

    def count(key: str) -> int:
        value = state.get(key)
        return len(value) if isinstance(value, list | dict) else 0

    draft = json.dumps(state.get("draft"), sort_keys=True, default=str)
    return f"{draft}|{count('video_infos')}|{count('generated_media')}"


def _start(job: Job, reason: str) -> None:
    job.phase = "recovering"
    job.notes.append({"kind": "connection_lost", "reason": reason, "at": time.time()})


def _read_state(rt: Runtime, job: Job) -> dict[str, Any] | None:
    if not job.session_id:
        return None
    session_id = job.session_id
    try:
        return dict(rt.connection().call(lambda c: c.state(session_id)).state)
    except errors.BackendError:
        return None


def _complete(job: Job, state: dict[str, Any]) -> bool:
    """An edit is complete at its first change; a generation once its post stage shows."""
    from agent.conversation.draft import snapshot_from_state, stage_of

    return job.kind != "generation" or stage_of(snapshot_from_state(state)) == "post"


def _note_progress(rt: Runtime, job_id: str, state: dict[str, Any], before: dict[str, Any]) -> None:
    from agent.conversation.draft import snapshot_from_state, stage_of

    stage = stage_of(snapshot_from_state(state))
    if stage == stage_of(snapshot_from_state(before)) or stage == "none":
        return

    def change(job: Job) -> None:
        if all(m.get("stage") != stage for m in job.milestones):
            job.milestones.append({"stage": stage, "at": time.time(), "reported": False})
            job.progress = max(job.progress, 70 if stage == "raw" else 90)

    rt.ledger.update(job_id, change)


def _finish(rt: Runtime, job_id: str, state: str, after: dict[str, Any] | None) -> None:
    def change(job: Job) -> None:
        job.result["after"] = after
        job.result["recovered"] = True
        job.finished_at = time.time()
        job.phase = "done"
        if state == SUCCEEDED:
            job.state, job.progress = SUCCEEDED, 100
        elif after is None and job.state != UNKNOWN:
            job.state = FAILED
            job.error = {
                "kind": "lost",
                "message": "the state never changed after the stream was lost",
            }

    rt.ledger.update(job_id, change)
