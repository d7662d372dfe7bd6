"""Run every benchmark and print one table: `python bench/run.py` (add `--quick` for a smaller
transfer file). Each figure is a median over repeated runs, with its floor measured in the same
run; see docs/performance.md for what each floor is and why."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import routing_bench, stream_bench, transfer_bench, turn_bench
from bench.common import print_table


def main() -> int:
    quick = "--quick" in sys.argv
    size = 64 * 1024**2 if quick else int(os.environ.get("BENCH_TRANSFER_BYTES", str(1024**3)))
    rows = []
    rows += turn_bench.run()
    rows += routing_bench.run()
    rows += stream_bench.run()
    rows += transfer_bench.run(size)
    print_table(rows)
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
