"""Anonymous tokens, claim tokens, sessions, credits and state (vendor-api.md A1-A3, A6, A7)."""

from __future__ import annotations

import uuid

import pytest


def test_anonymous_token_needs_a_client_id_and_comes_once(sb):
    missing = sb.http.post("/api/auth/anonymous-token")
    assert missing.status_code == 400
    client_id = str(uuid.uuid4())
    first = sb.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    data = first.json()["data"]
    assert first.status_code == 200 and first.json()["code"] == 0
    assert data["token"].startswith("nmv_usr_") and data["user_id"].startswith("anon_")
    assert data["expires_at"].endswith("Z") and data["credits"] == 1000
    again = sb.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert again.status_code == 429


def test_per_address_token_limit(sb):
    sb.configure(ip_token_limit=0)
    refused = sb.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "fresh-client"})
    assert refused.status_code == 429


def test_renewed_token_keeps_the_user_its_credits_and_sessions(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.admin.post("/_sandbox/expire-token", json={"token": user.token}).raise_for_status()
    assert sb.http.get("/api/credits/balance/simple", headers=user.auth).json()["code"] == 1001
    renewed = sb.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": user.client_id})
    data = renewed.json()["data"]
    assert data["user_id"] == user.user_id and data["token"] != user.token
    auth = {"Authorization": f"Bearer {data['token']}"}
    state = sb.http.get(f"/api/state/nemo_agent/me/{session_id}/latest", headers=auth).json()
    assert state["code"] == 0


def test_session_and_state_shape(sb):
    user = sb.new_user()
    body = sb.http.post(
        "/api/tasks/me/with-session/nemo_agent",
        headers=user.auth,
        json={"task_name": "My Video Project", "language": "zh-CN"},
    ).json()
    data = body["data"]
    assert body["code"] == 0 and data["task_id"].startswith("task_")
    assert len(data["session_id"]) == 19 and data["session_id"].isdigit()
    assert data["user_id"] == user.user_id
    state = sb.state(user, data["session_id"])["data"]
    assert state["task_name"] == "My Video Project"
    assert set(state["state"]) == {
        "video_infos",
        "draft",
        "canvas_config",
        "video_analyses",
        "generated_media",
    }
    assert state["state"]["draft"] is None and state["state"]["video_infos"] == []


def test_bearer_and_session_codes(sb):
    user, other = sb.new_user(), sb.new_user()
    session_id = sb.new_session(user)
    assert sb.http.get("/api/credits/balance/simple").json()["code"] == 1001
    bogus = {"Authorization": "Bearer nmv_usr_nope"}
    assert sb.http.get("/api/credits/balance/simple", headers=bogus).json()["code"] == 1001
    path = f"/api/state/nemo_agent/me/{session_id}/latest"
    assert sb.http.get(path, headers=other.auth).json()["code"] == 1002, "a foreign session"
    unknown = sb.http.get("/api/state/nemo_agent/me/123/latest", headers=user.auth)
    assert unknown.status_code == 200
    assert unknown.json() == {"code": 1002, "message": "Session not found", "data": None}


@pytest.mark.parametrize(
    ("setup", "call", "code", "status"),
    [
        ("none", "credits", 1001, 401),
        ("user", "state", 1002, 404),
        ("poor", "generate", 2001, 402),
        ("user", "upload_txt", 4001, 415),
        ("tiny", "upload_png", 4002, 413),
    ],
)
def test_error_http_status_switch(sb, setup, call, code, status):
    user = sb.new_user()
    session_id = sb.new_session(user)
    if setup == "poor":
        sb.configure(generation_cost=5000)
    if setup == "tiny":
        sb.configure(max_upload_bytes=10)
    sb.configure(error_http_status=True)
    upload = f"/api/upload-video/nemo_agent/me/{session_id}"
    if call == "credits":
        response = sb.http.get("/api/credits/balance/simple")
    elif call == "state":
        response = sb.http.get("/api/state/nemo_agent/me/1/latest", headers=user.auth)
    elif call == "generate":
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": "Generate a video of a fox"}]},
        }
        response = sb.http.post("/run_sse", headers=user.auth, json=body)
    elif call == "upload_txt":
        files = [("files", ("notes.txt", b"hello", "text/plain"))]
        response = sb.http.post(upload, headers=user.auth, files=files)
    else:
        files = [("files", ("a.png", b"x" * 100, "image/png"))]
        response = sb.http.post(upload, headers=user.auth, files=files)
    assert response.status_code == status and response.json()["code"] == code


def test_credits_freeze_during_a_generation_then_are_spent(sb):
    sb.configure(generation_seconds=0.5)
    user = sb.new_user()
    session_id = sb.new_session(user)
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": "Generate a video of a heron"}]},
    }
    with sb.http.stream("POST", "/run_sse", headers=user.auth, json=body) as response:
        lines = response.iter_lines()
        next(lines)
        assert sb.credits(user) == {"available": 900, "frozen": 100, "total": 1000}
        list(lines)
    assert sb.credits(user) == {"available": 900, "frozen": 0, "total": 900}


def test_edits_cost_once_per_session_and_questions_nothing(sb):
    user, session_id = sb.made_video()
    assert sb.credits(user)["available"] == 900
    sb.run(user, session_id, "add music")
    sb.run(user, session_id, "add a title 'Once'")
    assert sb.credits(user)["available"] == 850
    sb.run(user, session_id, "make a video")
    assert sb.credits(user)["available"] == 850


def test_claim_token_and_page(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    task_id = sb.state(user, session_id)["data"]["task_id"]
    body = {"task_id": task_id, "session_id": session_id}
    data = sb.http.post("/api/auth/claim-token", headers=user.auth, json=body).json()["data"]
    assert data["claim_token"].startswith("clm_") and data["expires_in"] == 604800
    page = sb.http.get("/workspace/claim", params={"ct": data["claim_token"]})
    assert page.status_code == 200 and task_id in page.text
    assert sb.http.get("/workspace/claim", params={"ct": "clm_nope"}).status_code == 404
    foreign = sb.http.post("/api/auth/claim-token", headers=sb.new_user().auth, json=body)
    assert foreign.json()["code"] == 1002
