"""Writing what an import planned (``importers.storing.plan``), inside the import's transaction: the upload,
then the rows inserted and updated in bulk with it as their provenance, then the stored per-quarter sums of
every quarter the rows entered or left, refreshed in that same transaction.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from importers import alike
from importers.storing import KindPlan
from indicators.figures import aggregates, tallies
from indicators.store.models import RecordCorrection, Upload, utcnow


def write(session: Session, plans: dict[str, KindPlan], upload: Upload, progress=None) -> None:
    """Add the upload, then insert and update every planned row in bulk, with the upload as provenance."""
    session.add(upload)
    session.flush()
    now = utcnow()
    total = sum(p.insert_count + len(p.updates) for p in plans.values()) or 1
    done = 0
    with _large_page_cache(session, total):
        for kind_plan in plans.values():
            table = kind_plan.layout.spec.table
            written = []  # the inserted rows' values, column by column, one dict per part
            for part, positions in kind_plan.inserts:
                if not positions:
                    continue
                every = len(positions) == len(part.indices)
                written.append(part.columns if every else _taken(part.columns, positions))
                _insert(session, table, written[-1], part.batch.sheet, upload.id, now)
                done += len(positions)
                if progress:
                    progress(0.7 + 0.28 * done / total, f"storing {kind_plan.kind}")
            alike.store_pairs(session, kind_plan, upload.id)
            if kind_plan.updates:
                for record in kind_plan.updates:
                    record.update(upload_id=upload.id, updated_at=now)
                session.execute(update(kind_plan.layout.model), kind_plan.updates)
                done += len(kind_plan.updates)
            _refresh_sums(session, kind_plan, upload.id, written)
            if kind_plan.superseded:  # the file's values were chosen over these browser corrections
                session.execute(
                    update(RecordCorrection)
                    .where(RecordCorrection.id.in_(kind_plan.superseded))
                    .values(
                        superseded_at=now, superseded_by=upload.uploaded_by, superseded_upload_id=upload.id
                    )
                )


@contextmanager
def _large_page_cache(session: Session, rows: int):
    """SQLite's page cache (2 MB by default) is too small for the indexes of a large insert, whose random row
    hashes then miss it at almost every row: 64 MB for this connection while the rows are written."""
    connection = session.connection()
    if rows < 20_000 or connection.dialect.name != "sqlite":
        yield
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql("PRAGMA cache_size=-65536")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={previous}")


def _refresh_sums(session: Session, kind_plan: KindPlan, upload_id: int, written: list[dict]) -> None:
    """Keep the store's per-quarter indicator sums and tallies exact for the quarters these writes touched.
    Rows only inserted are tallied from the values written (no record stored before changed, so their
    tallies stand); with updates, the touched quarters are tallied again from the records."""
    inserted_only = not kind_plan.updates
    if inserted_only:
        tallies.add_inserted(session, kind_plan.kind, written, upload_id)
    for programme_id, quarters in kind_plan.touched.items():
        if quarters:
            aggregates.refresh(session, programme_id, kind_plan.kind, quarters, tallied=inserted_only)


def _taken(columns: dict[str, list], positions: list[int]) -> dict[str, list]:
    return {name: [values[j] for j in positions] for name, values in columns.items()}


def _insert(
    session: Session, table, written: dict[str, list], sheet: str, upload_id: int, now: datetime
) -> None:
    """Bulk insert of rows given column by column (``written``, from the sheet ``sheet``). The values go
    through the column types' own bind processors, then straight to the driver: SQLite's executemany (the
    ORM's per-row parameter handling costs more than SQLite's own insert), PostgreSQL's COPY (100,000
    trainings: 3.8 s with a multi-row INSERT, 1.9 s with COPY); any other database gets a Core ``insert``
    with a list of parameter sets."""
    count = len(written["programme_id"])
    constants = {"upload_id": upload_id, "source_sheet": sheet, "created_at": now, "updated_at": now}
    names, columns = [], []
    for column in table.columns:
        if column.primary_key:
            continue
        if column.name in constants:
            values = [constants[column.name]] * count
        elif column.name in written:
            values = written[column.name]
        else:
            continue
        names.append(column.name)
        columns.append((column, values))
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name not in ("sqlite", "postgresql"):
        session.execute(insert(table), [dict(zip(names, row)) for row in zip(*(v for _, v in columns))])
        return
    processed = []
    for column, values in columns:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            if column.name in constants:
                values = [processor(constants[column.name])] * len(values)
            elif values and values[0].__class__ in (date, datetime, str, int, float):
                once = {v: (None if v is None else processor(v)) for v in set(values)}  # dates repeat
                values = list(map(once.__getitem__, values))
            else:
                values = [None if v is None else processor(v) for v in values]
        processed.append(values)
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        if driver is None:  # only a connection invalidated by a failure has none, and this one is in use
            raise RuntimeError("the store's connection was lost while writing an import")
        cursor = driver.cursor()  # in the session's own transaction
        with cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in zip(*processed):
                copy.write_row(row)
        return
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    for start in range(0, count, 50_000):
        rows = list(zip(*(values[start : start + 50_000] for values in processed)))
        connection.exec_driver_sql(statement, rows)
