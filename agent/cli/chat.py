"""`wan22 chat`: a conversation in the terminal, one turn per line, with live progress.

Ctrl-C while a job runs stops *waiting*, never the job: the next line (or `status`) picks it up.
History is kept in the state dir, not in the skill folder.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from types import FrameType
from typing import Any

from agent.cli.output import EXIT_OK, write_text
from agent.cli.progress import ProgressDisplay
from agent.errors import WanError
from agent.jobs.ledger import Job
from agent.replies import render
from agent.runtime import Runtime
from agent.turn import Turn

CHAT_WAIT_SECONDS = 30 * 60.0
QUIT_WORDS = frozenset({"exit", "quit", "bye", "退出", ":q"})


def run_chat(rt: Runtime, args: argparse.Namespace) -> int:
    language = args.lang or rt.project.language() or "en"
    _enable_history(rt)
    write_text(render("chat_welcome", language, project=rt.project.name))
    while True:
        try:
            line = input("you> " if sys.stdin.isatty() else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT_WORDS:
            break
        language = _one_turn(rt, text, args, language)
    _save_history(rt)
    return EXIT_OK


def _one_turn(rt: Runtime, text: str, args: argparse.Namespace, language: str) -> str:
    from agent.conversation.language import detect_language

    guess = detect_language(text, language)
    language = args.lang or guess.code
    if guess.decided and not args.lang:
        rt.project.save_language(guess.code)
    display = ProgressDisplay(language)
    turn = Turn(rt, language)
    interrupted = _InterruptFlag()

    def on_wait(job: Job) -> None:
        interrupted.check()
        display.job(job)

    turn.on_wait = on_wait
    try:
        with interrupted:
            reply = turn.utterance(text, [], CHAT_WAIT_SECONDS)
    except KeyboardInterrupt:
        display.done()
        job = turn.reply.job or {}
        write_text(render("chat_stopped_waiting", language, job_id=job.get("id") or ""))
        return language
    except WanError as exc:
        reply = turn.fail(exc)
    display.done()
    write_text(reply.text)
    return language


class _InterruptFlag:
    """Ctrl-C raises KeyboardInterrupt as usual and is also remembered, so that one raised where
    Python must swallow it (inside a finalizer) still stops the wait at the next poll."""

    def __init__(self) -> None:
        self.seen = False
        self._previous: Any = None

    def __enter__(self) -> _InterruptFlag:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.seen:
            raise KeyboardInterrupt


def _history_file(rt: Runtime) -> str:
    return str(rt.settings.dirs.state / "chat_history")


def _enable_history(rt: Runtime) -> None:
    if not sys.stdin.isatty():
        return
    try:
        import readline
    except ImportError:
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(_history_file(rt))
    readline.set_history_length(1000)


def _save_history(rt: Runtime) -> None:
    if not sys.stdin.isatty():
        return
    try:
        import readline
    except ImportError:
        return
    from agent.store.files import ensure_private_dir

    ensure_private_dir(rt.settings.dirs.state)
    with contextlib.suppress(OSError):
        readline.write_history_file(_history_file(rt))
