"""Installing into each host: layout, frontmatter rules, a whole sandbox conversation through
the launcher from another folder, and the skill folder unchanged afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agent.install.installer import folder_digest
from tests.support import ROOT
from tests.support.cli import run_wan22
from tests.support.media import probe_video

PLATFORM = {
    "openclaw": "clawhub",
    "clawhub": "clawhub",
    "cursor": "cursor",
    "claude": "claude_code",
    "agents": "unknown",
}
ROOTS = {
    "openclaw": ".openclaw/workspace/skills",
    "clawhub": ".clawhub/skills",
    "cursor": ".cursor/skills",
    "claude": ".claude/skills",
    "agents": ".agents/skills",
}
AGENTSKILLS = Path(sys.executable).with_name("agentskills")
CLAWHUB = ROOT / ".ci" / "node_modules" / ".bin" / "clawhub"


def frontmatter(skill_md: Path) -> tuple[str, dict]:
    text = skill_md.read_text()
    _, front, body = text.split("---\n", 2)
    return front, yaml.safe_load(front) | {"_body": body}


@pytest.mark.parametrize("host", list(PLATFORM))
def test_install_and_converse_through_the_launcher(host, env, sandbox, home, tmp_path):
    installed = run_wan22(env, "install", "--json", "--host", host)
    assert installed.code == 0, installed.stdout + installed.stderr
    skill_dir = home / ROOTS[host] / "wan-22"
    assert Path(installed.json["path"]) == skill_dir
    assert (skill_dir / "SKILL.md").is_file() and (skill_dir / "scripts" / "wan22.py").is_file()
    assert (skill_dir / "scripts" / "agent" / "cli" / "__init__.py").is_file()
    assert not (skill_dir / "scripts" / "agent" / "sandbox").exists()

    front_text, front = frontmatter(skill_dir / "SKILL.md")
    assert front["name"] == "wan-22"
    if host in ("cursor", "claude", "agents"):
        assert set(front) - {"_body"} <= {
            "name",
            "description",
            "license",
            "allowed-tools",
            "metadata",
            "compatibility",
        }
        assert all(isinstance(v, str) for v in front["metadata"].values())
        assert front["metadata"]["version"]
        checked = subprocess.run(
            [str(AGENTSKILLS), "validate", str(skill_dir)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    else:
        metadata_lines = [line for line in front_text.splitlines() if line.startswith("metadata:")]
        assert len(metadata_lines) == 1, "OpenClaw wants single-line JSON metadata"
        meta = json.loads(metadata_lines[0][len("metadata:") :])
        assert meta["openclaw"]["requires"]["bins"] == ["python3"]
        assert meta["openclaw"]["primaryEnv"] == "NEMO_TOKEN"
        assert front["version"]
    launcher_refs = {
        "openclaw": "{baseDir}/scripts/wan22.py",
        "clawhub": "{baseDir}/scripts/wan22.py",
        "claude": "${CLAUDE_SKILL_DIR}/scripts/wan22.py",
    }
    expected_ref = launcher_refs.get(host, str(skill_dir / "scripts" / "wan22.py"))
    assert expected_ref in front["_body"]

    before = folder_digest(skill_dir)
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    launcher = [sys.executable, str(skill_dir / "scripts" / "wan22.py")]
    start = len(sandbox.log_entries())
    turn = run_wan22(
        env,
        "turn",
        "--json",
        "--wait",
        "60",
        "Generate a 4-second video of a paper plane",
        launcher=launcher,
        cwd=elsewhere,
    )
    assert turn.code == 0 and turn.json["job"]["state"] == "succeeded", turn.stdout + turn.stderr
    status = run_wan22(env, "status", "--json", launcher=launcher, cwd=elsewhere)
    assert "Timeline" in status.json["text"]
    export = run_wan22(env, "export", "--json", "--wait", "60", launcher=launcher, cwd=elsewhere)
    assert export.code == 0, export.stdout
    assert abs(probe_video(Path(export.json["media"][0]["path"])).duration - 4.0) <= 0.2

    assert folder_digest(skill_dir) == before, (
        "nothing is written into the skill folder at run time"
    )
    assert not list(skill_dir.rglob("__pycache__"))
    assert not list(elsewhere.iterdir()), "nothing is written into the working directory either"
    platforms = {
        e["headers"].get("X-Skill-Platform")
        for e in sandbox.log_entries()[start:]
        if e["path"].startswith(("/api/", "/run_sse"))
    }
    assert platforms == {PLATFORM[host]}

    again = run_wan22(env, "install", "--json", "--host", host)
    assert again.json["changed"] is False and folder_digest(skill_dir) == before
    removed = run_wan22(env, "uninstall", "--json", "--host", host)
    assert removed.code == 0 and not skill_dir.exists()


def test_launcher_reexecs_the_installing_python_when_python3_lacks_dependencies(
    env, home, tmp_path
):
    bare = Path(sys.base_prefix) / "bin" / "python3"
    probe = subprocess.run([str(bare), "-c", "import httpx"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("the base interpreter has httpx installed; nothing to fall back from")
    run_wan22(env, "install", "--host", "cursor")
    launcher = [str(bare), str(home / ".cursor" / "skills" / "wan-22" / "scripts" / "wan22.py")]
    result = run_wan22(
        env, "turn", "--dry-run", "--json", "export", launcher=launcher, cwd=tmp_path
    )
    assert result.code == 0 and result.json["intent"] == "export"


def test_clawhub_lists_the_installed_skill(env, home, tmp_path):
    if not CLAWHUB.exists():
        if os.environ.get("CI"):
            pytest.fail("the ClawHub CLI is missing: run `npm install --prefix .ci clawhub`")
        pytest.skip("the ClawHub CLI is not installed (npm install --prefix .ci clawhub)")
    workdir = tmp_path / "clawhub-work"
    result = run_wan22(env, "install", "--json", "--host", "clawhub", "--dir", str(workdir))
    assert result.code == 0 and Path(result.json["path"]) == workdir / "skills" / "wan-22"
    listed = subprocess.run(
        [str(CLAWHUB), "--workdir", str(workdir), "list"],
        capture_output=True,
        text=True,
        env={**env, "CLAWHUB_DISABLE_TELEMETRY": "1"},
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert "wan-22" in listed.stdout


def test_uninstall_leaves_foreign_folders_alone(env, home):
    foreign = home / ".cursor" / "skills" / "wan-22"
    foreign.mkdir(parents=True)
    (foreign / "SKILL.md").write_text("---\nname: wan-22\n---\nsomeone else's\n")
    result = run_wan22(env, "uninstall", "--json", "--host", "cursor")
    assert result.code == 2 and foreign.exists()
    blocked = run_wan22(env, "install", "--json", "--host", "cursor")
    assert blocked.code == 2 and (foreign / "SKILL.md").read_text().endswith("someone else's\n")
    shutil.rmtree(foreign)


def test_doctor_explains_and_never_shows_the_token(env, sandbox, home):
    run_wan22(env, "credits", "--json")
    run_wan22(env, "install", "--host", "claude")
    report = run_wan22(env, "doctor")
    assert "[  OK] claude skill" in report.stdout and "installed in" in report.stdout
    assert "[WARN] cursor skill" in report.stdout
    assert "value not shown" in report.stdout
    assert f"{sandbox.url} answers" in report.stdout
    token = json.loads((home / ".config" / "wan22" / "credentials.json").read_text())
    assert next(iter(token["backends"].values()))["token"] not in report.stdout
    as_json = run_wan22(env, "doctor", "--json").json
    assert {c["name"] for c in as_json["checks"]} >= {
        "python",
        "httpx",
        "token",
        "api",
        "state dir",
    }
