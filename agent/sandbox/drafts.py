"""The session's draft in the documented short keys (`t`, `tt`, `sg`, `d`, `m`) and the segment
fields of docs/sandbox.md, and the changes the scripted agent makes to it."""

from __future__ import annotations

from typing import Any

from agent.sandbox.state import Session

VIDEO, AUDIO, TEXT = 0, 1, 7
TRACK_ORDER = {VIDEO: 0, AUDIO: 1, TEXT: 2}
TITLE_MS = 3000
TITLE_STYLE = {"color": "white", "pos": "top-center", "anim": "fade-in"}
CANVAS = {"width": 1280, "height": 720}


def draft_of(session: Session) -> dict[str, Any]:
    if session.draft is None:
        session.draft = {"t": [], "d": 0, "m": dict(CANVAS)}
    return session.draft


def has_video(session: Session) -> bool:
    return track_of(session.draft or {}, VIDEO) is not None


def track_of(draft: dict[str, Any], track_type: int) -> dict[str, Any] | None:
    return next((t for t in draft.get("t", []) if t.get("tt") == track_type and t.get("sg")), None)


def set_track(draft: dict[str, Any], track_type: int, segment: dict[str, Any] | None) -> None:
    """Replace the track of this type by one holding `segment` (or drop it when None)."""
    tracks = [t for t in draft["t"] if t.get("tt") != track_type]
    if segment is not None:
        tracks.append({"tt": track_type, "sg": [segment]})
    tracks.sort(key=lambda t: TRACK_ORDER.get(t.get("tt"), len(TRACK_ORDER)))
    draft["t"] = tracks


def add_clip(
    session: Session, label: str, duration_ms: int, src: str, image_url: str | None
) -> None:
    """The generated clip becomes the video track; the draft takes its length."""
    draft = draft_of(session)
    segment: dict[str, Any] = {
        "id": session.next_segment_id(),
        "st": 0,
        "d": duration_ms,
        "n": label,
        "src": src,
    }
    if image_url:
        segment["img"] = image_url
    set_track(draft, VIDEO, segment)
    draft["d"] = duration_ms


def add_music(session: Session, name: str, src: str, volume: int) -> None:
    draft = draft_of(session)
    segment = {
        "id": session.next_segment_id(),
        "st": 0,
        "d": draft["d"],
        "n": name,
        "src": src,
        "vol": volume,
    }
    set_track(draft, AUDIO, segment)


def add_title(session: Session, text: str) -> None:
    draft = draft_of(session)
    segment = {
        "id": session.next_segment_id(),
        "st": 0,
        "d": min(TITLE_MS, draft["d"] or TITLE_MS),
        "tx": text,
        "style": dict(TITLE_STYLE),
    }
    set_track(draft, TEXT, segment)
    draft.setdefault("m", dict(CANVAS))["title"] = text


def remove_title(session: Session) -> bool:
    draft = draft_of(session)
    had = track_of(draft, TEXT) is not None
    set_track(draft, TEXT, None)
    draft.get("m", {}).pop("title", None)
    return had


def set_volume(session: Session, volume: int) -> bool:
    music = track_of(draft_of(session), AUDIO)
    if music is None:
        return False
    music["sg"][0]["vol"] = volume
    return True


def set_length(session: Session, duration_ms: int) -> None:
    """Video and music follow the new length; a title is cut if it would run past the end."""
    draft = draft_of(session)
    draft["d"] = duration_ms
    for track in draft["t"]:
        for segment in track.get("sg", []):
            if track.get("tt") in (VIDEO, AUDIO):
                segment["d"] = duration_ms
            else:
                segment["d"] = min(segment.get("d", duration_ms), duration_ms)


def set_grade(session: Session, grade: str) -> bool:
    video = track_of(draft_of(session), VIDEO)
    if video is None:
        return False
    video["sg"][0].setdefault("style", {})["grade"] = grade
    return True
