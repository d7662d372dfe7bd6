"""What each turn tells the user first: jobs that finished and milestones reached since the last
turn (each exactly once), and the care of jobs whose worker died.

A job whose worker died before sending is relaunched (nothing reached the server); one that
died after sending gets a recovery worker that reads the state and never re-sends.
"""

from __future__ import annotations

import secrets
import time

from agent.jobs.ledger import FINAL_STATES, QUEUED, Job
from agent.jobs.workers import spawn_worker, worker_alive
from agent.outcomes import JobReport, milestone_text, outcome
from agent.runtime import Runtime

# A worker gets this long (real seconds: process start-up does not scale) to take its lock
# before it is presumed dead.
LAUNCH_GRACE_SECONDS = 10.0


def collect_updates(
    rt: Runtime, language: str, *, skip: frozenset[str] = frozenset()
) -> list[JobReport]:
    """Reports of finished jobs and new milestones, marked as reported."""
    reports: list[JobReport] = []
    for job in rt.ledger.jobs():
        if job.id in skip:
            continue
        if job.state in FINAL_STATES and not job.reported:
            report = report_job(rt, job.id, language)
            if report is not None:
                reports.append(report)
        elif job.active:
            reports.extend(_milestones(rt, job, language))
    return reports


def report_job(rt: Runtime, job_id: str, language: str) -> JobReport | None:
    """The outcome of one finished job, marking it reported (None if someone else reported it)."""
    claimed: list[Job] = []

    def claim(job: Job) -> bool:
        if job.state not in FINAL_STATES or job.reported:
            return False
        job.reported = True
        for milestone in job.milestones:
            milestone["reported"] = True
        claimed.append(job)
        return True

    rt.ledger.update(job_id, claim)
    return outcome(claimed[0], language) if claimed else None


def _milestones(rt: Runtime, job: Job, language: str) -> list[JobReport]:
    fresh = [m["stage"] for m in job.milestones if not m.get("reported")]
    if not fresh:
        return []

    def mark(j: Job) -> None:
        for milestone in j.milestones:
            milestone["reported"] = True

    rt.ledger.update(job.id, mark)
    return [JobReport(milestone_text(stage, language)) for stage in fresh]


def tend_workers(rt: Runtime) -> None:
    """Relaunch or recover active jobs whose worker is gone."""
    now = time.time()
    for job in rt.ledger.jobs():
        if not job.active or now - job.launched_at < LAUNCH_GRACE_SECONDS:
            continue
        if worker_alive(rt.ledger, job.id):
            continue
        relaunched = rt.ledger.update(job.id, _relaunch)
        if relaunched is None:
            continue
        spawn_worker(
            rt.settings.env,
            rt.log_dir,
            rt.project.name,
            relaunched.id,
            relaunched.launch_id,
            recover=relaunched.sent,
        )


def _relaunch(job: Job) -> None:
    job.launch_id = secrets.token_hex(8)
    job.launched_at = time.time()
    if job.sent:
        job.phase = "recovering"
        job.notes.append({"kind": "worker_lost", "at": job.launched_at})
    else:
        job.state = QUEUED
