"""Upload and download of a large file (1 GiB by default) to and from the sandbox: throughput
of our client against a plain httpx streamed transfer of the same file, and the peak RSS of the
process doing it. Each transfer runs in its own fresh process so RSS is its own."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row
from bench.sandbox_fixture import ROOT, BenchSandbox

SIZE = int(os.environ.get("BENCH_TRANSFER_BYTES", str(1024**3)))
RSS_LIMIT_MIB = 80
ROUNDS = 3

PRELUDE = """
import json, os, resource, sys, time
from pathlib import Path
path = Path(os.environ["BENCH_FILE"])
def peak_rss_mib():
    # VmHWM is this process's own peak; ru_maxrss also counts the parent's RSS at fork time.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def finish(start):
    print(json.dumps({"seconds": time.perf_counter() - start, "rss_mib": peak_rss_mib()}))
"""

OURS_UPLOAD = (
    PRELUDE
    + """
from agent.backend.client import NemoClient
from agent.backend.transport import Transport
from agent.clock import Clock
from agent.secret import Secret
transport = Transport(os.environ["NEMO_API_URL"], {"X-Skill-Source": "wan-22"}, clock=Clock())
transport.token = Secret(os.environ["BENCH_TOKEN"])
client = NemoClient(transport)
session = client.create_session("en")
start = time.perf_counter()
result = client.upload_files(session.session_id, [path])
finish(start)
Path(os.environ["BENCH_OUT"]).write_text(result.files[0].url or "")
"""
)

FLOOR_UPLOAD = (
    PRELUDE
    + """
import httpx
headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"]}
with httpx.Client(base_url=os.environ["NEMO_API_URL"], headers=headers, timeout=None) as c:
    sid = c.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "b"}).json()["data"]["session_id"]
    start = time.perf_counter()
    with path.open("rb") as handle:
        r = c.post(f"/api/upload-video/nemo_agent/me/{sid}", files=[("files", (path.name, handle, "video/mp4"))])
    r.raise_for_status()
finish(start)
"""
)

OURS_DOWNLOAD = (
    PRELUDE
    + """
from agent.backend.download import download_render
from agent.backend.transport import Transport
from agent.clock import Clock
from agent.secret import Secret
transport = Transport(os.environ["NEMO_API_URL"], {"X-Skill-Source": "wan-22"}, clock=Clock())
transport.token = Secret(os.environ["BENCH_TOKEN"])
dest = Path(os.environ["BENCH_DEST"])
start = time.perf_counter()
download_render(transport, os.environ["BENCH_URL"], "/api/render/proxy/none/download", dest)
finish(start)
"""
)

FLOOR_DOWNLOAD = (
    PRELUDE
    + """
import httpx
dest = Path(os.environ["BENCH_DEST"])
start = time.perf_counter()
with httpx.stream("GET", os.environ["BENCH_URL"], timeout=None) as r, dest.open("wb") as out:
    for chunk in r.iter_bytes(1024 * 1024):
        out.write(chunk)
finish(start)
"""
)


def child(code: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _warm(path: Path) -> None:
    """Read the file once so both sides start from the page cache."""
    with path.open("rb") as handle:
        while handle.read(8 * 1024 * 1024):
            pass


def _alternate(
    rounds: int, ours: str, floor: str, env: dict[str, str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Floor and ours, alternately: median seconds and the largest peak RSS of each side."""
    runs: dict[str, list[dict[str, float]]] = {"ours": [], "floor": []}
    for _ in range(rounds):
        runs["floor"].append(child(floor, env))
        runs["ours"].append(child(ours, env))

    def summary(side: str) -> dict[str, float]:
        return {
            "seconds": statistics.median(r["seconds"] for r in runs[side]),
            "rss_mib": max(r["rss_mib"] for r in runs[side]),
        }

    return summary("ours"), summary("floor")


def make_file(path: Path, size: int) -> None:
    block = os.urandom(1024 * 1024)
    with path.open("wb") as handle:
        written = 0
        while written < size:
            handle.write(block[: min(len(block), size - written)])
            written += min(len(block), size - written)


def run(size: int = SIZE) -> list[Row]:
    sandbox = BenchSandbox()
    try:
        token = sandbox.prime()
        source = sandbox.dir / "big.mp4"
        make_file(source, size)
        env = {
            **sandbox.env,
            "BENCH_TOKEN": token,
            "BENCH_FILE": str(source),
            "BENCH_OUT": str(sandbox.dir / "url.txt"),
            "PYTHONPATH": str(ROOT),
        }
        _warm(source)
        up_ours, up_floor = _alternate(ROUNDS, OURS_UPLOAD, FLOOR_UPLOAD, env)
        url = (sandbox.dir / "url.txt").read_text()
        dl_env = {**env, "BENCH_URL": url, "BENCH_DEST": str(sandbox.dir / "copy.mp4")}
        dl_ours, dl_floor = _alternate(ROUNDS, OURS_DOWNLOAD, FLOOR_DOWNLOAD, dl_env)
        same = (sandbox.dir / "copy.mp4").stat().st_size == size
    finally:
        sandbox.stop()
    mib = size / 1048576
    rows = []
    for label, ours, floor in (("upload", up_ours, up_floor), ("download", dl_ours, dl_floor)):
        ours_rate, floor_rate = mib / ours["seconds"], mib / floor["seconds"]
        ok = ours_rate >= 0.8 * floor_rate and ours["rss_mib"] < RSS_LIMIT_MIB
        note = f"peak RSS {ours['rss_mib']:.0f} MiB, plain httpx {floor['rss_mib']:.0f} MiB"
        if label == "download" and not same:
            ok, note = False, note + ", size mismatch"
        rows.append(
            Row(
                f"{label} {mib:.0f} MiB (throughput)",
                ours_rate,
                floor_rate,
                "MiB/s",
                ">= 0.8x, RSS < 80 MiB",
                ok,
                note,
            )
        )
    return rows


if __name__ == "__main__":
    from bench.common import print_table

    print_table(run())
