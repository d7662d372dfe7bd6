"""The sandbox's settings: timings (presets `fast` and `realistic`), rates, costs, wire shapes.

Set at start-up by flags and at run time by `POST /_sandbox/config`; bad values are refused.
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
CHOICES = {"wire": WIRES, "render_shape": RENDER_SHAPES}
RATES = ("silent_edit_rate", "gui_speak_rate", "trailing_issue_rate")


@dataclass
class SandboxSettings:
    """Every knob of the sandbox; the defaults are the `fast` preset."""

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
        settings.update({"speed": name})
        return settings

    def update(self, changes: dict[str, Any]) -> None:
        """Apply `changes` (`speed` names a preset) all or nothing; ValueError on a bad one."""
        staged = asdict(self)
        for key, value in changes.items():
            if key == "speed":
                if value not in PRESETS:
                    raise ValueError(f"speed must be one of {', '.join(PRESETS)}")
                staged.update(PRESETS[value])
                continue
            if key not in staged:
                raise ValueError(f"unknown setting {key!r}")
            staged[key] = _convert(key, staged[key], value)
        for spec in fields(self):
            setattr(self, spec.name, staged[spec.name])

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _convert(key: str, current: Any, value: Any) -> Any:
    if isinstance(current, bool):
        if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("false", "0", "no", "off"):
            return False
        if isinstance(value, bool | int):
            return bool(value)
        raise ValueError(f"{key} must be true or false")
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}")
        return value
    try:
        number = int(value) if isinstance(current, int) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number") from None
    if number < 0 or (key in RATES and number > 1):
        raise ValueError(f"{key} is out of range")
    return number
