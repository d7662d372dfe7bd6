"""The handlers behind each `wan22` command: build the runtime, run a `Turn`, print the `Reply`."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from agent.cli.output import (
    EXIT_FAILED,
    EXIT_LOCAL,
    exit_code,
    print_reply,
    write_err,
    write_err_template,
)
from agent.errors import UsageError, WanError
from agent.replies import render
from agent.runtime import Runtime, load_runtime
from agent.settings import Settings
from agent.turn import Reply, Turn


def run_command(args: argparse.Namespace) -> int:
    from agent.logs import configure_logging

    configure_logging()
    env = dict(os.environ)
    language = args.lang or _env_language(env)
    try:
        return _run(args, env, language)
    except WanError as exc:
        return _emit(_error_reply(exc, language), args, host=None)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 -- the last guard: a reply, not a traceback
        _log_unexpected(env, exc)
        return _emit(
            _error_reply(WanError(f"unexpected {type(exc).__name__}"), language), args, None
        )


def _run(args: argparse.Namespace, env: dict[str, str], language: str) -> int:
    if args.command == "sandbox":
        return _sandbox(args, env, language)
    if args.sandbox:
        from agent.cli.sandbox import ensure_sandbox

        url = ensure_sandbox(Settings.load(env).dirs, env).url
        env["NEMO_API_URL"] = url
        env.setdefault("NEMO_WEB_URL", url)  # the sandbox also serves the claim page
    settings = Settings.load(env, project=args.project)
    if args.command in ("install", "uninstall", "doctor"):
        from agent.cli.setup import run_setup_command

        return run_setup_command(args, settings, language)
    if args.command == "mcp":
        try:
            from agent.mcp_server import serve
        except ImportError as exc:  # the optional extra is absent, or an SDK older than 2.x
            if not (exc.name or "").startswith("mcp"):
                raise
            write_err(render("mcp_missing", language, module=exc.name))
            return EXIT_LOCAL
        return int(serve(settings))
    if args.command == "worker":
        from agent.jobs.worker_main import run_worker

        return run_worker(settings, args.job, args.launch_id, recover=args.recover)
    rt = load_runtime(settings)
    try:
        return _dispatch(rt, args, language)
    finally:
        rt.close()


def _dispatch(rt: Runtime, args: argparse.Namespace, language: str) -> int:
    handlers: dict[str, Callable[[Turn], None]] = {
        "credits": _credits,
        "status": lambda t: _status(t, args.job),
        "result": lambda t: t.result(args.job),
        "export": lambda t: _export(t, args.wait),
        "upload": lambda t: _upload(t, args.files),
        "new": _new,
    }
    if args.command == "turn":
        return _turn(rt, args)
    if args.command == "generate":
        return _generate(rt, args)
    if args.command == "chat":
        from agent.cli.chat import run_chat

        return int(run_chat(rt, args))
    turn = Turn(rt, args.lang or rt.project.language() or language)
    handler = handlers.get(args.command)
    if handler is None:
        raise UsageError(f"unknown command {args.command!r}")
    try:
        handler(turn)
        reply = turn.finish()
    except WanError as exc:
        reply = turn.fail(exc)
    return _emit(reply, args, rt.host.name)


def _turn(rt: Runtime, args: argparse.Namespace) -> int:
    from agent.conversation.language import detect_language

    text = " ".join(args.message)
    guess = detect_language(text, rt.project.language())
    language = args.lang or guess.code
    turn = Turn(rt, language)
    try:
        if guess.decided and not args.lang:
            rt.project.save_language(guess.code)
        reply = turn.utterance(text, args.file, args.wait)
    except WanError as exc:
        reply = turn.fail(exc)
    return _emit(reply, args, rt.host.name)


def _generate(rt: Runtime, args: argparse.Namespace) -> int:
    """For people and scripts: generate, wait for the whole job, then export and download."""
    from agent.conversation.language import detect_language
    from agent.media_files import check_attachment

    text = " ".join(args.prompt)
    language = args.lang or detect_language(text, rt.project.language()).code
    turn = Turn(rt, language)
    deadline = time.monotonic() + args.timeout
    try:
        media = [check_attachment(f) for f in args.file]
        mode = "i2v" if any(m.kind == "image" for m in media) else "t2v"
        turn.chat(text, media, mode, "generation", args.timeout)
        if turn.reply.error is None and (turn.reply.job or {}).get("state") == "succeeded":
            turn.export(max(deadline - time.monotonic(), 1.0))
        reply = turn.finish()
    except WanError as exc:
        reply = turn.fail(exc)
    return _emit(reply, args, rt.host.name)


def _credits(turn: Turn) -> None:
    turn.report_updates()
    turn.credits()


def _export(turn: Turn, wait: float | None) -> None:
    turn.report_updates()
    turn.export(wait)


def _status(turn: Turn, job_id: str | None) -> None:
    turn.report_updates()
    turn.status(job_id)


def _upload(turn: Turn, files: list[str]) -> None:
    from agent.media_files import check_attachment

    urls = [f for f in files if f.startswith(("https://", "http://"))]
    media = [check_attachment(f) for f in files if f not in urls]
    turn.report_updates()
    turn.upload(media, urls)


def _new(turn: Turn) -> None:
    from agent.settings import DEFAULT_PROJECT
    from agent.store.projects import start_new_project

    rt = turn.rt
    identity = rt.settings.project or rt.host.conversation or DEFAULT_PROJECT
    name = start_new_project(rt.settings.dirs, identity)
    turn.parts.append(render("project_new", turn.language, project=name))


def _sandbox(args: argparse.Namespace, env: dict[str, str], language: str) -> int:
    from agent.cli.output import write_text
    from agent.cli.sandbox import ensure_sandbox, running_sandbox, stop_sandbox

    dirs = Settings.load(env).dirs
    if args.action == "start":
        process = ensure_sandbox(dirs, env)
        write_text(render("sandbox_running", language, url=process.url, pid=process.pid))
    elif args.action == "stop":
        stopped = stop_sandbox(dirs)
        write_text(render("sandbox_stopped", language, was_running=stopped is not None))
    else:
        current = running_sandbox(dirs)
        if current is None:
            write_text(render("sandbox_stopped", language, was_running=False))
            return EXIT_FAILED
        write_text(render("sandbox_running", language, url=current.url, pid=current.pid))
    return 0


def _emit(reply: Reply, args: argparse.Namespace, host: str | None) -> int:
    if args.command == "mcp":  # stdout is the MCP channel: a failure to start goes to stderr
        write_err(reply.text)
        return exit_code(reply)
    print_reply(reply, as_json=args.json, media_lines=host == "openclaw")
    return exit_code(reply)


def _error_reply(exc: WanError, language: str) -> Reply:
    from agent.jobs.agent_job import error_json
    from agent.outcomes import error_text

    error = error_json(exc)
    return Reply(text=error_text(error, language), language=language, error=error)


def _env_language(env: dict[str, str]) -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh-CN" if value.lower().startswith("zh") else "en"
    return "en"


def _log_unexpected(env: dict[str, str], exc: BaseException) -> None:
    """Keep the traceback for a bug report (redacted, private), never on stdout."""
    import traceback

    from agent.secret import redact
    from agent.store.files import ensure_private_dir

    log_dir = ensure_private_dir(Settings.load(env).dirs.state / "logs")
    text = redact("".join(traceback.format_exception(exc)))
    fd = os.open(log_dir / "errors.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n{text}")
    write_err_template(
        "unexpected_error", error=type(exc).__name__, log=str(log_dir / "errors.log")
    )
