"""What the scripted agent makes of a message: the table in fixtures/sandbox/agent_requests.json,
plus the length parser and the draft's length rules."""

from __future__ import annotations

import pytest

from agent.sandbox.intents import parse_seconds, plan_reply, title_of
from agent.sandbox.render import draft_duration_ms
from tests.sandbox.harness import fixture

REQUESTS = fixture("agent_requests.json")


@pytest.mark.parametrize("case", REQUESTS, ids=[c["text"] for c in REQUESTS])
def test_request_table(case):
    plan = plan_reply(case["text"], case["video"], [])
    assert plan.kind == case["kind"]
    assert plan.zh == case.get("zh", False)
    if "seconds" in case:
        assert plan.duration_ms == case["seconds"] * 1000
    if "label" in case:
        assert plan.label == case["label"]
    if "edit" in case:
        assert plan.edit == case["edit"]
    if "value" in case:
        assert plan.value == case["value"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("a 4-second clip", 4),
        ("4s", 4),
        ("make it 4s, please", 4),
        ("cats and a 4s clip", 4),
        ("10 sec of rain", 10),
        ("2.5 seconds", 2.5),
        ("4 秒", 4),
        ("8秒", 8),
        ("二十秒", 20),
        ("两秒", 2),
        ("4 shots of a city", None),
        ("1080p please", None),
        ("90 seconds", None),
        ("no length", None),
    ],
)
def test_parse_seconds(text, seconds):
    assert parse_seconds(text) == seconds


def test_an_uploaded_image_named_in_the_message_is_image_to_video():
    url = "http://localhost:9/cdn/ab12/cat.png"
    plan = plan_reply(f"make it move (uploaded image: {url})", True, [url])
    assert plan.kind == "generation" and plan.image_url == url
    assert plan.label == "make it move"
    assert plan_reply("make it move", True, [url]).kind == "edit"


def test_titles():
    assert title_of("a red fox in the snow", False) == "Red Fox Snow"
    assert title_of("", False) == "My Video"
    assert title_of("一只纸船在下雨的街道上漂流", True) == "一只纸船在下"


def test_draft_length():
    assert draft_duration_ms({"d": 4000, "t": []}) == 4000
    assert draft_duration_ms({"t": [{"tt": 0, "sg": [{"st": 500, "d": 3000}]}]}) == 3500
    assert draft_duration_ms({"d": "soon", "t": "nothing"}) == 5000
