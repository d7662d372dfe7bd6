"""Bad local input through the real CLI: the user is told what happened and what to do, in
their language, and nothing is lost (files, token, session, ledger)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT
from tests.support.cli import record, run_wan22
from tests.support.media import tiny_png

PROMPT = "Generate a 4-second video of a windmill at dusk"


def state_dir(home: Path) -> Path:
    return home / ".local" / "state" / "wan22"


def test_attachment_with_spaces_and_non_ascii_in_its_path(env, sandbox, tmp_path):
    folder = tmp_path / "mes photos été"
    folder.mkdir()
    image = tiny_png(folder / "produit à tourner.png")
    reply = run_wan22(
        env, "turn", "--json", "--wait", "60", "--file", str(image), "让这张图片慢慢旋转"
    )
    assert (
        reply.code == 0
        and reply.json["mode"] == "i2v"
        and reply.json["job"]["state"] == "succeeded"
    )
    uploads = [e for e in sandbox.log_entries() if e["path"].startswith("/api/upload-video/")]
    assert uploads[-1]["status"] == 200


def test_bad_attachments_are_refused_before_anything_is_sent(env, sandbox, tmp_path):
    start = len(sandbox.log_entries())
    cases = {
        "missing": str(tmp_path / "nope.png"),
        "directory": str(tmp_path),
        "empty": str(tmp_path / "empty.png"),
        "mismatch": str(tmp_path / "fake.jpg"),
    }
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "fake.jpg").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32)
    for reason, path in cases.items():
        reply = run_wan22(env, "turn", "--json", "--lang", "zh-CN", "--file", path, "让它动起来")
        assert reply.code == 7, reply.stdout
        assert reply.json["error"]["reason"] == reason
        assert any("\u4e00" <= c <= "\u9fff" for c in reply.json["text"])
    assert not [
        e
        for e in sandbox.log_entries()[start:]
        if e["path"].startswith(("/run_sse", "/api/upload"))
    ]


def test_corrupted_state_files_are_set_aside_with_a_warning(env, sandbox, home):
    issued_before = set(sandbox.tokens())
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"] == "succeeded"
    )
    (project,) = (state_dir(home) / "projects").glob("*/project.json")
    project.write_text("{ this is not json")
    (job,) = project.parent.glob("jobs/job-*.json")
    job.write_text('{"id": "hand-edited"}')
    credentials = home / ".config" / "wan22" / "credentials.json"
    credentials.write_text("[1, 2, 3]")
    reply = run_wan22(env, "status", "--json")
    assert reply.code == 0, reply.stdout
    assert len(reply.json["warnings"]) >= 2
    assert any("set it aside" in w for w in reply.json["warnings"])
    assert list(project.parent.glob("project.json.corrupt-*"))
    # `status` needs no token. The next turn that does sets the damaged credential file aside and
    # says so; the free token in it is lost and the backend gives one per client a week, so the
    # user is told to set their own token, and nothing was sent or recorded as a job.
    jobs_before = len(list(project.parent.glob("jobs/job-*.json")))
    refused = run_wan22(env, "turn", "--json", "--wait", "60", PROMPT)
    assert refused.code == 3, refused.stdout
    assert refused.json["error"]["kind"] == "token_limit"
    assert "NEMO_TOKEN" in refused.json["text"]
    assert any("credentials.json" in w for w in refused.json["warnings"])
    assert list(credentials.parent.glob("credentials.json.corrupt-*"))
    assert len(list(project.parent.glob("jobs/job-*.json"))) == jobs_before
    (token,) = set(sandbox.tokens()) - issued_before  # the user's own token, from their account
    again = run_wan22({**env, "NEMO_TOKEN": token}, "turn", "--json", "--wait", "60", PROMPT)
    assert again.code == 0 and again.json["job"]["state"] == "succeeded"


def test_broken_skill_md_is_a_clear_error(env, tmp_path):
    skill = tmp_path / "skill"
    skill.mkdir()
    (skill / "SKILL.md").write_text("---\nname: wan-22\nversion: [oops\n---\nbody\n")
    reply = run_wan22({**env, "WAN22_SKILL_DIR": str(skill)}, "credits", "--json")
    assert reply.code == 8 and reply.json["error"]["kind"] == "skill_manifest"
    assert str(skill / "SKILL.md") in reply.json["text"] and "line" in reply.json["text"]


def test_output_folder_that_cannot_be_written(env, sandbox, home, tmp_path):
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"] == "succeeded"
    )
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    reply = run_wan22(
        {**env, "WAN22_OUTPUT_DIR": str(blocker / "videos")}, "export", "--json", "--wait", "60"
    )
    assert reply.code == 8 and reply.json["error"]["kind"] == "storage"
    assert "WAN22_OUTPUT_DIR" in reply.json["text"] and "still on the server" in reply.json["text"]
    ok = run_wan22(env, "export", "--json", "--wait", "60")
    assert ok.code == 0 and Path(ok.json["media"][0]["path"]).exists()


def test_a_full_disk_while_downloading(env, sandbox, home):
    assert (
        run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).json["job"]["state"] == "succeeded"
    )

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # the disk "fills" at 20 kB

    argv = [sys.executable, "-m", "agent", "export", "--json", "--wait", "60", "--lang", "zh-CN"]
    done = subprocess.run(
        argv,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
        check=False,
    )
    record(argv, done.stdout, done.stderr)
    reply = json.loads(done.stdout)
    assert done.returncode == 8 and reply["error"]["kind"] == "storage", reply
    assert "磁盘已满" in reply["text"]
    assert not list((home / "videos").glob("*.mp4")), "no half-written video is delivered"
    assert not list((home / "videos").glob(".*.part"))
    ok = run_wan22(env, "export", "--json", "--wait", "60")
    assert ok.code == 0


def test_a_damaged_credential_file_is_reported_by_the_turn_not_lost_in_the_worker(env, home):
    assert run_wan22(env, "turn", "--json", "--wait", "60", PROMPT).code == 0
    credentials = home / ".config" / "wan22" / "credentials.json"
    credentials.write_text("{ half a file")
    reply = run_wan22(env, "turn", "--json", "--wait", "60", "add a title 'Dusk'")
    assert reply.code == 3 and reply.json["error"]["kind"] == "token_limit", reply.stdout
    assert any("credentials.json" in w for w in reply.json["warnings"])
    assert reply.json.get("job") is None, "nothing was started without a token"
