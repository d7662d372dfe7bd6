"""Checks on files the user attaches, before any byte is uploaded.

A file must exist, be a readable regular file, not be empty, have one of the documented
extensions (vendor-api.md §A5), and have content that agrees with its extension: a `.png`
that is really a zip is refused here, with the reason, instead of by the backend.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agent.errors import BadInputError

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".avi", ".webm", ".mkv"})
AUDIO_EXTENSIONS = frozenset({".mp3", ".wav", ".m4a", ".aac"})
SUPPORTED_FORMATS = "mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac"


@dataclass(frozen=True)
class LocalMedia:
    path: Path
    kind: str  # image, video, audio
    size: int
    mtime_ns: int

    @property
    def identity(self) -> str:
        """What makes two attachments "the same file" for duplicate detection."""
        return f"{self.path}|{self.size}|{self.mtime_ns}"


def kind_of_extension(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in VIDEO_EXTENSIONS:
        return "video"
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    return None


def check_attachment(raw_path: str) -> LocalMedia:
    """The attachment at `raw_path`, or a `BadInputError` saying what is wrong with it."""
    path = Path(raw_path).expanduser()
    shown = str(raw_path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise BadInputError(f"{shown}: no such file", path=shown, reason="missing") from None
    except OSError as exc:
        raise BadInputError(f"{shown}: {exc.strerror}", path=shown, reason="unreadable") from None
    if path.is_dir():
        raise BadInputError(f"{shown} is a folder, not a file", path=shown, reason="directory")
    if not path.is_file():
        raise BadInputError(f"{shown} is not a regular file", path=shown, reason="not_file")
    kind = kind_of_extension(path.name)
    if kind is None:
        raise BadInputError(
            f"{shown}: unsupported format", path=shown, reason="format", formats=SUPPORTED_FORMATS
        )
    if stat.st_size == 0:
        raise BadInputError(f"{shown} is empty (0 bytes)", path=shown, reason="empty")
    if not os.access(path, os.R_OK):
        raise BadInputError(f"{shown} cannot be read", path=shown, reason="unreadable")
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise BadInputError(f"{shown}: {exc.strerror}", path=shown, reason="unreadable") from None
    sniffed = sniff(head)
    if sniffed is not None and sniffed != kind:
        raise BadInputError(
            f"{shown} is named like {kind} but contains {sniffed}",
            path=shown,
            reason="mismatch",
            expected=kind,
            found=sniffed,
        )
    if sniffed is None and not _plausible_unknown(path.suffix.lower(), head):
        raise BadInputError(
            f"{shown} does not look like a {kind} file", path=shown, reason="content", expected=kind
        )
    return LocalMedia(path.resolve(), kind, stat.st_size, stat.st_mtime_ns)


def sniff(head: bytes) -> str | None:
    """The media kind the first bytes announce, or None when they announce nothing we know."""
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio" if brand in (b"M4A ", b"M4B ") else "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    if head.startswith(b"ID3"):
        return "audio"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"%PDF") or head.startswith(b"\x7fELF"):
        return "document"
    return None


def _plausible_unknown(suffix: str, head: bytes) -> bool:
    """MP3 and AAC frames start with a sync word rather than a signature."""
    if suffix in (".mp3", ".aac"):
        return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0
    return False
