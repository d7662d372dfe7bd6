"""`--sandbox` and `wan22 sandbox start|stop|status`: one background sandbox per user.

The sandbox runs as its own process (`wan22 sandbox serve`), recorded in
`<state>/sandbox.json`; this module starts, finds and stops it without importing it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from agent.errors import WanError
from agent.store.dirs import AppDirs
from agent.store.files import atomic_write_json, ensure_private_dir, read_json

START_TIMEOUT_SECONDS = 20.0


class SandboxUnavailable(WanError):
    kind = "sandbox"


@dataclass(frozen=True)
class SandboxProcess:
    pid: int
    url: str


def _record_file(dirs: AppDirs) -> Path:
    return dirs.state / "sandbox.json"


def running_sandbox(dirs: AppDirs) -> SandboxProcess | None:
    raw = read_json(_record_file(dirs))
    if not isinstance(raw, dict):
        return None
    pid, url = raw.get("pid"), raw.get("url")
    if not isinstance(pid, int) or not isinstance(url, str):
        return None
    if not _alive(pid) or not _accepts(url):
        return None
    return SandboxProcess(pid, url)


def ensure_sandbox(dirs: AppDirs, env: dict[str, str]) -> SandboxProcess:
    """The running background sandbox, started now if none runs."""
    current = running_sandbox(dirs)
    if current is not None:
        return current
    ensure_private_dir(dirs.state)
    ready = dirs.state / "sandbox.ready"
    with contextlib.suppress(FileNotFoundError):
        ready.unlink()
    data_dir = ensure_private_dir(dirs.cache / "sandbox")
    log = os.open(dirs.state / "sandbox.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    argv = [
        sys.executable,
        "-m",
        "agent",
        "sandbox",
        "serve",
        "--port",
        "0",
        "--ready-file",
        str(ready),
        "--data-dir",
        str(data_dir),
    ]
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=str(dirs.state),
            env=env,
            start_new_session=True,
        )
    finally:
        os.close(log)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if ready.exists() and ready.read_text().strip():
            url = ready.read_text().strip()
            atomic_write_json(_record_file(dirs), {"pid": process.pid, "url": url})
            return SandboxProcess(process.pid, url)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    raise SandboxUnavailable(
        "the sandbox did not start; see " + str(dirs.state / "sandbox.log"),
        log=str(dirs.state / "sandbox.log"),
    )


def stop_sandbox(dirs: AppDirs) -> SandboxProcess | None:
    current = running_sandbox(dirs)
    if current is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(current.pid, signal.SIGTERM)
        for _ in range(100):
            if not _alive(current.pid):
                break
            time.sleep(0.05)
    with contextlib.suppress(FileNotFoundError):
        _record_file(dirs).unlink()
    return current


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _accepts(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), 1.0):
            return True
    except OSError:
        return False
