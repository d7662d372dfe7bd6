"""skill.md → `SkillManifest`: the name and version the backend attributes our calls to.

The frontmatter is the only place they live. Two forms are read: the OpenClaw form (top-level
`version`, JSON `metadata`) and the strict Agent Skills form (`metadata.version` as a string).
Parsing YAML costs an import on every turn, so the result is cached by file path, size and mtime.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agent.errors import SkillManifestError

SKILL_FILE_NAMES = ("SKILL.md", "skill.md")
MAX_DESCRIPTION = 1024


@dataclass(frozen=True)
class SkillManifest:
    """What the runtime needs from skill.md."""

    name: str
    version: str
    description: str
    homepage: str | None
    path: str


def locate_skill_file(env: dict[str, str] | None = None) -> Path:
    """skill.md for this runtime: `WAN22_SKILL_DIR`, then beside the package, then the checkout."""
    env = dict(os.environ) if env is None else env
    package_dir = Path(__file__).resolve().parent.parent
    candidates: list[Path] = []
    if env.get("WAN22_SKILL_DIR"):
        candidates += [Path(env["WAN22_SKILL_DIR"]) / n for n in SKILL_FILE_NAMES]
    candidates += [package_dir / "skill.md"]
    candidates += [package_dir.parent / n for n in SKILL_FILE_NAMES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SkillManifestError(
        "skill.md not found (looked in: " + ", ".join(str(c) for c in candidates) + ")",
        path=str(candidates[0]),
    )


def load_manifest(path: Path, cache_dir: Path | None = None) -> SkillManifest:
    """Read and check the frontmatter of `path`, using the parse cache when it is fresh."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise SkillManifestError(f"{path}: cannot read ({exc.strerror})", path=str(path)) from exc
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    cache_file = cache_dir / "manifest.json" if cache_dir else None
    cached = _read_cache(cache_file, key)
    if cached is not None:
        return cached
    manifest = parse_manifest(_read_text(path), str(path))
    if cache_file is not None:
        _write_cache(cache_file, key, manifest)
    return manifest


def parse_manifest(text: str, origin: str) -> SkillManifest:
    """Parse skill.md text; any problem is a `SkillManifestError` naming `origin`."""
    front = _frontmatter(text, origin)
    name = front.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SkillManifestError(f"{origin}: frontmatter has no 'name'", path=origin)
    version = _version(front)
    if version is None:
        raise SkillManifestError(
            f"{origin}: frontmatter has no 'version' (top level or in metadata)", path=origin
        )
    description = front.get("description")
    if not isinstance(description, str) or not description.strip():
        raise SkillManifestError(f"{origin}: frontmatter has no 'description'", path=origin)
    homepage = front.get("homepage")
    return SkillManifest(
        name=name.strip(),
        version=version,
        description=description.strip(),
        homepage=homepage if isinstance(homepage, str) else None,
        path=origin,
    )


def _frontmatter(text: str, origin: str) -> dict[str, Any]:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise SkillManifestError(
            f"{origin}: no YAML frontmatter (the file must start with a '---' line)", path=origin
        )
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise SkillManifestError(
            f"{origin}: the frontmatter is not closed by a '---' line", path=origin
        ) from None
    import yaml

    try:
        loaded = yaml.load("\n".join(lines[1:end]), Loader=_safe_loader())  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise SkillManifestError(
            f"{origin}: the frontmatter is not valid YAML{where}", path=origin
        ) from exc
    if not isinstance(loaded, dict):
        raise SkillManifestError(f"{origin}: the frontmatter is not a mapping", path=origin)
    return loaded


def _safe_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _version(front: dict[str, Any]) -> str | None:
    candidates: list[Any] = [front.get("version")]
    metadata = front.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            metadata = None
    if isinstance(metadata, dict):
        candidates.append(metadata.get("version"))
    for value in candidates:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SkillManifestError(f"{path}: cannot read ({exc})", path=str(path)) from exc


def _read_cache(cache_file: Path | None, key: str) -> SkillManifest | None:
    if cache_file is None:
        return None
    try:
        raw = json.loads(cache_file.read_bytes())
        if raw.get("key") == key:
            return SkillManifest(**raw["manifest"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return None


def _write_cache(cache_file: Path, key: str, manifest: SkillManifest) -> None:
    from agent.errors import StorageError
    from agent.store.files import atomic_write_json

    try:
        atomic_write_json(cache_file, {"key": key, "manifest": asdict(manifest)})
    except StorageError:
        return  # a cache that cannot be written only costs the next turn a YAML parse
