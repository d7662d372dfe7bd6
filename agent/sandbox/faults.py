"""Fault rules: which call misbehaves, and how (docs/sandbox.md "Faults").

A rule matches by method and path prefix (the exact path when it ends with `$`); it fires on
the `nth` matching call (counted from when it was added) and on the `times - 1` calls after it
(`times` 0: forever). Where each kind is acted out is decided here too: the gate in front of
every route plays the generic ones, the routes play those that need to know what they serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = frozenset(
    {
        "status",
        "rate_limit",
        "reset",
        "stall",
        "malformed_json",
        "malformed_sse",
        "huge_body",
        "expire_token",
        "lose_session",
        "render_fail",
        "render_stuck",
        "cut_download",
        "wrong_length",
        "redirect",
        "code",
    }
)
# Played by the route whatever the path: they change what the route itself does.
ROUTE_KINDS = frozenset(
    {"lose_session", "render_fail", "render_stuck", "cut_download", "wrong_length", "malformed_sse"}
)
NUMERIC_PARAMS = ("status", "after_events", "after_bytes", "seconds", "bytes", "fraction", "delta")
STREAM_PATH = "/run_sse"


class InjectedFault(ConnectionResetError):
    """Raised inside a response to drop the connection on purpose (never a sandbox bug)."""


def is_download(path: str) -> bool:
    """Paths that serve a file: the "CDN" and the bearer download."""
    return path.startswith(("/render-result/", "/cdn/")) or (
        path.startswith("/api/render/proxy/") and path.endswith("/download")
    )


def played_by_route(kind: str, path: str) -> bool:
    if kind in ROUTE_KINDS:
        return True
    if path == STREAM_PATH:
        return kind in ("reset", "stall", "huge_body")
    if is_download(path):
        return kind in ("reset", "stall")
    return False


@dataclass
class FaultRule:
    path: str
    kind: str
    method: str = "*"
    nth: int = 1
    times: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        """A prefix match, or an exact one when the rule's path ends with `$`."""
        if self.method not in ("*", method.upper()):
            return False
        if self.path.endswith("$"):
            return path == self.path[:-1]
        return path.startswith(self.path)

    def take(self, method: str, path: str) -> bool:
        """Count a call; True when this call is one the rule hits."""
        if not self.matches(method, path):
            return False
        self.seen += 1
        hit = self.seen >= self.nth and (self.times == 0 or self.seen < self.nth + self.times)
        self.fired += hit
        return hit

    def number(self, name: str, default: float) -> float:
        value = self.params.get(name)
        return default if value is None else float(value)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.params,
            "path": self.path,
            "kind": self.kind,
            "method": self.method,
            "nth": self.nth,
            "times": self.times,
            "seen": self.seen,
            "fired": self.fired,
        }


def parse_rule(raw: Any) -> FaultRule:
    """A rule from its JSON form; ValueError says what is wrong with it."""
    if not isinstance(raw, dict):
        raise ValueError("a fault rule is a JSON object")
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    params = {k: v for k, v in raw.items() if k not in ("path", "kind", "method", "nth", "times")}
    for name in NUMERIC_PARAMS:
        if params.get(name) is not None:
            try:
                float(params[name])
            except (TypeError, ValueError):
                raise ValueError(f"fault parameter {name!r} must be a number") from None
    try:
        nth, times = int(raw.get("nth", 1)), int(raw.get("times", 1))
    except (TypeError, ValueError):
        raise ValueError("nth and times must be integers") from None
    if nth < 1 or times < 0:
        raise ValueError("nth counts from 1 and times is 0 (forever) or more")
    return FaultRule(
        path=str(raw.get("path", "/")),
        kind=kind,
        method=str(raw.get("method", "*")).upper(),
        nth=nth,
        times=times,
        params=params,
    )


class Faults:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, raw_rules: Any) -> list[FaultRule]:
        """Add rules all or nothing."""
        if not isinstance(raw_rules, list):
            raise ValueError('expected {"rules": [...]}')
        parsed = [parse_rule(r) for r in raw_rules]
        self.rules.extend(parsed)
        return parsed

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule that fires for this call (every matching rule counts the call)."""
        fired = None
        for rule in self.rules:
            if rule.take(method, path) and fired is None:
                fired = rule
        return fired
