"""Routing and language detection per utterance, warm (in one process, over every test
utterance) and cold (a fresh process routing one utterance). The warm floor is normalising the
text (casefold + split), the least any router does; the cold floor is `python -c pass`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, time_command
from bench.sandbox_fixture import ROOT

UTTERANCES = ROOT / "fixtures" / "utterances.jsonl"
COLD = (
    "from agent.conversation.intents import route_utterance\n"
    "from agent.conversation.language import detect_language\n"
    "route_utterance('导出视频'); detect_language('导出视频')\n"
)


def load() -> list[tuple[str, list[str]]]:
    rows = [
        json.loads(line) for line in UTTERANCES.read_text(encoding="utf-8").splitlines() if line
    ]
    return [(r["text"], r.get("files", [])) for r in rows]


def per_utterance(items: list[tuple[str, list[str]]], action, loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        for text, files in items:
            action(text, files)
    return (time.perf_counter() - start) / (loops * len(items))


def run(loops: int = 20) -> list[Row]:
    from agent.conversation.intents import route_utterance
    from agent.conversation.language import detect_language

    items = load()

    def ours(text: str, files: list[str]) -> None:
        route_utterance(text, files)
        detect_language(text, "en")

    def floor(text: str, files: list[str]) -> None:
        text.casefold().split()

    # The rare undecidable Latin utterance loads langdetect once; do that before timing "warm".
    for text, files in items:
        ours(text, files)
    warm = per_utterance(items, ours, loops)
    base = per_utterance(items, floor, loops)
    cold = time_command([sys.executable, "-c", COLD], 15)
    bare = time_command([sys.executable, "-c", "pass"], 15)
    return [
        Row(
            f"route + language, warm ({len(items)} utts)",
            warm * 1e6,
            base * 1e6,
            "us",
            "< 1000 us per utterance",
            warm < 1e-3,
        ),
        Row(
            "route + language, cold process",
            cold * 1000,
            bare * 1000,
            "ms",
            "(reported)",
            True,
            "no langdetect import on clear cases",
        ),
    ]


if __name__ == "__main__":
    from bench.common import print_table

    print_table(run())
