"""The one retry policy: which failures are retried, how long to wait, and when never to.

Pure decisions, no I/O: the transport asks `RetryPolicy.delay` after each failed attempt and
sleeps through its clock. A request that creates paid work (`Safety.PAID`) is retried only when
it provably never left the machine; 429 on the documented paths waits 30 s and retries once.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class Safety(Enum):
    """How safe it is to send a request again."""

    IDEMPOTENT = "idempotent"  # reads, polls, cancels: send again freely
    ONCE = "once"  # creates something free (a session, an upload): only if nothing was sent
    PAID = "paid"  # creates billed work (a /run_sse message): only if nothing was sent


class Failure(Enum):
    """What happened to one attempt, as far as retrying is concerned."""

    NOT_SENT = "not_sent"  # connect refused, DNS, TLS: the server saw nothing
    LOST = "lost"  # timeout or broken connection after sending: the server may have it
    STATUS = "status"  # the server answered with an HTTP status


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, a cap, and a ceiling on what `Retry-After` may ask.

    Use: `RetryPolicy(max_retries=3).delay(1, Failure.STATUS, Safety.IDEMPOTENT, status=503)`
    gives about half a second; the same call with `Safety.PAID` gives None (never resend).
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    rate_limit_delay: float = 30.0

    def delay(
        self,
        attempt: int,
        failure: Failure,
        safety: Safety,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        rate_limit_path: bool = False,
        rand: float | None = None,
    ) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up.

        `attempt` counts from 1 (the first try). `retry_after` is the parsed header.
        """
        if failure is Failure.NOT_SENT:
            if attempt > self.max_retries:
                return None
            return self.backoff(attempt, rand)
        if safety is not Safety.IDEMPOTENT:
            if failure is Failure.STATUS and status == 429 and rate_limit_path and attempt == 1:
                return self.rate_limit_delay
            return None
        if failure is Failure.STATUS and status not in RETRYABLE_STATUSES:
            return None
        if status == 429 and rate_limit_path:
            return self.rate_limit_delay if attempt == 1 else None
        if attempt > self.max_retries:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None  # the server asks for longer than a turn can wait: report it
            return max(retry_after, 0.0)
        return self.backoff(attempt, rand)

    def backoff(self, attempt: int, rand: float | None = None) -> float:
        """base × 2^(attempt-1), capped, times a jitter factor in [0.75, 1.0]."""
        jitter = 1.0 - 0.25 * (random.random() if rand is None else rand)  # noqa: S311
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_delay) * jitter)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds from `now` (seconds or an HTTP-date); None when unusable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return None
        seconds = moment.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)
