"""Every sentence the runtime writes comes from a template that exists in English and Chinese:
each one is rendered here in both languages with realistic context."""

import pytest

from agent.replies import render, template_keys

ERROR = {"message": "something specific", "job_kind": "generation", "job_sent": True}
SAMPLES = {
    "agent_message_with_media": [
        {
            "text": "make it rotate",
            "mode": "i2v",
            "files": [{"url": "https://c/a.png", "type": "image"}],
        }
    ],
    "changes": [
        {
            "changes": [
                {
                    "kind": "track_added",
                    "track": "text",
                    "label": "Hi",
                    "start": "0",
                    "end": "3",
                    "volume_percent": None,
                    "old": None,
                    "new": None,
                    "old_s": None,
                    "new_s": None,
                }
            ]
        },
        {"changes": []},
    ],
    "chat_stopped_waiting": [{"job_id": "job-1"}, {"job_id": ""}],
    "chat_welcome": [{"project": "default"}],
    "credits_balance": [
        {
            "available": 95,
            "frozen": 5,
            "total": 100,
            "anonymous": True,
            "register_url": "https://x/register?bind=anon_1",
        },
        {"available": 0, "frozen": 0, "total": 0, "anonymous": False, "register_url": None},
    ],
    "doctor_check": [
        {
            "code": c,
            "data": {
                "version": "1",
                "path": "/p",
                "package": "httpx",
                "name": "wan-22",
                "problem": "x",
                "host": "cursor",
                "root": "/r",
                "api": "https://a",
                "expires": "soon",
                "status": "200",
            },
        }
        for c in (
            "python_ok",
            "python_old",
            "dependency_ok",
            "dependency_missing",
            "extra_missing",
            "manifest_ok",
            "manifest_broken",
            "host_ok",
            "host_missing",
            "host_broken",
            "token_env",
            "token_none",
            "token_expired",
            "token_stored",
            "api_ok",
            "api_down",
            "dir_ok",
            "dir_not_writable",
        )
    ],
    "doctor_summary": [
        {"failed": 0, "warned": 0},
        {"failed": 2, "warned": 1},
        {"failed": 0, "warned": 3},
    ],
    "error_agent_error": [ERROR],
    "error_auth": [ERROR],
    "error_bad_input": [
        {
            **ERROR,
            "reason": r,
            "path": "/x.png",
            "expected": "image",
            "found": "video",
            "formats": "mp4, png",
        }
        for r in (
            "missing",
            "directory",
            "empty",
            "unreadable",
            "format",
            "mismatch",
            "content",
            "other",
        )
    ],
    "error_client_id": [ERROR],
    "error_connection_lost": [ERROR, {**ERROR, "job_sent": False}],
    "error_credits": [{**ERROR, "bind_url": "https://nemovideo.com/register?bind=anon_1"}, ERROR],
    "error_export_blocked": [ERROR],
    "error_file_too_large": [ERROR],
    "error_internal": [ERROR],
    "error_lost": [ERROR],
    "error_network": [ERROR],
    "error_no_draft": [ERROR],
    "error_protocol": [ERROR],
    "error_rate_limited": [{**ERROR, "retry_after": 45.0}, ERROR],
    "error_token_limit": [{**ERROR, "retry_after": 45.0}, ERROR],
    "error_rejected": [ERROR],
    "error_render_failed": [ERROR],
    "error_sandbox": [ERROR],
    "error_server": [{**ERROR, "status": 503}, ERROR],
    "error_session_lost": [ERROR],
    "error_skill_manifest": [ERROR],
    "error_storage": [
        {**ERROR, "reason": r, "path": "/out"} for r in ("disk_full", "read_only", "io")
    ],
    "error_timeout": [{**ERROR, "limit": "heartbeat_only"}, {**ERROR, "job_sent": False}],
    "error_unsupported_file": [ERROR],
    "error_usage": [{**ERROR, "reason": "unknown_job", "job_id": "job-1"}, ERROR],
    "export_done": [
        {
            "path": "/v/a.mp4",
            "size": "1.2 MB",
            "url": "https://c/a.mp4",
            "task_link": "https://w/claim?ct=clm_1",
        },
        {"path": "/v/a.mp4", "size": "1.2 MB", "url": None, "task_link": None},
    ],
    "follow_up_started": [
        {"action": "export", "job_id": "job-2", "instruction": ""},
        {"action": "edit", "job_id": "job-3", "instruction": "move the title up"},
    ],
    "install_done": [
        {
            "changed": True,
            "host": "claude",
            "host_name": "Claude Code",
            "path": "/p",
            "command": "python3 x",
        },
        {
            "changed": False,
            "host": "cursor",
            "host_name": "Cursor",
            "path": "/p",
            "command": "python3 x",
        },
    ],
    "job_done_quiet": [{"kind": k} for k in ("generation", "edit", "export")],
    "job_duplicate": [{"kind": "generation", "job_id": "job-1", "progress": 40}],
    "job_running": [
        {
            "kind": k,
            "job_id": "job-1",
            "progress": 35,
            "minutes": 2,
            "phase": "streaming",
            "recovering": r,
        }
        for k in ("generation", "edit", "export")
        for r in (False, True)
    ],
    "job_started": [{"kind": k, "job_id": "job-1"} for k in ("generation", "edit", "export")],
    "milestone_post": [{}],
    "milestone_raw": [{}],
    "progress_label": [
        {"kind": "generation", "phase": p}
        for p in ("uploading", "rendering", "streaming", "recovering")
    ],
    "project_new": [{"project": "default#2"}],
    "question": [
        {"title": "Pick one", "questions": [{"prompt": "Subject?", "options": ["City", "Sea"]}]},
        {"title": "", "questions": []},
    ],
    "recovered_file": [
        {"path": "/s/x.json", "moved": "/s/x.json.corrupt-1"},
        {"path": "/s/x.json", "moved": ""},
    ],
    "recovered_outcome": [{}],
    "sandbox_running": [{"url": "http://127.0.0.1:1", "pid": 42}],
    "sandbox_stopped": [{"was_running": True}, {"was_running": False}],
    "session_replaced": [{}],
    "status_no_project": [{}],
    "still_working": [{"minutes": 2}],
    "timeline_summary": [
        {"tracks": []},
        {
            "tracks": [
                {
                    "kind": "video",
                    "type_code": 0,
                    "label": "fox",
                    "start": "0",
                    "end": "4",
                    "volume": None,
                    "clips": 1,
                }
            ]
        },
    ],
    "uninstall_done": [
        {"path": "/p", "host": "cursor", "root": "/r"},
        {"path": None, "host": "cursor", "root": "/r"},
    ],
    "upload_done": [{"files": [{"name": "a.png", "type": "image", "url": "u"}]}],
    "upload_needs_file": [{}],
    "usage_error": [
        {"problem": "needs_value", "flag": "--file"},
        {"problem": "needs_message"},
        {"problem": "argparse", "message": "invalid choice: 'turnx'"},
    ],
    "unexpected_error": [{"error": "KeyError", "log": "/s/logs/errors.log"}],
    "sandbox_extra_missing": [{"module": "uvicorn"}],
    "mcp_missing": [{"module": "mcp.server.mcpserver"}],
}


