"""Serving a file the way a CDN does: Content-Length, `Range` (206), and the download faults
(cut short, wrong length). Read in chunks: a 1 GiB file never sits in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from agent.sandbox.faults import FaultRule

CHUNK = 256 * 1024


def serve_file(request: Request, path: Path, media_type: str, fault: FaultRule | None) -> Response:
    size = path.stat().st_size
    served_total = size
    if fault is not None and fault.kind == "wrong_length":
        served_total = max(size + int(fault.params.get("delta", -1000)), 0)
    start, end, partial = _range(request.headers.get("range"), served_total)
    if start is None:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{served_total}"})
    length = end - start + 1
    cut_at = length
    if fault is not None and fault.kind == "cut_download":
        cut_at = int(length * float(fault.params.get("fraction", 0.5)))
    headers = {"Content-Length": str(length), "Accept-Ranges": "bytes"}
    if partial:
        headers["Content-Range"] = f"bytes {start}-{end}/{served_total}"
    return StreamingResponse(
        _chunks(path, start, length, cut_at),
        status_code=206 if partial else 200,
        headers=headers,
        media_type=media_type,
    )


def _range(header: str | None, size: int) -> tuple[int | None, int, bool]:
    if not header or not header.startswith("bytes="):
        return 0, max(size - 1, 0), False
    first = header[6:].split(",")[0].strip()
    head, _, tail = first.partition("-")
    try:
        if head:
            start = int(head)
            end = int(tail) if tail else size - 1
        else:
            start, end = max(size - int(tail), 0), size - 1
    except ValueError:
        return 0, max(size - 1, 0), False
    if start >= size or start > end:
        return None, 0, True
    return start, min(end, size - 1), True


async def _chunks(path: Path, start: int, length: int, cut_at: int) -> AsyncIterator[bytes]:
    sent = 0
    with path.open("rb") as handle:
        handle.seek(start)
        while sent < length:
            if sent >= cut_at:
                raise ConnectionResetError("sandbox fault: download cut short")
            want = min(CHUNK, length - sent, cut_at - sent)
            data = handle.read(want)
            if not data:
                data = b"\0" * want  # a "wrong length" file longer than the real one
            sent += len(data)
            yield data
