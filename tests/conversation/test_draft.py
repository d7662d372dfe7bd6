"""The draft: tolerant parsing, the documented track summary in both languages, what changed."""

import json

import pytest

from agent.conversation.draft import (
    DraftError,
    describe_changes,
    diff_states,
    is_exportable,
    parse_draft,
    snapshot_from_state,
    stage_of,
    track_summary,
)
from tests.support import FIXTURES


def fixture(name):
    return json.loads((FIXTURES / "drafts" / name).read_text())


def test_documented_summary_in_both_languages():
    draft = parse_draft(fixture("sandbox_shape.json"))
    assert track_summary(draft, "en") == (
        'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )
    assert track_summary(draft, "zh-CN") == (
        "时间线（3 条轨道）：1. 视频：city timelapse（0-10 秒）2. 背景音乐：Lo-fi（0-10 秒，35%）3. 标题：“Urban Dreams”（0-3 秒）"
    )


def test_alternate_spellings():
    draft = parse_draft(fixture("alternate_spellings.json"))
    assert [t.kind for t in draft.tracks] == ["video", "audio", "text"]
    assert track_summary(draft, "en") == (
        'Timeline (3 tracks): 1. Video: fox (0-4.5s) 2. BGM: Piano (0-4.5s, 80%) 3. Title: "Hello" (0.5-2.5s)'
    )


def test_unknown_types_and_missing_fields_never_crash():
    draft = parse_draft(fixture("unknown_and_missing.json"))
    text = track_summary(draft, "en")
    assert "Track (type 3): sticker" in text and "Video: untitled" in text
    assert "未命名" in track_summary(draft, "zh-CN")


def test_empty_none_string_and_garbage():
    assert "empty" in track_summary(parse_draft(fixture("empty.json")), "en")
    assert "空" in track_summary(None, "zh-CN")
    assert parse_draft(None) is None and parse_draft({}) is None
    assert parse_draft(fixture("as_string.json")).tracks[0].segments[0].label == "waves"
    with pytest.raises(DraftError):
        parse_draft("{not json")
    with pytest.raises(DraftError):
        parse_draft([1, 2])
    assert not is_exportable(parse_draft(fixture("empty.json")))
    assert is_exportable(parse_draft(fixture("sandbox_shape.json")))


def state(*tracks, duration=5000):
    return {"draft": {"t": list(tracks), "d": duration}, "video_infos": [], "generated_media": []}


VIDEO = {"tt": 0, "sg": [{"st": 0, "d": 5000, "n": "fox"}]}
MUSIC = {"tt": 1, "sg": [{"st": 0, "d": 5000, "n": "Lo-fi", "vol": 35}]}
TITLE = {"tt": 7, "sg": [{"st": 0, "d": 3000, "tx": "Paradise Found"}]}


@pytest.mark.parametrize(
    ("before", "after", "english", "chinese"),
    [
        (
            state(VIDEO),
            state(VIDEO, TITLE),
            '✅ Title added: "Paradise Found" (0-3s)',
            "✅ 已添加标题：“Paradise Found”（0-3 秒）",
        ),
        (
            state(VIDEO),
            state(VIDEO, MUSIC),
            "✅ BGM added: Lo-fi (0-5s, 35% volume)",
            "✅ 已添加背景音乐：Lo-fi（0-5 秒，音量 35%）",
        ),
        (
            state(VIDEO, MUSIC),
            state(VIDEO, {"tt": 1, "sg": [{"st": 0, "d": 5000, "n": "Lo-fi", "vol": 20}]}),
            "✅ BGM volume: 35% → 20%",
            "✅ 背景音乐音量：35% → 20%",
        ),
        (
            state(VIDEO),
            state({"tt": 0, "sg": [{"st": 0, "d": 8000, "n": "fox"}]}, duration=8000),
            "✅ Duration: 5s → 8s",
            "✅ 时长：5 秒 → 8 秒",
        ),
        (
            state(VIDEO, TITLE),
            state(VIDEO),
            "✅ Title removed: Paradise Found",
            "✅ 已删除标题：Paradise Found",
        ),
        (
            state(VIDEO, {"tt": 7, "sg": [{"tx": "Old"}]}),
            state(VIDEO, {"tt": 7, "sg": [{"tx": "New"}]}),
            '✅ Title changed: "Old" → "New"',
            "✅ 标题已修改：“Old” → “New”",
        ),
    ],
)
def test_changes_are_told_exactly(before, after, english, chinese):
    changes = diff_states(snapshot_from_state(before), snapshot_from_state(after))
    assert english in describe_changes(changes, "en")
    assert chinese in describe_changes(changes, "zh-CN")


def test_nothing_changed_says_so():
    changes = diff_states(snapshot_from_state(state(VIDEO)), snapshot_from_state(state(VIDEO)))
    assert changes == ()
    assert "looks the same" in describe_changes(changes, "en")


def test_stages():
    assert stage_of(snapshot_from_state({})) == "none"
    assert stage_of(snapshot_from_state(state(VIDEO))) == "raw"
    assert stage_of(snapshot_from_state(state(VIDEO, MUSIC, TITLE))) == "post"
    assert stage_of(snapshot_from_state(state(MUSIC))) == "none"
