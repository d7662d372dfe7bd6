"""Renders (vendor-api.md §5.3): submit, the three documented poll shapes, a real H.264 mp4 as
long as the draft, the "CDN" with Range support, the bearer download, cancel, 402."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.harness import draft_copy, poll_status, poll_url
from tests.support.media import probe_video


def test_submit_answer_and_duplicate_id(sb):
    user, session_id = sb.made_video()
    submitted = sb.submit(user, session_id)
    render_id = submitted.json()["data"]["id"]
    assert submitted.json() == {
        "success": True,
        "data": {"id": render_id, "status": "pending", "progress": 5},
    }
    body = {"id": render_id, "sessionId": session_id, "draft": sb.draft(user, session_id)}
    again = sb.http.post("/api/render/proxy/lambda", headers=user.auth, json=body)
    assert again.status_code == 200
    assert again.json()["success"] is False and render_id in again.json()["error"]
    assert sb.credits(user)["available"] == 900, "export is free"


def test_submit_without_attribution_headers_is_402(sb):
    user, session_id = sb.made_video()
    body = {"id": "render_no_headers", "sessionId": session_id, "draft": sb.draft(user, session_id)}
    bare = httpx.post(sb.url + "/api/render/proxy/lambda", headers=user.auth, json=body)
    assert bare.status_code == 402
    partial = {**user.auth, "X-Skill-Source": "wan-22"}
    assert (
        httpx.post(sb.url + "/api/render/proxy/lambda", headers=partial, json=body).status_code
        == 402
    )


def test_submit_refuses_an_empty_draft_and_a_foreign_session(sb):
    user, session_id = sb.made_video()
    empty = sb.submit(user, session_id, draft={"t": [{"tt": 0, "sg": []}], "d": 0})
    assert empty.json()["success"] is False
    other = sb.new_user()
    foreign = sb.submit(other, session_id, draft=sb.draft(user, session_id))
    assert foreign.json()["code"] == 1002


@pytest.mark.parametrize("shape", ["ref", "top", "init"])
def test_each_poll_shape(sb, shape):
    sb.configure(render_shape=shape)
    user, session_id = sb.made_video()
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    polls = sb.wait_render(user, render_id)
    final = polls[-1]
    if shape == "ref":
        data = final["data"]
        assert final["success"] is True and "status" not in final
        assert set(data) == {"id", "status", "progress", "outputUrl", "createdAt", "completedAt"}
        assert data["id"] == render_id and data["completedAt"] >= data["createdAt"]
    else:
        assert final["id" if shape == "top" else "taskId"] == render_id
        assert set(final["output"]) == {"url", "duration", "size"}
        assert final["output"]["duration"] == 4.0 and final["output"]["size"] > 1000
    assert poll_status(final) == "completed"
    progress = [p["data"]["progress"] if "data" in p else p["progress"] for p in polls]
    assert progress == sorted(progress) and progress[-1] == 100
    statuses = [poll_status(p) for p in polls]
    assert statuses[-1] == "completed" and set(statuses) <= {"pending", "processing", "completed"}


def test_rotate_answers_in_every_shape(sb):
    sb.configure(render_shape="rotate", render_seconds=0.5)
    user, session_id = sb.made_video()
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    polls = [sb.poll(user, render_id) for _ in range(3)]
    assert ["data" in polls[0], "id" in polls[1], "taskId" in polls[2]] == [True, True, True]


def test_the_mp4_ranges_and_the_bearer_download(sb, tmp_path):
    user, session_id = sb.made_video("Generate a 4-second video of a red kite")
    start = len(sb.log())
    render_id, final = sb.rendered(user, session_id)
    url = poll_url(final)
    assert url == f"http://localhost:{sb.port}/render-result/{render_id}.mp4"
    whole = httpx.get(url)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == len(whole.content)
    path = tmp_path / "render.mp4"
    path.write_bytes(whole.content)
    facts = probe_video(path)
    assert facts.codec == "h264" and (facts.width, facts.height) == (640, 360)
    assert abs(facts.duration - 4.0) <= 0.2

    size = len(whole.content)
    part = httpx.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    tail = httpx.get(url, headers={"Range": f"bytes={size - 50}-"})
    assert tail.status_code == 206 and tail.content == whole.content[-50:]
    suffix = httpx.get(url, headers={"Range": "bytes=-10"})
    assert suffix.content == whole.content[-10:]
    beyond = httpx.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
    head = httpx.head(url)
    assert head.status_code == 200 and head.headers["content-length"] == str(size)
    assert head.content == b""

    download = sb.http.get(f"/api/render/proxy/{render_id}/download", headers=user.auth)
    assert download.content == whole.content
    refused = sb.http.get(f"/api/render/proxy/{render_id}/download")
    assert refused.json()["code"] == 1001

    cdn = [e for e in sb.log_since(start) if e["path"].startswith("/render-result/")]
    assert cdn and all(e["host"] == "localhost" and not e["authorization"] for e in cdn)
    assert {e["range"] for e in cdn} >= {"bytes=100-199", "bytes=-10"}


def test_an_image_to_video_render_starts_from_the_image(sb, tmp_path):
    from tests.support.media import tiny_png

    user = sb.new_user()
    session_id = sb.new_session(user)
    image = tiny_png(tmp_path / "photo.png")
    with image.open("rb") as handle:
        uploaded = sb.http.post(
            f"/api/upload-video/nemo_agent/me/{session_id}",
            headers=user.auth,
            files=[("files", ("photo.png", handle, "image/png"))],
        ).json()
    cdn_url = uploaded["data"]["files"][0]["cdn_url"]
    sb.run(user, session_id, f"Animate this photo for 2 seconds (uploaded image: {cdn_url})")
    _, final = sb.rendered(user, session_id)
    path = tmp_path / "i2v.mp4"
    path.write_bytes(httpx.get(poll_url(final)).content)
    assert abs(probe_video(path).duration - 2.0) <= 0.2


def test_a_draft_edited_by_the_client_renders_at_its_length(sb, tmp_path):
    user, session_id = sb.made_video()
    draft = draft_copy(sb.draft(user, session_id))
    draft["d"] = 2500
    render_id = sb.submit(user, session_id, draft=draft).json()["data"]["id"]
    final = sb.wait_render(user, render_id)[-1]
    path = tmp_path / "edited.mp4"
    path.write_bytes(httpx.get(poll_url(final)).content)
    assert abs(probe_video(path).duration - 2.5) <= 0.2


def test_cancel(sb):
    sb.configure(render_seconds=5.0)
    user, session_id = sb.made_video()
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    cancelled = sb.http.post(f"/api/render/proxy/lambda/{render_id}/cancel", headers=user.auth)
    assert cancelled.json() == {"success": True, "data": {"id": render_id, "status": "cancelled"}}
    assert poll_status(sb.poll(user, render_id)) == "cancelled"
    unknown = sb.http.post("/api/render/proxy/lambda/render_nope/cancel", headers=user.auth)
    assert unknown.json()["success"] is False


def test_unknown_and_foreign_renders(sb):
    user, session_id = sb.made_video()
    render_id = sb.submit(user, session_id).json()["data"]["id"]
    other = sb.new_user()
    assert sb.poll(other, render_id)["success"] is False
    assert sb.poll(user, "render_unknown") == {"success": False, "error": "render not found"}
    sb.configure(error_http_status=True)
    missing = sb.http.get("/api/render/proxy/lambda/render_unknown", headers=user.auth)
    assert missing.status_code == 404
    assert httpx.get(sb.url + "/render-result/render_unknown.mp4").status_code == 404
