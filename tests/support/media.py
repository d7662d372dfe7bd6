"""Checking a video with an independent decoder (FFmpeg, through PyAV)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class VideoFacts:
    codec: str
    frames: int
    duration: float
    width: int
    height: int


def probe_video(path: Path) -> VideoFacts:
    """Decode every frame; the duration is the end of the last frame."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = 0
        end = 0.0
        for frame in container.decode(stream):
            frames += 1
            start = float(frame.pts * stream.time_base) if frame.pts is not None else 0.0
            rate = float(stream.average_rate or stream.guessed_rate or 24)
            end = max(end, start + 1.0 / rate)
        return VideoFacts(stream.codec_context.name, frames, end, stream.width, stream.height)


def tiny_png(path: Path, size: int = 64) -> Path:
    """A real PNG image made with PyAV (no other imaging library needed)."""
    import av

    frame = av.VideoFrame(size, size, "rgb24")
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream("png", rate=1)
        stream.width = stream.height = size
        stream.pix_fmt = "rgb24"
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
