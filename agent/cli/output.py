"""Printing a reply (text or one JSON object), and the documented exit codes.

stdout carries only the reply; progress and diagnostics go to stderr. Everything printed passes
through the secret redactor as a last guard.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from agent.secret import redact

if TYPE_CHECKING:
    from agent.turn import Reply

# Exit codes (README "Exit codes"): one per family of error kinds.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_QUOTA = 4
EXIT_TIMEOUT = 5
EXIT_NETWORK = 6
EXIT_BAD_INPUT = 7
EXIT_LOCAL = 8

EXIT_OF_KIND = {
    "usage": EXIT_USAGE,
    "auth": EXIT_AUTH,
    "client_id": EXIT_AUTH,
    "token_limit": EXIT_AUTH,
    "credits": EXIT_QUOTA,
    "export_blocked": EXIT_QUOTA,
    "rate_limited": EXIT_QUOTA,
    "timeout": EXIT_TIMEOUT,
    "network": EXIT_NETWORK,
    "connection_lost": EXIT_NETWORK,
    "server": EXIT_NETWORK,
    "protocol": EXIT_NETWORK,
    "rejected": EXIT_NETWORK,
    "session_lost": EXIT_NETWORK,
    "bad_input": EXIT_BAD_INPUT,
    "unsupported_file": EXIT_BAD_INPUT,
    "file_too_large": EXIT_BAD_INPUT,
    "no_draft": EXIT_BAD_INPUT,
    "storage": EXIT_LOCAL,
    "skill_manifest": EXIT_LOCAL,
}


def exit_code(reply: Reply) -> int:
    if reply.error is None:
        return EXIT_OK
    return EXIT_OF_KIND.get(str(reply.error.get("kind")), EXIT_FAILED)


def print_reply(reply: Reply, *, as_json: bool, media_lines: bool) -> None:
    if as_json:
        write_json(reply.to_json())
        return
    text = reply.text
    if media_lines:
        paths = [m["path"] for m in reply.media if isinstance(m.get("path"), str)]
        text += "".join(f"\nMEDIA:{p}" for p in paths)
    write_text(text)


def write_json(data: Any) -> None:
    sys.stdout.write(redact(json.dumps(data, ensure_ascii=False)) + "\n")
    sys.stdout.flush()


def write_text(text: str) -> None:
    sys.stdout.write(redact(text).rstrip("\n") + "\n")
    sys.stdout.flush()


def write_err(text: str) -> None:
    sys.stderr.write(redact(text).rstrip("\n") + "\n")
    sys.stderr.flush()


def write_err_template(key: str, **context: Any) -> None:
    """A diagnostic from a template, in the language of the user's locale (error paths only)."""
    import os

    from agent.replies import render

    locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    write_err(render(key, "zh" if locale.lower().startswith("zh") else "en", **context))
