"""The control API (`/_sandbox/...`): settings, the request log (never a token), issued tokens,
expiring tokens, dropping sessions, reset."""

from __future__ import annotations

import json


def test_health_names_both_hosts(sb):
    health = sb.admin.get("/_sandbox/health").json()
    assert health == {
        "ok": True,
        "url": f"http://127.0.0.1:{sb.port}",
        "cdn_url": f"http://localhost:{sb.port}",
    }


def test_config_reads_changes_and_refuses(sb):
    config = sb.admin.get("/_sandbox/config").json()
    assert config["wire"] == "typed" and config["seed"] == 0
    changed = sb.configure(wire="adk", silent_edit_rate=1, error_http_status="true")
    assert changed["wire"] == "adk" and changed["silent_edit_rate"] == 1.0
    assert changed["error_http_status"] is True
    realistic = sb.configure(speed="realistic")
    assert realistic["generation_seconds"] == 150 and realistic["heartbeat_seconds"] == 15
    for bad in ({"wire": "smoke"}, {"nope": 1}, {"gui_speak_rate": 2}, {"edit_cost": "x"}):
        response = sb.admin.post("/_sandbox/config", json=bad)
        assert response.status_code == 400, bad
    assert sb.admin.get("/_sandbox/config").json()["wire"] == "adk", (
        "refused changes change nothing"
    )


def test_the_log_records_what_tests_need_and_never_a_token(sb):
    start = len(sb.log())
    user, session_id = sb.made_video("Generate a 2-second video of a swan")
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    sb.http.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=user.auth)
    entries = sb.log_since(start)
    token_call, session_call, run, _draft, submit, _state = entries
    assert token_call["path"] == "/api/auth/anonymous-token"
    assert token_call["headers"]["X-Client-Id"] == user.client_id
    assert token_call["authorization"] is False and token_call["status"] == 200
    assert session_call["authorization"] is True and session_call["method"] == "POST"
    assert run["message"] == "Generate a 2-second video of a swan" and run["accepted"] is True
    assert submit["render_id"] == render_id
    for entry in entries:
        assert entry["headers"]["X-Skill-Source"] == "wan-22"
        assert entry["headers"]["X-Skill-Version"] == "0.1.0"
        assert entry["headers"]["X-Skill-Platform"] == "unknown"
        assert entry["host"] == "127.0.0.1" and entry["fault"] is None
    assert user.token not in json.dumps(sb.log())
    assert [e["seq"] for e in entries] == list(range(start, start + 6))


def test_control_calls_are_not_logged(sb):
    start = len(sb.log())
    sb.admin.get("/_sandbox/health")
    sb.admin.get("/_sandbox/config")
    assert sb.log_since(start) == []


def test_tokens_lists_every_token_and_claim_token(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    claim = sb.http.post(
        "/api/auth/claim-token", headers=user.auth, json={"session_id": session_id}
    ).json()["data"]["claim_token"]
    issued = sb.admin.get("/_sandbox/tokens").json()["tokens"]
    assert {"token": user.token, "user_id": user.user_id} in issued
    assert {"claim_token": claim} in issued


def test_expire_token_and_drop_session(sb):
    user, other = sb.new_user(), sb.new_user()
    session_id = sb.new_session(other)
    sb.admin.post("/_sandbox/expire-token", json={"token": user.token}).raise_for_status()
    assert sb.credits(other)["available"] == 1000
    assert sb.http.get("/api/credits/balance/simple", headers=user.auth).json()["code"] == 1001
    sb.admin.post("/_sandbox/drop-session", json={"session_id": session_id}).raise_for_status()
    assert sb.state(other, session_id)["code"] == 1002
    assert sb.admin.post("/_sandbox/drop-session", json={}).status_code == 400
    assert sb.admin.post("/_sandbox/expire-token", json={}).status_code == 400


def test_reset_forgets_everything(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults({"path": "/nowhere", "kind": "status"})
    sb.admin.post("/_sandbox/reset").raise_for_status()
    assert sb.admin.get("/_sandbox/faults").json()["rules"] == []
    assert sb.log() == [] and sb.admin.get("/_sandbox/tokens").json()["tokens"] == []
    assert sb.http.get("/api/credits/balance/simple", headers=user.auth).json()["code"] == 1001
    assert sb.state(sb.new_user(), session_id)["code"] == 1002


def test_expire_all_and_drop_all(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.admin.post("/_sandbox/drop-session", json={"all": True}).raise_for_status()
    assert sb.state(user, session_id)["code"] == 1002
    sb.admin.post("/_sandbox/expire-token", json={"all": True}).raise_for_status()
    assert sb.http.get("/api/credits/balance/simple", headers=user.auth).json()["code"] == 1001
