"""The sandbox as a process: what it prints, its flags, its ready file, its exit on SIGTERM and
SIGINT, and that it stays apart from the client (no imports either way)."""

from __future__ import annotations

import ast
import contextlib
import re
import signal
import socket
import subprocess
import sys
import threading

import httpx

from tests.sandbox.harness import ROOT, Harness, ServerProcess


def test_first_line_and_ready_file(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
    assert server.first_line == f"wan22 sandbox listening on {server.url}\n"
    assert server.ready.read_text() == server.url + "\n"
    assert httpx.get(server.url + "/_sandbox/health").json()["ok"] is True


def test_flags_set_the_settings_and_sigterm_ends_it_cleanly(tmp_path):
    data = tmp_path / "data"
    process = ServerProcess(
        tmp_path / "flags",
        "--speed",
        "realistic",
        "--credits",
        "7",
        "--wire",
        "adk",
        "--render-shape",
        "init",
        "--seed",
        "42",
        "--data-dir",
        str(data),
        "--set",
        "silent_edit_rate=1",
        "--set",
        "error_http_status=true",
    )
    config = httpx.get(process.url + "/_sandbox/config").json()
    assert config["generation_seconds"] == 150 and config["render_seconds"] == 30
    assert config["initial_credits"] == 7 and config["wire"] == "adk"
    assert config["render_shape"] == "init" and config["seed"] == 42
    assert config["silent_edit_rate"] == 1.0 and config["error_http_status"] is True
    assert process.stop(signal.SIGTERM) == 0
    assert data.is_dir(), "a data folder given by the user is kept"


def test_sigint_with_an_open_stream_removes_the_temporary_folder(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = ServerProcess(tmp_path / "sigint", env={"TMPDIR": str(scratch)})
    harness = Harness(process)
    harness.configure(generation_seconds=60, heartbeat_seconds=0.05)
    user = harness.new_user()
    session_id = harness.new_session(user)
    streaming = threading.Event()

    def listen() -> None:
        try:
            with harness.http.stream(
                "POST",
                "/run_sse",
                headers=user.auth,
                json={
                    "session_id": session_id,
                    "new_message": {"parts": [{"text": "Generate a video of a slow sunrise"}]},
                },
            ) as response:
                for _ in response.iter_lines():
                    streaming.set()
        except httpx.HTTPError:
            streaming.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert streaming.wait(10)
    assert any(scratch.iterdir()), "the temporary data folder exists while serving"
    assert process.stop(signal.SIGINT) == 0
    thread.join(10)
    assert not any(scratch.iterdir())
    harness.http.close()
    harness.admin.close()


def test_nothing_secret_or_noisy_is_printed(tmp_path):
    process = ServerProcess(tmp_path / "quiet")
    harness = Harness(process)
    user = harness.new_user()
    harness.faults({"path": "/api/credits/", "kind": "reset"})
    with contextlib.suppress(httpx.TransportError):
        harness.http.get("/api/credits/balance/simple", headers=user.auth)
    harness.http.get("/api/credits/balance/simple", headers=user.auth)
    harness.http.close()
    harness.admin.close()
    assert process.stop() == 0
    printed = process.stderr_path.read_text() + process.first_line
    assert user.token not in printed
    assert "Traceback" not in printed and "GET /" not in printed


def test_bad_flags_and_a_busy_port(tmp_path):
    def serve(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "agent.sandbox", "serve", *flags],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert serve("--wire", "smoke").returncode == 2
    unknown = serve("--set", "nope=1")
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        taken = serve("--port", str(busy.getsockname()[1]))
    assert taken.returncode == 1 and "cannot listen" in taken.stderr


def test_wan22_sandbox_serve_is_the_same_server(tmp_path):
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "sandbox", "serve", "--ready-file", str(ready)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("wan22 sandbox listening on http://127.0.0.1:")
    finally:
        process.terminate()
        assert process.wait(15) == 0
        if process.stdout is not None:
            process.stdout.close()


def _imports(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "agent" / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_sandbox_and_client_never_import_each_other():
    sandbox = {name for name in _imports("sandbox") if name.startswith("agent")}
    assert all(name.startswith("agent.sandbox") for name in sandbox), sandbox
    assert not any(name.startswith("agent.sandbox") for name in _imports("backend"))
