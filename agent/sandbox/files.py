"""Serving a file the way a CDN does: Content-Length, `Accept-Ranges`, `Range` (206, 416), HEAD,
and the download faults (cut short, reset or stalled after N bytes, wrong length). Read in
chunks: a 1 GiB file never sits in memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from agent.sandbox.faults import FaultRule, InjectedFault

CHUNK = 256 * 1024


@dataclass(frozen=True)
class _Plan:
    """What to send of a file: `length` bytes from `start`, cut or paused on the way."""

    start: int
    length: int
    cut_at: int | None = None
    stall_at: int | None = None
    stall_seconds: float = 0.0


def serve_file(request: Request, path: Path, media_type: str, fault: FaultRule | None) -> Response:
    size = path.stat().st_size
    announced = size
    if fault is not None and fault.kind == "wrong_length":
        announced = max(size + int(fault.number("delta", -1000)), 0)
    start, end, partial = _range(request.headers.get("range"), announced)
    if start is None:
        return Response(status_code=416, headers={"Content-Range": f"bytes */{announced}"})
    length = end - start + 1 if announced else 0
    headers = {"Content-Length": str(length), "Accept-Ranges": "bytes"}
    if partial:
        headers["Content-Range"] = f"bytes {start}-{end}/{announced}"
    status = 206 if partial else 200
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(
        _chunks(path, _plan(fault, start, length)),
        status_code=status,
        headers=headers,
        media_type=media_type,
    )


def _plan(fault: FaultRule | None, start: int, length: int) -> _Plan:
    if fault is None:
        return _Plan(start, length)
    if fault.kind == "cut_download":
        return _Plan(start, length, cut_at=int(length * fault.number("fraction", 0.5)))
    if fault.kind == "reset":
        return _Plan(start, length, cut_at=min(int(fault.number("after_bytes", 0)), length))
    if fault.kind == "stall":
        at = min(int(fault.number("after_bytes", 0)), length)
        return _Plan(start, length, stall_at=at, stall_seconds=fault.number("seconds", 30))
    return _Plan(start, length)


def _range(header: str | None, size: int) -> tuple[int | None, int, bool]:
    """(start, end, partial) for a single `bytes=` range; start None when unsatisfiable.
    Anything unparsable is ignored, as RFC 9110 allows: the whole file is sent."""
    if not header or not header.strip().lower().startswith("bytes="):
        return 0, max(size - 1, 0), False
    first = header.split("=", 1)[1].split(",")[0].strip()
    head, _, tail = first.partition("-")
    try:
        if head:
            start = int(head)
            end = int(tail) if tail else size - 1
        else:
            start, end = max(size - int(tail), 0), size - 1
    except ValueError:
        return 0, max(size - 1, 0), False
    if start >= size or start > end or start < 0:
        return None, 0, True
    return start, min(end, size - 1), True


async def _chunks(path: Path, plan: _Plan) -> AsyncIterator[bytes]:
    sent = 0
    stall_at = plan.stall_at
    with path.open("rb") as handle:
        handle.seek(plan.start)
        while sent < plan.length:
            if plan.cut_at is not None and sent >= plan.cut_at:
                raise InjectedFault("sandbox fault: download cut short")
            if stall_at is not None and sent >= stall_at:
                await asyncio.sleep(plan.stall_seconds)
                stall_at = None
            stop = min([plan.length] + [m for m in (plan.cut_at, stall_at) if m is not None])
            want = min(CHUNK, stop - sent)
            # A "wrong length" file announced longer than it is goes on with zeros.
            data = handle.read(want) or b"\0" * want
            sent += len(data)
            yield data
