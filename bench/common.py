"""Shared pieces of the benchmarks: medians, a result table, and the machine description."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    ours: float
    floor: float
    unit: str
    target: str
    ok: bool
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor else float("inf")


def median_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    runs: int, ours: Callable[[], object], floor: Callable[[], object]
) -> tuple[float, float]:
    """Medians of `ours` and `floor`, run alternately so machine drift hits both alike."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for action, times in ((ours, a), (floor, b)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def time_command(argv: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    def once() -> None:
        subprocess.run(
            argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    once()  # warm the OS file cache
    return median_of(runs, once)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]} ({cpu})"


def print_table(rows: list[Row]) -> None:
    print(f"machine: {machine()}")
    header = (
        f"{'benchmark':40} {'ours':>10} {'floor':>10} {'unit':6} {'ratio':>6}  {'target':22} result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:40} {row.ours:>10.4g} {row.floor:>10.4g} {row.unit:6} {row.ratio:>6.2f}  "
            f"{row.target:22} {'ok' if row.ok else 'MISSED'}"
            + (f"  ({row.note})" if row.note else "")
        )
