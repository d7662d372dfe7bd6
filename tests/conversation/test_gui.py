"""GUI-speak from the backend becomes actions; the content stays, the instructions go."""

import pytest

from agent.conversation.gui import GuiActionKind, translate_gui

CASES = [
    (
        "Your 4-second clip is ready. Click the Export button to download it.",
        "Your 4-second clip is ready.",
        ["export"],
    ),
    ("Your video is ready, click Export to download it.", "Your video is ready.", ["export"]),
    ("Open the timeline panel to preview the tracks.", "", ["show_state"]),
    (
        "Preview in timeline to see the result. The title fades in over 1 second.",
        "The title fades in over 1 second.",
        ["track_summary"],
    ),
    (
        "Added soft piano music. You can drag the music clip to start at 2s.",
        "Added soft piano music.",
        ["edit"],
    ),
    ("Check your account billing page for more credits.", "", ["credits"]),
    ('Click "Apply Vintage Filter" to finish.', "", ["click"]),
    ("视频已生成。点击导出按钮即可下载。", "视频已生成。", ["export"]),
    ("已添加标题。打开时间线面板查看。", "已添加标题。", ["show_state"]),
    ("背景音乐已添加。你可以拖拽音乐到第 2 秒开始。", "背景音乐已添加。", ["edit"]),
    ("Check out your new video!", "Check out your new video!", []),
    ("I am open to suggestions.", "I am open to suggestions.", []),
    ("Sure — generating a 10s sunset clip.", "Sure — generating a 10s sunset clip.", []),
]


@pytest.mark.parametrize(("text", "kept", "actions"), CASES, ids=[c[0][:40] for c in CASES])
def test_translation(text, kept, actions):
    result = translate_gui(text)
    assert result.text == kept
    assert [str(a.kind) for a in result.actions] == actions


def test_edit_and_click_carry_the_instruction():
    (drag,) = translate_gui("You can drag the music clip to start at 2s.").actions
    assert (
        drag.kind is GuiActionKind.EDIT and drag.edit_text == "move the music clip to start at 2s"
    )
    (zh,) = translate_gui("拖拽标题到顶部。").actions
    assert zh.edit_text == "移动标题到顶部"
    (click,) = translate_gui('Click "Apply Vintage Filter" to finish.').actions
    assert click.edit_text == "Apply Vintage Filter"


def test_content_is_never_lost():
    text = "Here is your clip of a fox in the snow.\nClick Export to download.\nThe music is Lo-fi at 35%."
    result = translate_gui(text)
    assert "fox in the snow" in result.text and "Lo-fi at 35%" in result.text
    assert "Click" not in result.text
