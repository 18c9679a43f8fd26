"""What a statement reads, counted as the SQLite virtual machine's instructions (every row a statement reads
costs several of them), and a KEC quarter grown by bulk-written trainings: how the tests show that a figure,
a page or an export does not read records it need not."""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import insert, select

from indicators.figures import aggregates
from indicators.store.models import Programme, Training


def instructions(db, work: Callable[[], Any]) -> tuple[int, Any]:
    """SQLite instructions run by ``work()``, and what it returned."""
    connection = db.connection().connection.driver_connection
    assert db.connection().dialect.name == "sqlite"  # the count is SQLite's own
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0  # go on

    connection.set_progress_handler(step, 1)
    try:
        done = work()
    finally:
        connection.set_progress_handler(None, 1)
    return count[0], done


def add_trainings(db, upload_id: int, quarter: str, day: date, n: int, first: int) -> None:
    """``n`` KEC trainings of ``quarter`` written as the importer writes them (bulk), sums and tallies
    refreshed."""
    kec = db.scalar(select(Programme).where(Programme.code == "KEC"))
    rows = [
        {
            "programme_id": kec.id,
            "quarter": quarter,
            "reference": f"TR-{first + number:06d}",
            "upload_id": upload_id,
            "source_sheet": "Trainings",
            "source_row": first + number,
            "row_hash": f"bulk-{quarter}-{first + number:06d}",
            "start_date": day,
            "district": ("Gasabo", "Rubavu", "Nyagatare")[number % 3],
            "target_group": "Law enforcement",
            "topic": "Identifying victims",
            "female": 4 + number % 5,
            "male": 6,
        }
        for number in range(n)
    ]
    db.execute(insert(Training), rows)
    aggregates.refresh(db, kec.id, "trainings", [quarter])
