"""``make bench``: run every benchmark in its own process (so memory peaks are its own) and print figures,
each beside its bound and the machine's core count and load; exit 1 when any is out of bounds or fails.

    python -m benchmarks            all of them
    python -m benchmarks import     only those whose name contains "import"
    python -m benchmarks growth --5m   bench g with its 5,000,000-record store too (options go to each benchmark)
    python -m benchmarks --postgres figures pages serve
                                       b, c, e on PostgreSQL: the million-record store copied into the database
                                       CTMONITOR_BENCH_DATABASE_URL names (by default the role and cluster
                                       .ci/run makes, database ctmonitor_bench); the other benchmarks stay on
                                       SQLite
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

BENCHMARKS = (
    "bench_import",
    "bench_figures",
    "bench_pages",
    "bench_export",
    "bench_serve",
    "bench_load",
    "bench_growth",
)
ON_BIG_STORE = ("bench_figures", "bench_pages", "bench_export", "bench_serve")


def main(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith("--") and a != "--postgres"]
    names = [a for a in argv if not a.startswith("--")]
    wanted = [b for b in BENCHMARKS if not names or any(a in b for a in names)]
    from benchmarks import _pgstore
    from benchmarks._report import machine

    if "--postgres" in argv:  # the benchmarks read the variable, in their own processes
        os.environ.setdefault(_pgstore.URL_VARIABLE, _pgstore.DEFAULT_URL)

    print(
        f"machine: {machine()} (figures taken under a load above the core count are only indicative)",
        flush=True,
    )
    if any(name in ON_BIG_STORE for name in wanted):
        started = time.perf_counter()
        _pgstore.bench_store()  # built once, before any timing, and cached
        print(
            f"million-record store ready in {_pgstore.database_name()} ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
    failed = []
    for name in wanted:
        settle()
        result = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *options], check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nOUT OF BOUNDS or failed: {', '.join(failed)}")
        return 1
    print("\nAll benchmarks within their bounds.")
    return 0


def settle(below: float = 1.0, longest: float = 120.0) -> None:
    """Let the machine go quiet before the next benchmark: the one before may leave work behind it (a server's
    workers stopping, SQLite checkpointing a large write-ahead log), which would be timed as the next one's."""
    import os

    started = time.monotonic()
    while os.getloadavg()[0] > below and time.monotonic() - started < longest:
        time.sleep(5)
    waited = time.monotonic() - started
    if waited >= 5:
        print(f"(waited {waited:.0f} s for the machine to settle, load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
