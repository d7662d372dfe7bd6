"""The timeline draft: a tolerant parser, the track summary, and what changed between states.

Documented short keys only (`t` tracks, `tt` type 0 video / 1 audio / 7 text, `sg` segments,
`d` duration ms, `m` metadata); segment fields are undocumented, so every plausible spelling is
read and anything unreadable is skipped rather than fatal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.errors import WanError

TRACK_KINDS = {0: "video", 1: "audio", 7: "text"}
_START = ("st", "s", "start", "start_ms", "startTime", "b")
_DURATION = ("d", "dur", "duration", "duration_ms", "len")
_END = ("e", "end", "end_ms", "endTime")
_LABEL = ("n", "name", "title", "label", "prompt")
_TEXT = ("tx", "text", "content")
_VOLUME = ("vol", "v", "volume")
_SOURCE = ("src", "url", "u", "source")


class DraftError(WanError):
    kind = "protocol"


@dataclass(frozen=True)
class Segment:
    start_ms: int | None = None
    duration_ms: int | None = None
    end_ms: int | None = None
    label: str | None = None
    text: str | None = None
    volume_percent: int | None = None
    source: str | None = None
    style: Mapping[str, Any] = field(default_factory=dict)

    @property
    def begin(self) -> int | None:
        return self.start_ms if self.start_ms is not None else (0 if self.end_ms else None)

    @property
    def finish(self) -> int | None:
        if self.end_ms is not None:
            return self.end_ms
        if self.duration_ms is not None:
            return (self.start_ms or 0) + self.duration_ms
        return None


@dataclass(frozen=True)
class Track:
    kind: str
    type_code: int | None
    name: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Draft:
    tracks: tuple[Track, ...]
    duration_ms: int | None
    title: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class StateSnapshot:
    draft: Draft | None
    media_count: int


@dataclass(frozen=True)
class Change:
    kind: str
    track: str | None = None
    label: str | None = None
    old: Any = None
    new: Any = None
    start_ms: int | None = None
    end_ms: int | None = None
    volume_percent: int | None = None


def parse_draft(raw: object) -> Draft | None:
    """The draft, or None when there is none. A string holding JSON is read too."""
    if raw is None or raw in ("", {}):
        return None
    if isinstance(raw, str):
        import json

        try:
            raw = json.loads(raw)
        except ValueError:
            raise DraftError("the draft is not JSON") from None
    if not isinstance(raw, Mapping):
        raise DraftError("the draft is not an object")
    tracks_raw = raw.get("t", raw.get("tracks"))
    tracks = tuple(
        _track(t)
        for t in (tracks_raw if isinstance(tracks_raw, list) else [])
        if isinstance(t, Mapping)
    )
    meta = raw.get("m", raw.get("metadata"))
    meta = meta if isinstance(meta, Mapping) else {}
    return Draft(
        tracks=tracks,
        duration_ms=_int(raw, _DURATION),
        title=_str(meta, ("title", "name")),
        width=_int(meta, ("width", "w")),
        height=_int(meta, ("height", "h")),
    )


def _track(raw: Mapping[str, Any]) -> Track:
    code = raw.get("tt", raw.get("type"))
    type_code = code if isinstance(code, int) and not isinstance(code, bool) else None
    kind = TRACK_KINDS.get(type_code, "unknown") if type_code is not None else _kind_name(code)
    segments_raw = raw.get("sg", raw.get("segments"))
    segments = tuple(
        _segment(s)
        for s in (segments_raw if isinstance(segments_raw, list) else [])
        if isinstance(s, Mapping)
    )
    return Track(kind, type_code, _str(raw, ("n", "name")), segments)


def _kind_name(code: Any) -> str:
    names = {
        "video": "video",
        "audio": "audio",
        "bgm": "audio",
        "music": "audio",
        "text": "text",
        "title": "text",
        "subtitle": "text",
    }
    return names.get(str(code).lower(), "unknown") if isinstance(code, str) else "unknown"


def _segment(raw: Mapping[str, Any]) -> Segment:
    volume = _number(raw, _VOLUME)
    if volume is not None and 0 <= volume <= 1 and not _is_int_field(raw, _VOLUME):
        volume *= 100
    style = raw.get("style")
    return Segment(
        start_ms=_int(raw, _START),
        duration_ms=_int(raw, _DURATION),
        end_ms=_int(raw, _END),
        label=_str(raw, _LABEL),
        text=_str(raw, _TEXT),
        volume_percent=round(volume) if volume is not None else None,
        source=_str(raw, _SOURCE),
        style=style if isinstance(style, Mapping) else {},
    )


def _number(raw: Mapping[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.rstrip("%"))
            except ValueError:
                continue
    return None


def _is_int_field(raw: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    return any(isinstance(raw.get(k), int) and not isinstance(raw.get(k), bool) for k in keys)


def _int(raw: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    value = _number(raw, keys)
    if value is None or value in (float("inf"), float("-inf")):
        return None
    return round(value)


def _str(raw: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def is_exportable(draft: Draft | None) -> bool:
    """The vendor's rule: tracks exist and at least one has segments."""
    return draft is not None and any(track.segments for track in draft.tracks)


