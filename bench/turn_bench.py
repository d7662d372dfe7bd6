"""Per-turn cost in fresh processes: `wan22 turn --json credits` against a floor script that
imports httpx and makes the same request, and `wan22 turn --dry-run` against `python -c pass`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, time_command
from bench.sandbox_fixture import ROOT, BenchSandbox

FLOOR_REQUEST = (
    "import os, httpx\n"
    "r = httpx.get(os.environ['NEMO_API_URL'] + '/api/credits/balance/simple',"
    " headers={'Authorization': 'Bearer ' + os.environ['BENCH_TOKEN']})\n"
    "r.raise_for_status()\nprint(r.json())\n"
)
DRY_RUN_TEXT = "Generate a 4-second video of a golden retriever running through a wheat field"


def run(runs: int = 15) -> list[Row]:
    sandbox = BenchSandbox()
    try:
        token = sandbox.prime()
        env = dict(sandbox.env)
        python = sys.executable
        ours = time_command([python, "-m", "agent", "turn", "--json", "credits"], runs, env)
        floor = time_command([python, "-c", FLOOR_REQUEST], runs, {**env, "BENCH_TOKEN": token})
        dry = time_command(
            [python, "-m", "agent", "turn", "--dry-run", "--json", DRY_RUN_TEXT], runs, env
        )
        bare = time_command([python, "-c", "pass"], runs, env)
    finally:
        sandbox.stop()
    return [
        Row(
            "turn cold start: turn --json credits",
            ours * 1000,
            floor * 1000,
            "ms",
            "<= 1.5x httpx floor",
            ours / floor <= 1.5,
        ),
        Row(
            "turn --dry-run (route + language)",
            dry * 1000,
            bare * 1000,
            "ms",
            "<= 3x python -c pass",
            dry / bare <= 3.0,
        ),
    ]


if __name__ == "__main__":
    from bench.common import print_table

    print(f"(runs from {ROOT})")
    print_table(run())
