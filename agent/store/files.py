"""Private files written atomically: 0700 dirs, 0600 files, temp file + fsync + rename.

A reader never sees half a file, a crash never leaves one, and a corrupted or hand-edited file
is moved aside (kept for the user) instead of crashing the turn.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from agent.errors import StorageError

DIR_MODE = 0o700
FILE_MODE = 0o600

_recovered: list[tuple[Path, Path | None]] = []


def drain_recovered() -> list[tuple[Path, Path | None]]:
    """Damaged files set aside since the last call: (original, where it went)."""
    found = list(_recovered)
    _recovered.clear()
    return found


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700; tighten it if it already exists."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if (path.stat().st_mode & 0o777) != DIR_MODE:
            path.chmod(DIR_MODE)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {path}: {exc.strerror}", path=str(path)
        ) from exc
    return path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, mode 0600."""
    ensure_private_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror}", path=str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StorageError(f"cannot write {path}: {exc.strerror}", path=str(path)) from exc


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode())


def read_json(path: Path) -> Any | None:
    """The JSON in `path`, or None when it does not exist.

    A file that is not valid JSON is renamed to `<name>.corrupt-<n>` and reported as missing,
    so one bad write (or a hand edit) costs that file's contents, never the turn.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}", path=str(path)) from exc
    try:
        return json.loads(raw)
    except ValueError:
        quarantine(path)
        return None


def quarantine(path: Path) -> Path | None:
    """Move a damaged file aside so the user can inspect it; return where it went."""
    moved: Path | None = None
    for n in range(1, 1000):
        target = path.with_name(f"{path.name}.corrupt-{n}")
        if not target.exists():
            with contextlib.suppress(OSError):
                path.rename(target)
                moved = target
            break
    _recovered.append((path, moved))
    return moved
