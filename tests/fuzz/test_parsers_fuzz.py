"""Hypothesis against every parser that reads outside data: none may raise anything but our own
typed errors (`agent.errors.WanError` subclasses)."""

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.backend.envelope import decode_body
from agent.backend.models import Credits, RenderStatus, SessionState, UploadResult
from agent.backend.stream import classify, parse_question, parse_transcript
from agent.errors import WanError
from agent.skill.manifest import parse_manifest

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=30,
)
KEYS = [
    "type",
    "content",
    "text",
    "name",
    "args",
    "result",
    "id",
    "error",
    "errorCode",
    "errorMessage",
    "parts",
    "functionCall",
    "functionResponse",
    "partial",
    "thought",
    "questions",
    "options",
    "title",
    "prompt",
    "label",
    "status",
    "data",
    "code",
    "success",
    "message",
    "output",
    "url",
    "outputUrl",
    "progress",
    "size",
    "available",
    "frozen",
    "total",
    "files",
    "state",
    "draft",
    "session_id",
    "detail",
]
shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(KEYS),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=40,
)


def only_our_errors(call):
    with contextlib.suppress(WanError):
        call()


@FUZZ
@given(st.one_of(st.text(max_size=200), shaped.map(json.dumps), json_values.map(json.dumps)))
def test_sse_classify(data):
    events = classify(data)
    assert events


@FUZZ
@given(st.lists(st.text(max_size=80), max_size=12))
def test_sse_transcripts(lines):
    only_our_errors(lambda: parse_transcript(lines))


@FUZZ
@given(
    st.lists(
        st.one_of(
            shaped.map(lambda v: "data: " + json.dumps(v)),
            st.just(""),
            st.just(": ping"),
            st.just("data:"),
            st.text(max_size=30),
        ),
        max_size=15,
    )
)
def test_sse_transcripts_of_json_events(lines):
    only_our_errors(lambda: parse_transcript(lines))


@FUZZ
@given(shaped)
def test_question_arguments(args):
    if isinstance(args, dict):
        parse_question(args)


@FUZZ
@given(
    st.integers(min_value=100, max_value=599),
    st.one_of(st.binary(max_size=100), shaped.map(lambda v: json.dumps(v).encode())),
)
def test_envelopes(status, body):
    only_our_errors(lambda: decode_body(status, body))


@FUZZ
@given(shaped)
def test_render_poll_bodies(body):
    only_our_errors(lambda: RenderStatus.from_wire(body))
    only_our_errors(lambda: RenderStatus.from_wire(decode_body(200, json.dumps(body).encode())))


@FUZZ
@given(shaped)
def test_other_wire_models(body):
    for model in (Credits, SessionState, UploadResult):
        only_our_errors(lambda m=model: m.from_wire(body))


frontmatter_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "name: wan-22",
                "version: 1.0",
                "description: d",
                "metadata: {}",
                'metadata: {"version": "2"}',
                "version: [",
                "  - x",
                "name:",
                ": :",
                "description: >",
                "  folded",
                "version: !!binary aGk=",
                "---",
                "\t",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=10,
)


@FUZZ
@given(frontmatter_lines, st.booleans())
def test_frontmatter(lines, closed):
    text = "---\n" + "\n".join(lines) + ("\n---\nbody\n" if closed else "\n")
    only_our_errors(lambda: parse_manifest(text, "SKILL.md"))


draft_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10**7)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.sampled_from(["t", "tt", "sg", "d", "m", "st", "n", "tx", "vol", "tracks", "segments"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "t",
                    "tt",
                    "sg",
                    "d",
                    "m",
                    "st",
                    "s",
                    "e",
                    "n",
                    "tx",
                    "vol",
                    "v",
                    "start",
                    "end",
                    "name",
                    "text",
                    "volume",
                    "type",
                    "tracks",
                    "segments",
                    "style",
                    "title",
                    "src",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=40,
)


@FUZZ
@given(draft_like, draft_like)
def test_draft_summary_and_diff(before, after):
    from agent.conversation.draft import (
        describe_changes,
        diff_states,
        parse_draft,
        snapshot_from_state,
        stage_of,
        track_summary,
    )

    with contextlib.suppress(WanError):
        draft = parse_draft(after)
        for language in ("en", "zh-CN"):
            assert track_summary(draft, language)
    old = snapshot_from_state({"draft": before})
    new = snapshot_from_state(
        {"draft": after, "video_infos": before if isinstance(before, list) else []}
    )
    stage_of(new)
    for language in ("en", "zh-CN"):
        assert describe_changes(diff_states(old, new), language)


@FUZZ
@given(st.text(max_size=120), st.lists(st.text(max_size=20), max_size=3))
def test_router_and_language(text, files):
    from agent.conversation.intents import route_utterance
    from agent.conversation.language import detect_language

    intent = route_utterance(text, files)
    assert intent.kind in ("export", "credits", "status", "upload", "chat")
    assert detect_language(text, "en").code


@FUZZ
@given(st.text(max_size=300))
def test_gui_translation(text):
    from agent.conversation.gui import translate_gui

    result = translate_gui(text)
    assert isinstance(result.text, str)
