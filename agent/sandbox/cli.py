"""`wan22 sandbox serve`: bind on loopback, say where, serve until told to stop."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from agent.sandbox.context import Sandbox
from agent.sandbox.settings import PRESETS, RENDER_SHAPES, WIRES, SandboxSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wan22 sandbox serve", description="Serve the NemoVideo agent API locally."
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data-dir", help="uploads and renders (default: a temporary folder)")
    parser.add_argument("--speed", choices=sorted(PRESETS), default="fast")
    parser.add_argument("--credits", type=int, help="credits granted to each new anonymous token")
    parser.add_argument("--wire", choices=WIRES)
    parser.add_argument("--render-shape", choices=RENDER_SHAPES)
    parser.add_argument("--ready-file", help="write the URL here once connections are accepted")
    parser.add_argument("--seed", type=int)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    settings = SandboxSettings.preset(args.speed)
    for key, value in (
        ("initial_credits", args.credits),
        ("wire", args.wire),
        ("render_shape", args.render_shape),
        ("seed", args.seed),
    ):
        if value is not None:
            settings.update({key: value})
    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="wan22-sandbox-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(_serve(args.host, args.port, settings, data_dir, args.ready_file))
    except KeyboardInterrupt:
        pass
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


async def _serve(
    host: str, port: int, settings: SandboxSettings, data_dir: Path, ready_file: str | None
) -> None:
    import uvicorn

    from agent.sandbox.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sandbox = Sandbox(settings, data_dir, port=sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(sandbox),
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="h11",
        timeout_keep_alive=5,
    )
    server = uvicorn.Server(config)
    url = sandbox.api_url
    sys.stdout.write(f"wan22 sandbox listening on {url}\n")
    sys.stdout.flush()

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.02)
        if ready_file:
            target = Path(ready_file)
            partial = target.with_name(target.name + ".tmp")
            partial.write_text(url + "\n")
            partial.replace(target)

    watcher = asyncio.create_task(announce())
    await server.serve(sockets=[sock])
    watcher.cancel()