def test_english_and_chinese_have_the_same_templates():
    keys = template_keys()
    assert keys["en"] == keys["zh"]


@pytest.mark.parametrize("key", sorted(template_keys()["en"]))
@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_template_renders(key, language):
    assert key in SAMPLES, (
        f"template {key!r} has no sample context in tests/test_replies.py: add one"
    )
    for context in SAMPLES[key]:
        text = render(key, language, **context)
        assert text.strip(), (key, context)
        assert "{{" not in text and "{%" not in text
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        if language.startswith("zh") and key not in (
            "agent_message_with_media",
            "dependency_ok",
            "sandbox_running",
        ):
            assert has_cjk or key == "doctor_check", (key, text)


def test_other_languages_fall_back_to_english():
    assert render("milestone_raw", "ja") == render("milestone_raw", "en")


def test_outside_text_is_never_a_template():
    hostile = "{{ 7 * 7 }} {% for x in range(3) %}x{% endfor %}"
    text = render("upload_done", "en", files=[{"name": hostile, "type": "image", "url": ""}])
    assert hostile in text and "49" not in text


def test_file_sizes_read_naturally():
    from agent.outcomes import human_size

    assert [human_size(n) for n in (0, 300, 41_000, 5 * 2**20 + 2**19, 3 * 2**30)] == [
        "0 KB",
        "1 KB",
        "40 KB",
        "5.5 MB",
        "3.0 GB",
    ]
