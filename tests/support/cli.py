"""Running the real `wan22` in a subprocess with a private HOME, recording every output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import ROOT

RECORD_DIR_ENV = "WAN22_TEST_RECORD_DIR"


@dataclass
class Result:
    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def text(self) -> str:
        return self.json["text"] if self.stdout.lstrip().startswith("{") else self.stdout


def isolated_env(home: Path, api_url: str | None, **extra: str) -> dict[str, str]:
    """An environment whose HOME and XDG dirs are private, pointed at `api_url`."""
    keep = ("PATH", "LANG", "SYSTEMROOT", "TMPDIR", RECORD_DIR_ENV)
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        WAN22_OUTPUT_DIR=str(home / "videos"),
        WAN22_TIME_SCALE="0.02",
    )
    if api_url is not None:
        env["NEMO_API_URL"] = api_url
    env.update(extra)
    return env


def run_wan22(
    env: dict[str, str],
    *args: str,
    timeout: float = 120,
    cwd: Path | None = None,
    launcher: list[str] | None = None,
) -> Result:
    argv = [*(launcher or [sys.executable, "-m", "agent"]), *args]
    completed = subprocess.run(
        argv, cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    record(argv, completed.stdout, completed.stderr)
    return Result(list(args), completed.returncode, completed.stdout, completed.stderr)


def record(argv: list[str], stdout: str, stderr: str) -> None:
    """Keep every output for the end-of-suite leak scan."""
    directory = os.environ.get(RECORD_DIR_ENV)
    if not directory:
        return
    path = Path(directory) / f"outputs-{os.getpid()}.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"argv": argv, "stdout": stdout, "stderr": stderr}) + "\n")
