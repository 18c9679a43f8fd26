"""d) The IPTT workbook export of one programme-quarter on the million-record store: ≤ 1 s."""

from __future__ import annotations

import sys

from benchmarks._pgstore import bench_store, database_name
from benchmarks._report import line, median_p95, timings


def main() -> int:
    from exports.formats import FORMATS
    from indicators.reporting.reporting import report_file
    from indicators.store.db import Store

    def render(session):
        return report_file(session, "KEC", "FY2019Q3", FORMATS, "iptt", small_cell=5)

    store = Store(bench_store())
    with store.Session() as session:
        size = len(render(session)[0])
        values = timings(lambda: render(session), repeat=10, warmup=1)
    store.dispose()
    median, _p95 = median_p95(values)
    ok = line(
        f"d) IPTT export KEC FY2019Q3 on 1,000,000 records ({database_name()})",
        f"median {median * 1000:.0f} ms, slowest {max(values) * 1000:.0f} ms (≤ 1000); {size:,} bytes",
        max(values) <= 1.0,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
