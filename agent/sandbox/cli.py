"""`wan22 sandbox serve`: read the flags, bind on loopback, say where, serve until SIGTERM or
SIGINT, then clean up. Access logs are off: nothing about a request is ever printed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

import uvicorn

from agent.sandbox.context import Sandbox
from agent.sandbox.faults import InjectedFault
from agent.sandbox.settings import PRESETS, RENDER_SHAPES, WIRES, SandboxSettings

GRACE_SECONDS = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wan22 sandbox serve", description="Serve the NemoVideo agent API locally."
    )
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    parser.add_argument("--data-dir", help="uploads and renders (default: a temporary folder)")
    parser.add_argument("--speed", choices=sorted(PRESETS), default="fast")
    parser.add_argument("--credits", type=int, help="credits granted to each new anonymous token")
    parser.add_argument("--wire", choices=WIRES)
    parser.add_argument("--render-shape", choices=RENDER_SHAPES)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--ready-file", help="write the URL here once connections are accepted")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other setting of docs/sandbox.md, e.g. --set generation_seconds=2",
    )
    return parser


def settings_from(args: argparse.Namespace) -> SandboxSettings:
    """The preset, then the named flags, then every `--set`. ValueError names a bad one."""
    settings = SandboxSettings.preset(args.speed)
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("initial_credits", args.credits),
            ("wire", args.wire),
            ("render_shape", args.render_shape),
            ("seed", args.seed),
        )
        if value is not None
    }
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set expects KEY=VALUE, not {item!r}")
        changes[key.strip()] = value.strip()
    settings.update(changes)
    return settings


def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
    except ValueError as exc:
        parser.error(str(exc))
    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="wan22-sandbox-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        sys.stderr.write(f"wan22 sandbox: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1
    # SIGTERM ends the server like Ctrl-C does, so the clean-up below always runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    _quiet_logging()
    try:
        asyncio.run(_serve(sock, args.host, settings, data_dir, args.ready_file))
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP lets asyncio turn Nagle off on accepted connections; without it
    # every keep-alive answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    """uvicorn, told to end the agent's work first when it stops: an open stream then closes
    at once instead of holding the shutdown for its grace period."""

    def __init__(self, config: uvicorn.Config, sandbox: Sandbox) -> None:
        super().__init__(config)
        self.sandbox = sandbox

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for task in list(self.sandbox.tasks):
            task.cancel()
        await super().shutdown(sockets)


async def _serve(
    sock: socket.socket,
    host: str,
    settings: SandboxSettings,
    data_dir: Path,
    ready_file: str | None,
) -> None:
    from agent.sandbox.app import create_app

    sandbox = Sandbox(settings, data_dir, host=_public_host(host), port=sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(sandbox),
        log_level="warning",
        access_log=False,
        log_config=None,
        lifespan="off",
        http="h11",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    server = _Server(config, sandbox)
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
    try:
        await server.serve(sockets=[sock])
    finally:
        watcher.cancel()
        for task in list(sandbox.tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*sandbox.tasks, return_exceptions=True)


def _public_host(host: str) -> str:
    """The host name clients should use: loopback when bound to every address."""
    if host in ("0.0.0.0", ""):  # noqa: S104 -- comparing, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class _QuietInjectedFaults(logging.Filter):
    """Connections dropped on purpose by a fault rule are not errors worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
            error = error.exceptions[0]
        return not isinstance(error, InjectedFault)


def _quiet_logging() -> None:
    """Warnings and errors only, on stderr, without request lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("wan22 sandbox: %(levelname)s %(message)s"))
    handler.addFilter(_QuietInjectedFaults())
    logger = logging.getLogger("uvicorn")
    logger.handlers = [handler]
    logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True
