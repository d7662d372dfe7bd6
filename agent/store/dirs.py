"""Where state lives: the XDG config, state and cache dirs (platformdirs elsewhere).

Never the installed skill folder: hosts fingerprint it, and a stray file there makes
`clawhub update` refuse.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "wan22"


@dataclass(frozen=True)
class AppDirs:
    """The three private roots of the runtime, plus the vendor's shared client-id file."""

    config: Path
    state: Path
    cache: Path
    home: Path

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppDirs:
        env = dict(os.environ) if env is None else env
        home = Path(env.get("HOME") or Path.home())
        system = str(sys.platform)  # a plain str: the branch below is live off Linux
        if system.startswith("linux") or "XDG_CONFIG_HOME" in env:
            return cls(
                config=_xdg(env, "XDG_CONFIG_HOME", home / ".config") / APP_NAME,
                state=_xdg(env, "XDG_STATE_HOME", home / ".local" / "state") / APP_NAME,
                cache=_xdg(env, "XDG_CACHE_HOME", home / ".cache") / APP_NAME,
                home=home,
            )
        import platformdirs

        return cls(
            config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            state=Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
            cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            home=home,
        )

    @property
    def vendor_client_id_file(self) -> Path:
        """`~/.config/nemovideo/client_id`, shared with the vendor's own tools."""
        return self.home / ".config" / "nemovideo" / "client_id"

    @property
    def credentials_file(self) -> Path:
        return self.config / "credentials.json"

    @property
    def projects_dir(self) -> Path:
        return self.state / "projects"


def _xdg(env: dict[str, str], name: str, default: Path) -> Path:
    value = env.get(name, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    return Path(value) if value and os.path.isabs(value) else default
