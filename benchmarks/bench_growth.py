"""g) How the times grow with the store: one programme-quarter's figures, each page's server time (as Chromium
opens it) and the IPTT export, on stores of 100,000 and 1,000,000 records (and 5,000,000 with ``--5m``: that
store took seven minutes to build on two cores under a load of 6, 26 under a load of 10–18, and takes 1.7 GB
of disk). Writes benchmarks/out/growth.png and prints a table for the README.

Bound, from each size to the next: n times the records may take at most n times as long (no figure grows
faster than the store); a figure of at most 50 ms at the larger size is mostly fixed costs and passes.
"""

from __future__ import annotations

import itertools
import statistics
import sys
from pathlib import Path

from benchmarks._bigstore import big_store
from benchmarks._report import line, timings
from benchmarks.bench_pages import PAGES, Site

OUT = Path(__file__).resolve().parent / "out"
SIZES = (100_000, 1_000_000)
LARGE = 5_000_000
VISITS = 3
FLOOR = 0.050  # seconds: below it, a figure is fixed costs, not growth


def figures_time(settings) -> float:
    from indicators.figures.figures import figures
    from indicators.store.db import Store

    store = Store(settings)
    with store.Session() as session:
        values = timings(lambda: figures(session, "KEC", "FY2019Q3"), repeat=10)
    store.dispose()
    return statistics.median(values)


def export_time(settings) -> float:
    from exports.formats import FORMATS
    from indicators.reporting.reporting import report_file
    from indicators.store.db import Store

    store = Store(settings)
    with store.Session() as session:
        values = timings(
            lambda: report_file(session, "KEC", "FY2019Q3", FORMATS, "iptt", small_cell=5), repeat=5, warmup=1
        )
    store.dispose()
    return statistics.median(values)


def measure(size: int) -> dict[str, float]:
    """Median seconds of each figure on a store of ``size`` records."""
    settings = big_store(total=size)
    out = {"figures KEC FY2019Q3": figures_time(settings), "IPTT export KEC FY2019Q3": export_time(settings)}
    site = Site(settings)
    try:
        for page in PAGES:
            out[f"page {page}"] = statistics.median(site.server_times(page, VISITS))
    finally:
        site.close()
    return out


def plot(results: dict[int, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    figure, axes = plt.subplots(figsize=(9, 7))
    colours = plt.get_cmap("tab20").colors
    for number, name in enumerate(results[sizes[0]]):
        axes.plot(
            sizes,
            [results[s][name] * 1000 for s in sizes],
            marker="o",
            label=name,
            color=colours[(2 * number) % 20 + (number >= 10)],
            linestyle="-" if name.startswith("page") else "--",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("activity records in the store")
    axes.set_ylabel("median time (ms)")
    axes.set_title("ctmonitor: time against the size of the store")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str]) -> int:
    sizes = SIZES + ((LARGE,) if "--5m" in argv else ())
    results = {size: measure(size) for size in sizes}
    plot(results, OUT / "growth.png")
    ok = True
    print("\n| figure | " + " | ".join(f"{s:,} records" for s in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name in results[sizes[0]]:
        print(f"| {name} | " + " | ".join(f"{results[s][name] * 1000:,.0f} ms" for s in sizes) + " |")
    print()
    for small, large in itertools.pairwise(sizes):
        for name in results[small]:
            before, after = results[small][name], results[large][name]
            growth, times = after / before, large / small
            ok &= line(
                f"g) {name}",
                f"{before * 1000:,.0f} ms at {small:,}, {after * 1000:,.0f} ms at {large:,} records: "
                f"{growth:.1f}× for {times:g}× the records (≤ {times:g}×, or ≤ {FLOOR * 1000:.0f} ms)",
                growth <= times or after <= FLOOR,
            )
    print(f"(chart: {OUT / 'growth.png'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
