"""SKILL.md rendered for one host, from our skill.md (the single source of name and version).

The hosts disagree (research/skill-ecosystem.md §2.4): the strict Agent Skills validator allows
only name, description, license, allowed-tools, metadata (strings) and compatibility, while
OpenClaw/ClawHub want a top-level version and a single-line JSON `metadata.openclaw`. So
Cursor, Claude Code and `~/.agents` get the strict form, OpenClaw/ClawHub ours as written. The
body's `wan22` command becomes the launcher as each host refers to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.errors import SkillManifestError
from agent.install.roots import SkillRoot

LICENSE = "MIT"
DEFAULT_OPENCLAW = {"requires": {"bins": ["python3"], "env": []}, "primaryEnv": "NEMO_TOKEN"}
COMPATIBILITY = (
    "Needs python3 (3.11 or newer) with the wan-22 runtime's dependencies, and network access "
    "to the NemoVideo API (or a local wan22 sandbox)."
)


def split_skill(text: str, origin: str) -> tuple[str, dict[str, Any], str]:
    """(frontmatter text, parsed frontmatter, body) of a skill.md."""
    import yaml

    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise SkillManifestError(f"{origin}: no YAML frontmatter", path=origin)
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        raise SkillManifestError(f"{origin}: the frontmatter is not closed", path=origin)
    front_text = "".join(lines[1:end])
    front = yaml.safe_load(front_text)
    if not isinstance(front, dict):
        raise SkillManifestError(f"{origin}: the frontmatter is not a mapping", path=origin)
    return front_text, front, "".join(lines[end + 1 :])


def launcher_command(root: SkillRoot, skill_dir: Path) -> str:
    """How the host's model should call the launcher, from any working directory."""
    if root.host in ("openclaw", "clawhub"):
        return "python3 {baseDir}/scripts/wan22.py"
    if root.host == "claude":
        return 'python3 "${CLAUDE_SKILL_DIR}/scripts/wan22.py"'
    return f'python3 "{skill_dir / "scripts" / "wan22.py"}"'


def render_skill_md(source: Path, root: SkillRoot, skill_dir: Path) -> str:
    """The SKILL.md text for this install (the source may itself be either form)."""
    from agent.skill.manifest import parse_manifest

    text = source.read_text(encoding="utf-8")
    manifest = parse_manifest(text, str(source))
    front_text, front, body = split_skill(text, str(source))
    body = _with_launcher(body, launcher_command(root, skill_dir))
    metadata = front.get("metadata")
    openclaw = metadata.get("openclaw") if isinstance(metadata, dict) else None
    if not root.strict:
        if "version" in front and isinstance(openclaw, dict):
            return f"---\n{front_text}---\n{body}"
        fields = {
            "name": manifest.name,
            "version": manifest.version,
            "description": manifest.description,
        }
        if manifest.homepage:
            fields["homepage"] = manifest.homepage
        meta = json.dumps({"openclaw": openclaw or DEFAULT_OPENCLAW}, ensure_ascii=False)
        return "---\n" + _yaml(fields) + f"metadata: {meta}\n---\n" + body
    strict: dict[str, Any] = {
        "name": manifest.name,
        "description": manifest.description,
        "license": LICENSE,
        "compatibility": COMPATIBILITY,
        "metadata": {"version": manifest.version}
        | ({"homepage": manifest.homepage} if manifest.homepage else {}),
    }
    return "---\n" + _yaml(strict) + "---\n" + body


def _with_launcher(body: str, command: str) -> str:
    """`wan22 ...` in code spans and command lines → the launcher."""
    lines = []
    for line in body.splitlines(keepends=True):
        stripped = line.lstrip()
        rewritten = line
        if stripped.startswith("wan22 "):
            rewritten = line[: len(line) - len(stripped)] + command + stripped[len("wan22") :]
        lines.append(rewritten.replace("`wan22 ", f"`{command} "))
    return "".join(lines)


def _yaml(data: dict[str, Any]) -> str:
    """Plain YAML with every scalar as a JSON string (valid YAML, and never ambiguous)."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{key}:\n")
            out.extend(
                f"  {k}: {json.dumps(str(v), ensure_ascii=False)}\n" for k, v in value.items()
            )
        else:
            out.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}\n")
    return "".join(out)
