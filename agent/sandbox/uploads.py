"""`POST /api/upload-video/nemo_agent/me/{sid}` (vendor-api.md A5): multipart field `files`
(repeatable, streamed to disk) or JSON `{urls, source_type: "url"}`; the documented formats
(else 4001) and the `max_upload_bytes` limit (else 4002); each file joins the session's state."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent.sandbox.bodies import UrlUpload, parse
from agent.sandbox.guards import RouteGroup, json_body
from agent.sandbox.multipart import ReceivedFile, receive_form
from agent.sandbox.state import Session
from agent.sandbox.wire import http_error, ok

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


class UploadRoutes(RouteGroup):
    def routes(self) -> list[Route]:
        return [Route("/api/upload-video/nemo_agent/me/{sid}", self.upload, methods=["POST"])]

    async def upload(self, request: Request) -> Response:
        account = self.caller(request)
        if account is None:
            return self.code(1001)
        session = self.session(request, account, request.path_params["sid"])
        if session is None:
            return self.code(1002)
        if request.headers.get("content-type", "").lower().startswith("application/json"):
            return await self._from_urls(request, session)
        try:
            form = await receive_form(
                request, self.sandbox.data_dir / "uploads", self.settings.max_upload_bytes
            )
        except ValueError as exc:
            return http_error(400, f"not a multipart upload: {exc}")
        files = [f for f in form.files if f.field_name == "files"]
        if form.too_large:
            form.discard()
            return self.code(4002)
        if not files:
            form.discard()
            return http_error(400, "no file in a field named 'files'")
        if any(file_type(f.filename) is None for f in files):
            form.discard()
            return self.code(4001)
        described = [await self._register(session, f) for f in files]
        return ok({"files": described, "session_state_applied": True})

    async def _register(self, session: Session, received: ReceivedFile) -> dict[str, Any]:
        kind = file_type(received.filename) or "video"
        media = self.world.add_media(
            session,
            received.filename,
            kind,
            path=received.path,
            key=received.path.parent.name,
        )
        session.uploads.append(media)
        info: dict[str, Any] = {
            "filename": received.filename,
            "file_type": kind,
            "cdn_url": self.sandbox.media_url(media),
            "size": received.size,
            "hash": received.digest.hexdigest()[:16],
        }
        info.update(await asyncio.to_thread(probe, received.path))
        session.video_infos.append(info)
        return info

    async def _from_urls(self, request: Request, session: Session) -> Response:
        body = parse(UrlUpload, await json_body(request))
        urls = body.urls if body is not None else []
        if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
            return http_error(400, 'expected {"urls": ["https://..."], "source_type": "url"}')
        names = [u.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1] for u in urls]
        if any(file_type(name) is None for name in names):
            return self.code(4001)
        described = []
        for url, name in zip(urls, names, strict=True):
            kind = file_type(name) or "video"
            media = self.world.add_media(session, name, kind, source_url=url)
            session.uploads.append(media)
            info = {"filename": name, "file_type": kind, "cdn_url": url}
            session.video_infos.append(info)
            described.append(info)
        return ok({"files": described, "session_state_applied": True})


def probe(path: Path) -> dict[str, Any]:
    """Duration, size and frame rate of uploaded media, as far as FFmpeg can read them."""
    import av

    try:
        with av.open(str(path)) as container:
            facts: dict[str, Any] = {}
            if container.streams.video:
                stream = container.streams.video[0]
                facts["width"], facts["height"] = stream.width, stream.height
                if stream.average_rate and container.duration:
                    facts["fps"] = round(float(stream.average_rate), 3)
            if container.duration:
                facts["duration"] = round(container.duration / 1_000_000, 2)
            return facts
    except (av.error.FFmpegError, OSError, IndexError, ValueError):
        return {}
