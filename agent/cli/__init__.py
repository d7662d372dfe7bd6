"""The `wan22` command line: parse arguments, run a command, print its reply, exit with a code.

The parser is in `agent.cli.parser`, commands in `agent.cli.commands`, printing and exit codes
in `agent.cli.output`. `turn --dry-run` takes a fast path that loads neither argparse nor the
runtime.
"""

from __future__ import annotations

import sys

from agent.cli.output import EXIT_USAGE, write_err_template


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `wan22` console script and of `python -m agent`."""
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:2] == ["sandbox", "serve"]:
        return _serve_sandbox(args_list[2:])
    if args_list[:1] == ["turn"] and "--dry-run" in args_list:
        from agent.cli.dry_run import dry_run

        return dry_run(args_list[1:])
    from agent.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from agent.cli.commands import run_command

    return run_command(args)


def _serve_sandbox(argv: list[str]) -> int:
    try:
        from agent.sandbox.cli import main as sandbox_main
    except ImportError as exc:
        write_err_template("sandbox_extra_missing", module=exc.name or "?")
        return 8
    return int(sandbox_main(argv))
