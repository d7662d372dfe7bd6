"""The root of every error the runtime raises on purpose.

Each error carries a `kind` (a stable machine name used in `--json` output and for exit codes)
and `details` that the reply templates may use. Only code outside `agent.backend` defines the
local kinds below; the backend's own tree lives in `agent.backend.errors`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class WanError(Exception):
    """Base class: something went wrong that we can explain to the user."""

    kind: ClassVar[str] = "internal"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class UsageError(WanError):
    """The command line was wrong (unknown flag, missing argument)."""

    kind = "usage"


class BadInputError(WanError):
    """A local input cannot be used: missing file, unreadable, empty, wrong format."""

    kind = "bad_input"


class SkillManifestError(WanError):
    """skill.md is missing or its frontmatter is broken."""

    kind = "skill_manifest"


class StorageError(WanError):
    """A state, config or output file could not be read or written."""

    kind = "storage"
