"""Receiving a multipart body as it arrives: each file part goes straight to its own file on
disk through python-multipart's streaming parser, never into memory, whatever its size."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request


@dataclass
class ReceivedFile:
    field_name: str
    filename: str
    path: Path
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)


@dataclass
class ReceivedForm:
    files: list[ReceivedFile]
    total: int
    too_large: bool

    def discard(self) -> None:
        for received in self.files:
            received.path.unlink(missing_ok=True)
            _remove_empty(received.path.parent)


class _PartWriter:
    """python-multipart callbacks: one file on disk per file part; past `limit` bytes in all,
    the rest is read and dropped (the answer is 4002 anyway)."""

    def __init__(self, directory: Path, limit: int) -> None:
        self.directory, self.limit = directory, limit
        self.files: list[ReceivedFile] = []
        self.total = 0
        self._name, self._value = b"", b""
        self._headers: dict[bytes, bytes] = {}
        self._current: ReceivedFile | None = None
        self._handle: IO[bytes] | None = None

    @property
    def too_large(self) -> bool:
        return self.total > self.limit

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._field,
            "on_header_value": self._value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._current is not None:
            self.files.append(self._current)
        self._current, self._handle = None, None

    def _begin(self) -> None:
        self._headers = {}

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _value_data(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.strip().lower()] = self._value.strip()
        self._name, self._value = b"", b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if b"filename" not in options:
            return  # a plain form field, not a file
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = Path(options[b"filename"].decode("utf-8", "replace")).name or "upload"
        target = self.directory / secrets.token_hex(6) / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        self._current = ReceivedFile(name, filename, target)
        self._handle = target.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.total += end - start
        if self._current is None or self._handle is None or self.too_large:
            return
        chunk = data[start:end]
        self._handle.write(chunk)
        self._current.size += len(chunk)
        self._current.digest.update(chunk)

    def _end(self) -> None:
        self.close()


async def receive_form(request: Request, directory: Path, limit: int) -> ReceivedForm:
    """Stream the body through the parser. ValueError when it is not multipart; the files
    written so far are removed if the body breaks off."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ValueError("a multipart body needs a boundary")
    writer = _PartWriter(directory, limit)
    parser = MultipartParser(boundary, writer.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
    except BaseException:
        writer.close()
        ReceivedForm(writer.files, writer.total, True).discard()
        raise
    writer.close()
    return ReceivedForm(writer.files, writer.total, writer.too_large)


def _remove_empty(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:
        return
