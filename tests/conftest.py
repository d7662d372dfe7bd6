"""Suite-wide fixtures: a real sandbox server, private homes, and the leak scan.

The leak scan runs when the whole suite ends: every subprocess output, every argv, and every
file in every test home (except the credential file) is searched for every token and claim
token the sandboxes issued. A hit fails the run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from tests.support.cli import RECORD_DIR_ENV, isolated_env
from tests.support.sandbox import SandboxServer

FAST = {
    "generation_seconds": 1.5,
    "second_stage_seconds": 0.6,
    "edit_seconds": 0.4,
    "text_seconds": 0.05,
    "heartbeat_seconds": 0.1,
    "render_seconds": 1.0,
    "silent_edit_rate": 0.0,
    "gui_speak_rate": 0.0,
    "trailing_issue_rate": 0.0,
    "initial_credits": 1000,
    "ip_token_limit": 1000000,
    "wire": "typed",
    "render_shape": "rotate",
    "error_http_status": False,
    "max_upload_bytes": 2 * 1024**3,
    "generation_cost": 100,
    "edit_cost": 50,
}


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and not os.environ.get(RECORD_DIR_ENV):
        os.environ[RECORD_DIR_ENV] = tempfile.mkdtemp(prefix="wan22-record-")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    directory = os.environ.get(RECORD_DIR_ENV)
    if not directory:
        return
    leaks = scan_for_leaks(Path(directory))
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("TOKEN LEAK: " + "; ".join(leaks[:20]), red=True)
        session.exitstatus = 1


def scan_for_leaks(directory: Path) -> list[str]:
    tokens: set[str] = set()
    for path in directory.glob("tokens-*.json"):
        tokens.update(t for t in json.loads(path.read_text()) if len(t) >= 8)
    if not tokens:
        return []
    leaks = []
    for path in directory.glob("outputs-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            blob = " ".join(item["argv"]) + item["stdout"] + item["stderr"]
            leaks += [f"{item['argv'][-1][:40]!r} output" for t in tokens if t in blob]
    for path in directory.glob("homes-*.txt"):
        for home in path.read_text().split("\n"):
            if home and Path(home).exists():
                leaks += scan_tree(Path(home), tokens)
    return leaks


def scan_tree(root: Path, tokens: set[str]) -> list[str]:
    leaks = []
    for path in root.rglob("*"):
        if not path.is_file() or path.name == "credentials.json" or path.suffix == ".mp4":
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        leaks += [str(path) for t in tokens if t.encode() in data]
    return leaks


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory):
    server = SandboxServer(tmp_path_factory.mktemp("sandbox"))
    server.configure(**FAST)
    yield server
    directory = os.environ.get(RECORD_DIR_ENV)
    try:
        if directory:
            (Path(directory) / f"tokens-{os.getpid()}-{id(server)}.json").write_text(
                json.dumps(server.tokens())
            )
    finally:
        server.stop()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer):
    """The shared sandbox with fast settings; faults and settings changed by a test are undone."""
    yield sandbox_server
    sandbox_server.clear_faults()
    sandbox_server.configure(**FAST)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    directory = os.environ.get(RECORD_DIR_ENV)
    if directory:
        with (Path(directory) / f"homes-{os.getpid()}.txt").open("a") as handle:
            handle.write(f"{path}\n")
    return path


@pytest.fixture
def env(home: Path, sandbox: SandboxServer) -> dict[str, str]:
    """A private environment pointed at the shared sandbox."""
    return isolated_env(home, sandbox.url)
