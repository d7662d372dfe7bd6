"""The `wan22` argument parser: every command, its options and its help text."""

from __future__ import annotations

import argparse

from agent.cli.output import EXIT_USAGE, write_err_template

USAGE_EXAMPLES = """examples:
  wan22 turn --json "Generate a 4-second video of a red fox in the snow"
  wan22 turn --json --file ./product.png "Make this product rotate on a dark surface"
  wan22 status --json
  wan22 --sandbox generate "a golden retriever running through a wheat field"
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        write_err_template("usage_error", problem="argparse", message=message)
        raise SystemExit(EXIT_USAGE)


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # Subcommands repeat the global options; SUPPRESS keeps a value given before the command.
    default = argparse.SUPPRESS if suppress else None
    flag_default = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--json", action="store_true", default=flag_default, help="print one JSON object on stdout"
    )
    parser.add_argument(
        "--project", default=default, help="project name (default: the host conversation)"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        default=flag_default,
        help="use a local sandbox backend (started if none runs)",
    )
    parser.add_argument(
        "--lang", default=default, help="answer in this language (default: detected)"
    )


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    _common_options(common, suppress=True)

    parser = _Parser(
        prog="wan22",
        description="WAN 2.2 video skill runtime: make and edit AI videos by chatting.",
        epilog=USAGE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    turn = add("turn", "one user turn: the call a host makes per user message")
    turn.add_argument("message", nargs="+", help="the user's message, unchanged")
    turn.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="PATH",
        help="an attached file (repeatable); an image makes it image-to-video",
    )
    turn.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="how long to wait for long work before returning (default 20, OpenClaw 8)",
    )
    turn.add_argument(
        "--dry-run",
        action="store_true",
        help="only route and detect the language: no network, no disk",
    )

    generate = add("generate", "make a video from a prompt and wait until the mp4 is saved")
    generate.add_argument("prompt", nargs="+")
    generate.add_argument("--file", action="append", default=[], metavar="PATH")
    generate.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS")

    add("credits", "show the credit balance")
    status = add("status", "the timeline and any running job (cheap, safe to repeat)")
    status.add_argument("job", nargs="?", help="a job id")
    result = add("result", "a finished job's outcome, again (idempotent)")
    result.add_argument("job")
    export = add("export", "render the timeline to an mp4 and download it")
    export.add_argument("--wait", type=float, metavar="SECONDS")
    upload = add("upload", "upload media files (or https URLs of media) to the project")
    upload.add_argument("files", nargs="+", metavar="PATH_OR_URL")
    add("new", "start a fresh project for this conversation")
    add("chat", "an interactive conversation in the terminal")

    install = add("install", "install the skill where an agent host finds it")
    install.add_argument(
        "--host", required=True, choices=["openclaw", "clawhub", "cursor", "claude", "agents"]
    )
    install.add_argument(
        "--global",
        dest="global_",
        action="store_true",
        help="OpenClaw: ~/.openclaw/skills instead of the workspace "
        "(the other hosts' default roots are already per-user)",
    )
    install.add_argument("--dir", help="the skills root (ClawHub: the workdir)")
    uninstall = add("uninstall", "remove the skill from a host's skills folder")
    uninstall.add_argument(
        "--host", required=True, choices=["openclaw", "clawhub", "cursor", "claude", "agents"]
    )
    uninstall.add_argument("--global", dest="global_", action="store_true")
    uninstall.add_argument("--dir")
    add("doctor", "check the set-up and explain what to fix")
    add("mcp", "serve the skill's tools over MCP (stdio)")

    sandbox = add("sandbox", "the local sandbox backend")
    sandbox.add_argument("action", choices=["serve", "start", "stop", "status"])
    sandbox.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    worker = sub.add_parser("worker", parents=[common])  # internal: runs one job, detached
    worker.add_argument("job")
    worker.add_argument("launch_id")
    worker.add_argument("--recover", action="store_true")
    return parser
