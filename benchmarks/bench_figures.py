"""b) The figures of one programme-quarter (every indicator and disaggregation) on the million-record
store. Goal: median ≤ 100 ms, p95 ≤ 250 ms."""

from __future__ import annotations

import sys

from benchmarks._pgstore import bench_store, database_name
from benchmarks._report import line, median_p95, timings


def main() -> int:
    from indicators.figures.figures import figures
    from indicators.store.db import Store

    store = Store(bench_store())
    ok = True
    for programme, quarter in (("KEC", "FY2019Q3"), ("PVR", "FY2020Q2")):
        with store.Session() as session:
            values = timings(lambda s=session, p=programme, q=quarter: figures(s, p, q), repeat=30)
        median, p95 = median_p95(values)
        ok &= line(
            f"b) figures {programme} {quarter} on 1,000,000 records ({database_name()})",
            f"median {median * 1000:.0f} ms (≤ 100), p95 {p95 * 1000:.0f} ms (≤ 250)",
            median <= 0.100 and p95 <= 0.250,
        )
    store.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
