"""The whole product, end to end: the real `wan22` in subprocesses against a real sandbox.

Anonymous token, session, a 4-second text-to-video, credits falling by the documented cost,
state with tracks, export, and the mp4 checked by an independent decoder. Every request carried
the attribution headers from skill.md.
"""

from __future__ import annotations

import json
import stat

from agent.skill.manifest import load_manifest, locate_skill_file
from tests.support.cli import run_wan22
from tests.support.media import probe_video

GENERATION_COST = 100


def skill_identity() -> tuple[str, str]:
    manifest = load_manifest(locate_skill_file({}))
    return manifest.name, manifest.version


def credits_available(env) -> float:
    result = run_wan22(env, "credits", "--json")
    assert result.code == 0, result.stdout + result.stderr
    return float(result.text.split("Credits: ")[1].split(" ")[0])


def test_text_to_video_export_and_attribution(env, sandbox, home):
    start = len(sandbox.log_entries())

    before = credits_available(env)
    turn = run_wan22(
        env,
        "turn",
        "--json",
        "--wait",
        "60",
        "Generate a 4-second video of a red fox running through snow",
    )
    assert turn.code == 0, turn.stdout + turn.stderr
    reply = turn.json
    assert reply["intent"] == "chat" and reply["mode"] == "t2v"
    assert reply["language"] == "en"
    assert reply["job"]["state"] == "succeeded", reply
    assert reply["error"] is None
    assert "Timeline" in reply["text"]

    assert credits_available(env) == before - GENERATION_COST

    status = run_wan22(env, "status", "--json")
    assert status.code == 0
    assert "Timeline (3 tracks)" in status.json["text"]
    assert "Video" in status.json["text"]

    export = run_wan22(env, "export", "--json", "--wait", "60")
    assert export.code == 0, export.stdout + export.stderr
    media = export.json["media"]
    assert len(media) == 1
    video = media[0]
    facts = probe_video(__import__("pathlib").Path(video["path"]))
    assert facts.codec == "h264"
    assert abs(facts.duration - 4.0) <= 0.2
    assert video["path"].startswith(str(home))
    assert export.json["links"]["task"].split("?")[1].startswith("ct=clm_")

    name, version = skill_identity()
    api_calls = [
        e for e in sandbox.log_entries()[start:] if e["path"].startswith(("/api/", "/run_sse"))
    ]
    assert api_calls, "the sandbox saw no API calls"
    for entry in api_calls:
        headers = entry["headers"]
        assert headers.get("X-Skill-Source") == name, entry
        assert headers.get("X-Skill-Version") == version, entry
        assert headers.get("X-Skill-Platform") == "unknown", entry
    cdn_calls = [
        e for e in sandbox.log_entries()[start:] if e["path"].startswith("/render-result/")
    ]
    assert cdn_calls and not any(e.get("authorization") for e in cdn_calls)


def test_state_files_are_private(env, home):
    result = run_wan22(env, "credits", "--json")
    assert result.code == 0
    credentials = home / ".config" / "wan22" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(credentials.parent.stat().st_mode) == 0o700
    data = json.loads(credentials.read_text())
    (entry,) = data["backends"].values()
    assert entry["token"].startswith("nmv_usr_")
    client_id = (home / ".config" / "nemovideo" / "client_id").read_text().strip()
    assert entry["client_id"] == client_id
    assert entry["token"] not in result.stdout + result.stderr


def test_env_token_wins_and_is_never_stored(env, sandbox, home):
    first = run_wan22(env, "credits", "--json")
    assert first.code == 0
    token = json.loads((home / ".config" / "wan22" / "credentials.json").read_text())
    stored = next(iter(token["backends"].values()))["token"]
    other_home = home.parent / "other"
    other_home.mkdir()
    from tests.support.cli import isolated_env

    other = isolated_env(other_home, sandbox.url, NEMO_TOKEN=stored)
    result = run_wan22(other, "credits", "--json")
    assert result.code == 0, result.stdout
    assert not (other_home / ".config" / "wan22" / "credentials.json").exists()
    assert not (other_home / ".config" / "nemovideo" / "client_id").exists()
