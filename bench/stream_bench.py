"""Stream throughput: 10^5 recorded events (both wire shapes, all heartbeat forms) through our
stream layer, against plain httpx-sse iteration of the same bytes with `json.loads` of each
payload (the least a consumer of httpx-sse must do to read these events)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from httpx_sse import EventSource

from agent.backend.stream import iter_events
from bench.common import Row, interleaved

EVENTS = 100_000
CHUNK = 64 * 1024
TARGET = 1.2


def recorded_stream(n: int = EVENTS) -> bytes:
    samples = [
        'data: {"type":"text","content":"Adding soft piano music under the clip now."}\n\n',
        'data: {"type":"tool_call","name":"edit_multitrack","args":{"op":"add_bgm","volume":35}}\n\n',
        'data: {"type":"heartbeat"}\n\n',
        "data:\n\n",
        ": keepalive\n\n",
        'data: {"type":"tool_result","name":"edit_multitrack","result":{"ok":true}}\n\n',
        'data: {"content":{"parts":[{"text":"Done, the title is on."}],"role":"model"},'
        '"invocationId":"e-1","author":"nemo_agent","id":"ev-1","timestamp":1773423613.6}\n\n',
        'data: {"content":{"parts":[{"functionCall":{"id":"a1","name":"generate_video_with_seedance",'
        '"args":{"prompt":"sunset","duration":10}}}],"role":"model"},"id":"ev-2"}\n\n',
    ]
    return "".join(samples[i % len(samples)] for i in range(n)).encode()


def response(body: bytes) -> httpx.Response:
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter(chunks))


def ours(body: bytes) -> int:
    return sum(1 for _ in iter_events(response(body)))


def floor(body: bytes) -> int:
    count = 0
    for sse in EventSource(response(body)).iter_sse():
        if sse.data:
            json.loads(sse.data)
        count += 1
    return count


def run(runs: int = 7) -> list[Row]:
    body = recorded_stream()
    ours_s, floor_s = interleaved(runs, lambda: ours(body), lambda: floor(body))
    ratio = ours_s / floor_s
    return [
        Row(
            "stream: 1e5 events, both shapes",
            ours_s * 1000,
            floor_s * 1000,
            "ms",
            f"<= {TARGET}x httpx-sse",
            ratio <= TARGET,
            f"{EVENTS / ours_s / 1000:.0f}k events/s",
        )
    ]


if __name__ == "__main__":
    from bench.common import print_table

    print_table(run())
