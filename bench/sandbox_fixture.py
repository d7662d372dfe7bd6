"""A sandbox server and a primed private home for the benchmarks that need a backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BenchSandbox:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="wan22-bench-"))
        ready = self.dir / "ready"
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
                str(self.dir / "data"),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not (ready.exists() and ready.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.05)
        self.url = ready.read_text().strip()
        home = self.dir / "home"
        home.mkdir()
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "NEMO_API_URL": self.url,
            "WAN22_OUTPUT_DIR": str(home / "videos"),
        }

    def prime(self) -> str:
        """Run one turn so the token and manifest cache exist; return the token (for floors)."""
        subprocess.run(
            [sys.executable, "-m", "agent", "credits", "--json"],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        credentials = Path(self.env["XDG_CONFIG_HOME"]) / "wan22" / "credentials.json"
        return str(next(iter(json.loads(credentials.read_text())["backends"].values()))["token"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
