"""Live progress on stderr, only when stderr is a terminal: a spinner with elapsed time while the
agent works, a bar while uploading, rendering or downloading. JSON mode never sees it."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from agent.jobs.ledger import Job
from agent.replies import render

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
BAR_WIDTH = 24
BAR_PHASES = ("uploading", "rendering", "downloading")
STILL_WORKING_EVERY = 120.0


class ProgressDisplay:
    """Redraws one status line; `done()` clears it."""

    def __init__(self, language: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.language = language
        self._frame = 0
        self._started = time.monotonic()
        self._next_still_working = STILL_WORKING_EVERY
        self._drawn = False

    def job(self, job: Job) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self._started
        if elapsed >= self._next_still_working:
            self._next_still_working += STILL_WORKING_EVERY
            self.line(render("still_working", self.language, minutes=int(elapsed // 60)))
        label = render("progress_label", self.language, kind=job.kind, phase=_phase(job.phase))
        if _phase(job.phase) in BAR_PHASES:
            filled = int(BAR_WIDTH * min(job.progress, 100) / 100)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self._draw(f"{label} [{bar}] {job.progress:3d}%  {_clock(elapsed)}")
        else:
            self._frame = (self._frame + 1) % len(SPINNER)
            self._draw(f"{SPINNER[self._frame]} {label} {_clock(elapsed)}  {job.progress}%")

    def bytes(self, label: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if total:
            filled = int(BAR_WIDTH * done / total)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self._draw(f"{label} [{bar}] {100 * done // total:3d}%  {done / 1048576:.1f} MB")
        else:
            self._draw(f"{label} {done / 1048576:.1f} MB")

    def line(self, text: str) -> None:
        if not self.enabled:
            return
        self.done()
        self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False

    def _draw(self, text: str) -> None:
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self._drawn = True


def _phase(phase: str) -> str:
    return phase.split(":", 1)[0]


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
