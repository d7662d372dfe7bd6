"""Uploads (vendor-api.md A5): multipart `files` streamed to disk, URL uploads, 4001, 4002, and
the "CDN" that serves what was uploaded."""

from __future__ import annotations

import hashlib
import os

import httpx

from tests.sandbox.harness import fixture
from tests.support.media import tiny_png


def upload_path(session_id: str) -> str:
    return f"/api/upload-video/nemo_agent/me/{session_id}"


def test_several_files_in_one_request(sb, tmp_path):
    user = sb.new_user()
    session_id = sb.new_session(user)
    image = tiny_png(tmp_path / "a.png")
    with image.open("rb") as one, image.open("rb") as two:
        files = [("files", ("a.png", one, "image/png")), ("files", ("b.png", two, "image/png"))]
        body = sb.http.post(upload_path(session_id), headers=user.auth, files=files).json()
    assert body["code"] == 0 and body["data"]["session_state_applied"] is True
    described = body["data"]["files"]
    assert [f["filename"] for f in described] == ["a.png", "b.png"]
    assert all(f["file_type"] == "image" and f["width"] == 64 for f in described)
    assert described[0]["hash"] == hashlib.sha256(image.read_bytes()).hexdigest()[:16]
    cdn = described[0]["cdn_url"]
    assert cdn.startswith(f"http://localhost:{sb.port}/cdn/")
    served = httpx.get(cdn)
    assert served.content == image.read_bytes() and served.headers["content-type"] == "image/png"
    infos = sb.state(user, session_id)["data"]["state"]["video_infos"]
    assert [i["filename"] for i in infos] == ["a.png", "b.png"]


def test_a_large_upload_is_streamed_to_disk(sb, tmp_path):
    user = sb.new_user()
    session_id = sb.new_session(user)
    big = tmp_path / "big.mp4"
    with big.open("wb") as handle:
        for _ in range(24):
            handle.write(os.urandom(1024 * 1024))
    digest = hashlib.sha256(big.read_bytes()).hexdigest()

    def chunks():
        boundary = b"--sandboxtestboundary"
        yield boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"'
        yield b"\r\nContent-Type: video/mp4\r\n\r\n"
        with big.open("rb") as handle:
            while block := handle.read(256 * 1024):
                yield block
        yield b"\r\n" + boundary + b"--\r\n"

    headers = {**user.auth, "Content-Type": "multipart/form-data; boundary=sandboxtestboundary"}
    body = sb.http.post(upload_path(session_id), headers=headers, content=chunks()).json()
    (described,) = body["data"]["files"]
    assert described["size"] == big.stat().st_size and described["hash"] == digest[:16]
    served = httpx.get(described["cdn_url"])
    assert hashlib.sha256(served.content).hexdigest() == digest


def test_url_upload(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    body = sb.http.post(
        upload_path(session_id), headers=user.auth, json=fixture("upload_urls.json")
    ).json()
    described = body["data"]["files"]
    assert [(f["filename"], f["file_type"]) for f in described] == [
        ("beach.mp4", "video"),
        ("photo.jpg", "image"),
    ]
    assert described[1]["cdn_url"] == "https://example.com/media/photo.jpg?size=large"
    assert len(sb.state(user, session_id)["data"]["state"]["video_infos"]) == 2


def test_unsupported_types_are_4001(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    text = [("files", ("notes.txt", b"hello", "text/plain"))]
    assert sb.http.post(upload_path(session_id), headers=user.auth, files=text).json() == {
        "code": 4001,
        "message": "Unsupported file type",
        "data": None,
    }
    urls = {"urls": ["https://example.com/readme.pdf"], "source_type": "url"}
    assert (
        sb.http.post(upload_path(session_id), headers=user.auth, json=urls).json()["code"] == 4001
    )


def test_too_large_is_4002_and_nothing_is_kept(sb, tmp_path):
    user = sb.new_user()
    session_id = sb.new_session(user)
    sb.configure(max_upload_bytes=1000)
    files = [("files", ("clip.mp4", b"\0" * 5000, "video/mp4"))]
    body = sb.http.post(upload_path(session_id), headers=user.auth, files=files).json()
    assert body["code"] == 4002
    assert sb.state(user, session_id)["data"]["state"]["video_infos"] == []


def test_malformed_uploads_are_400(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    not_files = sb.http.post(upload_path(session_id), headers=user.auth, data={"x": "1"})
    assert not_files.status_code == 400
    wrong_field = [("file", ("a.png", b"\x89PNG", "image/png"))]
    assert (
        sb.http.post(upload_path(session_id), headers=user.auth, files=wrong_field).status_code
        == 400
    )
    bad_json = sb.http.post(upload_path(session_id), headers=user.auth, json={"urls": []})
    assert bad_json.status_code == 400


def test_upload_needs_a_token_and_an_own_session(sb):
    user, other = sb.new_user(), sb.new_user()
    session_id = sb.new_session(user)
    files = [("files", ("a.png", b"\x89PNG", "image/png"))]
    assert sb.http.post(upload_path(session_id), files=files).json()["code"] == 1001
    foreign = sb.http.post(upload_path(session_id), headers=other.auth, files=files)
    assert foreign.json()["code"] == 1002


def test_names_with_spaces_and_chinese_make_working_urls(sb):
    user = sb.new_user()
    session_id = sb.new_session(user)
    files = [("files", ("my photo 猫.png", b"\x89PNG-bytes", "image/png"))]
    body = sb.http.post(upload_path(session_id), headers=user.auth, files=files).json()
    (described,) = body["data"]["files"]
    assert described["filename"] == "my photo 猫.png" and " " not in described["cdn_url"]
    assert httpx.get(described["cdn_url"]).content == b"\x89PNG-bytes"
