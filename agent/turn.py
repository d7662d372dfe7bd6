"""The conductor of one user turn: route the utterance, act, and return a `Reply`.

Every turn first reports what finished since the last one. Export, credits, status and upload
are direct API calls; everything else becomes an agent job run by a detached worker, which the
turn waits on for at most `wait` seconds. Nothing here prints: the CLI shows the `Reply`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.backend.models import UploadedFile
from agent.errors import WanError
from agent.jobs.ledger import FINAL_STATES, Job
from agent.jobs.workers import spawn_worker
from agent.media_files import LocalMedia, check_attachment
from agent.outcomes import JobReport, error_text, progress_text
from agent.replies import render
from agent.reports import collect_updates, report_job, tend_workers
from agent.runtime import Runtime
from agent.settings import DEFAULT_WAIT_SECONDS, OPENCLAW_WAIT_SECONDS

POLL_SECONDS = 0.2


@dataclass
class Reply:
    """Everything a command returns to its caller (see the README for the JSON fields)."""

    text: str
    language: str
    intent: str | None = None
    mode: str | None = None
    job: dict[str, Any] | None = None
    reported_jobs: list[str] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    question: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.error is None,
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "mode": self.mode,
            "job": self.job,
            "reported_jobs": self.reported_jobs,
            "media": self.media,
            "links": self.links,
            "question": self.question,
            "error": self.error,
            "warnings": self.warnings,
        }


class Turn:
    """One user turn in one project."""

    def __init__(self, rt: Runtime, language: str) -> None:
        self.rt = rt
        self.language = language
        self.parts: list[str] = []
        self.reply = Reply(text="", language=language)
        self.on_wait: Callable[[Job], None] | None = None

    # -- entry points ------------------------------------------------------------------------

    def utterance(self, text: str, files: Sequence[str], wait: float | None) -> Reply:
        from agent.conversation.intents import IntentKind, route_utterance

        intent = route_utterance(text, files)
        self.reply.intent, self.reply.mode = str(intent.kind), intent.mode
        media = [check_attachment(f) for f in files]
        self.report_updates()
        if intent.kind == IntentKind.CREDITS:
            self.credits()
        elif intent.kind == IntentKind.STATUS:
            self.status()
        elif intent.kind == IntentKind.EXPORT:
            self.export(wait)
        elif intent.kind == IntentKind.UPLOAD:
            self.upload(media)
        else:
            kind = "generation" if intent.wants_generation or intent.mode == "i2v" else None
            self.chat(intent.text, media, intent.mode, kind, wait)
        return self.finish()

    def report_updates(self, skip: frozenset[str] = frozenset()) -> None:
        tend_workers(self.rt)
        for report in collect_updates(self.rt, self.language, skip=skip):
            self.add_report(report)

    def finish(self) -> Reply:
        from agent.store.files import drain_recovered

        for original, moved in drain_recovered():
            self.reply.warnings.append(
                render("recovered_file", self.language, path=str(original), moved=str(moved or ""))
            )
        self.reply.text = "\n\n".join(p for p in [*self.reply.warnings, *self.parts] if p)
        return self.reply

    def fail(self, exc: WanError) -> Reply:
        """Turn an error into the reply (the work already reported stays in it)."""
        from agent.jobs.agent_job import error_json

        self.reply.error = error_json(exc)
        if self.reply.error["kind"] == "credits":
            self.reply.error["bind_url"] = self.registration_link()
        self.parts.append(error_text(self.reply.error, self.language))
        return self.finish()

    # -- direct API actions --------------------------------------------------------------------

    def credits(self) -> None:
        conn = self.rt.connection()
        balance = conn.call(lambda c: c.credits())
        self.parts.append(
            render(
                "credits_balance",
                self.language,
                available=_whole(balance.available),
                frozen=_whole(balance.frozen),
                total=_whole(balance.total),
                anonymous=conn.anonymous,
                register_url=self.registration_link() if conn.anonymous else None,
            )
        )

    def status(self, job_id: str | None = None) -> None:
        if job_id is not None:
            self.result(job_id)  # one job: its progress, or its outcome
            return
        from agent.conversation.draft import snapshot_from_state, track_summary

        running = [j for j in self.rt.ledger.jobs() if j.active]
        now = time.time()
        for job in running:
            self.parts.append(progress_text(job, self.language, now))
        if running:
            self.reply.job = job_json(running[-1])
        conn = self.rt.connection()
        if conn.project.session(conn.api_url) is None and not running:
            self.parts.append(render("status_no_project", self.language))
            return
        state = conn.in_session(self.language, lambda c, sid: c.state(sid))
        summary = track_summary(snapshot_from_state(state.state).draft, self.language)
        if not (self.parts and self.parts[-1].endswith(summary)):  # a report just showed it
            self.parts.append(summary)
        self.note_session_replaced()

    def result(self, job_id: str) -> None:
        """One job: its progress while it runs, its outcome (again, idempotently) once done."""
        from agent.outcomes import outcome

        job = self.rt.ledger.get(job_id)
        if job is None:
            raise unknown_job(job_id)
        self.reply.job = job_json(job)
        if job.active:
            self.parts.append(progress_text(job, self.language, time.time()))
            return
        report_job(self.rt, job_id, self.language)
        self.add_report(outcome(job, self.language), job_error=job.error)

    def upload(self, media: Sequence[LocalMedia], urls: Sequence[str] = ()) -> None:
        """Upload local files (streamed) and/or media URLs to the project's session."""
        if not media and not urls:
            self.parts.append(render("upload_needs_file", self.language))
            return
        conn = self.rt.connection()
        paths = [m.path for m in media]
        uploaded: list[UploadedFile] = []
        if paths:
            result = conn.in_session(self.language, lambda c, sid: c.upload_files(sid, paths))
            uploaded.extend(result.files)
        if urls:
            result = conn.in_session(self.language, lambda c, sid: c.upload_urls(sid, urls))
            uploaded.extend(result.files)
        self.note_session_replaced()
        files = [
            {"name": f.filename, "type": f.file_type or "", "url": f.url or ""} for f in uploaded
        ]
        self.reply.media.extend(
            {"kind": f["type"], "url": f["url"], "name": f["name"]} for f in files
        )
        self.parts.append(render("upload_done", self.language, files=files))

    # -- long work -----------------------------------------------------------------------------

    def export(self, wait: float | None) -> None:
        conn = self.rt.connection()
        session = conn.session(self.language)
        request = {"session_id": session.session_id}
        self.start_job("export", request, fingerprint("export", session.session_id), wait)

    def chat(
        self,
        text: str,
        media: Sequence[LocalMedia],
        mode: str | None,
        kind: str | None,
        wait: float | None,
    ) -> None:
        if kind is None:
            kind = "edit" if self.has_video() else "generation"
        request = {
            "text": text,
            "mode": mode,
            "attachments": [{"path": str(m.path), "kind": m.kind, "size": m.size} for m in media],
        }
        if not media:
            request["message"] = text
        # Token and session first, here: a refusal (no free token, a dead network) is this
        # turn's answer rather than a failed job, and nothing paid has been asked for yet.
        conn = self.rt.connection()
        conn.authenticate()
        conn.session(self.language)
        self.start_job(kind, request, fingerprint(kind, text, *(m.identity for m in media)), wait)

    def has_video(self) -> bool:
        return any(j.kind == "generation" and j.state == "succeeded" for j in self.rt.ledger.jobs())

    def start_job(
        self, kind: str, request: dict[str, Any], fingerprint: str, wait: float | None
    ) -> None:
        rt = self.rt
        job, created = rt.ledger.create(kind, request, fingerprint, self.language, time.time())
        if not created:
            self.reply.job = job_json(job)
            self.parts.append(
                render(
                    "job_duplicate",
                    self.language,
                    kind=job.kind,
                    job_id=job.id,
                    progress=job.progress,
                )
            )
            return
        spawn_worker(rt.settings.env, rt.log_dir, rt.project.name, job.id, job.launch_id)
        self.wait_for(job, self.wait_budget(wait))

    def wait_budget(self, wait: float | None) -> float:
        if wait is not None:
            return wait
        if self.rt.settings.wait_seconds is not None:
            return self.rt.settings.wait_seconds
        return OPENCLAW_WAIT_SECONDS if self.rt.host.name == "openclaw" else DEFAULT_WAIT_SECONDS

    def wait_for(self, job: Job, budget: float) -> None:
        deadline = time.monotonic() + budget
        current: Job | None = job
        while time.monotonic() < deadline:
            current = self.rt.ledger.get(job.id)
            if current is None or current.state in FINAL_STATES:
                break
            self.reply.job = job_json(current)
            if self.on_wait is not None:
                self.on_wait(current)
            time.sleep(POLL_SECONDS)
        current = self.rt.ledger.get(job.id)
        if current is None:
            return
        follow = current.result.get("follow_up")
        if current.state in FINAL_STATES:
            report = report_job(self.rt, job.id, self.language)
            if report is not None:
                self.add_report(report, job_error=current.error)
            self.reply.job = job_json(current)
            if isinstance(follow, dict) and follow.get("job_id"):
                remaining = deadline - time.monotonic()
                follow_job = self.rt.ledger.get(str(follow["job_id"]))
                if follow_job is not None and remaining > 0:
                    self.wait_for(follow_job, remaining)
            return
        self.reply.job = job_json(current)
        # What was started, then what it has already reached ("the raw clip is ready"), then
        # where it stands now.
        self.parts.append(
            render("job_started", self.language, kind=current.kind, job_id=current.id)
        )
        for report in collect_updates(self.rt, self.language):
            self.add_report(report)
        self.parts.append(progress_text(current, self.language, time.time()))

    # -- pieces of the reply -------------------------------------------------------------------

    def add_report(self, report: JobReport, job_error: dict[str, Any] | None = None) -> None:
        self.parts.append(report.text)
        if report.job_id is not None and report.job_id not in self.reply.reported_jobs:
            self.reply.reported_jobs.append(report.job_id)
        self.reply.media.extend(report.media)
        self.reply.links.update(report.links)
        if report.question is not None:
            self.reply.question = report.question
        if job_error is not None and self.reply.error is None:
            self.reply.error = dict(job_error)

    def note_session_replaced(self) -> None:
        conn = self.rt.connection()
        if conn.session_replaced:
            self.parts.insert(0, render("session_replaced", self.language))
            conn.session_replaced = False

    def registration_link(self) -> str | None:
        from agent.links import registration_link

        return registration_link(self.rt.connection())


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "phase": job.phase,
        "progress": job.progress,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def unknown_job(job_id: str) -> WanError:
    from agent.errors import UsageError

    return UsageError(f"no job {job_id!r} in this project", job_id=job_id, reason="unknown_job")


def fingerprint(*parts: str) -> str:
    joined = "\x1f".join(" ".join(p.split()).lower() for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 1)
