"""The retry policy, table-driven: what is retried, how long it waits, and what never is."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from agent.backend.retry import Failure, RetryPolicy, Safety, parse_retry_after

POLICY = RetryPolicy(max_retries=2, base_delay=0.5, max_delay=8.0, max_retry_after=60.0)

# attempt, failure, safety, status, retry_after, rate_limit_path, expected delay (rand=0 → no jitter)
CASES = [
    (1, Failure.NOT_SENT, Safety.IDEMPOTENT, None, None, False, 0.5),
    (2, Failure.NOT_SENT, Safety.IDEMPOTENT, None, None, False, 1.0),
    (3, Failure.NOT_SENT, Safety.IDEMPOTENT, None, None, False, None),
    (1, Failure.NOT_SENT, Safety.PAID, None, None, False, 0.5),  # nothing left the machine
    (1, Failure.NOT_SENT, Safety.ONCE, None, None, False, 0.5),
    (1, Failure.LOST, Safety.IDEMPOTENT, None, None, False, 0.5),
    (1, Failure.LOST, Safety.PAID, None, None, False, None),  # may have reached the server
    (1, Failure.LOST, Safety.ONCE, None, None, False, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 408, None, False, 0.5),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 500, None, False, 0.5),
    (2, Failure.STATUS, Safety.IDEMPOTENT, 502, None, False, 1.0),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 503, None, False, 0.5),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 504, None, False, 0.5),
    (3, Failure.STATUS, Safety.IDEMPOTENT, 503, None, False, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 400, None, False, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 401, None, False, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 404, None, False, None),
    (1, Failure.STATUS, Safety.PAID, 500, None, False, None),  # a paid POST is never re-sent
    (1, Failure.STATUS, Safety.PAID, 503, None, False, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 429, None, False, 0.5),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 429, 3.0, False, 3.0),  # Retry-After honoured
    (1, Failure.STATUS, Safety.IDEMPOTENT, 429, 0.0, False, 0.0),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 503, 120.0, False, None),  # longer than the ceiling
    (1, Failure.STATUS, Safety.ONCE, 429, None, True, 30.0),  # documented path: 30 s, once
    (2, Failure.STATUS, Safety.ONCE, 429, None, True, None),
    (1, Failure.STATUS, Safety.IDEMPOTENT, 429, None, True, 30.0),
    (2, Failure.STATUS, Safety.IDEMPOTENT, 429, None, True, None),
    (1, Failure.STATUS, Safety.ONCE, 429, None, False, None),
    (1, Failure.STATUS, Safety.ONCE, 500, None, False, None),
]


@pytest.mark.parametrize(
    ("attempt", "failure", "safety", "status", "retry_after", "rl", "expected"), CASES
)
def test_delay_table(attempt, failure, safety, status, retry_after, rl, expected):
    delay = POLICY.delay(
        attempt,
        failure,
        safety,
        status=status,
        retry_after=retry_after,
        rate_limit_path=rl,
        rand=0.0,
    )
    assert delay == expected


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 6, 7, 8, 12])
def test_backoff_is_capped_and_jittered(attempt):
    policy = RetryPolicy(max_retries=20, base_delay=0.5, max_delay=8.0)
    low = policy.backoff(attempt, rand=1.0)
    high = policy.backoff(attempt, rand=0.0)
    assert 0 < low <= high <= 8.0
    assert low == pytest.approx(high * 0.75)


NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        ("0", 0.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        (format_datetime(datetime.fromtimestamp(NOW + 42, UTC), usegmt=True), 42.0),
        (format_datetime(datetime.fromtimestamp(NOW - 10, UTC), usegmt=True), 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("Wed, 99 Foo 2026 99:99:99 GMT", None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected
