"""`wan22 doctor`: checks what a user needs and says what to do about each problem.

Checks: Python and dependency versions, skill.md, the skill as each host would find it (and
its version), a token being available (never shown), the API answering (the credits call when
there is a token), and the state and output folders writable. Each check has a `code` whose
sentence is in the `doctor_check` template.
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
from agent.secret import Secret
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
# `wan22 mcp` is written against the 2.x SDK (`mcp.server.mcpserver`; 1.x had `fastmcp`).
MINIMUM_MAJOR = {"mcp": 2}


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
    manifest = _manifest(settings)
    checks = [
        _python(),
        *_dependencies(),
        manifest,
        *_hosts(settings, manifest.data.get("version")),
    ]
    token, token_check = _token(settings)
    checks += [token_check, _api(settings, token)]
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
        data = {"package": name, "version": version}
        minimum = MINIMUM_MAJOR.get(name)
        if minimum is not None and _major(version) < minimum:
            checks.append(Check(name, "warn", "extra_too_old", {**data, "minimum": f"{minimum}.0"}))
            continue
        checks.append(Check(name, "ok", "dependency_ok", data))
    return checks


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


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


def _hosts(settings: Settings, expected: str | None) -> list[Check]:
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
        data["version"] = manifest.version
        if expected and manifest.version != expected:
            checks.append(Check(name, "warn", "host_outdated", {**data, "expected": expected}))
            continue
        checks.append(Check(name, "ok", "host_ok", data))
    return checks


def _token(settings: Settings) -> tuple[Secret | None, Check]:
    """The token the next turn would use (for the API check), and whether there is one."""
    from agent.store.credentials import CredentialStore

    if settings.env_token is not None:
        return settings.env_token, Check("token", "ok", "token_env")
    stored = CredentialStore(settings.dirs).load(settings.api_url)
    if stored is None:
        return None, Check("token", "ok", "token_none")
    if stored.expired():
        return None, Check("token", "warn", "token_expired")
    data = {"api": settings.api_url, "expires": stored.expires_at or "?"}
    return stored.token, Check("token", "ok", "token_stored", data)


def _api(settings: Settings, token: Secret | None) -> Check:
    """With a token, the credits call (cheap, and proves the token works); else `GET /`."""
    from agent.backend.client import NemoClient
    from agent.backend.errors import AuthError
    from agent.backend.transport import Transport

    data = {"api": settings.api_url}
    try:
        client = NemoClient(
            Transport(settings.api_url, _attribution(settings), clock=settings.clock)
        )
        try:
            if token is None:
                return Check(
                    "api", "ok", "api_ok", {**data, "status": str(client.transport.probe())}
                )
            client.transport.token = token
            balance = client.credits()
        finally:
            client.close()
    except AuthError:
        own = token is settings.env_token
        return Check(
            "api", "warn", "api_token_refused" if own else "api_stored_token_refused", data
        )
    except WanError as exc:
        return Check("api", "fail", "api_down", {**data, "problem": exc.message})
    return Check("api", "ok", "api_credits", {**data, "credits": f"{balance.available:g}"})


def _attribution(settings: Settings) -> dict[str, str]:
    """The headers a turn would send; none when skill.md cannot be read (reported above)."""
    from agent.connection import attribution_headers
    from agent.runtime import load_skill

    try:
        manifest, host = load_skill(settings)
    except WanError:
        return {}
    return attribution_headers(manifest, host)


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
