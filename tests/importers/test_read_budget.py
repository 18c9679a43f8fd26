"""The largest files the checks let through are read within the default memory limit, and the process that
receives their rows (a web worker) grows by no more than its budget: the reading child hands the rows back
a few thousand at a time, so the worker holds the rows and one message, never the workbook pickled whole.

The largest legal files are the most expensive ones the bounds allow: about 3 million values, all short
texts each of its own (a text's Python object and its copy in calamine cost more than its characters), in a
sheet spanning about 4 million cells; and a CSV file of as many values within the upload limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importers import safety
from indicators.store.settings import Settings
from tests.importers import hostile_xml

REPO = Path(__file__).resolve().parents[2]
BUDGET_MB = 300  # README, "Size": what a worker may grow by while it receives the largest file's rows
DEFAULT_MEMORY_MB = Settings.for_tests(Path(".")).read_memory_limit // 2**20

READ = """
import json, os, sys, threading, time
from pathlib import Path
from importers import isolation
from indicators.store.settings import Settings

def status(key):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) // 1024 for line in lines if line.startswith(key))

if __name__ == "__main__":
    path = Path(sys.argv[1])
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()  # a worker's threads: a fork server
    settings = Settings.for_tests(path.parent)
    data = path.read_bytes()
    before = status("VmRSS")
    fmt, raw = isolation.read(data, path.name, settings, isolated=True)
    print(json.dumps({"rows": sum(len(s.rows) for s in raw), "grew": status("VmHWM") - before,
                      "values": sum(len(r) - r.count("") - r.count(None) for s in raw for r in s.rows)}))
"""


def largest_workbook() -> bytes:
    """3 million short texts of their own, written in the cells, in a sheet spanning 28 columns: the most
    costly workbook under every bound (measured: about 430 MB for the reading child)."""
    return hostile_xml.numbers(142_000, 21, strings=20, length=21, inline=True, far=28)


def largest_csv() -> bytes:
    """A CSV file of 3 million distinct short values and a million empty ones, within the upload limit."""
    lines = ["Reference,Project,Topic,Female,Male,District,Target group,Partner,Notes"]
    lines += [
        ",".join([f"{(row * 9 + column) % 99_991:x}" for column in range(7)] + ["", ""])
        for row in range(428_000)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("name, build", [("largest.xlsx", largest_workbook), ("largest.csv", largest_csv)])
def test_the_largest_legal_file_reads_within_the_default_limit_and_the_worker_budget(tmp_path, name, build):
    data = build()
    assert len(data) < Settings.for_tests(tmp_path).upload_limit
    fmt = safety.check(data, name, upload_limit=20 * 2**20, inflate_limit=512 * 2**20)  # legal
    path = tmp_path / name
    path.write_bytes(data)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", READ, str(path)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    read = json.loads(result.stdout)
    assert read["values"] > 0.95 * safety.MAX_VALUES  # as large as the bounds allow
    assert read["rows"] >= 142_000 and fmt.kind in ("xlsx", "csv")
    assert read["grew"] <= BUDGET_MB, read  # with the default limit of DEFAULT_MEMORY_MB for the child
    assert DEFAULT_MEMORY_MB <= 512


def test_one_value_more_is_refused():
    """The largest workbook above is at the bound: a thousand more rows of it are refused, before being read."""
    with pytest.raises(safety.Refused, match=f"more than {safety.MAX_VALUES:,} cells with a value"):
        safety.check(
            hostile_xml.numbers(143_000, 21, strings=20, length=21, inline=True),
            "more.xlsx",
            upload_limit=20 * 2**20,
            inflate_limit=512 * 2**20,
        )
