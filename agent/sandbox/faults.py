"""Fault rules: which call misbehaves, and how (docs/sandbox.md "Faults").

A rule matches by method and path prefix (the exact path when it ends with `$`); it fires on
the `nth` matching call (counted from when it was added) and on the `times - 1` calls after it
(`times` 0: forever).
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


@dataclass
class FaultRule:
    path: str
    kind: str
    method: str = "*"
    nth: int = 1
    times: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        """A prefix match, or an exact one when the rule's path ends with `$`."""
        if self.method not in ("*", method.upper()):
            return False
        if self.path.endswith("$"):
            return path == self.path[:-1]
        return path.startswith(self.path)

    def take(self, method: str, path: str) -> bool:
        if not self.matches(method, path):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        return self.times == 0 or self.seen < self.nth + self.times

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "method": self.method,
            "nth": self.nth,
            "times": self.times,
            "seen": self.seen,
            **self.params,
        }


def parse_rule(raw: dict[str, Any]) -> FaultRule:
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}")
    known = {"path", "kind", "method", "nth", "times"}
    return FaultRule(
        path=str(raw.get("path", "/")),
        kind=kind,
        method=str(raw.get("method", "*")).upper(),
        nth=max(int(raw.get("nth", 1)), 1),
        times=max(int(raw.get("times", 1)), 0),
        params={k: v for k, v in raw.items() if k not in known},
    )


class Faults:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rules: list[dict[str, Any]]) -> None:
        self.rules.extend(parse_rule(r) for r in rules)

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule that fires for this call (every matching rule counts the call)."""
        fired = None
        for rule in self.rules:
            if rule.take(method, path) and fired is None:
                fired = rule
        return fired
