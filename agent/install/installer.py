"""`wan22 install` / `wan22 uninstall`: a clean skill folder in a host's skills root.

The folder holds SKILL.md (rendered for the host), `scripts/wan22.py` (the launcher) and a copy
of the runtime in `scripts/agent/` (no sandbox, no bytecode). Installing builds the folder aside
and swaps it in whole; the same bytes already in place mean nothing is rewritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from agent.errors import StorageError, UsageError
from agent.install.launcher import LAUNCHER_MARK, launcher_source
from agent.install.roots import SkillRoot
from agent.install.skill_file import launcher_command, render_skill_md

SKILL_NAME = "wan-22"
PACKAGE = Path(__file__).resolve().parent.parent
NAME_LINE = re.compile(r"(?m)^name:\s*[\"']?([a-z0-9-]+)")
LEFT_OUT = ("sandbox",)  # the local backend is a development extra, not part of the skill


@dataclass(frozen=True)
class InstallResult:
    skill_dir: Path
    changed: bool
    command: str


def skill_tree(root: SkillRoot, skill_dir: Path, source: Path) -> dict[str, bytes]:
    """Every file of the installed skill: relative path → bytes."""
    tree: dict[str, bytes] = {
        "SKILL.md": render_skill_md(source, root, skill_dir).encode(),
        "scripts/wan22.py": launcher_source(root.host, sys.executable, root.platform).encode(),
    }
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if not path.is_file() or _left_out(relative):
            continue
        tree[f"scripts/agent/{relative.as_posix()}"] = path.read_bytes()
    return tree


def _left_out(relative: Path) -> bool:
    parts = relative.parts
    return (
        parts[0] in LEFT_OUT
        or "__pycache__" in parts
        or relative.suffix in (".pyc", ".pyo")
        or relative.name == "skill.md"
    )


def install(root: SkillRoot, source: Path) -> InstallResult:
    skill_dir = root.path / SKILL_NAME
    tree = skill_tree(root, skill_dir, source)
    command = launcher_command(root, skill_dir)
    if skill_dir.exists() and _current(skill_dir) == _digest(tree):
        return InstallResult(skill_dir, False, command)
    if skill_dir.exists() and not is_ours(skill_dir):
        raise UsageError(
            f"{skill_dir} exists and was not installed by wan22; move it away first",
            reason="foreign_folder",
            path=str(skill_dir),
        )
    try:
        root.path.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{SKILL_NAME}.", dir=root.path))
        for relative, data in tree.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (staging / "scripts" / "wan22.py").chmod(0o755)
        staging.chmod(0o755)
        _swap(staging, skill_dir)
    except OSError as exc:
        raise StorageError(
            f"cannot install into {root.path}: {exc.strerror}", path=str(root.path)
        ) from exc
    return InstallResult(skill_dir, True, command)


def _swap(staging: Path, skill_dir: Path) -> None:
    if not skill_dir.exists():
        staging.rename(skill_dir)
        return
    old = skill_dir.with_name(f".{SKILL_NAME}.old-{os.getpid()}")
    skill_dir.rename(old)
    staging.rename(skill_dir)
    shutil.rmtree(old, ignore_errors=True)


def uninstall(root: SkillRoot) -> Path | None:
    """Remove our folder from `root`; None when there was none."""
    skill_dir = root.path / SKILL_NAME
    if not skill_dir.exists():
        return None
    if not is_ours(skill_dir):
        raise UsageError(
            f"{skill_dir} was not installed by wan22; left as it is",
            reason="foreign_folder",
            path=str(skill_dir),
        )
    shutil.rmtree(skill_dir)
    return skill_dir


def is_ours(skill_dir: Path) -> bool:
    """Our launcher is there, and SKILL.md (when present) names our skill."""
    try:
        if LAUNCHER_MARK not in (skill_dir / "scripts" / "wan22.py").read_text(encoding="utf-8"):
            return False
        skill_md = skill_dir / "SKILL.md"
        if not skill_md.exists():
            return True
        names = NAME_LINE.findall(skill_md.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return names[:1] == [SKILL_NAME]


def folder_digest(skill_dir: Path) -> dict[str, str]:
    """relative path → sha256 of every file, for "unchanged after a run" checks."""
    return {
        path.relative_to(skill_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(skill_dir.rglob("*"))
        if path.is_file()
    }


def _digest(tree: dict[str, bytes]) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest() for k, v in tree.items()}


def _current(skill_dir: Path) -> dict[str, str] | None:
    try:
        return folder_digest(skill_dir)
    except OSError:
        return None
