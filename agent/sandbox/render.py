"""Drawing media with PyAV (FFmpeg): a draft into a real H.264 mp4 exactly as long as the draft,
a generated clip, and a music bed (AAC). Blocking work: callers run it in a thread.

Frames are cheap: a moving colour field seeded by the clip's label, the uploaded image as the
picture of an image-to-video clip, and a bright band while the title is on screen.
"""

from __future__ import annotations

import hashlib
import math
import os
from array import array
from pathlib import Path
from typing import Any

WIDTH, HEIGHT, FPS = 640, 360, 24
SAMPLE_RATE, AUDIO_FRAME = 44100, 1024
BAND_TOP, BAND_HEIGHT = 20, 40


def draft_duration_ms(draft: dict[str, Any]) -> int:
    """The draft's `d`; failing that, the end of its last segment; failing that, 5 s."""
    duration = draft.get("d")
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration > 0:
        return int(duration)
    ends = [
        _number(s.get("st")) + _number(s.get("d"))
        for t in draft.get("t", [])
        if isinstance(t, dict) and isinstance(t.get("sg"), list)
        for s in t["sg"]
        if isinstance(s, dict)
    ]
    return int(max(ends)) if ends and max(ends) > 0 else 5000


def render_draft(draft: dict[str, Any], out: Path, image: Path | None = None) -> tuple[int, float]:
    """Write the mp4 to `out` (atomically); return its size in bytes and duration in seconds."""
    label, title_ms = _label_and_title(draft)
    return _encode_video(draft_duration_ms(draft), label, title_ms, out, image)


def draw_clip(
    label: str, duration_ms: int, out: Path, image: Path | None = None
) -> tuple[int, float]:
    """A generated clip: the colour field (or the image) without a title."""
    return _encode_video(duration_ms, label, 0, out, image)


def draw_music(label: str, duration_ms: int, out: Path) -> int:
    """A soft two-note tone as long as asked, AAC in an .m4a; returns the size in bytes."""
    import av

    seed = hashlib.sha256(label.encode()).digest()
    low, high = 196.0 + seed[0], 294.0 + seed[1]
    total = max(1, round(duration_ms * SAMPLE_RATE / 1000))
    tmp = out.with_name(out.name + ".tmp")
    container = av.open(str(tmp), mode="w", format="mp4")
    try:
        stream = container.add_stream("aac", rate=SAMPLE_RATE)
        stream.layout = "mono"
        for start in range(0, total, AUDIO_FRAME):
            count = min(AUDIO_FRAME, total - start)
            tone = high if (start // SAMPLE_RATE) % 2 else low
            samples = array(
                "f",
                (
                    0.2 * math.sin(2 * math.pi * tone * (start + i) / SAMPLE_RATE)
                    for i in range(count)
                ),
            )
            frame = av.AudioFrame(format="fltp", layout="mono", samples=count)
            frame.planes[0].update(samples.tobytes().ljust(frame.planes[0].buffer_size, b"\0"))
            frame.sample_rate, frame.pts = SAMPLE_RATE, start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    os.replace(tmp, out)
    return out.stat().st_size


def _encode_video(
    duration_ms: int, label: str, title_ms: int, out: Path, image: Path | None
) -> tuple[int, float]:
    import av

    frames = max(1, round(duration_ms * FPS / 1000))
    seed = hashlib.sha256(label.encode()).digest()
    base = _image_planes(image) if image is not None else None
    row = bytes((x + seed[0]) % 200 + 16 for x in range(WIDTH * 2))
    tmp = out.with_name(out.name + ".tmp")
    container = av.open(str(tmp), mode="w", format="mp4")
    try:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        for index in range(frames):
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            _fill(frame, index, row, seed, base, index * 1000 / FPS < title_ms)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    os.replace(tmp, out)
    return out.stat().st_size, frames / FPS


def _fill(
    frame: Any,
    index: int,
    row: bytes,
    seed: bytes,
    base: tuple[bytes, bytes, bytes] | None,
    titled: bool,
) -> None:
    y_plane, u_plane, v_plane = frame.planes
    if base is not None:
        luma = base[0]
    else:
        shift = (index * 4) % WIDTH
        luma = row[shift : shift + WIDTH] * HEIGHT
    if titled:
        top, bottom = WIDTH * BAND_TOP, WIDTH * (BAND_TOP + BAND_HEIGHT)
        luma = luma[:top] + bytes([235]) * (bottom - top) + luma[bottom:]
    _update(y_plane, luma, WIDTH)
    if base is not None:
        _update(u_plane, base[1], WIDTH // 2)
        _update(v_plane, base[2], WIDTH // 2)
    else:
        u_plane.update(bytes([(seed[1] + index) % 256]) * u_plane.buffer_size)
        v_plane.update(bytes([seed[2]]) * v_plane.buffer_size)


def _update(plane: Any, data: bytes, width: int) -> None:
    """Copy tightly packed rows into a plane whose rows may be padded."""
    if plane.line_size == width:
        plane.update(data)
        return
    rows = len(data) // width
    pad = b"\0" * (plane.line_size - width)
    plane.update(b"".join(data[r * width : (r + 1) * width] + pad for r in range(rows)))


def _label_and_title(draft: dict[str, Any]) -> tuple[str, int]:
    label, title_ms = "", 0
    for track in draft.get("t", []):
        if not isinstance(track, dict) or not isinstance(track.get("sg"), list):
            continue
        for segment in track["sg"]:
            if not isinstance(segment, dict):
                continue
            if track.get("tt") == 0 and not label:
                label = str(segment.get("n", ""))
            if track.get("tt") == 7:
                title_ms = int(_number(segment.get("st")) + _number(segment.get("d")))
    return label, title_ms


def _image_planes(image: Path) -> tuple[bytes, bytes, bytes] | None:
    """The image as one 640x360 yuv420p frame (rows packed), or None if it cannot be decoded."""
    import av

    try:
        with av.open(str(image)) as source:
            picture = next(source.decode(video=0))
            frame = picture.reformat(width=WIDTH, height=HEIGHT, format="yuv420p")
    except (av.error.FFmpegError, StopIteration, OSError, IndexError):
        return None
    planes = []
    for plane, (w, h) in zip(
        frame.planes,
        ((WIDTH, HEIGHT), (WIDTH // 2, HEIGHT // 2), (WIDTH // 2, HEIGHT // 2)),
        strict=True,
    ):
        data = bytes(plane)
        planes.append(
            b"".join(data[r * plane.line_size : r * plane.line_size + w] for r in range(h))
        )
    return planes[0], planes[1], planes[2]


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
