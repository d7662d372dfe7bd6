"""The sandbox's settings: timings (presets `fast` and `realistic`), rates, costs, wire shapes.

Changed at start-up by flags and at run time by `POST /_sandbox/config`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

PRESETS: dict[str, dict[str, float]] = {
    "fast": {
        "generation_seconds": 6.0,
        "second_stage_seconds": 2.0,
        "edit_seconds": 1.5,
        "text_seconds": 0.3,
        "heartbeat_seconds": 0.5,
        "render_seconds": 3.0,
    },
    "realistic": {
        "generation_seconds": 150.0,
        "second_stage_seconds": 40.0,
        "edit_seconds": 20.0,
        "text_seconds": 5.0,
        "heartbeat_seconds": 15.0,
        "render_seconds": 30.0,
    },
}
WIRES = ("typed", "adk", "mixed")
RENDER_SHAPES = ("ref", "top", "init", "rotate")


@dataclass
class SandboxSettings:
    generation_seconds: float = 6.0
    second_stage_seconds: float = 2.0
    edit_seconds: float = 1.5
    text_seconds: float = 0.3
    heartbeat_seconds: float = 0.5
    render_seconds: float = 3.0
    silent_edit_rate: float = 0.3
    gui_speak_rate: float = 0.3
    trailing_issue_rate: float = 0.1
    generation_cost: int = 100
    edit_cost: int = 50
    initial_credits: int = 100
    max_upload_bytes: int = 2 * 1024**3
    ip_token_limit: int = 10
    token_days: float = 7.0
    wire: str = "typed"
    render_shape: str = "rotate"
    error_http_status: bool = False
    seed: int = 0

    @classmethod
    def preset(cls, name: str) -> SandboxSettings:
        settings = cls()
        settings.update(dict(PRESETS[name]))
        return settings

    def update(self, changes: dict[str, Any]) -> list[str]:
        """Apply known keys (type-converted); return the unknown ones."""
        known = {f.name: f for f in fields(self)}
        unknown = []
        for key, value in changes.items():
            if key == "speed" and value in PRESETS:
                self.update(dict(PRESETS[value]))
                continue
            spec = known.get(key)
            if spec is None:
                unknown.append(key)
                continue
            current = getattr(self, key)
            if isinstance(current, bool):
                setattr(self, key, bool(value))
            elif isinstance(current, int):
                setattr(self, key, int(value))
            elif isinstance(current, float):
                setattr(self, key, float(value))
            else:
                setattr(self, key, str(value))
        if self.wire not in WIRES:
            self.wire = "typed"
        if self.render_shape not in RENDER_SHAPES:
            self.render_shape = "rotate"
        return unknown

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
