"""Routing and language on the utterance table (fixtures/utterances.jsonl): English, Chinese,
mixed, full-width, politeness, attachments, and command words hidden inside prompts."""

import json

import pytest

from agent.conversation.intents import route_utterance
from agent.conversation.language import detect_language
from tests.support import FIXTURES

ROWS = [
    json.loads(line)
    for line in (FIXTURES / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    if line
]


def row_id(row):
    files = f" +{len(row['files'])} file(s)" if row["files"] else ""
    return (row["text"] or "<no words>")[:48] + files


def test_the_table_is_big_enough():
    assert len(ROWS) >= 150
    assert {r["intent"] for r in ROWS} == {"export", "credits", "status", "upload", "chat"}
    assert sum(r["language"] == "zh-CN" for r in ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=[row_id(r) for r in ROWS])
def test_route(row):
    intent = route_utterance(row["text"], row["files"])
    assert (str(intent.kind), intent.mode) == (row["intent"], row["mode"]), intent.reason
    assert route_utterance(row["text"], row["files"]) == intent, "routing is deterministic"


@pytest.mark.parametrize("row", ROWS, ids=[row_id(r) for r in ROWS])
def test_language(row):
    guess = detect_language(row["text"], row.get("fallback", "en"))
    assert guess.code == row["language"]
    if "fallback" in row:
        assert guess.decided is False


def test_generation_wishes():
    assert route_utterance("Generate a 4-second video of a fox").wants_generation
    assert route_utterance("生成一段视频").wants_generation
    assert route_utterance("make a video of rain").wants_generation
    assert not route_utterance("make it 8 seconds").wants_generation
    assert not route_utterance("add music").wants_generation
