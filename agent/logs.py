"""Diagnostic logging to stderr (off unless `WAN22_LOG` is set), with secrets redacted.

Logs carry metadata only (method, path, status, timing), never bodies or headers; the filter
below still scrubs every known secret and any `Authorization`/bearer value as a second guard.
"""

from __future__ import annotations

import logging
import os

from agent.secret import redact

LOGGER_NAME = "wan22"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets and bearer values masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        lowered = message.lower()
        if "bearer " in lowered:
            index = lowered.index("bearer ")
            message = message[: index + 7] + "****"
        record.msg, record.args = message, None
        return True


def configure_logging(env: dict[str, str] | None = None) -> None:
    """Send `wan22` logs to stderr at the level named by `WAN22_LOG` (debug, info...)."""
    level_name = (env if env is not None else os.environ).get("WAN22_LOG", "").upper()
    if not level_name:
        return
    logger = logging.getLogger(LOGGER_NAME)
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("wan22 %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(getattr(logging, level_name, logging.INFO))


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(f"{LOGGER_NAME}.{name}")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
