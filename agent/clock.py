"""Time as the runtime sees it: one injectable clock, scaled by `WAN22_TIME_SCALE`.

Every documented wait (2-minute "still working", 10-minute heartbeat-only timeout, 30-second
rate-limit retry, render polling...) is expressed in real seconds and passes through a `Clock`,
so tests inject a fake clock or run the real CLI with a small scale instead of sleeping.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    """Wall and monotonic time plus sleep; `scale` shrinks every documented wait."""

    scale: float = 1.0

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def seconds(self, documented: float) -> float:
        """A documented duration, as long as this clock makes it."""
        return documented * self.scale


def system_clock(env: dict[str, str] | None = None) -> Clock:
    """The real clock, scaled by `WAN22_TIME_SCALE` (a positive float; default 1)."""
    raw = (env if env is not None else os.environ).get("WAN22_TIME_SCALE", "")
    try:
        scale = float(raw) if raw else 1.0
    except ValueError:
        scale = 1.0
    return Clock(scale=scale if scale > 0 else 1.0)
