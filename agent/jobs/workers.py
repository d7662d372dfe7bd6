"""Detached worker processes: starting one for a job, and telling whether one is alive.

A worker holds an exclusive lock on `jobs/<id>.alive` for as long as it lives; the kernel drops
it when the process dies (even by SIGKILL), so "can I take the lock?" answers "is it dead?"
without trusting PIDs, which the system reuses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from agent.jobs.ledger import Ledger
from agent.store.files import ensure_private_dir

RUNTIME_ROOT = Path(__file__).resolve().parent.parent.parent
PROBE_GRACE_SECONDS = 1.0


def spawn_worker(
    env: Mapping[str, str],
    log_dir: Path,
    project: str,
    job_id: str,
    launch_id: str,
    *,
    recover: bool = False,
) -> int:
    """Start `wan22 worker` for the job in its own session, outliving this process."""
    ensure_private_dir(log_dir)
    argv = [sys.executable, "-m", "agent", "worker", "--project", project, job_id, launch_id]
    if recover:
        argv.append("--recover")
    child_env = dict(env)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(RUNTIME_ROOT), child_env.get("PYTHONPATH", "")) if p
    )
    log_fd = os.open(log_dir / "worker.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log_fd,
            stderr=log_fd,
            cwd=str(log_dir),
            env=child_env,
            close_fds=True,
            **_detached(),  # type: ignore[call-overload]
        )
    finally:
        os.close(log_fd)
    return int(process.pid)


def _detached() -> dict[str, object]:
    if sys.platform == "win32":
        flags = subprocess.CREATE_NEW_PROCESS_GROUP | 0x00000008  # DETACHED_PROCESS
        return {"creationflags": flags}
    return {"start_new_session": True}


def worker_alive(ledger: Ledger, job_id: str) -> bool:
    """True while some process holds the job's alive lock."""
    from filelock import FileLock, Timeout

    path = ledger.alive_lock_path(job_id)
    if not path.exists():
        return False
    lock = FileLock(str(path), mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


@contextmanager
def alive(ledger: Ledger, job_id: str) -> Iterator[bool]:
    """Hold the job's alive lock for the block; yields False if another worker holds it."""
    from filelock import FileLock, Timeout

    ensure_private_dir(ledger.root)
    lock = FileLock(str(ledger.alive_lock_path(job_id)), mode=0o600)
    try:
        # A liveness probe holds the lock for an instant: wait that out, not a live worker.
        lock.acquire(timeout=PROBE_GRACE_SECONDS)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
