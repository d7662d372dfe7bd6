"""The pure parts of installing: roots per host and env, SKILL.md per host, the installer's
idempotence and ownership checks, the launcher's refusal without dependencies, doctor offline."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from agent.install.installer import SKILL_NAME, folder_digest, install, is_ours, uninstall
from agent.install.roots import HOSTS, all_roots, skills_root
from agent.install.skill_file import render_skill_md
from agent.replies import render
from tests.support import ROOT
from tests.support.cli import isolated_env, run_wan22

HOME = Path("/home/u")
STRICT_KEYS = {"name", "description", "license", "allowed-tools", "metadata", "compatibility"}


@pytest.mark.parametrize(
    ("host", "env", "global_", "directory", "expected"),
    [
        ("openclaw", {}, False, None, "/home/u/.openclaw/workspace/skills"),
        ("openclaw", {"OPENCLAW_WORKSPACE_DIR": "/ws"}, False, None, "/ws/skills"),
        ("openclaw", {}, True, None, "/home/u/.openclaw/skills"),
        ("openclaw", {"OPENCLAW_STATE_DIR": "/st"}, True, None, "/st/skills"),
        ("openclaw", {}, False, "/mine", "/mine"),
        ("clawhub", {}, False, None, "/home/u/.clawhub/skills"),
        ("clawhub", {"CLAWHUB_WORKDIR": "/wd"}, False, None, "/wd/skills"),
        ("clawhub", {"CLAWHUB_WORKDIR": "/wd"}, False, "/flag", "/flag/skills"),
        ("cursor", {}, False, None, "/home/u/.cursor/skills"),
        ("claude", {}, False, None, "/home/u/.claude/skills"),
        ("agents", {}, False, None, "/home/u/.agents/skills"),
        ("cursor", {}, False, "/mine", "/mine"),
    ],
)
def test_skills_root(host, env, global_, directory, expected):
    root = skills_root(host, HOME, env, global_=global_, directory=directory)
    assert root.path == Path(expected)


def test_unknown_host_is_refused_and_doctor_sees_every_root():
    with pytest.raises(ValueError, match="unknown host"):
        skills_root("vscode", HOME, {})
    roots = all_roots(HOME, {})
    assert [r.host for r in roots] == ["openclaw", "openclaw", *HOSTS[1:]]
    assert len({r.path for r in roots}) == len(roots)


def split(text: str) -> tuple[str, dict, str]:
    _, front, body = text.split("---\n", 2)
    return front, yaml.safe_load(front), body


@pytest.mark.parametrize("host", HOSTS)
def test_skill_md_per_host(host):
    root = skills_root(host, HOME, {})
    skill_dir = root.path / SKILL_NAME
    front_text, front, body = split(render_skill_md(ROOT / "skill.md", root, skill_dir))
    source_body = (ROOT / "skill.md").read_text().split("---\n", 2)[2]
    assert front["name"] == SKILL_NAME
    if root.strict:
        assert set(front) <= STRICT_KEYS
        assert front["metadata"]["version"] == "0.1.0"
        assert all(isinstance(v, str) for v in front["metadata"].values())
    else:
        assert str(front["version"]) == "0.1.0"
        [meta_line] = [x for x in front_text.splitlines() if x.startswith("metadata:")]
        assert json.loads(meta_line.removeprefix("metadata:"))["openclaw"]["primaryEnv"]
    # Every command line of the body calls the launcher; no bare `wan22 ` is left.
    command_lines = [x.strip() for x in source_body.splitlines() if x.strip().startswith("wan22 ")]
    assert command_lines
    assert not [x for x in body.splitlines() if x.strip().startswith("wan22 ")]
    assert "`wan22 " not in body
    expected = {
        "openclaw": "python3 {baseDir}/scripts/wan22.py turn --json",
        "clawhub": "python3 {baseDir}/scripts/wan22.py turn --json",
        "claude": 'python3 "${CLAUDE_SKILL_DIR}/scripts/wan22.py" turn --json',
    }.get(host, f'python3 "{skill_dir}/scripts/wan22.py" turn --json')
    assert expected in body


def test_a_strict_source_renders_to_the_openclaw_form(tmp_path):
    source = tmp_path / "skill.md"
    source.write_text(
        '---\nname: wan-22\ndescription: "Videos. Use when asked."\n'
        'metadata:\n  version: "2.0.1"\n---\n\nRun `wan22 turn --json "hi"`.\n'
    )
    root = skills_root("openclaw", HOME, {})
    front_text, front, body = split(render_skill_md(source, root, root.path / SKILL_NAME))
    assert front["version"] == "2.0.1"
    [meta_line] = [x for x in front_text.splitlines() if x.startswith("metadata:")]
    meta = json.loads(meta_line.removeprefix("metadata:"))["openclaw"]
    assert meta["requires"]["bins"] == ["python3"] and meta["primaryEnv"] == "NEMO_TOKEN"
    assert "`python3 {baseDir}/scripts/wan22.py turn" in body


def test_install_is_idempotent_and_replaces_changed_content_whole(tmp_path):
    root = skills_root("cursor", tmp_path, {})
    first = install(root, ROOT / "skill.md")
    assert first.changed and is_ours(first.skill_dir)
    tree = folder_digest(first.skill_dir)
    assert "scripts/wan22.py" in tree and "scripts/agent/py.typed" in tree
    assert not [p for p in tree if "__pycache__" in p or p.startswith("scripts/agent/sandbox/")]
    assert not [p for p in tree if p.endswith((".pyc", ".pyo"))]
    mtime = (first.skill_dir / "SKILL.md").stat().st_mtime_ns

    again = install(root, ROOT / "skill.md")
    assert not again.changed
    assert (first.skill_dir / "SKILL.md").stat().st_mtime_ns == mtime

    newer = tmp_path / "skill.md"
    newer.write_text((ROOT / "skill.md").read_text().replace("version: 0.1.0", "version: 0.2.0"))
    (first.skill_dir / "stray.txt").write_text("left by someone")
    updated = install(root, newer)
    assert updated.changed
    assert "0.2.0" in (updated.skill_dir / "SKILL.md").read_text()
    assert not (updated.skill_dir / "stray.txt").exists()
    assert sorted(p.name for p in root.path.iterdir()) == [SKILL_NAME], "no staging left behind"

    assert uninstall(root) == updated.skill_dir and not updated.skill_dir.exists()
    assert uninstall(root) is None


def test_only_our_folders_count_as_ours(tmp_path):
    root = skills_root("agents", tmp_path, {})
    skill_dir = install(root, ROOT / "skill.md").skill_dir
    skill_md = skill_dir / "SKILL.md"
    skill_md.write_text(re.sub(r"(?m)^name: .*$", "name: other-skill", skill_md.read_text()))
    assert not is_ours(skill_dir)
    skill_md.unlink()
    assert is_ours(skill_dir), "our launcher alone is enough once SKILL.md is gone"
    (skill_dir / "scripts" / "wan22.py").write_text("print('someone else')\n")
    assert not is_ours(skill_dir)


def test_the_launcher_explains_and_exits_8_without_dependencies(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = isolated_env(home, None)
    assert run_wan22(env, "install", "--host", "agents").code == 0
    launcher = home / ".agents" / "skills" / SKILL_NAME / "scripts" / "wan22.py"
    # -S: no site-packages, and the recorded interpreter is this very one, so nothing to re-run.
    result = run_wan22(env, "credits", launcher=[sys.executable, "-S", str(launcher)], cwd=tmp_path)
    assert result.code == 8
    assert "pip install wan-22" in result.stderr and result.stdout == ""
    assert not list(launcher.parent.rglob("__pycache__"))


def test_doctor_offline_fails_the_api_warns_an_old_install_and_exits_1(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = isolated_env(home, "http://127.0.0.1:9")
    run_wan22(env, "install", "--host", "openclaw", "--global")
    skill_md = home / ".openclaw" / "skills" / SKILL_NAME / "SKILL.md"
    skill_md.write_text(skill_md.read_text().replace("version: 0.1.0", "version: 0.0.9"))
    report = run_wan22(env, "doctor", "--json")
    assert report.code == 1 and report.json["ok"] is False
    checks = {c["name"]: c for c in report.json["checks"]}
    assert checks["api"]["status"] == "fail" and "NEMO_API_URL" in checks["api"]["detail"]
    outdated = checks["openclaw skill (global)"]
    assert outdated["code"] == "host_outdated"
    assert "wan22 install --host openclaw --global" in outdated["detail"]
    assert checks["openclaw skill"]["code"] == "host_missing"
    assert checks["token"]["code"] == "token_none"
    assert all(checks[f"{d} dir"]["status"] == "ok" for d in ("config", "state", "cache", "output"))
    zh = run_wan22({**env, "LANG": "zh_CN.UTF-8"}, "doctor", "--lang", "zh")
    assert zh.code == 1 and "无法访问" in zh.stdout and "更新" in zh.stdout


def test_doctor_with_a_refused_token_warns_and_never_shows_it(env, sandbox):
    secret = "nmv_usr_doctor_" + os.urandom(8).hex()
    report = run_wan22({**env, "NEMO_TOKEN": secret}, "doctor", "--json")
    checks = {c["name"]: c for c in report.json["checks"]}
    assert checks["token"]["code"] == "token_env"
    assert checks["api"]["code"] == "api_token_refused", checks["api"]
    assert secret not in report.stdout + report.stderr


def test_doctor_with_a_working_token_reads_the_balance(env, sandbox, home):
    assert run_wan22(env, "credits", "--json").code == 0
    checks = {c["name"]: c for c in run_wan22(env, "doctor", "--json").json["checks"]}
    assert checks["token"]["code"] == "token_stored"
    assert checks["api"]["code"] == "api_credits" and checks["api"]["data"]["credits"]

    credentials = home / ".config" / "wan22" / "credentials.json"
    stored = json.loads(credentials.read_text())
    for backend in stored["backends"].values():
        backend["token"] = "nmv_usr_revoked_" + os.urandom(8).hex()
    credentials.write_text(json.dumps(stored))
    checks = {c["name"]: c for c in run_wan22(env, "doctor", "--json").json["checks"]}
    assert checks["api"]["code"] == "api_stored_token_refused"
    assert "requested on next use" in checks["api"]["detail"]


DOCTOR_CODES = [
    "python_ok",
    "python_old",
    "dependency_ok",
    "dependency_missing",
    "extra_missing",
    "extra_too_old",
    "manifest_ok",
    "manifest_broken",
    "host_ok",
    "host_missing",
    "host_outdated",
    "host_broken",
    "token_env",
    "token_none",
    "token_expired",
    "token_stored",
    "api_ok",
    "api_credits",
    "api_token_refused",
    "api_stored_token_refused",
    "api_down",
    "dir_ok",
    "dir_not_writable",
]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_doctor_code_has_a_sentence(language):
    data = {
        "version": "1",
        "expected": "2",
        "path": "/p",
        "package": "httpx",
        "name": "wan-22",
        "problem": "x",
        "host": "cursor",
        "root": "/r",
        "flag": "",
        "api": "https://a",
        "expires": "soon",
        "status": "200",
        "credits": "90",
        "minimum": "2.0",
    }
    for code in DOCTOR_CODES:
        text = render("doctor_check", language, code=code, data=data)
        assert text and text != code, code
