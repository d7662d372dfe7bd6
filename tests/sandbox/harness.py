"""Driving a real `python -m agent.sandbox serve` subprocess with plain httpx over loopback
(never through our client, which the sandbox must keep honest)."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "sandbox"
ATTRIBUTION = {
    "X-Skill-Source": "wan-22",
    "X-Skill-Version": "0.1.0",
    "X-Skill-Platform": "unknown",
}
# Quick enough that a generation takes well under a second, slow enough to see every heartbeat
# form and a render's progress rise.
TEST_SETTINGS: dict[str, Any] = {
    "generation_seconds": 0.15,
    "second_stage_seconds": 0.06,
    "edit_seconds": 0.05,
    "text_seconds": 0.0,
    "heartbeat_seconds": 0.03,
    "render_seconds": 0.25,
    "silent_edit_rate": 0.0,
    "gui_speak_rate": 0.0,
    "trailing_issue_rate": 0.0,
    "generation_cost": 100,
    "edit_cost": 50,
    "initial_credits": 1000,
    "max_upload_bytes": 2 * 1024**3,
    "ip_token_limit": 1_000_000,
    "token_days": 7.0,
    "wire": "typed",
    "render_shape": "rotate",
    "error_http_status": False,
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class ServerProcess:
    """`python -m agent.sandbox serve --port 0` until `stop()`."""

    def __init__(self, workdir: Path, *flags: str, env: dict[str, str] | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.ready = workdir / "ready"
        self.stderr_path = workdir / "stderr.log"
        self._stderr = self.stderr_path.open("wb")
        argv = [sys.executable, "-m", "agent.sandbox", "serve", "--port", "0"]
        self.process = subprocess.Popen(
            [*argv, "--ready-file", str(self.ready), *flags],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().decode()
        deadline = time.monotonic() + 30
        while not (self.ready.exists() and self.ready.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sandbox did not start: " + self.stderr_path.read_text())
            time.sleep(0.02)
        self.url = self.ready.read_text().strip()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
        return code


@dataclass
class User:
    token: str
    user_id: str
    client_id: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Stream:
    status: int
    headers: httpx.Headers
    lines: list[str]

    @property
    def events(self) -> list[dict[str, Any]]:
        """The JSON of every non-empty `data:` line."""
        return [json.loads(x[5:]) for x in self.lines if x.startswith("data:") and x[5:].strip()]

    def typed(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    def texts(self) -> list[str]:
        """Text from either wire shape."""
        found = [e["content"] for e in self.events if e.get("type") == "text"]
        for event in self.events:
            content = event.get("content")
            if isinstance(content, dict):
                found += [p["text"] for p in content["parts"] if "text" in p]
        return found

    def calls(self) -> list[dict[str, Any]]:
        """Tool calls from either wire shape, as `{"name", "args"}`."""
        found = [{"name": e["name"], "args": e["args"]} for e in self.typed("tool_call")]
        for event in self.events:
            content = event.get("content")
            if isinstance(content, dict):
                found += [p["functionCall"] for p in content["parts"] if "functionCall" in p]
        return found


class Harness:
    """The sandbox's API and control API, spoken with plain httpx."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.url = server.url
        self.port = int(self.url.rsplit(":", 1)[1])
        self.http = httpx.Client(base_url=self.url, headers=ATTRIBUTION, timeout=30)
        self.admin = httpx.Client(base_url=self.url, timeout=30)

    # control API

    def configure(self, **settings: Any) -> dict[str, Any]:
        response = self.admin.post("/_sandbox/config", json=settings)
        response.raise_for_status()
        return response.json()

    def faults(self, *rules: dict[str, Any]) -> None:
        self.admin.post("/_sandbox/faults", json={"rules": list(rules)}).raise_for_status()

    def log(self) -> list[dict[str, Any]]:
        return self.admin.get("/_sandbox/log").json()["entries"]

    def log_since(self, start: int) -> list[dict[str, Any]]:
        return self.log()[start:]

    # the vendor API

    def new_user(self) -> User:
        client_id = str(uuid.uuid4())
        response = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
        data = response.json()["data"]
        return User(data["token"], data["user_id"], client_id)

    def new_session(self, user: User, language: str = "en") -> str:
        body = {"task_name": "project", "language": language}
        response = self.http.post(
            "/api/tasks/me/with-session/nemo_agent", headers=user.auth, json=body
        )
        return response.json()["data"]["session_id"]

    def run(self, user: User, session_id: str, text: str, **client: Any) -> Stream:
        body = fixture("run_request.json")
        body["session_id"] = session_id
        body["new_message"]["parts"][0]["text"] = text
        headers = {**user.auth, "Accept": "text/event-stream"}
        http = (
            httpx.Client(base_url=self.url, headers=ATTRIBUTION, **client) if client else self.http
        )
        with http.stream("POST", "/run_sse", headers=headers, json=body) as response:
            return Stream(response.status_code, response.headers, list(response.iter_lines()))

    def state(self, user: User, session_id: str) -> dict[str, Any]:
        path = f"/api/state/nemo_agent/me/{session_id}/latest"
        return self.http.get(path, headers=user.auth).json()

    def draft(self, user: User, session_id: str) -> dict[str, Any]:
        return self.state(user, session_id)["data"]["state"]["draft"]

    def credits(self, user: User) -> dict[str, Any]:
        return self.http.get("/api/credits/balance/simple", headers=user.auth).json()["data"]

    def made_video(self, text: str = "Generate a 4-second video of a red kite") -> tuple[User, str]:
        """A user with a session whose draft has a generated, post-produced video."""
        user = self.new_user()
        session_id = self.new_session(user)
        self.run(user, session_id, text)
        return user, session_id

    def submit(
        self, user: User, session_id: str, draft: dict[str, Any] | None = None, **headers: str
    ) -> httpx.Response:
        body = fixture("render_submit.json")
        body["id"] = "render_" + uuid.uuid4().hex[:12]
        body["sessionId"] = session_id
        body["draft"] = draft if draft is not None else self.draft(user, session_id)
        return self.http.post(
            "/api/render/proxy/lambda", headers={**user.auth, **headers}, json=body
        )

    def poll(self, user: User, render_id: str) -> dict[str, Any]:
        return self.http.get(f"/api/render/proxy/lambda/{render_id}", headers=user.auth).json()

    def wait_render(self, user: User, render_id: str, polls: int = 300) -> list[dict[str, Any]]:
        """Every poll answer until the render is completed or failed."""
        seen = []
        for _ in range(polls):
            body = self.poll(user, render_id)
            seen.append(body)
            if poll_status(body) in ("completed", "failed", "cancelled"):
                return seen
            time.sleep(0.03)
        raise AssertionError(f"render {render_id} never finished: {seen[-1]}")

    def rendered(self, user: User, session_id: str) -> tuple[str, dict[str, Any]]:
        """Submit the session's draft, wait, return (render id, final poll answer)."""
        render_id = self.submit(user, session_id).json()["data"]["id"]
        return render_id, self.wait_render(user, render_id)[-1]


def poll_status(body: dict[str, Any]) -> str:
    return body["data"]["status"] if "data" in body else body["status"]


def poll_url(body: dict[str, Any]) -> str | None:
    if "data" in body:
        return body["data"]["outputUrl"]
    return (body.get("output") or {}).get("url")


def draft_copy(draft: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(draft)
