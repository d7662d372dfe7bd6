"""The sandbox's ASGI application: the vendor API's routes (vendor-api.md §2.1, Surface A), the
"CDN", the control API, and the gate in front of them all."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from agent.sandbox.accounts_api import AccountRoutes
from agent.sandbox.context import Sandbox
from agent.sandbox.control import ControlRoutes
from agent.sandbox.gate import Gate
from agent.sandbox.media_api import MediaRoutes
from agent.sandbox.render_api import RenderRoutes
from agent.sandbox.stream_api import StreamRoutes
from agent.sandbox.uploads import UploadRoutes


def create_app(sandbox: Sandbox) -> Gate:
    routes: list[Route] = [
        *AccountRoutes(sandbox).routes(),
        *StreamRoutes(sandbox).routes(),
        *UploadRoutes(sandbox).routes(),
        *RenderRoutes(sandbox).routes(),
        *MediaRoutes(sandbox).routes(),
        *ControlRoutes(sandbox).routes(),
    ]
    return Gate(Starlette(routes=routes), sandbox)
