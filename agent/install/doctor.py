"""`wan22 doctor`: checks what a user needs and says what to do about each problem.

Checks: Python and dependency versions, skill.md, the skill as each host would find it, a
token being available (never shown), the API answering, and the state and output folders
writable. Each check has a `code` whose sentence is in the `doctor_check` template.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from agent.errors import WanError
from agent.install.roots import all_roots
from agent.settings import Settings

DEPENDENCIES = (
    "httpx",
    "httpx-sse",
    "pyyaml",
    "jinja2",
    "langdetect",
    "pydantic",
    "platformdirs",
    "filelock",
)
EXTRAS = ("starlette", "uvicorn", "python-multipart", "av", "mcp")


@dataclass(frozen=True)
class Check:
    """One check: `code` picks the sentence (template `doctor_check`), `data` fills it."""

    name: str
    status: str  # ok, warn, fail
    code: str
    data: dict[str, str] = field(default_factory=dict)

    def detail(self, language: str) -> str:
        from agent.replies import render

        return render("doctor_check", language, code=self.code, data=self.data)

    def to_json(self, language: str) -> dict[str, Any]:
        return {**asdict(self), "detail": self.detail(language)}


def run_checks(settings: Settings) -> list[Check]:
    checks = [_python(), *_dependencies(), _manifest(settings), *_hosts(settings)]
    checks += [_token(settings), _api(settings)]
    checks += [
        _writable(name, path, private=name != "output")
        for name, path in (
            ("config", settings.dirs.config),
            ("state", settings.dirs.state),
            ("cache", settings.dirs.cache),
            ("output", settings.output_dir),
        )
    ]
    return checks


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Check(
        "python",
        "ok" if ok else "fail",
        "python_ok" if ok else "python_old",
        {"version": version, "path": sys.executable},
    )


def _dependencies() -> list[Check]:
    checks = []
    for name in DEPENDENCIES + EXTRAS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            required = name in DEPENDENCIES
            checks.append(
                Check(
                    name,
                    "fail" if required else "warn",
                    "dependency_missing" if required else "extra_missing",
                    {"package": name},
                )
            )
            continue
        checks.append(Check(name, "ok", "dependency_ok", {"package": name, "version": version}))
    return checks


def _manifest(settings: Settings) -> Check:
    from agent.skill.manifest import load_manifest, locate_skill_file

    try:
        path = locate_skill_file(dict(settings.env))
        manifest = load_manifest(path)
    except WanError as exc:
        return Check("skill.md", "fail", "manifest_broken", {"problem": exc.message})
    return Check(
        "skill.md",
        "ok",
        "manifest_ok",
        {"name": manifest.name, "version": manifest.version, "path": str(path)},
    )


def _hosts(settings: Settings) -> list[Check]:
    from agent.skill.manifest import load_manifest

    checks = []
    for root in all_roots(settings.dirs.home, settings.env):
        skill = root.path / "wan-22" / "SKILL.md"
        data = {"host": root.host, "root": str(root.path)}
        is_global = root.path.parent.name == ".openclaw"
        name = f"{root.host} skill" + (" (global)" if is_global else "")
        data["flag"] = " --global" if is_global else ""
        if not skill.exists():
            checks.append(Check(name, "warn", "host_missing", data))
            continue
        try:
            manifest = load_manifest(skill)
        except WanError as exc:
            checks.append(
                Check(
                    name,
                    "fail",
                    "host_broken",
                    {**data, "problem": exc.message},
                )
            )
            continue
        checks.append(Check(name, "ok", "host_ok", {**data, "version": manifest.version}))
    return checks


def _token(settings: Settings) -> Check:
    from agent.store.credentials import CredentialStore

    if settings.env_token is not None:
        return Check("token", "ok", "token_env")
    stored = CredentialStore(settings.dirs).load(settings.api_url)
    if stored is None:
        return Check("token", "ok", "token_none")
    if stored.expired():
        return Check("token", "warn", "token_expired")
    return Check(
        "token",
        "ok",
        "token_stored",
        {"api": settings.api_url, "expires": stored.expires_at or "?"},
    )


def _api(settings: Settings) -> Check:
    from agent.backend.transport import Transport

    try:
        transport = Transport(settings.api_url, {}, clock=settings.clock)
        try:
            status = transport.probe()
        finally:
            transport.close()
    except WanError as exc:
        return Check("api", "fail", "api_down", {"api": settings.api_url, "problem": exc.message})
    return Check("api", "ok", "api_ok", {"api": settings.api_url, "status": str(status)})


def _writable(name: str, path: Path, *, private: bool) -> Check:
    from agent.store.files import ensure_private_dir

    try:
        if private:
            ensure_private_dir(path)
        else:
            path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except (OSError, WanError) as exc:
        return Check(
            f"{name} dir", "fail", "dir_not_writable", {"path": str(path), "problem": str(exc)}
        )
    return Check(f"{name} dir", "ok", "dir_ok", {"path": str(path)})
