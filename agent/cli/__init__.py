"""The `wan22` command line: parse arguments, run a command, print its reply, exit with a code."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `wan22` console script and of `python -m agent`."""
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["sandbox", "serve"]:
        from agent.sandbox.cli import main as sandbox_main

        return sandbox_main(args[2:])
    sys.stderr.write("wan22: the command line is being built\n")
    return 2
