"""The "CDN" (served under the other host name, no auth): finished renders at
`/render-result/{id}.mp4`, uploads and generated media at `/cdn/{key}/{filename}`. Generated
clips and music are drawn on their first download, once."""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from agent.sandbox.context import Sandbox
from agent.sandbox.files import serve_file
from agent.sandbox.guards import RouteGroup, fault_of
from agent.sandbox.render import draw_clip, draw_music
from agent.sandbox.state import Media


class MediaRoutes(RouteGroup):
    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self._drawing: dict[str, asyncio.Lock] = {}

    def routes(self) -> list[Route]:
        return [
            Route("/render-result/{name}", self.render_result, methods=["GET"]),
            Route("/cdn/{key}/{filename}", self.cdn, methods=["GET"]),
        ]

    async def render_result(self, request: Request) -> Response:
        render = self.world.renders.get(request.path_params["name"].removesuffix(".mp4"))
        if render is None or render.path is None:
            return PlainTextResponse("not found", status_code=404)
        return serve_file(request, render.path, "video/mp4", fault_of(request))

    async def cdn(self, request: Request) -> Response:
        media = self.world.media.get(request.path_params["key"])
        if media is None or media.filename != request.path_params["filename"]:
            return PlainTextResponse("not found", status_code=404)
        path = media.path or await self._draw(media)
        kind = mimetypes.guess_type(media.filename, strict=False)[0]
        return serve_file(request, path, kind or "application/octet-stream", fault_of(request))

    async def _draw(self, media: Media) -> Path:
        lock = self._drawing.setdefault(media.key, asyncio.Lock())
        async with lock:
            if media.path is None:
                recipe = media.recipe or {}
                out = self.sandbox.data_dir / "generated" / media.key / media.filename
                out.parent.mkdir(parents=True, exist_ok=True)
                label, duration = str(recipe.get("label", "")), int(recipe.get("duration_ms", 5000))
                if media.file_type == "audio":
                    await asyncio.to_thread(draw_music, label, duration, out)
                else:
                    image = Path(recipe["image"]) if recipe.get("image") else None
                    await asyncio.to_thread(draw_clip, label, duration, out, image)
                media.path = out
        return media.path
