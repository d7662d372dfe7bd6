"""A real sandbox server in a subprocess, and its control API (`/_sandbox/...`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support import ROOT


class SandboxServer:
    """`wan22 sandbox serve --port 0` on loopback, started and stopped by the test suite."""

    def __init__(self, workdir: Path, *extra: str) -> None:
        self.workdir = workdir
        ready = workdir / "ready"
        self.log = (workdir / "sandbox.log").open("wb")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(
            [
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
                str(workdir / "data"),
                *extra,
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while not (ready.exists() and ready.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "sandbox did not start: " + (workdir / "sandbox.log").read_text()
                )
            time.sleep(0.05)
        self.url = ready.read_text().strip()
        self.admin = httpx.Client(base_url=self.url, timeout=30)

    def stop(self) -> None:
        self.admin.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def configure(self, **settings: Any) -> dict[str, Any]:
        response = self.admin.post("/_sandbox/config", json=settings)
        response.raise_for_status()
        return response.json()

    def faults(self, *rules: dict[str, Any]) -> None:
        self.admin.post("/_sandbox/faults", json={"rules": list(rules)}).raise_for_status()

    def clear_faults(self) -> None:
        self.admin.delete("/_sandbox/faults").raise_for_status()

    def log_entries(self) -> list[dict[str, Any]]:
        response = self.admin.get("/_sandbox/log")
        response.raise_for_status()
        data = response.json()
        return data["entries"] if isinstance(data, dict) else data

    def tokens(self) -> list[str]:
        response = self.admin.get("/_sandbox/tokens")
        response.raise_for_status()
        data = response.json()
        found = data.get("tokens", data) if isinstance(data, dict) else data
        values = []
        for item in found:
            if isinstance(item, str):
                values.append(item)
            elif isinstance(item, dict):
                # API tokens only: claim tokens are made to be shown in browser links.
                values.extend(v for k, v in item.items() if k == "token" and v)
        return values

    def expire_tokens(self) -> None:
        self.admin.post("/_sandbox/expire-token", json={"all": True}).raise_for_status()

    def drop_sessions(self) -> None:
        self.admin.post("/_sandbox/drop-session", json={"all": True}).raise_for_status()

    def reset(self) -> None:
        self.admin.post("/_sandbox/reset").raise_for_status()
