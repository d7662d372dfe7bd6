"""The pieces one command works with, built once per process: settings, skill manifest, host,
project, ledger and (lazily) the backend connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.connection import Connection
from agent.jobs.ledger import Ledger
from agent.settings import DEFAULT_PROJECT, Settings
from agent.skill.host import Host, detect_host, runtime_install_paths
from agent.skill.manifest import SkillManifest, load_manifest, locate_skill_file
from agent.store.projects import ProjectStore, current_project


@dataclass
class Runtime:
    settings: Settings
    manifest: SkillManifest
    host: Host
    project: ProjectStore
    ledger: Ledger
    _connection: Connection | None = field(default=None, repr=False)

    @property
    def log_dir(self) -> Path:
        return self.settings.dirs.state / "logs"

    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = Connection(self.settings, self.manifest, self.host, self.project)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def load_skill(settings: Settings) -> tuple[SkillManifest, Host]:
    skill_file = locate_skill_file(dict(settings.env))
    manifest = load_manifest(skill_file, settings.dirs.cache)
    host = detect_host(settings.env, runtime_install_paths(skill_file))
    return manifest, host


def load_runtime(settings: Settings, *, exact_project: bool = False) -> Runtime:
    """The runtime for the project of this conversation (or exactly `settings.project`)."""
    manifest, host = load_skill(settings)
    identity = settings.project or host.conversation or DEFAULT_PROJECT
    name = identity if exact_project else current_project(settings.dirs, identity)
    project = ProjectStore(settings.dirs, name)
    return Runtime(settings, manifest, host, project, Ledger(project.root))
