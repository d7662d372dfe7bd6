"""What hosts see: OpenClaw's MEDIA: line, projects that follow the host's conversation, and
`wan22 new`; plus the documented 90-second generation in real time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.cli import run_wan22

PROMPT = "Generate a 4-second video of a red lantern floating on a river"


def test_openclaw_gets_a_media_line_and_json_stays_clean(env, sandbox, home):
    openclaw = {**env, "OPENCLAW_SHELL": "exec"}
    assert (
        run_wan22(openclaw, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"]
        == "succeeded"
    )
    text = run_wan22(openclaw, "export", "--wait", "60")
    assert text.code == 0
    last = text.stdout.rstrip("\n").splitlines()[-1]
    assert last.startswith("MEDIA:/") and Path(last[len("MEDIA:") :]).is_file()
    as_json = run_wan22(openclaw, "export", "--json", "--wait", "60")
    assert "MEDIA:" not in as_json.stdout and json.loads(as_json.stdout)["media"]
    plain = run_wan22(env, "export", "--wait", "60")
    assert "MEDIA:" not in plain.stdout


def test_projects_follow_the_host_conversation(env, sandbox):
    chat_a = {
        **env,
        "OPENCLAW_CHANNEL_CONTEXT": json.dumps(
            {"channel": "telegram", "chat_id": 1, "sender_id": "ann"}
        ),
    }
    chat_b = {
        **env,
        "OPENCLAW_CHANNEL_CONTEXT": json.dumps(
            {"channel": "telegram", "chat_id": 2, "sender_id": "bob"}
        ),
    }
    claude = {**env, "CLAUDE_CODE_SESSION_ID": "session-42"}
    run_wan22(chat_a, "turn", "--json", "--wait", "60", "Generate a 4-second video of a blue heron")
    run_wan22(
        claude, "turn", "--json", "--wait", "60", "Generate a 4-second video of a yellow tram"
    )
    assert "heron" in run_wan22(chat_a, "status", "--json").json["text"]
    assert "heron" not in run_wan22(chat_b, "status", "--json").json["text"]
    claude_status = run_wan22(claude, "status", "--json").json["text"]
    assert "tram" in claude_status and "heron" not in claude_status


def test_new_starts_a_fresh_project(env, sandbox, home):
    run_wan22(env, "turn", "--json", "--wait", "60", PROMPT)
    assert "lantern" in run_wan22(env, "status", "--json").json["text"]
    fresh = run_wan22(env, "new", "--json")
    assert fresh.code == 0 and "default#2" in fresh.json["text"]
    assert "lantern" not in run_wan22(env, "status", "--json").json["text"]
    projects = list((home / ".local" / "state" / "wan22" / "projects").glob("*/project.json"))
    assert len(projects) == 1, "the old project stays on disk until the new one is used"


@pytest.mark.slow
def test_a_90_second_generation_in_real_time(env, sandbox):
    """The issue's own numbers, unscaled: 90 s of generation, turns at 30 s and 100 s."""
    sandbox.configure(generation_seconds=90.0, second_stage_seconds=2.0, heartbeat_seconds=5.0)
    real = {**env, "WAN22_TIME_SCALE": "1"}
    started = time.monotonic()
    first = run_wan22(real, "turn", "--json", PROMPT)  # the default wait budget (20 s)
    assert time.monotonic() - started < 30
    assert first.code == 0 and first.json["job"]["state"] == "running"
    job_id = first.json["job"]["id"]
    time.sleep(max(0.0, 30 - (time.monotonic() - started)))
    middle = run_wan22(real, "turn", "--json", "--wait", "0", "status")
    assert middle.json["job"]["id"] == job_id and middle.json["job"]["state"] == "running"
    assert job_id not in middle.json["reported_jobs"]
    time.sleep(max(0.0, 100 - (time.monotonic() - started)))
    late = run_wan22(real, "turn", "--json", "--wait", "0", "status")
    assert job_id in late.json["reported_jobs"] and "Timeline" in late.json["text"]
    once_more = run_wan22(real, "turn", "--json", "--wait", "0", "status")
    assert job_id not in once_more.json["reported_jobs"], "the result is reported once"
    again = run_wan22(real, "result", "--json", job_id)
    assert again.json["job"]["state"] == "succeeded" and "Timeline" in again.json["text"]
