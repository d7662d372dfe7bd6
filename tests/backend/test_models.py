"""Wire models accept every documented shape (vendor-api.md §8 disagreements)."""

import json

import pytest

from agent.backend.envelope import decode_body
from agent.backend.errors import ProtocolError
from agent.backend.models import Credits, RenderStatus, SessionInfo, UploadResult
from tests.support import FIXTURES


def render_fixture(name):
    raw = (FIXTURES / "render" / name).read_bytes()
    return RenderStatus.from_wire(decode_body(200, raw))


@pytest.mark.parametrize("name", ["poll_ref.json", "poll_top.json", "poll_init.json"])
def test_three_poll_shapes_complete(name):
    status = render_fixture(name)
    assert status.status == "completed"
    assert status.succeeded
    assert status.url.endswith(".mp4")
    assert status.render_id == "render_xxx"


def test_poll_processing_and_failed():
    assert render_fixture("poll_processing.json").progress == 45
    failed = render_fixture("poll_failed.json")
    assert failed.finished and not failed.succeeded and failed.error == "invalid draft"


def test_render_without_status_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        RenderStatus.from_wire({"progress": 3})


def test_credits_shapes():
    assert Credits.from_wire({"available": 25000, "frozen": 40, "total": 25040}).total == 25040
    assert Credits.from_wire({"available": 10, "frozen": 5}).total == 15
    granted = Credits.from_wire(
        {"available": 60, "frozen": 0, "total_granted": 100, "total_consumed": 40}
    )
    assert granted.total == 60
    with pytest.raises(ProtocolError):
        Credits.from_wire({"frozen": 1})


def test_session_and_upload():
    assert SessionInfo.from_wire(
        {"task_id": "t", "session_id": 5529798706024415232}
    ).session_id == ("5529798706024415232")
    upload = UploadResult.from_wire(
        json.loads(
            '{"files":[{"filename":"v.mp4","file_type":"video","cdn_url":"https://c/v.mp4",'
            '"duration":30.5,"width":1920,"height":1080}],"session_state_applied":true}'
        )
    )
    assert upload.files[0].url == "https://c/v.mp4" and upload.files[0].width == 1920
