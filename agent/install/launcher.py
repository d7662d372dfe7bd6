"""The launcher put in `scripts/wan22.py`: runs the runtime bundled beside it, from any
working directory, without writing bytecode into the skill folder."""

from __future__ import annotations

LAUNCHER_MARK = "wan-22 launcher"

TEMPLATE = '''#!/usr/bin/env python3
"""{mark}: runs the wan-22 runtime bundled in this folder, from any working directory.

Installed by `wan22 install --host {host}`. It writes nothing here (no bytecode, no state):
hosts fingerprint this folder; state lives in the XDG dirs, bytecode in the XDG cache.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
# Bytecode goes to the user's cache, never beside the code: the skill folder stays untouched
# and every turn after the first imports compiled modules.
_CACHE = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
sys.pycache_prefix = os.environ.setdefault(
    "PYTHONPYCACHEPREFIX", os.path.join(_CACHE, "wan22", "pycache")
)
INSTALLED_PYTHON = {python!r}
PLATFORM = {platform!r}
NEEDED = ("httpx", "httpx_sse", "yaml", "jinja2", "langdetect", "filelock", "platformdirs")


def _has_dependencies():
    return all(importlib.util.find_spec(name) is not None for name in NEEDED)


if not _has_dependencies():
    # A venv's python is a symlink to the base one: compare the paths, not their targets.
    if (INSTALLED_PYTHON and os.path.exists(INSTALLED_PYTHON)
            and os.path.abspath(INSTALLED_PYTHON) != os.path.abspath(sys.executable)
            and not os.environ.get("WAN22_LAUNCHER_REEXEC")):
        os.environ["WAN22_LAUNCHER_REEXEC"] = "1"
        me = os.path.realpath(__file__)
        os.execv(INSTALLED_PYTHON, [INSTALLED_PYTHON, me, *sys.argv[1:]])
    sys.stderr.write(
        "wan-22: this Python lacks the runtime's dependencies. Install them with\\n"
        "  python3 -m pip install wan-22\\n"
        "or run `wan22 install` again from the environment where wan-22 is installed.\\n"
    )
    raise SystemExit(8)

os.environ.setdefault("WAN22_SKILL_DIR", os.path.dirname(HERE))
if PLATFORM:
    os.environ.setdefault("SKILL_SOURCE", PLATFORM)
sys.path.insert(0, HERE)

from agent.cli import main  # noqa: E402

raise SystemExit(main())
'''


def launcher_source(host: str, python: str, platform: str | None) -> str:
    return TEMPLATE.format(mark=LAUNCHER_MARK, host=host, python=python, platform=platform)
