"""Receiving uploads: multipart field `files` streamed to disk chunk by chunk (never held in
memory, whatever the size), or URLs; formats and the size limit as the vendor documents."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

TYPES = {
    ".mp4": "video",
    ".mov": "video",
    ".avi": "video",
    ".webm": "video",
    ".mkv": "video",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".gif": "image",
    ".webp": "image",
    ".mp3": "audio",
    ".wav": "audio",
    ".m4a": "audio",
    ".aac": "audio",
}


def file_type(name: str) -> str | None:
    return TYPES.get(Path(name).suffix.lower())


@dataclass
class ReceivedFile:
    field_name: str
    filename: str
    path: Path
    size: int = 0
    sha: Any = field(default_factory=hashlib.sha256)


@dataclass
class UploadOutcome:
    files: list[ReceivedFile]
    too_large: bool
    total: int


class _PartCollector:
    """Callbacks for python-multipart: one file on disk per part."""

    def __init__(self, directory: Path, limit: int) -> None:
        self.directory, self.limit = directory, limit
        self.files: list[ReceivedFile] = []
        self.total = 0
        self.too_large = False
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._current: ReceivedFile | None = None
        self._handle: IO[bytes] | None = None

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers = {}

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = Path(options.get(b"filename", b"upload").decode("utf-8", "replace")).name
        key = secrets.token_hex(6)
        target = self.directory / key / (filename or "upload")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._current = ReceivedFile(name, filename or "upload", target)
        self._handle = target.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        self.total += size
        if self.total > self.limit:
            self.too_large = True
        if self._current is None or self._handle is None or self.too_large:
            return
        chunk = data[start:end]
        self._handle.write(chunk)
        self._current.size += size
        self._current.sha.update(chunk)

    def _end(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._current is not None:
            self.files.append(self._current)
        self._current, self._handle = None, None


async def receive_multipart(request: Request, directory: Path, limit: int) -> UploadOutcome:
    """Stream the request body through the parser; past `limit`, keep reading but drop it."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ValueError("multipart body without a boundary")
    collector = _PartCollector(directory, limit)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    async for chunk in request.stream():
        if chunk:
            parser.write(chunk)
    parser.finalize()
    return UploadOutcome(collector.files, collector.too_large, collector.total)
