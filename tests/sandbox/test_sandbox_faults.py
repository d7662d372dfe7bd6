"""Every fault kind of docs/sandbox.md at least once, and how rules match and count."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import pytest

from tests.sandbox.harness import poll_status, poll_url

CREDITS = "/api/credits/balance/simple"


def rule(path: str, kind: str, method: str = "GET", **params):
    return {"path": path, "method": method, "kind": kind, **params}


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        (
            {"kind": "status", "status": 503},
            lambda r: r.status_code == 503 and r.json()["code"] == 503,
        ),
        (
            {"kind": "status", "status": 502, "body": "Bad Gateway", "headers": {"X-Why": "test"}},
            lambda r: (
                r.status_code == 502 and r.text == "Bad Gateway" and r.headers["x-why"] == "test"
            ),
        ),
        (
            {"kind": "rate_limit", "retry_after": 7},
            lambda r: r.status_code == 429 and r.headers["retry-after"] == "7",
        ),
        (
            {"kind": "rate_limit"},
            lambda r: r.status_code == 429 and "retry-after" not in r.headers,
        ),
        (
            {"kind": "rate_limit", "retry_after_date": 30},
            lambda r: (
                r.status_code == 429
                and email.utils.parsedate_to_datetime(r.headers["retry-after"]) is not None
            ),
        ),
        (
            {"kind": "rate_limit", "retry_after": "Wed, 21 Oct 2026 07:28:00 GMT"},
            lambda r: r.headers["retry-after"] == "Wed, 21 Oct 2026 07:28:00 GMT",
        ),
        ({"kind": "malformed_json"}, lambda r: r.status_code == 200 and not is_json(r.text)),
        (
            {"kind": "code", "code": 2001, "message": "Insufficient credits"},
            lambda r: (
                r.status_code == 200
                and r.json() == {"code": 2001, "message": "Insufficient credits", "data": None}
            ),
        ),
        (
            {"kind": "redirect", "location": "http://127.0.0.2:{port}{path}"},
            lambda r: (
                r.status_code == 302 and r.headers["location"].startswith("http://127.0.0.2:")
            ),
        ),
        (
            {"kind": "huge_body", "bytes": 3_000_000},
            lambda r: len(r.content) > 3_000_000 and r.json()["code"] == 0,
        ),
    ],
    ids=[
        "status",
        "status-text",
        "retry-seconds",
        "retry-absent",
        "retry-date",
        "retry-literal",
        "malformed",
        "code",
        "redirect",
        "huge",
    ],
)
def test_answers_played_by_the_gate(sb, fault, check):
    user = sb.new_user()
    sb.faults(rule(CREDITS, **fault))
    assert check(sb.http.get(CREDITS, headers=user.auth))
    assert sb.http.get(CREDITS, headers=user.auth).json()["code"] == 0, "times defaults to 1"


def test_redirect_defaults_to_the_other_host_name(sb):
    user = sb.new_user()
    start = len(sb.log())
    sb.faults(rule(CREDITS, "redirect"))
    response = sb.http.get(CREDITS, headers=user.auth)
    assert response.headers["location"] == f"http://localhost:{sb.port}{CREDITS}"
    httpx.get(response.headers["location"])  # a careful client follows without its token
    follow = sb.log_since(start)[-1]
    assert follow["host"] == "localhost" and follow["authorization"] is False


def test_reset_of_a_json_answer_and_of_an_upload(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(rule(CREDITS, "reset"))
    with pytest.raises(httpx.RemoteProtocolError):
        sb.http.get(CREDITS, headers=user.auth)
    sb.faults(rule("/api/upload-video/", "reset", method="POST", after_bytes=100))
    files = [("files", ("a.png", b"\x89PNG" + b"\0" * 5000, "image/png"))]
    with pytest.raises(httpx.TransportError):
        sb.http.post(
            f"/api/upload-video/nemo_agent/me/{session_id}", headers=user.auth, files=files
        )
    assert sb.state(user, session_id)["data"]["state"]["video_infos"] == []


def test_stall_of_a_json_answer(sb):
    user = sb.new_user()
    sb.faults(rule(CREDITS, "stall", seconds=3))
    with pytest.raises(httpx.ReadTimeout):
        sb.http.get(CREDITS, headers=user.auth, timeout=0.5)


def test_expire_token_before_the_call(sb):
    user = sb.new_user()
    sb.faults(rule(CREDITS, "expire_token"))
    assert sb.http.get(CREDITS, headers=user.auth).json()["code"] == 1001
    assert sb.http.get(CREDITS, headers=user.auth).json()["code"] == 1001, "it stays expired"
    renewed = sb.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": user.client_id})
    assert renewed.json()["data"]["user_id"] == user.user_id


def test_lose_session_forgets_the_called_session_only(sb):
    user = sb.new_user()
    kept, lost = sb.new_session(user), sb.new_session(user)
    sb.faults(rule("/api/state/", "lose_session"))
    assert sb.state(user, lost)["code"] == 1002
    assert sb.state(user, lost)["code"] == 1002, "it stays forgotten"
    assert sb.state(user, kept)["code"] == 0


def test_lose_session_on_the_stream_is_1002_and_unbilled(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(rule("/run_sse", "lose_session", method="POST"))
    stream = sb.run(user, session_id, "Generate a video of an owl")
    assert '"code":1002' in "".join(stream.lines).replace(" ", "")
    assert sb.credits(user)["available"] == 1000
    assert sb.log()[-1]["accepted"] is False


def test_stream_reset_after_some_events_while_the_work_goes_on(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(rule("/run_sse", "reset", method="POST", after_events=3))
    with pytest.raises(httpx.RemoteProtocolError):
        sb.run(user, session_id, "Generate a 2-second video of an owl")
    for _ in range(100):
        draft = sb.draft(user, session_id)
        if draft and len(draft["t"]) == 3:
            break
        time.sleep(0.03)
    assert draft["d"] == 2000
    entry = next(e for e in reversed(sb.log()) if e["path"] == "/run_sse")
    assert entry["accepted"] is True and entry["fault"] == "reset"


def test_stream_stall_sends_nothing_at_all(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(rule("/run_sse", "stall", method="POST", after_events=2, seconds=3))
    lines: list[str] = []
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": "Generate a video of an owl"}]},
    }
    with (
        pytest.raises(httpx.ReadTimeout),
        sb.http.stream(
            "POST", "/run_sse", headers=user.auth, json=body, timeout=httpx.Timeout(5, read=0.6)
        ) as response,
    ):
        lines.extend(response.iter_lines())
    assert len([x for x in lines if x]) == 2


def test_malformed_sse_lines_then_the_stream_goes_on(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    garbage = ["data: {broken", "garbage", "data: [1,2"]
    sb.faults(rule("/run_sse", "malformed_sse", method="POST", lines=garbage))
    stream = sb.run(user, session_id, "Generate a 2-second video of an owl")
    assert all(line in stream.lines for line in garbage)
    assert stream.lines.index("garbage") < len(stream.lines) - 5
    clean = [x for x in stream.lines if x not in garbage]
    parsed = [json.loads(x[5:]) for x in clean if x.startswith("data:") and x[5:].strip()]
    assert any(e.get("type") == "tool_result" for e in parsed)


def test_huge_event_in_the_stream(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(rule("/run_sse", "huge_body", method="POST", bytes=2_000_000, after_events=1))
    stream = sb.run(user, session_id, "Generate a 2-second video of an owl")
    assert max(len(x) for x in stream.lines) > 2_000_000
    assert any(e.get("type") == "tool_result" for e in stream.events)


def test_render_fail_then_a_new_id_succeeds(sb):
    user, session_id = sb.made_video()
    render = "/api/render/proxy/lambda$"
    sb.faults(rule(render, "render_fail", method="POST", error="out of GPUs"))
    failed = sb.submit(user, session_id).json()["data"]["id"]
    final = sb.wait_render(user, failed)[-1]
    assert poll_status(final) == "failed"
    assert (final.get("data") or final)["error"] == "out of GPUs"
    retried = sb.submit(user, session_id).json()["data"]["id"]
    assert poll_status(sb.wait_render(user, retried)[-1]) == "completed"


def test_render_stuck_stays_processing(sb):
    user, session_id = sb.made_video()
    sb.faults(rule("/api/render/proxy/lambda$", "render_stuck", method="POST"))
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    sb.configure(render_shape="init")
    for _ in range(200):
        body = sb.poll(user, render_id)
        if body["progress"] == 60:
            break
        time.sleep(0.03)
    time.sleep(0.3)  # longer than the whole render would take
    body = sb.poll(user, render_id)
    assert body["status"] == "processing" and body["progress"] == 60 and "output" not in body


@pytest.fixture
def finished(sb):
    user, session_id = sb.made_video()
    render_id, final = sb.rendered(user, session_id)
    url = poll_url(final)
    return user, render_id, url, httpx.get(url).content


def test_cut_download_keeps_what_arrived_and_range_resumes(sb, finished):
    _, _, url, whole = finished
    sb.faults(rule("/render-result/", "cut_download", fraction=0.5))
    received = bytearray()
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("GET", url) as response:
        assert response.headers["content-length"] == str(len(whole))
        for chunk in response.iter_raw():
            received.extend(chunk)
    assert 0 < len(received) < len(whole) and whole.startswith(bytes(received))
    rest = httpx.get(url, headers={"Range": f"bytes={len(received)}-"})
    assert bytes(received) + rest.content == whole


def test_download_reset_after_bytes_and_stall(sb, finished):
    user, render_id, url, whole = finished
    path = f"/api/render/proxy/{render_id}/download"
    sb.faults(rule(path, "reset", after_bytes=1000))
    received = bytearray()
    with (
        pytest.raises(httpx.RemoteProtocolError),
        sb.http.stream("GET", path, headers=user.auth) as response,
    ):
        for chunk in response.iter_raw():
            received.extend(chunk)
    assert bytes(received) == whole[:1000]
    sb.faults(rule("/render-result/", "stall", after_bytes=500, seconds=3))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=httpx.Timeout(5, read=0.5))


def test_wrong_length(sb, finished):
    _, _, url, whole = finished
    sb.faults(rule("/render-result/", "wrong_length", delta=-1000))
    short = httpx.get(url)
    assert len(short.content) == len(whole) - 1000 == int(short.headers["content-length"])
    sb.faults(rule("/render-result/", "wrong_length", delta=64))
    long = httpx.get(url)
    assert long.content == whole + b"\0" * 64


def test_cdn_redirect_to_the_same_file(sb, finished):
    _, render_id, url, whole = finished
    sb.faults(
        rule(
            "/render-result/",
            "redirect",
            location="http://127.0.0.1:{port}/render-result/{file}",
        )
    )
    response = httpx.get(url, follow_redirects=True)
    assert response.history[0].status_code == 302
    assert response.history[0].headers["location"].endswith(f"/render-result/{render_id}.mp4")
    assert response.content == whole


def test_matching_nth_times_method_and_exact_paths(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.faults(
        rule(CREDITS, "status", status=500, nth=2, times=2),
        rule("/api/state/nemo_agent/me/$", "status", status=500),
        rule("/api/state/", "status", status=418, method="POST"),
    )
    statuses = [sb.http.get(CREDITS, headers=user.auth).status_code for _ in range(5)]
    assert statuses == [200, 500, 500, 200, 200]
    assert sb.state(user, session_id)["code"] == 0, "neither the exact path nor the method match"
    rules = sb.admin.get("/_sandbox/faults").json()["rules"]
    assert [(r["seen"], r["fired"]) for r in rules] == [(5, 2), (0, 0), (0, 0)]


def test_forever_and_clearing(sb):
    user = sb.new_user()
    sb.faults(rule(CREDITS, "status", status=500, times=0))
    assert {sb.http.get(CREDITS, headers=user.auth).status_code for _ in range(4)} == {500}
    sb.admin.delete("/_sandbox/faults")
    assert sb.http.get(CREDITS, headers=user.auth).status_code == 200


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "explode"},
        {"kind": "status", "nth": 0},
        {"kind": "stall", "seconds": "soon"},
        "not an object",
    ],
)
def test_bad_rules_are_refused(sb, bad):
    response = sb.admin.post("/_sandbox/faults", json={"rules": [bad]})
    assert response.status_code == 400 and "error" in response.json()
    assert sb.admin.get("/_sandbox/faults").json()["rules"] == []


def test_control_calls_are_never_faulted(sb):
    sb.faults({"path": "/", "kind": "status", "status": 500, "times": 0})
    assert sb.admin.get("/_sandbox/health").json()["ok"] is True
