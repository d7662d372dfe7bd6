"""The fault matrix: every fault the sandbox can inject, driven through the real CLI.

For each fault: the user gets a sentence in their language with the next step; the exit code is
the documented one; the ledger, the session and the credential file are intact; no paid
message reached the backend twice; and the next turn works. docs/reliability.md lists the same
table for people.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_wan22

GENERATE_EN = "Generate a 4-second video of a paper boat sailing down a rainy street"
GENERATE_ZH = "生成一段 4 秒的视频，一只纸船在下雨的街道上漂流"


@dataclass
class Fault:
    id: str
    rules: list[dict[str, Any]]
    command: list[str]
    code: int
    kind: str | None
    language: str = "en"
    primed: bool = False  # a video exists before the fault
    config: dict[str, Any] = field(default_factory=dict)
    text_has: str | None = None


def rule(path: str, kind: str, method: str = "POST", nth: int = 1, times: int = 1, **params: Any):
    return {"path": path, "method": method, "kind": kind, "nth": nth, "times": times, **params}


TOKEN = "/api/auth/anonymous-token"
SESSION = "/api/tasks/me/with-session/nemo_agent"
CREDITS = "/api/credits/balance/simple"
STATE = "/api/state/"
RUN = "/run_sse"
UPLOAD = "/api/upload-video/"
RENDER = "/api/render/proxy/lambda$"
RESULT = "/render-result/"

FAULTS = [
    # authentication
    Fault("token-reset", [rule(TOKEN, "reset")], ["credits", "--json"], 6, "connection_lost"),
    Fault("token-500", [rule(TOKEN, "status", status=500)], ["credits", "--json"], 6, "server"),
    Fault(
        "token-429-once",
        [rule(TOKEN, "rate_limit", retry_after="5")],
        ["credits", "--json"],
        0,
        None,
    ),
    Fault(
        "token-429-twice",
        [rule(TOKEN, "rate_limit", times=2)],
        ["credits", "--json", "--lang", "zh-CN"],
        3,
        "token_limit",
        "zh-CN",
    ),
    Fault(
        "token-400-client-id",
        [rule(TOKEN, "status", status=400, body={"message": "Missing X-Client-Id"})],
        ["credits", "--json"],
        0,
        None,
    ),
    Fault("token-malformed", [rule(TOKEN, "malformed_json")], ["credits", "--json"], 6, "protocol"),
    Fault(
        "token-expired-midway",
        [rule(CREDITS, "expire_token", method="GET")],
        ["credits", "--json"],
        0,
        None,
        primed=True,
    ),
    Fault(
        "token-refused-twice",
        [rule(CREDITS, "expire_token", method="GET", times=2)],
        ["credits", "--json"],
        3,
        "auth",
        primed=True,
    ),
    # sessions
    Fault(
        "session-500",
        [rule(SESSION, "status", status=500)],
        ["export", "--json"],
        6,
        "server",
        primed=False,
    ),
    Fault(
        "session-lost-status",
        [rule(STATE, "lose_session", method="GET")],
        ["status", "--json"],
        0,
        None,
        primed=True,
        text_has="session",
    ),
    Fault(
        "session-lost-run",
        [rule(RUN, "lose_session")],
        ["turn", "--json", "--wait", "60", "add a title 'Rain'"],
        0,
        None,
        primed=True,
        text_has="session",
    ),
    # credits and reads
    Fault(
        "credits-503-once",
        [rule(CREDITS, "status", method="GET", status=503)],
        ["credits", "--json"],
        0,
        None,
    ),
    Fault(
        "credits-503-always",
        [rule(CREDITS, "status", method="GET", status=503, times=0)],
        ["credits", "--json", "--lang", "zh-CN"],
        6,
        "server",
        "zh-CN",
    ),
    Fault(
        "credits-malformed",
        [rule(CREDITS, "malformed_json", method="GET", times=0)],
        ["credits", "--json"],
        6,
        "protocol",
    ),
    Fault(
        "credits-huge",
        [rule(CREDITS, "huge_body", method="GET", times=0, bytes=40_000_000)],
        ["credits", "--json"],
        6,
        "protocol",
    ),
    Fault(
        "credits-stall",
        [rule(CREDITS, "stall", method="GET", times=0, seconds=8)],
        ["credits", "--json"],
        5,
        "timeout",
    ),
    Fault(
        "state-malformed",
        [rule(STATE, "malformed_json", method="GET", times=0)],
        ["status", "--json"],
        6,
        "protocol",
        primed=True,
    ),
    Fault(
        "redirect-api",
        [rule(CREDITS, "redirect", method="GET", times=0, location="http://127.0.0.2:9/steal")],
        ["credits", "--json"],
        6,
        "protocol",
    ),
    # the agent stream
    Fault(
        "run-500",
        [rule(RUN, "status", status=500)],
        ["turn", "--json", "--wait", "60", GENERATE_EN],
        6,
        "server",
    ),
    Fault(
        "run-2001",
        [rule(RUN, "code", code=2001, message="Insufficient credits")],
        ["turn", "--json", "--wait", "60", GENERATE_ZH],
        4,
        "credits",
        "zh-CN",
        text_has="bind=",
    ),
    Fault(
        "run-429",
        [rule(RUN, "rate_limit")],
        ["turn", "--json", "--wait", "60", GENERATE_EN],
        4,
        "rate_limited",
    ),
    Fault(
        "run-reset-midstream",
        [rule(RUN, "reset", after_events=3)],
        ["turn", "--json", "--wait", "90", GENERATE_EN],
        0,
        None,
    ),
    Fault(
        "run-stall-midstream",
        [rule(RUN, "stall", after_events=2, seconds=30)],
        ["turn", "--json", "--wait", "90", GENERATE_ZH],
        0,
        None,
        "zh-CN",
    ),
    Fault(
        "run-malformed-sse",
        [rule(RUN, "malformed_sse", lines=["data: {broken", "garbage", "data: [1,2"])],
        ["turn", "--json", "--wait", "60", GENERATE_EN],
        0,
        None,
    ),
    Fault(
        "run-huge-event",
        [rule(RUN, "huge_body", bytes=6_000_000)],
        ["turn", "--json", "--wait", "90", GENERATE_EN],
        0,
        None,
    ),
    Fault(
        "run-token-expired",
        [rule(RUN, "expire_token")],
        ["turn", "--json", "--wait", "60", GENERATE_EN],
        0,
        None,
    ),
    # uploads
    Fault(
        "upload-4001",
        [rule(UPLOAD, "code", code=4001, message="Unsupported file type")],
        ["upload", "--json", "{png}"],
        7,
        "unsupported_file",
    ),
    Fault(
        "upload-4002",
        [],
        ["upload", "--json", "--lang", "zh-CN", "{png}"],
        7,
        "file_too_large",
        "zh-CN",
        config={"max_upload_bytes": 1000},
    ),
    Fault(
        "upload-reset",
        [rule(UPLOAD, "reset", after_bytes=100)],
        ["upload", "--json", "{png}"],
        6,
        "connection_lost",
    ),
    # export
    Fault(
        "export-402",
        [rule(RENDER, "status", status=402, body={"message": "Upgrade to export"})],
        ["export", "--json", "--wait", "60"],
        4,
        "export_blocked",
        primed=True,
    ),
    Fault(
        "render-fails-once",
        [rule(RENDER, "render_fail", method="POST")],
        ["export", "--json", "--wait", "60"],
        0,
        None,
        primed=True,
    ),
    Fault(
        "render-fails-twice",
        [rule(RENDER, "render_fail", method="POST", times=2)],
        ["export", "--json", "--wait", "60", "--lang", "zh-CN"],
        1,
        "render_failed",
        "zh-CN",
        primed=True,
    ),
    Fault(
        "render-stuck",
        [rule(RENDER, "render_stuck", method="POST", times=2)],
        ["export", "--json", "--wait", "90"],
        5,
        "timeout",
        primed=True,
    ),
    Fault(
        "render-poll-503",
        [rule("/api/render/proxy/lambda/", "status", method="GET", status=503)],
        ["export", "--json", "--wait", "60"],
        0,
        None,
        primed=True,
    ),
    Fault(
        "download-cut",
        [rule(RESULT, "cut_download", method="GET", fraction=0.5)],
        ["export", "--json", "--wait", "60"],
        0,
        None,
        primed=True,
    ),
    Fault(
        "download-wrong-length",
        [rule(RESULT, "wrong_length", method="GET", times=0, delta=-1000)],
        ["export", "--json", "--wait", "60"],
        0,
        None,
        primed=True,
    ),
    Fault(
        "download-redirect",
        [
            rule(
                RESULT,
                "redirect",
                method="GET",
                location="http://localhost:{port}/render-result/{file}",
            )
        ],
        ["export", "--json", "--wait", "60"],
        0,
        None,
        primed=True,
    ),
]


def project_session(home: Path) -> dict[str, Any] | None:
    for path in (home / ".local" / "state" / "wan22" / "projects").glob("*/project.json"):
        return json.loads(path.read_text())
    return None


def credentials(home: Path) -> dict[str, Any] | None:
    path = home / ".config" / "wan22" / "credentials.json"
    return json.loads(path.read_text()) if path.exists() else None


def ledger_is_valid(home: Path) -> bool:
    for path in (home / ".local" / "state" / "wan22" / "projects").glob("*/jobs/job-*.json"):
        data = json.loads(path.read_text())
        if data["state"] not in ("queued", "running", "succeeded", "failed", "unknown"):
            return False
    return True


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_fault(fault: Fault, env, sandbox, home, tmp_path):
    from tests.support.media import tiny_png

    if fault.primed:
        primed = run_wan22(env, "turn", "--json", "--wait", "60", GENERATE_EN)
        assert primed.json["job"]["state"] == "succeeded", primed.stdout
    creds_before = credentials(home)
    session_before = project_session(home)
    start = len(sandbox.log_entries())
    if fault.config:
        sandbox.configure(**fault.config)
    rules = json.loads(json.dumps(fault.rules).replace("{port}", sandbox.url.rsplit(":", 1)[1]))
    if rules:
        sandbox.faults(*rules)
    png = str(tiny_png(tmp_path / "photo.png"))
    command = [png if part == "{png}" else part for part in fault.command]

    result = run_wan22(env, *command, timeout=180)
    sandbox.clear_faults()

    reply = result.json
    assert result.code == fault.code, reply
    assert (reply["error"] or {}).get("kind") == fault.kind, reply
    assert reply["text"].strip(), "the user must be told something"
    if fault.language.startswith("zh"):
        assert has_cjk(reply["text"]), reply["text"]
    else:
        assert not has_cjk(reply["text"]), reply["text"]
    if fault.text_has:
        assert fault.text_has in reply["text"].lower(), reply["text"]

    # nothing lost: the credential file and the session survive (or were renewed on purpose)
    if creds_before is not None:
        assert credentials(home) is not None
    if session_before is not None and fault.id not in ("session-lost-status", "session-lost-run"):
        assert project_session(home)["sessions"] == session_before["sessions"]
    assert ledger_is_valid(home)

    # no paid message reached the backend twice (a call refused before the stream counts 0)
    messages = Counter(
        e["message"]
        for e in sandbox.log_entries()[start:]
        if e["path"] == RUN and e.get("accepted")
    )
    assert all(count == 1 for count in messages.values()), messages

    # the next turn works
    after = run_wan22(env, "credits", "--json")
    assert after.code == 0, after.stdout
