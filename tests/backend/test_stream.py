"""SSE transcripts in both wire shapes become the right typed events."""

import pytest

from agent.backend import stream as s
from agent.backend.errors import ProtocolError
from tests.support import FIXTURES


def events(name):
    return s.parse_transcript((FIXTURES / "sse" / name).read_text().splitlines())


def kinds(evts):
    return [type(e).__name__ for e in evts]


def without_heartbeats(evts):
    return [k for k in kinds(evts) if k != "HeartbeatEvent"]


def test_typed_generation():
    evts = events("typed_generation.sse")
    # two comments, one typed heartbeat, one empty data: line
    assert kinds(evts).count("HeartbeatEvent") == 4
    assert without_heartbeats(evts) == [
        "TextEvent",
        "ToolCallEvent",
        "ToolResultEvent",
        "TextEvent",
    ]
    content = [e for e in evts if not isinstance(e, s.HeartbeatEvent)]
    assert content[1].name == "generate_video_with_seedance"
    assert content[1].args["duration"] == 4
    assert "Export button" in content[-1].text


def test_adk_generation_skips_thoughts():
    evts = events("adk_generation.sse")
    assert kinds(evts) == [
        "TextEvent",
        "ToolCallEvent",
        "HeartbeatEvent",
        "ToolResultEvent",
        "TextEvent",
    ]
    assert evts[1].call_id == "adk-1"
    assert evts[3].result == {"status": "ok"}
    assert evts[-1].text == "Done! Your sunset clip is on the timeline."


def test_adk_partial_texts_are_marked():
    evts = events("adk_partial.sse")
    assert [e.partial for e in evts] == [True, True, False]
    assert [e.text for e in evts if not e.partial] == ["Adding music now."]


def test_question():
    (evt,) = events("question.sse")
    assert isinstance(evt, s.QuestionEvent)
    assert evt.title == "What should the video show?"
    assert [o.label for o in evt.questions[0].options] == ["A city at night", "Ocean waves"]


def test_errors_and_garbage():
    evts = events("errors.sse")
    assert kinds(evts) == ["ErrorEvent", "ErrorEvent", "ErrorEvent", "UnknownEvent", "UnknownEvent"]
    assert evts[0].message == "model overloaded"
    assert evts[1].code == "RESOURCE_EXHAUSTED"
    assert evts[2].code == "500"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", s.HeartbeatEvent),
        ("   ", s.HeartbeatEvent),
        ('{"type":"heartbeat"}', s.HeartbeatEvent),
        ('{"type":"text","text":"hi"}', s.TextEvent),
        ('{"type":"text","content":""}', s.HeartbeatEvent),
        ('{"type":"something_new"}', s.UnknownEvent),
        ('{"content":{"parts":[]}}', s.HeartbeatEvent),
        ('{"content":{"parts":"nope"}}', s.UnknownEvent),
        ('"a string"', s.UnknownEvent),
        (
            '{"type":"tool_call","name":"ask_question","args":{"question":"Which?","options":["x","y"]}}',
            s.QuestionEvent,
        ),
    ],
)
def test_classify_table(data, expected):
    (evt,) = s.classify(data)
    assert isinstance(evt, expected)


def test_crlf_and_unicode_line_separators():
    body = 'data: {"type":"text","content":"a\u2028b"}\r\n\r\n: ping\r\n\r\n'
    evts = s.parse_transcript([body])
    assert sorted(kinds(evts)) == ["HeartbeatEvent", "TextEvent"]
    assert [e.text for e in evts if isinstance(e, s.TextEvent)] == ["a\u2028b"]


def test_oversized_event_is_refused(monkeypatch):
    monkeypatch.setattr(s, "MAX_EVENT_CHARS", 1000)
    with pytest.raises(ProtocolError):
        s.parse_transcript(["data: " + "x" * 600] * 3 + [""])
