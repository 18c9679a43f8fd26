"""Printing a benchmark's figures beside its goal and bound, and timing helpers."""

from __future__ import annotations

import statistics
import time


def timings(fn, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def median_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(label: str, figures: str, ok: bool) -> bool:
    print(f"{label:<52} {figures}  {'OK' if ok else 'OUT OF BOUNDS'}", flush=True)
    return ok
