"""Printing a benchmark's figures beside its goal and bound, with the machine they were measured on, and
timing helpers."""

from __future__ import annotations

import os
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


def cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine() -> str:
    """The core count, and the load when the figure was taken: above the core count, other work was
    competing for the processors and the times say more about it than about ctmonitor."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cores()} cores, load {load:.1f}"


def line(label: str, figures: str, ok: bool) -> bool:
    print(f"{label:<52} {figures}  {'OK' if ok else 'OUT OF BOUNDS'}  [{machine()}]", flush=True)
    return ok
