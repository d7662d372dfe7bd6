"""Drawing a draft into a real H.264 mp4 with PyAV (FFmpeg's libx264), as long as the draft.

Cheap frames: a moving colour field seeded by the clip's label, the uploaded image as the
picture of an image-to-video clip, and a bright band while the title is on screen.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

WIDTH, HEIGHT, FPS = 640, 360, 24


def draft_duration_ms(draft: dict[str, Any]) -> int:
    duration = draft.get("d")
    if isinstance(duration, int | float) and duration > 0:
        return int(duration)
    ends = [
        (s.get("st") or 0) + (s.get("d") or 0)
        for t in draft.get("t", [])
        if isinstance(t, dict)
        for s in t.get("sg", [])
        if isinstance(s, dict)
    ]
    return int(max(ends)) if ends else 5000


def render_draft(draft: dict[str, Any], out: Path, image: Path | None = None) -> tuple[int, float]:
    """Write the mp4 to `out` (atomically); return its size in bytes and duration in seconds."""
    import av

    duration_ms = draft_duration_ms(draft)
    frames = max(1, round(duration_ms * FPS / 1000))
    label, title_ms = _label_and_title(draft)
    seed = hashlib.sha256(label.encode()).digest()
    base = _image_planes(image) if image is not None else None
    tmp = out.with_name(out.name + ".tmp")
    container = av.open(str(tmp), mode="w", format="mp4")
    try:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        row = bytes((x + seed[0]) % 200 + 16 for x in range(WIDTH * 2))
        for index in range(frames):
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            titled = index * 1000 / FPS < title_ms
            _fill(frame, index, row, seed, base, titled)
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
        band = bytes([235]) * (WIDTH * 40)
        luma = luma[: WIDTH * 20] + band + luma[WIDTH * 60 :]
    y_plane.update(luma)
    if base is not None:
        u_plane.update(base[1])
        v_plane.update(base[2])
    else:
        u_plane.update(bytes([(seed[1] + index) % 256]) * u_plane.buffer_size)
        v_plane.update(bytes([seed[2]]) * v_plane.buffer_size)


def _label_and_title(draft: dict[str, Any]) -> tuple[str, int]:
    label, title_ms = "", 0
    for track in draft.get("t", []):
        if not isinstance(track, dict):
            continue
        for segment in track.get("sg", []):
            if not isinstance(segment, dict):
                continue
            if track.get("tt") == 0 and not label:
                label = str(segment.get("n", ""))
            if track.get("tt") == 7:
                title_ms = int(segment.get("d") or 0)
    return label, title_ms


def _image_planes(image: Path) -> tuple[bytes, bytes, bytes] | None:
    """The image as one 640x360 yuv420p frame, or None when it cannot be decoded."""
    import av

    try:
        with av.open(str(image)) as source:
            picture = next(source.decode(video=0))
            frame = picture.reformat(width=WIDTH, height=HEIGHT, format="yuv420p")
    except (av.error.FFmpegError, StopIteration, OSError):
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
