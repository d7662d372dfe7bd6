"""The job ledger: every generation, edit and export of a project, durable across turns.

One JSON file per job (`jobs/<id>.json`, replaced atomically under a per-job lock), one
append-only journal of stream events per job (`jobs/<id>.events.jsonl`, written only by the
job's worker). A job is written here before its request leaves the machine, so whoever runs the
next turn can find out how it ended, and an identical request while one runs finds that one.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from agent.store.files import atomic_write_json, ensure_private_dir, quarantine, read_json
from agent.store.locks import locked

QUEUED, RUNNING, SUCCEEDED, FAILED, UNKNOWN = "queued", "running", "succeeded", "failed", "unknown"
ACTIVE_STATES = frozenset({QUEUED, RUNNING})
FINAL_STATES = frozenset({SUCCEEDED, FAILED, UNKNOWN})
KINDS = frozenset({"generation", "edit", "export"})


@dataclass
class Job:
    """One unit of long work and everything known about it."""

    id: str
    kind: str
    request: dict[str, Any]
    fingerprint: str
    language: str
    state: str = QUEUED
    phase: str = "queued"
    progress: int = 0
    created_at: float = 0.0
    updated_at: float = 0.0
    sent_at: float | None = None
    finished_at: float | None = None
    launch_id: str = ""
    launched_at: float = 0.0
    worker_pid: int | None = None
    session_id: str | None = None
    api_url: str | None = None
    milestones: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    reported: bool = False
    before: dict[str, Any] | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def sent(self) -> bool:
        """True once the request may have reached the server: it must never be sent again."""
        return self.sent_at is not None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Any) -> Job | None:
        if not isinstance(raw, dict):
            return None
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        try:
            job = cls(**values)
        except TypeError:
            return None
        if (
            not isinstance(job.id, str)
            or job.kind not in KINDS
            or not isinstance(job.request, dict)
        ):
            return None
        return job


def new_job_id(now: float) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
    return f"job-{stamp}-{secrets.token_hex(3)}"


class Ledger:
    """The jobs of one project, under `<project>/jobs/`."""

    def __init__(self, project_root: Path) -> None:
        self.root = project_root / "jobs"
        self._lock = project_root / ".ledger.lock"

    def path(self, job_id: str) -> Path:
        return self.root / f"{job_id}.json"

    def journal_path(self, job_id: str) -> Path:
        return self.root / f"{job_id}.events.jsonl"

    def alive_lock_path(self, job_id: str) -> Path:
        return self.root / f"{job_id}.alive"

    def create(
        self, kind: str, request: dict[str, Any], fingerprint: str, language: str, now: float
    ) -> tuple[Job, bool]:
        """Record a new job, or return the active job with the same fingerprint (not created)."""
        ensure_private_dir(self.root)
        with locked(self._lock):
            for job in self.jobs():
                if job.active and job.fingerprint == fingerprint:
                    return job, False
            job = Job(
                id=new_job_id(now),
                kind=kind,
                request=request,
                fingerprint=fingerprint,
                language=language,
                created_at=now,
                updated_at=now,
                launch_id=secrets.token_hex(8),
                launched_at=now,
            )
            atomic_write_json(self.path(job.id), job.to_json())
            return job, True

    def get(self, job_id: str) -> Job | None:
        if not _safe_id(job_id):
            return None
        raw = read_json(self.path(job_id))
        job = Job.from_json(raw) if raw is not None else None
        if raw is not None and job is None:
            quarantine(self.path(job_id))
        return job

    def update(self, job_id: str, change: Callable[[Job], bool | None]) -> Job | None:
        """Apply `change` to the stored job under its lock; None when the job is gone.

        `change` may return False to say it changed nothing, which saves the write.
        """
        with self.job_lock(job_id):
            job = self.get(job_id)
            if job is None:
                return None
            if change(job) is False:
                return job
            job.updated_at = time.time()
            atomic_write_json(self.path(job_id), job.to_json())
            return job

    @contextmanager
    def job_lock(self, job_id: str) -> Iterator[None]:
        with locked(self.root / f".{job_id}.lock"):
            yield

    def jobs(self) -> list[Job]:
        """Every readable job, oldest first."""
        try:
            names = sorted(p.name for p in self.root.glob("job-*.json"))
        except OSError:
            return []
        found = []
        for name in names:
            job = self.get(name[: -len(".json")])
            if job is not None:
                found.append(job)
        return found

    def append_event(self, job_id: str, event: dict[str, Any]) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        fd = os.open(self.journal_path(job_id), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line)

    def events(self, job_id: str) -> list[dict[str, Any]]:
        try:
            lines = self.journal_path(job_id).read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        events = []
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a line cut by a crash: the rest of the journal still counts
            if isinstance(event, dict):
                events.append(event)
        return events


def _safe_id(job_id: str) -> bool:
    return job_id.startswith("job-") and all(c.isalnum() or c == "-" for c in job_id)
