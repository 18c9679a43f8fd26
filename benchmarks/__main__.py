"""``make bench``: run every benchmark in its own process (so memory peaks are its own) and print figures.

    python -m benchmarks            all of them
    python -m benchmarks import     only those whose name contains "import"
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = ("bench_import", "bench_figures", "bench_pages", "bench_export", "bench_serve")


def main(argv: list[str]) -> int:
    wanted = [b for b in BENCHMARKS if not argv or any(a in b for a in argv)]
    from benchmarks._bigstore import big_store

    started = time.perf_counter()
    big_store()  # built once, before any timing, and cached
    print(f"million-record store ready ({time.perf_counter() - started:.1f} s)", flush=True)
    failed = []
    for name in wanted:
        result = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"])
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nOUT OF BOUNDS or failed: {', '.join(failed)}")
        return 1
    print("\nAll benchmarks within their bounds.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
