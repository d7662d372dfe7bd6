"""Cross-process locks for state that several turns may write at once (two hosts, two shells)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.errors import StorageError
from agent.store.files import ensure_private_dir

LOCK_TIMEOUT_SECONDS = 30.0


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock file `path` (created 0600 in a 0700 dir) for the duration of the block."""
    from filelock import FileLock, Timeout

    ensure_private_dir(path.parent)
    lock = FileLock(str(path), mode=0o600)
    try:
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise StorageError(
            f"another wan22 process has held {path.name} for {timeout:.0f} s", path=str(path)
        ) from exc
    try:
        yield
    finally:
        lock.release()
