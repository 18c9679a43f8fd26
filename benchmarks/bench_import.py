"""a) ``ctmonitor import`` of a 200,000-row trainings workbook into a new store, timed as a user runs it (the
command's start, reading, checking and storing, the commit), beside a Python process that only reads the same
file with python-calamine. Goal ≤ 2×, bound ≤ 3×; the command's peak memory ≤ 1 GiB."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks._bigstore import CACHE, REPO
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


READ = """
import sys
from python_calamine import CalamineWorkbook

book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, int, str]:
    """Wall time, peak memory (MiB) and exit status of a command, and what it printed."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(REPO))
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest child's so far
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return elapsed, usage.ru_maxrss / 1024, process.returncode, out.read()


def ctmonitor() -> list[str]:
    installed = Path(sys.executable).with_name("ctmonitor")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "app"]


def main() -> int:
    path = workbook()
    reads = [timed([sys.executable, "-c", READ, str(path)])[0] for _ in range(2)]
    folder = Path(tempfile.mkdtemp(prefix="ctm-bench-import-"))
    env = dict(os.environ, CTMONITOR_DATA_DIR=str(folder))
    env.pop("CTMONITOR_DATABASE_URL", None)
    try:
        subprocess.run([*ctmonitor(), "init"], env=env, check=True, capture_output=True)
        elapsed, peak, status, printed = timed([*ctmonitor(), "import", str(path), "--programme", "KEC"], env)
        with sqlite3.connect(folder / "ctmonitor.sqlite") as db:
            stored = db.execute("SELECT count(*) FROM training").fetchone()[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # The read before and after the import, so that both figures see the machine in the same state.
    reads.append(timed([sys.executable, "-c", READ, str(path)])[0])
    read = statistics.median(reads)
    if status != 0:
        print(printed[-2000:])
    ratio = elapsed / read
    ok = line(f"a) ctmonitor import {ROWS:,} trainings (stored {stored:,})",
              f"{elapsed:.2f} s vs calamine read {read:.2f} s = {ratio:.2f}× (goal ≤ 2×, bound ≤ 3×); "
              f"peak {peak:,.0f} MiB (≤ 1024)", status == 0 and stored == ROWS and ratio <= 3 and peak <= 1024)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
