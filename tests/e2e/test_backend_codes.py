"""Each documented code and status, reached through the real CLI, caused naturally by the
sandbox wherever a real backend would produce it (faults only where our client never would):
the user reads a clear sentence, and nothing is lost (token, session, files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_wan22
from tests.support.media import tiny_png

PROMPT = "Generate a 4-second video of a koi pond in the rain"


def stored_token(home: Path) -> str:
    data = json.loads((home / ".config" / "wan22" / "credentials.json").read_text())
    return next(iter(data["backends"].values()))["token"]


def session_id(home: Path, api_url: str) -> str:
    (project,) = (home / ".local" / "state" / "wan22" / "projects").glob("*/project.json")
    return json.loads(project.read_text())["sessions"][api_url]["session_id"]


def client_id(home: Path) -> str:
    return (home / ".config" / "nemovideo" / "client_id").read_text().strip()


def test_1001_expired_token_is_renewed_with_the_same_client_id(env, sandbox, home):
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"] == "succeeded"
    )
    old_token, old_client, old_session = (
        stored_token(home),
        client_id(home),
        session_id(home, sandbox.url),
    )
    sandbox.expire_tokens()
    start = len(sandbox.log_entries())
    status = run_wan22(env, "status", "--json")
    assert status.code == 0 and "Timeline" in status.json["text"]
    assert stored_token(home) != old_token
    assert client_id(home) == old_client
    token_calls = [
        e for e in sandbox.log_entries()[start:] if e["path"] == "/api/auth/anonymous-token"
    ]
    assert [e["headers"]["X-Client-Id"] for e in token_calls] == [old_client]
    assert session_id(home, sandbox.url) == old_session, "the session survives a token renewal"


def test_1002_lost_session_is_replaced_and_the_user_told(env, sandbox, home):
    run_wan22(env, "turn", "--json", "--wait", "60", PROMPT)
    old_session = session_id(home, sandbox.url)
    sandbox.drop_sessions()
    reply = run_wan22(env, "turn", "--json", "--wait", "60", "add a title 'Koi'")
    assert reply.code == 0, reply.stdout
    assert "session" in reply.json["text"].lower() and "lost" in reply.json["text"].lower()
    assert session_id(home, sandbox.url) != old_session


@pytest.mark.parametrize("http_status", [False, True], ids=["http-200", "http-402"])
def test_2001_no_credits(env, sandbox, home, http_status):
    sandbox.configure(initial_credits=50, error_http_status=http_status)
    reply = run_wan22(env, "turn", "--json", "--wait", "60", PROMPT)
    assert reply.code == 4 and reply.json["error"]["kind"] == "credits"
    assert "register?bind=anon_" in reply.json["text"]
    assert stored_token(home).startswith("nmv_usr_")


def test_4001_unsupported_url_upload(env, home):
    run_wan22(env, "credits", "--json")
    token = stored_token(home)
    reply = run_wan22(env, "upload", "--json", "https://example.com/notes.docx")
    assert reply.code == 7 and reply.json["error"]["kind"] == "unsupported_file"
    assert "mp4" in reply.json["text"] and "png" in reply.json["text"]
    assert stored_token(home) == token


def test_4002_file_too_large(env, sandbox, home, tmp_path):
    sandbox.configure(max_upload_bytes=500)
    image = tiny_png(tmp_path / "poster.png", size=96)
    reply = run_wan22(env, "upload", "--json", str(image))
    assert reply.code == 7 and reply.json["error"]["kind"] == "file_too_large"
    assert "ompress" in reply.json["text"] or "trim" in reply.json["text"]
    assert image.exists() and image.stat().st_size > 500, "the user's file is untouched"


def test_400_missing_client_id_gets_a_new_id_and_one_retry(env, sandbox, home):
    sandbox.faults(
        {
            "path": "/api/auth/anonymous-token",
            "method": "POST",
            "kind": "status",
            "status": 400,
            "body": {"message": "Missing X-Client-Id"},
            "nth": 1,
            "times": 1,
        }
    )
    start = len(sandbox.log_entries())
    reply = run_wan22(env, "credits", "--json")
    assert reply.code == 0, reply.stdout
    ids = [
        e["headers"]["X-Client-Id"]
        for e in sandbox.log_entries()[start:]
        if e["path"] == "/api/auth/anonymous-token"
    ]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert client_id(home) == ids[1]


def test_402_export_blocked(env, sandbox, home):
    run_wan22(env, "turn", "--json", "--wait", "60", PROMPT)
    sandbox.faults(
        {
            "path": "/api/render/proxy/lambda$",
            "method": "POST",
            "kind": "status",
            "status": 402,
            "nth": 1,
            "times": 0,
        }
    )
    reply = run_wan22(env, "export", "--json", "--wait", "60", "--lang", "zh-CN")
    assert reply.code == 4 and reply.json["error"]["kind"] == "export_blocked"
    assert "套餐" in reply.json["text"] and "不是积分问题" in reply.json["text"]


def test_429_second_token_for_the_same_client(env, sandbox, home):
    assert run_wan22(env, "credits", "--json").code == 0
    (home / ".config" / "wan22" / "credentials.json").unlink()  # a lost credential file
    reply = run_wan22(env, "credits", "--json")
    assert reply.code == 3 and reply.json["error"]["kind"] == "token_limit"
    assert "7 days" in reply.json["text"] and "NEMO_TOKEN" in reply.json["text"]
    assert client_id(home), "the client id is kept for the next try"
