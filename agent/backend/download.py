"""Fetching a rendered file safely: temp file then rename, `Range` resume, size check, and no
credentials for any host but the API's.

The output URL usually lives on a CDN; our `Authorization` header goes only to the API origin
(the fallback `/api/render/proxy/{id}/download` path). A file that arrives short is resumed;
one that arrives with the wrong size is refused, never delivered.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from agent.backend import errors
from agent.backend.transport import Transport, bare_client, map_transport_error
from agent.errors import StorageError

MAX_RESUMES = 5

ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    source: str  # "url" or "fallback"


def same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def download_render(
    transport: Transport,
    url: str | None,
    fallback_path: str,
    dest: Path,
    *,
    expected_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> Downloaded:
    """Save the render at `url` (or, when that fails, the fallback path) to `dest`."""
    first_error: errors.BackendError | None = None
    if url:
        try:
            size = _fetch(transport, url, dest, expected_size, progress)
            return Downloaded(dest, size, "url")
        except errors.BackendError as exc:
            first_error = exc
    try:
        size = _fetch(
            transport,
            urljoin(transport.base_url + "/", fallback_path.lstrip("/")),
            dest,
            expected_size,
            progress,
        )
    except errors.BackendError:
        raise first_error or errors.ConnectionLost("the video could not be downloaded") from None
    return Downloaded(dest, size, "fallback")


WRITE_BUFFER = 1024 * 1024


def _fetch(
    transport: Transport,
    url: str,
    dest: Path,
    expected_size: int | None,
    progress: ProgressCallback | None,
) -> int:
    authenticated = same_origin(url, transport.base_url)
    client = transport.client if authenticated else bare_client(transport.timeouts)
    part = dest.with_name(f".{dest.name}.part")
    try:
        total = _fetch_resuming(client, transport, url, part, authenticated, progress)
        size = part.stat().st_size
        if total is not None and size != total:
            raise errors.ProtocolError(f"the download ended at {size} of {total} bytes")
        if expected_size is not None and size != expected_size:
            raise errors.ProtocolError(
                f"the file is {size} bytes but the render reported {expected_size}"
            )
        os.replace(part, dest)
        return size
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    finally:
        if not authenticated:
            client.close()


def _fetch_resuming(
    client: httpx.Client,
    transport: Transport,
    url: str,
    part: Path,
    authenticated: bool,
    progress: ProgressCallback | None,
) -> int | None:
    _open_part(part, truncate=True).close()
    total: int | None = None
    for _ in range(MAX_RESUMES + 1):
        have = part.stat().st_size
        headers = {"Range": f"bytes={have}-"} if have else {}
        if authenticated and transport.token is not None:
            headers["Authorization"] = f"Bearer {transport.token.reveal()}"
        try:
            total = _stream_once(client, url, part, headers, have, progress, total)
            return total
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            error, _ = map_transport_error(exc)
            if part.stat().st_size <= have:
                raise error from None  # no progress at all: resuming would not help
    raise errors.ConnectionLost(f"the download broke {MAX_RESUMES + 1} times")


def _stream_once(
    client: httpx.Client,
    url: str,
    part: Path,
    headers: dict[str, str],
    have: int,
    progress: ProgressCallback | None,
    total: int | None,
) -> int | None:
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code >= 400:
            response.read()
            raise errors.RequestRejected(
                f"the video host answered HTTP {response.status_code}", status=response.status_code
            )
        if response.status_code >= 300:
            raise errors.ProtocolError(f"the video URL redirected (HTTP {response.status_code})")
        resumed = response.status_code == 206 and have > 0
        total = _total_size(response, have if resumed else 0) or total
        done = have if resumed else 0
        try:
            with _open_part(part, truncate=not resumed) as handle:
                for chunk in response.iter_bytes():  # as received: a cut keeps what came
                    handle.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
        except OSError as exc:
            raise _storage_error(exc, part) from exc
    return total


def _total_size(response: httpx.Response, offset: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range:
        tail = content_range.rsplit("/", 1)[1]
        if tail.isdigit():
            return int(tail)
    length = response.headers.get("content-length", "")
    return int(length) + offset if length.isdigit() else None


def _open_part(part: Path, *, truncate: bool) -> BinaryIO:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if truncate else os.O_APPEND)
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        # Chunks arrive at ~64 KiB; a 1 MiB buffer turns them into few large writes.
        return os.fdopen(os.open(part, flags, 0o600), "wb", buffering=WRITE_BUFFER)
    except OSError as exc:
        raise _storage_error(exc, part) from exc


def _storage_error(exc: OSError, path: Path) -> StorageError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageError(
            f"the disk is full while saving {path.parent}",
            path=str(path.parent),
            reason="disk_full",
        )
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM, errno.ENOTDIR):
        return StorageError(
            f"cannot write to {path.parent}", path=str(path.parent), reason="read_only"
        )
    return StorageError(
        f"cannot save the video in {path.parent}: {exc.strerror}",
        path=str(path.parent),
        reason="io",
    )