def snapshot_from_state(state: Mapping[str, Any]) -> StateSnapshot:
    """The parts of `data.state` that say what the project holds."""
    try:
        draft = parse_draft(state.get("draft"))
    except DraftError:
        draft = None
    count = 0
    for key in ("video_infos", "generated_media"):
        value = state.get(key)
        count += len(value) if isinstance(value, list | dict) else 0
    return StateSnapshot(draft, count)


def stage_of(snapshot: StateSnapshot) -> str:
    """ "none" (no clip), "raw" (a clip, nothing added), "post" (music or title added)."""
    draft = snapshot.draft
    if draft is None or not any(t.kind == "video" and t.segments for t in draft.tracks):
        return "none"
    if any(t.kind in ("audio", "text") and t.segments for t in draft.tracks):
        return "post"
    return "raw"


def summary_items(draft: Draft) -> list[dict[str, Any]]:
    """One template-ready item per track: kind, label, span, volume, clip count."""
    items = []
    for track in draft.tracks:
        first = track.segments[0] if track.segments else Segment()
        starts = [s.begin for s in track.segments if s.begin is not None]
        ends = [s.finish for s in track.segments if s.finish is not None]
        label = first.text if track.kind == "text" and first.text else first.label or first.text
        items.append(
            {
                "kind": track.kind,
                "type_code": track.type_code,
                "label": label or track.name,
                "start": _seconds(min(starts)) if starts else None,
                "end": _seconds(max(ends)) if ends else None,
                "volume": first.volume_percent if track.kind == "audio" else None,
                "clips": len(track.segments),
            }
        )
    return items


def track_summary(draft: Draft | None, language: str) -> str:
    """`Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) ...`."""
    from agent.replies import render

    items = summary_items(draft) if draft is not None else []
    return render("timeline_summary", language, tracks=items)


def diff_states(before: StateSnapshot | None, after: StateSnapshot) -> tuple[Change, ...]:
    """What changed from `before` to `after`, track by track."""
    old = before.draft if before is not None and before.draft is not None else None
    new = after.draft
    changes: list[Change] = []
    old_tracks = {t.kind: t for t in (old.tracks if old else ())}
    new_tracks = {t.kind: t for t in (new.tracks if new else ())}
    for kind, track in new_tracks.items():
        previous = old_tracks.get(kind)
        if previous is None or not previous.segments:
            if track.segments:
                changes.append(_added(kind, track))
            continue
        changes.extend(_track_changes(kind, previous, track))
    for kind, track in old_tracks.items():
        if kind not in new_tracks and track.segments:
            changes.append(Change("track_removed", kind, _label(track)))
    old_duration = _draft_duration(old)
    new_duration = _draft_duration(new)
    if old_duration is not None and new_duration is not None and old_duration != new_duration:
        changes.append(Change("duration_changed", None, None, old_duration, new_duration))
    if before is not None and after.media_count > before.media_count and not changes:
        changes.append(Change("media_added", new=after.media_count - before.media_count))
    return tuple(changes)


def _added(kind: str, track: Track) -> Change:
    first = track.segments[0]
    return Change(
        "video_added" if kind == "video" else "track_added",
        kind,
        _label(track),
        start_ms=first.begin,
        end_ms=first.finish,
        volume_percent=first.volume_percent,
    )


def _track_changes(kind: str, old: Track, new: Track) -> list[Change]:
    changes = []
    old_label, new_label = _label(old), _label(new)
    if old_label != new_label:
        changes.append(
            Change(
                "title_changed"
                if kind == "text"
                else "music_changed"
                if kind == "audio"
                else "segment_changed",
                kind,
                new_label,
                old_label,
                new_label,
            )
        )
    old_first = old.segments[0]
    new_first = new.segments[0]
    if kind == "audio" and old_first.volume_percent != new_first.volume_percent:
        changes.append(
            Change(
                "volume_changed",
                kind,
                new_label,
                old_first.volume_percent,
                new_first.volume_percent,
            )
        )
    if len(new.segments) != len(old.segments):
        changes.append(
            Change("segment_changed", kind, new_label, len(old.segments), len(new.segments))
        )
    return changes


def _label(track: Track) -> str | None:
    if not track.segments:
        return track.name
    first = track.segments[0]
    if track.kind == "text":
        return first.text or first.label
    return first.label or first.text or track.name


def _draft_duration(draft: Draft | None) -> int | None:
    if draft is None:
        return None
    if draft.duration_ms is not None:
        return draft.duration_ms
    ends = [s.finish for t in draft.tracks if t.kind == "video" for s in t.segments if s.finish]
    return max(ends) if ends else None


def describe_changes(changes: tuple[Change, ...], language: str) -> str:
    """Each change in plain words (`✅ Title added: "Paradise Found" (0-3s)`)."""
    from agent.replies import render

    items = [
        {
            **asdict(c),
            "start": _seconds(c.start_ms),
            "end": _seconds(c.end_ms),
            "old_s": _seconds(c.old) if c.kind == "duration_changed" else None,
            "new_s": _seconds(c.new) if c.kind == "duration_changed" else None,
        }
        for c in changes
    ]
    return render("changes", language, changes=items)


def _seconds(ms: Any) -> str | None:
    if not isinstance(ms, int | float) or isinstance(ms, bool):
        return None
    seconds = ms / 1000
    text = f"{seconds:.1f}".rstrip("0").rstrip(".")
    return text or "0"
