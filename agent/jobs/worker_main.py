"""`wan22 worker`: the detached process that carries one job (and its follow-ups) to the end.

It takes the job's alive lock, checks it is still the job's current launch (a relaunch makes a
new one), then uploads attachments, sends the message once, or recovers a lost one. Actions the
agent's text asks for in GUI terms ("click Export") are then done through the API.
"""

from __future__ import annotations

import os
import time
from typing import Any

from agent.backend import errors
from agent.errors import WanError
from agent.jobs import recovery
from agent.jobs.agent_job import error_json, run_agent_job
from agent.jobs.export_job import run_export_job
from agent.jobs.ledger import FAILED, SUCCEEDED, Job
from agent.jobs.workers import alive
from agent.replies import render
from agent.runtime import Runtime, load_runtime
from agent.settings import Settings


def run_worker(settings: Settings, job_id: str, launch_id: str, *, recover: bool) -> int:
    rt = load_runtime(settings, exact_project=True)
    try:
        with alive(rt.ledger, job_id) as mine:
            if not mine:
                return 0
            job = rt.ledger.update(job_id, lambda j: _claim(j, launch_id))
            if job is None or job.launch_id != launch_id or not job.active:
                return 0
            _run(rt, job, recover=recover)
        return 0
    finally:
        rt.close()


def _claim(job: Job, launch_id: str) -> bool:
    if job.launch_id != launch_id or not job.active:
        return False
    job.worker_pid = os.getpid()
    return True


def _run(rt: Runtime, job: Job, *, recover: bool) -> None:
    if recover or job.sent:
        recovery.recover(rt, job.id, reason="worker_lost")
        return
    if job.kind == "export":
        run_export_job(rt, job)
        return
    prepared = _prepare_message(rt, job)
    if prepared is None:
        return
    run_agent_job(rt, prepared)
    finished = rt.ledger.get(job.id)
    if finished is not None and finished.state == SUCCEEDED:
        _follow_up(rt, finished)


def _prepare_message(rt: Runtime, job: Job) -> Job | None:
    """Upload the attachments and write the message that references them."""
    if job.request.get("message"):
        return job
    from pathlib import Path

    paths = [Path(a["path"]) for a in job.request.get("attachments", [])]
    conn = rt.connection()
    rt.ledger.update(job.id, lambda j: _set_phase(j, "uploading"))
    try:
        uploaded = conn.in_session(job.language, lambda c, sid: c.upload_files(sid, paths))
    except WanError as exc:
        failure = error_json(exc)
        rt.ledger.update(job.id, lambda j: _failed(j, failure))
        return None
    files = [{"url": f.url or f.filename, "type": f.file_type or ""} for f in uploaded.files]
    message = render(
        "agent_message_with_media",
        job.language,
        text=job.request.get("text", ""),
        mode=job.request.get("mode"),
        files=files,
    )
    updated = rt.ledger.update(job.id, lambda j: _set_message(j, message, files))
    return updated


def _set_phase(job: Job, phase: str) -> None:
    job.phase = phase


def _set_message(job: Job, message: str, files: list[dict[str, Any]]) -> None:
    job.request["message"] = message
    job.request["uploaded"] = files
    job.phase = "queued"


def _failed(job: Job, failure: dict[str, Any]) -> None:
    job.state, job.error, job.finished_at = FAILED, failure, time.time()


def _follow_up(rt: Runtime, job: Job) -> None:
    """Do what the agent's GUI-speak asked: export through the API, or send the edit it named."""
    from agent.conversation.gui import translate_gui

    actions = [a for t in job.result.get("texts") or [] for a in translate_gui(str(t)).actions]
    kinds = {str(a.kind) for a in actions}
    if "credits" in kinds:
        _remember_credits(rt, job)
    if "export" in kinds:
        _start_follow_up(rt, job, "export", {"session_id": job.session_id}, "export")
        return
    edit = next((a for a in actions if str(a.kind) in ("edit", "click") and a.edit_text), None)
    if edit is not None and not job.request.get("follow_up_of"):
        request = {"text": edit.edit_text, "message": edit.edit_text, "follow_up_of": job.id}
        _start_follow_up(rt, job, "edit", request, "edit", instruction=edit.edit_text or "")


def _start_follow_up(
    rt: Runtime, job: Job, kind: str, request: dict[str, Any], action: str, instruction: str = ""
) -> None:
    from agent.turn import fingerprint

    follow, created = rt.ledger.create(
        kind, request, fingerprint(kind, job.id, instruction), job.language, time.time()
    )
    info = {"action": action, "job_id": follow.id, "instruction": instruction}
    rt.ledger.update(job.id, lambda j: j.result.__setitem__("follow_up", info))
    if not created:
        return
    with alive(rt.ledger, follow.id) as mine:
        if not mine:
            return
        if kind == "export":
            run_export_job(rt, follow)
        else:
            run_agent_job(rt, follow)


def _remember_credits(rt: Runtime, job: Job) -> None:
    try:
        balance = rt.connection().call(lambda c: c.credits())
    except errors.BackendError:
        return
    credits = {"available": balance.available, "frozen": balance.frozen, "total": balance.total}
    rt.ledger.update(job.id, lambda j: j.result.__setitem__("credits", credits))
