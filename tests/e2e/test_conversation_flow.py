"""The conversation engine end to end, in English and Chinese: text- and image-to-video, a silent
edit reported from the state, GUI-speak turned into an action, timeline summaries, the two-stage
messages, and the errors a user can meet."""

from __future__ import annotations

import pytest

from tests.support.cli import run_wan22
from tests.support.media import tiny_png

LANGS = {
    "en": {
        "generate": "Generate a 4-second video of a golden retriever running through a wheat field",
        "i2v": "Make this product image rotate slowly on a dark surface with soft studio lighting",
        "edit_title": "add a title 'Paradise Found'",
        "timeline": "Timeline",
        "raw": "raw clip is ready",
        "title_word": "Paradise Found",
    },
    "zh-CN": {
        "generate": "生成一段 4 秒的视频，一只金毛猎犬在阳光照耀的麦田里奔跑",
        "i2v": "让这张产品图片在深色桌面上慢慢旋转，搭配柔和的影棚灯光",
        "edit_title": "添加标题“天堂之境”",
        "timeline": "时间线",
        "raw": "原始视频片段已生成",
        "title_word": "天堂之境",
    },
}


def cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("lang", LANGS)
def test_text_to_video_answers_in_the_users_language(env, lang):
    words = LANGS[lang]
    reply = run_wan22(env, "turn", "--json", "--wait", "60", words["generate"]).json
    assert reply["language"] == lang
    assert reply["intent"] == "chat" and reply["mode"] == "t2v"
    assert reply["job"]["kind"] == "generation" and reply["job"]["state"] == "succeeded"
    assert words["timeline"] in reply["text"]
    assert cjk(reply["text"]) == lang.startswith("zh")


@pytest.mark.parametrize("lang", LANGS)
def test_image_to_video_uploads_then_references_the_image(env, sandbox, lang, tmp_path):
    words = LANGS[lang]
    image = tiny_png(tmp_path / "product.png")
    start = len(sandbox.log_entries())
    reply = run_wan22(
        env, "turn", "--json", "--wait", "60", "--file", str(image), words["i2v"]
    ).json
    assert reply["mode"] == "i2v" and reply["job"]["state"] == "succeeded", reply
    entries = sandbox.log_entries()[start:]
    uploads = [i for i, e in enumerate(entries) if e["path"].startswith("/api/upload-video/")]
    runs = [i for i, e in enumerate(entries) if e["path"] == "/run_sse"]
    assert uploads and runs and uploads[0] < runs[0], "the image is uploaded before the request"
    message = entries[runs[0]]["message"]
    assert "/cdn/" in message, "the request references the uploaded media"


@pytest.mark.parametrize("lang", LANGS)
def test_silent_edit_is_reported_from_the_state(env, sandbox, lang):
    words = LANGS[lang]
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", words["generate"]).json["job"]["state"]
        == "succeeded"
    )
    sandbox.configure(silent_edit_rate=1.0)
    reply = run_wan22(env, "turn", "--json", "--wait", "60", words["edit_title"]).json
    assert reply["job"]["kind"] == "edit" and reply["job"]["state"] == "succeeded", reply
    assert words["title_word"] in reply["text"], reply["text"]
    assert "✅" in reply["text"]


@pytest.mark.parametrize("lang", LANGS)
def test_gui_speak_becomes_an_export(env, sandbox, lang, home):
    words = LANGS[lang]
    sandbox.configure(gui_speak_rate=1.0)
    reply = run_wan22(env, "turn", "--json", "--wait", "90", words["generate"]).json
    text = reply["text"].lower()
    assert "click" not in text and "点击" not in text, reply["text"]
    videos = list((home / "videos").glob("*.mp4"))
    assert videos or "export" in text or "导出" in text, reply["text"]


@pytest.mark.parametrize("lang", LANGS)
def test_two_stage_messages(env, sandbox, lang):
    words = LANGS[lang]
    sandbox.configure(generation_seconds=3.0, second_stage_seconds=6.0)
    first = run_wan22(env, "turn", "--json", "--wait", "0", words["generate"]).json
    job_id = first["job"]["id"]
    import time

    seen_raw = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        reply = run_wan22(env, "status", "--json", "--lang", lang).json
        if words["raw"] in reply["text"]:
            seen_raw = True
        if job_id in reply["reported_jobs"]:
            break
        time.sleep(0.5)
    assert seen_raw, "the raw clip was announced before the second stage ended"
    final = run_wan22(env, "result", "--json", "--lang", lang, job_id).json
    assert words["timeline"] in final["text"]


def test_timeline_summary_format(env):
    run_wan22(env, "turn", "--json", "--wait", "60", LANGS["en"]["generate"])
    text = run_wan22(env, "status", "--json").json["text"]
    assert "Timeline (3 tracks): 1. Video:" in text
    assert "2. BGM:" in text and "3. Title:" in text
    zh = run_wan22(env, "status", "--json", "--lang", "zh-CN").json["text"]
    assert "时间线（3 条轨道）" in zh


def test_no_credits_shows_the_sign_up_link(env, sandbox):
    sandbox.configure(initial_credits=50)
    reply = run_wan22(env, "turn", "--json", "--wait", "60", LANGS["zh-CN"]["generate"])
    assert reply.code == 4
    assert reply.json["error"]["kind"] == "credits"
    assert "register?bind=anon_" in reply.json["text"]
    assert cjk(reply.json["text"])


def test_export_blocked_is_a_plan_problem_not_credits(env, sandbox):
    run_wan22(env, "turn", "--json", "--wait", "60", LANGS["en"]["generate"])
    sandbox.faults(
        {
            "path": "/api/render/proxy/lambda",
            "method": "POST",
            "kind": "status",
            "status": 402,
            "nth": 1,
            "times": 0,
        }
    )
    reply = run_wan22(env, "turn", "--json", "--wait", "60", "export")
    assert reply.code == 4 and reply.json["error"]["kind"] == "export_blocked"
    assert "plan" in reply.json["text"] and "not a credits problem" in reply.json["text"]


def test_unsupported_and_too_large_files(env, sandbox, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    reply = run_wan22(env, "turn", "--json", "--file", str(notes), "use this")
    assert reply.code == 7 and "mp4" in reply.json["text"] and "png" in reply.json["text"]
    sandbox.configure(max_upload_bytes=100)
    image = tiny_png(tmp_path / "big.png", size=128)
    reply = run_wan22(env, "turn", "--json", "--lang", "zh-CN", "--file", str(image), "上传")
    assert reply.code == 7 and reply.json["error"]["kind"] == "file_too_large"
    assert "压缩" in reply.json["text"]


def test_rate_limited(env, sandbox):
    sandbox.faults(
        {
            "path": "/api/auth/anonymous-token",
            "method": "POST",
            "kind": "rate_limit",
            "nth": 1,
            "times": 2,
            "retry_after": "45",
        }
    )
    reply = run_wan22(env, "turn", "--json", "credits")
    # No free token can be had: the user learns how long to wait and how to use their own.
    assert reply.code == 3 and reply.json["error"]["kind"] == "token_limit"
    assert "45 s" in reply.json["text"] and "NEMO_TOKEN" in reply.json["text"]


def test_question_from_the_agent(env):
    reply = run_wan22(env, "turn", "--json", "--wait", "60", "make a video").json
    assert reply["question"] is not None, reply
    assert "A." in reply["text"]
