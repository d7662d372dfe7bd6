"""One method per endpoint of the NemoVideo agent API (vendor-api.md §2.1, Surface A).

Methods return typed results or raise `agent.backend.errors`. No policy lives here beyond what
each endpoint is (its path, body and retry safety): re-auth, sessions and jobs are the callers'.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from agent.backend import errors
from agent.backend.models import (
    AnonymousToken,
    ClaimToken,
    Credits,
    RenderStatus,
    SessionInfo,
    SessionState,
    UploadResult,
)
from agent.backend.retry import Safety
from agent.backend.stream import AgentStream
from agent.backend.transport import Transport

APP_NAME = "nemo_agent"
USER = "me"
DEFAULT_RENDER_OUTPUT = {"format": "mp4", "quality": "high"}
# The vendor CLI's MIME map (vendor-api.md §5.1).
MIME_TYPES = {
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
}

ProgressCallback = Callable[[int, int], None]


class NemoClient:
    """The NemoVideo agent API over one `Transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def __repr__(self) -> str:
        return f"NemoClient({self.transport!r})"

    def close(self) -> None:
        self.transport.close()

    # A1
    def anonymous_token(self, client_id: str) -> AnonymousToken:
        try:
            data = self.transport.call(
                "POST",
                "/api/auth/anonymous-token",
                safety=Safety.ONCE,
                headers={"X-Client-Id": client_id},
                auth=False,
                rate_limit_path=True,
            )
        except errors.RequestRejected as exc:
            if exc.status == 400:
                raise errors.MissingClientId(exc.message, status=400, code=exc.code) from None
            raise
        except errors.RateLimited as exc:  # refused after the policy's one wait: a weekly limit
            raise errors.TokenLimit(
                exc.message, status=exc.status, code=exc.code, retry_after=exc.retry_after
            ) from None
        return AnonymousToken.from_wire(data)

    # A2
    def claim_token(self, task_id: str, session_id: str) -> ClaimToken:
        body = {"task_id": task_id, "session_id": session_id}
        data = self.transport.call("POST", "/api/auth/claim-token", safety=Safety.ONCE, json=body)
        return ClaimToken.from_wire(data)

    # A3
    def create_session(self, language: str | None, task_name: str = "project") -> SessionInfo:
        body: dict[str, Any] = {"task_name": task_name}
        if language:
            body["language"] = language
        data = self.transport.call(
            "POST", f"/api/tasks/me/with-session/{APP_NAME}", safety=Safety.ONCE, json=body
        )
        return SessionInfo.from_wire(data)

    # A4
    @contextmanager
    def run_sse(self, session_id: str, text: str) -> Iterator[AgentStream]:
        """Send one message (billed: never resent by us) and iterate the agent's events."""
        body = {
            "app_name": APP_NAME,
            "user_id": USER,
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        with self.transport.stream("POST", "/run_sse", json=body, headers=headers) as response:
            yield AgentStream(response)

    # A5
    def upload_files(
        self,
        session_id: str,
        paths: Sequence[Path],
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Stream files as multipart field `files`; never reads a whole file into memory."""
        total = sum(p.stat().st_size for p in paths)
        stack = ExitStack()

        def files() -> list[tuple[str, tuple[str, IO[bytes], str]]]:
            stack.close()
            counter = _Counter(total, progress)
            return [
                ("files", (p.name, stack.enter_context(_CountingFile(p, counter)), _mime(p)))
                for p in paths
            ]

        with stack:
            data = self.transport.call(
                "POST",
                f"/api/upload-video/{APP_NAME}/{USER}/{session_id}",
                files=files,
                safety=Safety.ONCE,
            )
        return UploadResult.from_wire(data)

    def upload_urls(self, session_id: str, urls: Sequence[str]) -> UploadResult:
        body = {"urls": list(urls), "source_type": "url"}
        data = self.transport.call(
            "POST",
            f"/api/upload-video/{APP_NAME}/{USER}/{session_id}",
            json=body,
            safety=Safety.ONCE,
        )
        return UploadResult.from_wire(data)

    # A6
    def credits(self) -> Credits:
        return Credits.from_wire(self.transport.call("GET", "/api/credits/balance/simple"))

    # A7
    def state(self, session_id: str) -> SessionState:
        data = self.transport.call("GET", f"/api/state/{APP_NAME}/{USER}/{session_id}/latest")
        return SessionState.from_wire(data)

    # A8
    def submit_render(
        self,
        session_id: str,
        draft: Any,
        render_id: str | None = None,
        output: Mapping[str, Any] | None = None,
    ) -> RenderStatus:
        render_id = render_id or new_render_id()
        body = {
            "id": render_id,
            "sessionId": session_id,
            "draft": draft,
            "output": dict(output or DEFAULT_RENDER_OUTPUT),
        }
        try:
            data = self.transport.call(
                "POST", "/api/render/proxy/lambda", json=body, safety=Safety.ONCE
            )
        except errors.RequestRejected as exc:
            raise errors.RenderFailed(exc.message, status=exc.status, code=exc.code) from None
        if not isinstance(data, Mapping) or "status" not in data:
            return RenderStatus(render_id, "pending", None, None, None, None, None)
        status = RenderStatus.from_wire(data)
        return status if status.render_id else _with_id(status, render_id)

    # A9
    def poll_render(self, render_id: str) -> RenderStatus:
        status = RenderStatus.from_wire(
            self.transport.call("GET", f"/api/render/proxy/lambda/{render_id}")
        )
        return status if status.render_id else _with_id(status, render_id)

    # A10
    def cancel_render(self, render_id: str) -> None:
        self.transport.call("POST", f"/api/render/proxy/lambda/{render_id}/cancel")

    # A11
    def download_path(self, render_id: str) -> str:
        """The bearer-authenticated fallback download path of a render (same origin as the API)."""
        return f"/api/render/proxy/{render_id}/download"


def new_render_id() -> str:
    """`render_<ms>`: unique per submit, as the vendor asks."""
    return f"render_{time.time_ns() // 1_000_000}"


def _with_id(status: RenderStatus, render_id: str) -> RenderStatus:
    from dataclasses import replace

    return replace(status, render_id=render_id)


def _mime(path: Path) -> str:
    return (
        MIME_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


class _Counter:
    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def add(self, n: int) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total)


class _CountingFile:
    """A file opened for upload that reports bytes as httpx reads them."""

    def __init__(self, path: Path, counter: _Counter) -> None:
        self._handle = path.open("rb")
        self._counter = counter

    def __enter__(self) -> IO[bytes]:
        return self  # type: ignore[return-value]  # duck-typed: read, seek, tell, fileno

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self._counter.add(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def fileno(self) -> int:
        return self._handle.fileno()
