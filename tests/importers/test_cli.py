"""The command line: ``ctmonitor import`` (exit 0 stored or nothing new, 1 refused, 2 usage), ``ctmonitor
template`` and ``ctmonitor demo``, run as the installed command runs them, on a store of their own."""

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.importers.conftest import DATA

REPO = Path(__file__).resolve().parents[2]


def ctmonitor(
    folder: Path, *args: str, memory: int | None = None, **environ: str
) -> subprocess.CompletedProcess:
    """The command in a process of its own; ``memory``: its address space limited to that many MB, as an
    administrator's ``ulimit -v`` would."""
    env = dict(os.environ, CTMONITOR_DATA_DIR=str(folder), **environ)
    env.pop("CTMONITOR_DATABASE_URL", None)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory * 2**20, memory * 2**20))

    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(REPO),
        timeout=300,
        check=False,
        preexec_fn=limit if memory else None,
    )


def query(folder: Path, sql: str):
    with sqlite3.connect(folder / "ctmonitor.sqlite") as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    result = ctmonitor(folder, "init")
    assert result.returncode == 0, result.stderr
    return folder


def test_import_stores_then_finds_nothing_new(store_dir):
    first = ctmonitor(store_dir, "import", str(DATA / "activities_messy.xlsx"), "--user", "claudine")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "activities_messy.xlsx: stored" in first.stdout
    assert "trainings: 4 new, 0 updated, 0 unchanged, 0 skipped" in first.stdout
    assert "Q3 FY2019 trainings!A12: found 'Total'" in first.stdout
    again = ctmonitor(store_dir, "import", str(DATA / "activities_messy.xlsx"))
    assert again.returncode == 0 and "nothing new" in again.stdout
    rows = query(store_dir, "select uploaded_by, outcome from upload order by id")[:2]
    assert rows[0] == ("claudine", "stored") and rows[1][1] == "unchanged"


def test_a_refused_file_exits_1_and_each_file_is_its_own_transaction(store_dir):
    before = query(store_dir, "select count(*) from meeting")[0][0]
    result = ctmonitor(
        store_dir, "import", str(DATA / "errors.xlsx"), str(DATA / "meetings.xls"), "--programme", "kec"
    )
    assert result.returncode == 1
    assert "errors.xlsx: refused, nothing stored" in result.stdout
    assert "Trainings!H3: found 'abc'; expected a whole number ≥ 0" in result.stdout
    assert "meetings.xls: stored" in result.stdout
    assert query(store_dir, "select count(*) from meeting")[0][0] == before + 2
    assert "Traceback" not in result.stdout + result.stderr


def test_dry_run_stores_nothing(store_dir):
    uploads = query(store_dir, "select count(*) from upload")[0][0]
    result = ctmonitor(store_dir, "import", "--dry-run", str(DATA / "trainings_bom.csv"))
    assert result.returncode == 0 and "dry run, nothing stored" in result.stdout
    assert "trainings: 3 new" in result.stdout
    assert query(store_dir, "select count(*) from upload")[0][0] == uploads


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "missing.xlsx"], "no such file: missing.xlsx"),
        (["import", str(DATA / "trainings_bom.csv"), "--programme", "ZZZ"], "unknown project code 'ZZZ'"),
    ],
)
def test_usage_errors_exit_2_before_anything_is_imported(store_dir, args, message):
    uploads = query(store_dir, "select count(*) from upload")[0][0]
    result = ctmonitor(store_dir, *args)
    assert result.returncode == 2 and message in result.stderr
    assert query(store_dir, "select count(*) from upload")[0][0] == uploads


def test_a_missing_file_among_good_ones_imports_none(store_dir):
    uploads = query(store_dir, "select count(*) from upload")[0][0]
    result = ctmonitor(store_dir, "import", str(DATA / "results.xlsx"), "nowhere.csv")
    assert result.returncode == 2
    assert query(store_dir, "select count(*) from upload")[0][0] == uploads


