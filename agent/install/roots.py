"""Where each host looks for skills (research/skill-ecosystem.md §1.4, §2.2, §2.3).

OpenClaw: `<workspace>/skills` (workspace `$OPENCLAW_WORKSPACE_DIR` or `~/.openclaw/workspace`),
`--global` → `~/.openclaw/skills`. ClawHub: `<workdir>/skills` when `--dir` or `CLAWHUB_WORKDIR`
names a workdir, else `~/.clawhub/skills`. Cursor, Claude Code and the shared `~/.agents`: their
user skill folders. `--dir` is the skills root itself for every host but ClawHub.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

HOSTS = ("openclaw", "clawhub", "cursor", "claude", "agents")
# The platform each host's install reports as X-Skill-Platform (vendor-api.md §1.1).
PLATFORMS = {
    "openclaw": "clawhub",
    "clawhub": "clawhub",
    "cursor": "cursor",
    "claude": "claude_code",
    "agents": None,
}
# Hosts that read the strict Agent Skills frontmatter; the others read OpenClaw's.
STRICT_HOSTS = frozenset({"cursor", "claude", "agents"})


@dataclass(frozen=True)
class SkillRoot:
    host: str
    path: Path

    @property
    def platform(self) -> str | None:
        return PLATFORMS[self.host]

    @property
    def strict(self) -> bool:
        return self.host in STRICT_HOSTS


def skills_root(
    host: str,
    home: Path,
    env: Mapping[str, str],
    *,
    global_: bool = False,
    directory: str | None = None,
) -> SkillRoot:
    """The folder that will hold `<root>/wan-22/` for `host`."""
    if host not in HOSTS:
        raise ValueError(f"unknown host {host!r}; choose one of {', '.join(HOSTS)}")
    if host == "clawhub":
        workdir = directory or env.get("CLAWHUB_WORKDIR")
        return SkillRoot(
            host, Path(workdir).expanduser() / "skills" if workdir else home / ".clawhub" / "skills"
        )
    if directory:
        return SkillRoot(host, Path(directory).expanduser())
    if host == "openclaw":
        if global_:
            state = env.get("OPENCLAW_STATE_DIR")
            return SkillRoot(host, (Path(state) if state else home / ".openclaw") / "skills")
        workspace = env.get("OPENCLAW_WORKSPACE_DIR")
        return SkillRoot(
            host, (Path(workspace) if workspace else home / ".openclaw" / "workspace") / "skills"
        )
    folder = {"cursor": ".cursor", "claude": ".claude", "agents": ".agents"}[host]
    return SkillRoot(host, home / folder / "skills")


def all_roots(home: Path, env: Mapping[str, str]) -> list[SkillRoot]:
    """Every default root, for `wan22 doctor`."""
    roots = [skills_root(h, home, env) for h in HOSTS]
    roots.insert(1, skills_root("openclaw", home, env, global_=True))
    return roots
