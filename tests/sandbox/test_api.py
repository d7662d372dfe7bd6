"""The sandbox speaks the vendor's API (vendor-api.md), checked with plain httpx, not our client."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.support.media import probe_video, tiny_png

ATTRIBUTION = {
    "X-Skill-Source": "wan-22",
    "X-Skill-Version": "0.1.0",
    "X-Skill-Platform": "unknown",
}


@pytest.fixture
def api(sandbox):
    with httpx.Client(base_url=sandbox.url, headers=ATTRIBUTION, timeout=30) as client:
        yield client


def new_user(api) -> dict:
    response = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
    body = response.json()
    assert body["code"] == 0
    return body["data"]


def bearer(data) -> dict:
    return {"Authorization": f"Bearer {data['token']}"}


def session(api, auth) -> str:
    body = api.post(
        "/api/tasks/me/with-session/nemo_agent",
        headers=auth,
        json={"task_name": "project", "language": "en"},
    ).json()
    assert body["code"] == 0 and len(body["data"]["session_id"]) == 19
    return body["data"]["session_id"]


def run(api, auth, sid, text) -> list[str]:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }
    lines = []
    with api.stream(
        "POST", "/run_sse", headers={**auth, "Accept": "text/event-stream"}, json=body
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = list(r.iter_lines())
    return lines


def data_events(lines) -> list[dict]:
    return [json.loads(line[5:]) for line in lines if line.startswith("data:") and line[5:].strip()]


def test_anonymous_token_rules(api):
    assert api.post("/api/auth/anonymous-token").status_code == 400
    client_id = str(uuid.uuid4())
    first = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id}).json()["data"]
    assert first["token"].startswith("nmv_usr_") and first["user_id"].startswith("anon_")
    assert first["expires_at"].endswith("Z") and first["credits"] == 1000
    again = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert again.status_code == 429


def test_bearer_and_session_codes(api, sandbox):
    assert api.get("/api/credits/balance/simple").json()["code"] == 1001
    user = new_user(api)
    assert (
        api.get("/api/state/nemo_agent/me/123/latest", headers=bearer(user)).json()["code"] == 1002
    )
    sandbox.configure(error_http_status=True)
    response = api.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json()["code"] == 1001


def test_typed_generation_stream_changes_credits_and_state(api, sandbox):
    user = new_user(api)
    auth = bearer(user)
    sid = session(api, auth)
    lines = run(api, auth, sid, "Generate a 4-second video of a red fox in the snow")
    assert any(line.startswith(": keepalive") for line in lines)
    assert "data:" in lines  # the empty-data heartbeat
    events = data_events(lines)
    kinds = [e["type"] for e in events]
    assert "heartbeat" in kinds and "text" in kinds
    calls = [e for e in events if e["type"] == "tool_call"]
    assert calls[0]["name"] == "generate_video_with_seedance" and calls[0]["args"]["duration"] == 4
    credits = api.get("/api/credits/balance/simple", headers=auth).json()["data"]
    assert credits == {"available": 900, "frozen": 0, "total": 900}
    state = api.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()["data"]
    draft = state["state"]["draft"]
    assert [t["tt"] for t in draft["t"]] == [0, 1, 7]
    assert draft["d"] == 4000 and draft["t"][0]["sg"][0]["d"] == 4000
    assert state["user_id"] == user["user_id"] and state["state"]["video_infos"]


def test_adk_wire_shape(api, sandbox):
    sandbox.configure(wire="adk")
    auth = bearer(new_user(api))
    sid = session(api, auth)
    events = data_events(run(api, auth, sid, "Generate a 3-second video of waves"))
    parts = [p for e in events for p in e["content"]["parts"]]
    assert any("functionCall" in p for p in parts) and any("functionResponse" in p for p in parts)
    assert any("text" in p for p in parts)
    assert all(e["author"] == "nemo_agent" and "invocationId" in e for e in events)


def test_question_and_silent_edit(api, sandbox):
    auth = bearer(new_user(api))
    sid = session(api, auth)
    (question,) = [
        e for e in data_events(run(api, auth, sid, "make a video")) if e["type"] == "tool_call"
    ]
    assert question["name"] == "ask_question" and question["args"]["questions"][0]["options"]
    run(api, auth, sid, "Generate a 4-second video of a lantern")
    sandbox.configure(silent_edit_rate=1.0)
    events = data_events(run(api, auth, sid, "add a title 'Glow'"))
    assert not [e for e in events if e["type"] == "text"]
    draft = api.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()["data"]["state"][
        "draft"
    ]
    assert any(s.get("tx") == "Glow" for t in draft["t"] for s in t["sg"])


def test_no_credits_is_2001_before_the_stream(api, sandbox):
    sandbox.configure(initial_credits=10)
    auth = bearer(new_user(api))
    sid = session(api, auth)
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": "Generate a video of a fox"}]},
    }
    response = api.post("/run_sse", headers=auth, json=body)
    assert response.json()["code"] == 2001


def test_uploads(api, sandbox, tmp_path):
    auth = bearer(new_user(api))
    sid = session(api, auth)
    image = tiny_png(tmp_path / "a.png")
    with image.open("rb") as one, image.open("rb") as two:
        files = [("files", ("a.png", one, "image/png")), ("files", ("b.png", two, "image/png"))]
        body = api.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=auth, files=files).json()
    assert body["code"] == 0 and [f["file_type"] for f in body["data"]["files"]] == [
        "image",
        "image",
    ]
    cdn = body["data"]["files"][0]["cdn_url"]
    assert cdn.startswith("http://localhost:")
    assert httpx.get(cdn).content == image.read_bytes()
    bad = api.post(
        f"/api/upload-video/nemo_agent/me/{sid}",
        headers=auth,
        files=[("files", ("notes.txt", b"hello", "text/plain"))],
    ).json()
    assert bad["code"] == 4001
    urls = api.post(
        f"/api/upload-video/nemo_agent/me/{sid}",
        headers=auth,
        json={"urls": ["https://example.com/v.mp4"], "source_type": "url"},
    ).json()
    assert urls["data"]["files"][0]["file_type"] == "video"
    sandbox.configure(max_upload_bytes=100)
    with image.open("rb") as handle:
        big = api.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            headers=auth,
            files=[("files", ("a.png", handle, "image/png"))],
        ).json()
    assert big["code"] == 4002


def render_until_done(api, auth, render_id):
    seen = []
    for _ in range(200):
        body = api.get(f"/api/render/proxy/lambda/{render_id}", headers=auth).json()
        seen.append(body)
        status = body.get("status") or body["data"]["status"]
        if status in ("completed", "failed"):
            return seen
        import time

        time.sleep(0.1)
    raise AssertionError("render never finished")


def test_render_shapes_range_and_attribution(api, sandbox):
    auth = bearer(new_user(api))
    sid = session(api, auth)
    run(api, auth, sid, "Generate a 4-second video of a red kite")
    draft = api.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()["data"]["state"][
        "draft"
    ]
    request = {
        "id": "render_1",
        "sessionId": sid,
        "draft": draft,
        "output": {"format": "mp4", "quality": "high"},
    }
    no_headers = httpx.post(sandbox.url + "/api/render/proxy/lambda", headers=auth, json=request)
    assert no_headers.status_code == 402
    submitted = api.post("/api/render/proxy/lambda", headers=auth, json=request).json()
    assert submitted == {
        "success": True,
        "data": {"id": "render_1", "status": "pending", "progress": 5},
    }
    assert (
        api.post("/api/render/proxy/lambda", headers=auth, json=request).json()["success"] is False
    )
    polls = render_until_done(api, auth, "render_1")
    shapes = {("data" in p, "taskId" in p) for p in polls}
    assert len(shapes) >= 2, "rotate answers in more than one documented shape"
    final = polls[-1]
    url = final.get("data", {}).get("outputUrl") or final["output"]["url"]
    assert url.startswith("http://localhost:")
    whole = httpx.get(url)
    assert whole.headers["accept-ranges"] == "bytes"
    part = httpx.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    fallback = api.get("/api/render/proxy/render_1/download", headers=auth)
    assert fallback.content == whole.content
    path = sandbox.workdir / "copy.mp4"
    path.write_bytes(whole.content)
    facts = probe_video(path)
    assert facts.codec == "h264" and abs(facts.duration - 4.0) <= 0.2


def test_log_and_tokens(api, sandbox):
    start = len(sandbox.log_entries())
    user = new_user(api)
    api.get("/api/credits/balance/simple", headers=bearer(user))
    entries = sandbox.log_entries()[start:]
    assert entries[0]["headers"]["X-Client-Id"] and entries[1]["authorization"] is True
    assert all(user["token"] not in json.dumps(e) for e in entries)
    assert user["token"] in sandbox.tokens()


@pytest.mark.parametrize(
    ("rule", "check"),
    [
        ({"kind": "status", "status": 503}, lambda r: r.status_code == 503),
        (
            {"kind": "rate_limit", "retry_after": "7"},
            lambda r: r.status_code == 429 and r.headers["retry-after"] == "7",
        ),
        ({"kind": "malformed_json"}, lambda r: r.status_code == 200 and not _is_json(r.text)),
        ({"kind": "code", "code": 2001}, lambda r: r.json()["code"] == 2001),
        (
            {"kind": "redirect", "host": "127.0.0.2"},
            lambda r: r.status_code == 302 and "127.0.0.2" in r.headers["location"],
        ),
        ({"kind": "huge_body", "bytes": 3_000_000}, lambda r: len(r.content) > 3_000_000),
    ],
)
def test_generic_faults(api, sandbox, rule, check):
    user = new_user(api)
    sandbox.faults(
        {"path": "/api/credits/balance/simple", "method": "GET", "nth": 1, "times": 1, **rule}
    )
    assert check(api.get("/api/credits/balance/simple", headers=bearer(user)))
    assert api.get("/api/credits/balance/simple", headers=bearer(user)).json()["code"] == 0


def _is_json(text):
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
