"""a) Import a 200,000-row trainings workbook end to end (read, validate, store) beside python-calamine's
own read time of the same file. Goal ≤ 2×, bound ≤ 3×; peak memory ≤ 1 GiB."""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks._bigstore import CACHE
from benchmarks._report import line

ROWS = 200_000
HEADERS = ["Ref", "Project", "Start date", "End date", "District", "Target group", "Topic", "Female", "Male",
           "Total", "Passed post-test", "Organised with"]


def workbook() -> Path:
    path = CACHE / f"trainings-{ROWS}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    from indicators import vocabulary

    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Trainings")
    sheet.append(["IOM Rwanda — trainings register"])
    sheet.append([])
    sheet.append(HEADERS)
    first, days = date(2017, 1, 1), (date(2020, 6, 30) - date(2017, 1, 1)).days
    for n in range(1, ROWS + 1):
        start = first + timedelta(days=rng.randrange(days))
        female, male = rng.randint(3, 40), rng.randint(3, 40)
        sheet.append([f"TR-{n:06d}", "KEC", start, start + timedelta(days=rng.randint(0, 2)),
                      rng.choice(vocabulary.DISTRICTS), rng.choice(vocabulary.TARGET_GROUPS),
                      "Identification and referral of victims", female, male, female + male,
                      rng.randint(0, female + male) if rng.random() < 0.5 else None, "MINIJUST"])
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    tmp.rename(path)
    return path


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - started


def import_once(path: Path) -> tuple[float, object]:
    from importers import import_file
    from indicators import definitions, migrate
    from indicators.db import Store
    from indicators.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="ctm-bench-import-"))
    settings = Settings.for_tests(folder, upload_limit=200 * 1024 * 1024)
    store = Store(settings)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, Path(__file__).resolve().parent.parent / "programmes")
    data = path.read_bytes()
    started = time.perf_counter()
    with store.begin() as session:
        report = import_file(session, data, path.name, settings=settings, programme="KEC", uploaded_by="bench")
    elapsed = time.perf_counter() - started
    store.dispose()
    return elapsed, report


def main() -> int:
    path = workbook()
    read = min(calamine_read(path) for _ in range(2))
    elapsed, report = import_once(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    stored = sum(c.get("new", 0) for c in report.counts.values()) if report.ok else 0
    if not report.ok:
        print(report.as_text()[:2000])
    ratio = elapsed / read
    ok = line(f"a) import {ROWS:,} trainings (stored {stored:,})",
              f"{elapsed:.2f} s vs calamine read {read:.2f} s = {ratio:.2f}× (goal ≤ 2×, bound ≤ 3×); "
              f"peak {peak:,.0f} MiB (≤ 1024)", report.ok and stored == ROWS and ratio <= 3 and peak <= 1024)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
