"""The agent stream's clocks: events, not bytes, decide whether it is alive.

Three limits (vendor-api.md §3.4): no event of any kind for `stall` seconds means the
connection is dead; heartbeats only for 10 minutes is a timeout; 15 minutes is the hard cap.
A background thread enforces them by closing the stream, because a blocked read cannot check
a clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from agent.clock import Clock

STALL_SECONDS = 150.0
HEARTBEAT_ONLY_SECONDS = 600.0
HARD_CAP_SECONDS = 900.0
STILL_WORKING_EVERY = 120.0


@dataclass(frozen=True)
class StreamLimits:
    stall: float = STALL_SECONDS
    heartbeat_only: float = HEARTBEAT_ONLY_SECONDS
    hard_cap: float = HARD_CAP_SECONDS
    still_working: float = STILL_WORKING_EVERY

    def scaled(self, clock: Clock) -> StreamLimits:
        return StreamLimits(
            *(
                clock.seconds(v)
                for v in (self.stall, self.heartbeat_only, self.hard_cap, self.still_working)
            )
        )


class StreamWatchdog:
    """Watches event times and calls `close` once a limit passes; `fired` says which."""

    def __init__(self, limits: StreamLimits, clock: Clock, close: Callable[[], None]) -> None:
        self._limits = limits
        self._clock = clock
        self._close = close
        start = clock.monotonic()
        self._start = self._last_event = self._last_content = start
        self._stop = threading.Event()
        self.fired: str | None = None
        self._thread = threading.Thread(target=self._run, name="stream-watchdog", daemon=True)

    def __enter__(self) -> StreamWatchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def event(self, *, content: bool) -> None:
        now = self._clock.monotonic()
        self._last_event = now
        if content:
            self._last_content = now

    def quiet_for(self) -> float:
        """Seconds since the last event that was more than a heartbeat."""
        return self._clock.monotonic() - self._last_content

    def _run(self) -> None:
        tick = max(min(self._limits.stall / 10, 1.0), 0.02)
        while not self._stop.wait(tick):
            reason = self._expired(self._clock.monotonic())
            if reason is not None:
                self.fired = reason
                self._close()
                return

    def _expired(self, now: float) -> str | None:
        if now - self._start >= self._limits.hard_cap:
            return "hard_cap"
        if now - self._last_event >= self._limits.stall:
            return "stall"
        if now - self._last_content >= self._limits.heartbeat_only:
            return "heartbeat_only"
        return None