def test_import_without_files_is_a_usage_error(store_dir):
    assert ctmonitor(store_dir, "import").returncode == 2


def test_import_into_a_store_not_initialised(tmp_path):
    result = ctmonitor(tmp_path, "import", str(DATA / "trainings_bom.csv"))
    assert result.returncode == 2 and "ctmonitor init" in result.stderr


def test_a_hostile_file_is_one_line(store_dir, tmp_path):
    bad = tmp_path / "bomb.xlsx"
    from tests.importers.hostile import bomb

    bad.write_bytes(bomb())
    result = ctmonitor(store_dir, "import", str(bad))
    assert result.returncode == 1
    upload = query(store_dir, "select max(id) from upload")[0][0]
    assert result.stdout.splitlines() == [
        f"bomb.xlsx: refused, nothing stored (upload #{upload})",
        "  1 error:",
        (
            "    the workbook would inflate to 1,023.6 MB, over the limit of 512.0 MB (a decompression bomb or an "
            "oversized workbook)"
        ),
    ]


CELLS = "more than the 4,000,000 cells ctmonitor reads at once; split it into smaller workbooks"
LAST_WORDS = (
    "Traceback",
    "panicked",
    "backtrace",
    "memory allocation",
    "Fatal Python error",
    "RUST_BACKTRACE",
)


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("corners.xlsx", "corners_undeclared", f"sheet Sheet spans 1,048,576 rows × 16,384 columns, {CELLS}"),
        ("quoted.xlsx", "corners", f"sheet Sheet spans 1,048,576 rows × 16,384 columns, {CELLS}"),
        ("far.xlsx", "rows_jumping_far", f"sheet Sheet spans 950,000 rows × 5 columns, {CELLS}"),
    ],
)
def test_a_file_that_takes_the_reader_down_is_refused_once_with_its_reason(
    store_dir, tmp_path, name, make, reason
):
    """Each file is checked while calamine reads it in a child; cells in A1 and XFD1048576 may make calamine
    abort that child first. The file is then read again, check first: one refusal, its reason, and none of
    the reader's last words."""
    from tests.importers import hostile, hostile_xml

    bad = tmp_path / name
    bad.write_bytes(getattr(hostile_xml if hasattr(hostile_xml, make) else hostile, make)())
    before = query(store_dir, "select count(*) from upload")[0][0]
    result = ctmonitor(store_dir, "import", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == ["  1 error:", f"    {reason}"]
    assert not any(words in result.stderr for words in LAST_WORDS), result.stderr
    assert query(store_dir, f"select filename, outcome from upload where id > {before}") == [
        (name, "refused")
    ]
    assert (
        query(
            store_dir,
            f"select count(*) from audit_event where action = 'upload-refused' and target = '{name}'",
        )[0][0]
        == 1
    )


def test_bombs_under_a_memory_limit_are_refused_and_the_next_file_is_imported(store_dir, tmp_path):
    """The whole command limited to 1.5 GB: a shared string used by 120,000 cells (3.8 GB once calamine has
    copied it into each) and cells in A1 and XFD1048576 written with single quotes are refused, each with
    its reason, and the good file after them is stored."""
    from tests.importers import hostile_xml

    files = {
        "strings.xlsx": hostile_xml.shared_string_bomb(),
        "quoted.xlsx": hostile_xml.corners("'", spaces=True),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    good = tmp_path / "after.csv"
    good.write_text(
        "Reference,Date,Body,Participants\nMEM-1,05/03/2019,Technical Committee,14\n"
        "MEM-2,04/06/2019,Technical Committee,12\n"
    )
    before = query(store_dir, "select count(*) from meeting")[0][0]
    result = ctmonitor(
        store_dir,
        "import",
        *(str(tmp_path / name) for name in files),
        str(good),
        "--programme",
        "KEC",
        "--user",
        "olivier",
        memory=1536,
        CTMONITOR_READ_MEMORY_MB="256",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "strings.xlsx: refused, nothing stored" in result.stdout
    assert (
        "    the workbook's cells hold more than 64 MB of text (a text repeated in many cells counts for each "
        "of them)" in result.stdout
    )
    assert "quoted.xlsx: refused, nothing stored (upload #" in result.stdout
    assert f"    sheet Sheet spans 1,048,576 rows × 16,384 columns, {CELLS}" in result.stdout
    assert "after.csv: stored" in result.stdout and "meetings: 2 new" in result.stdout
    assert query(store_dir, "select count(*) from meeting")[0][0] == before + 2
    assert not any(words in result.stderr for words in LAST_WORDS), result.stderr


def test_a_read_past_the_memory_or_time_limit_is_one_sentence_and_the_next_file_is_imported(
    store_dir, tmp_path
):
    """A file that passes every check but needs more than ``CTMONITOR_READ_MEMORY_MB`` (or
    ``CTMONITOR_READ_TIMEOUT_S``) to read: one sentence naming the file and the limit, then the next file."""
    from tests.importers import hostile

    big = tmp_path / "big.xlsx"
    big.write_bytes(
        hostile.dimension_bomb(100_000, dimension=False)
    )  # 2.6 million numbers: about 190 MB to read
    uploads = query(store_dir, "select count(*) from upload")[0][0]
    short = ctmonitor(
        store_dir,
        "import",
        str(big),
        str(DATA / "trainings_bom.csv"),
        "--dry-run",
        CTMONITOR_READ_MEMORY_MB="60",
    )
    assert short.returncode == 1, short.stdout + short.stderr
    assert short.stdout.splitlines()[:3] == [
        "big.xlsx: refused, nothing stored",
        "  1 error:",
        (
            "    big.xlsx needs more memory to read than ctmonitor allows (60 MB); split it into smaller workbooks and "
            "upload them one by one"
        ),
    ]
    assert "trainings_bom.csv: dry run, nothing stored" in short.stdout and "trainings: 3 new" in short.stdout
    assert not any(words in short.stderr for words in LAST_WORDS), short.stderr
    slow = ctmonitor(
        store_dir,
        "import",
        str(big),
        str(DATA / "trainings_bom.csv"),
        "--dry-run",
        CTMONITOR_READ_TIMEOUT_S="0.3",
    )
    assert (
        "    big.xlsx took longer than 0.3 s to read; split it into smaller workbooks and upload them one by one"
        in slow.stdout.splitlines()
    )
    assert "trainings_bom.csv: dry run, nothing stored" in slow.stdout
    assert query(store_dir, "select count(*) from upload")[0][0] == uploads


def test_template_command(store_dir, tmp_path):
    target = tmp_path / "out" / "awareness.xlsx"
    result = ctmonitor(store_dir, "template", "awareness", "-o", str(target))
    assert result.returncode == 0 and "Wrote" in result.stdout
    book = load_workbook(target)
    assert book.sheetnames == ["Awareness", "Instructions", "Lists"]
    lists = book["Lists"]
    assert [lists.cell(row=r, column=1).value for r in range(1, 5)] == ["Project", "GIFT", "KEC", "PVR"]
    assert ctmonitor(store_dir, "template", "budgets", "-o", str(target)).returncode == 2


def test_demo_if_empty_does_nothing_on_a_store_with_activities(store_dir):
    result = ctmonitor(store_dir, "demo", "--if-empty")
    assert result.returncode == 0 and "not loaded" in result.stdout
    assert query(store_dir, "select count(*) from upload where uploaded_by = 'demo'") == [(0,)]


def test_demo_loads_once(tmp_path):
    assert ctmonitor(tmp_path, "init").returncode == 0
    first = ctmonitor(tmp_path, "demo", "--if-empty")
    assert first.returncode == 0 and "demo data: stored" in first.stdout, first.stdout + first.stderr
    second = ctmonitor(tmp_path, "demo", "--if-empty")
    assert second.returncode == 0 and "not loaded" in second.stdout
    assert query(tmp_path, "select filename, uploaded_by, outcome from upload") == [
        ("demo data", "demo", "stored")
    ]
