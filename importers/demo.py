"""A deterministic demo data set (``random.Random(42)``) over the programmes' whole periods.

Figures are drawn around the shipped logframe targets (DOMAIN §6), so some quarters run ahead and some
behind: KEC and PVR trainings and awareness events, Technical Committee meetings about quarterly, the NAR
study from inception to publication in FY2019, the counter-trafficking law (Law N° 51/2018, adopted on 13
August 2018), the National Action Plan and the SOPs (PVR's adopted in FY2019), GIFT's activities in
2011Q4–2013Q1, and some 85 PVR cases whose nationalities, sex and destinations follow DOMAIN §7.

The rows are built as typed batches and stored through ``importers.pipeline.store_batches``, the same
checks and storing code an uploaded workbook goes through, under an upload named "demo data".
"""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from importers import kinds
from importers.batch_checks import programmes_context
from importers.demo_data import build
from importers.pipeline import store_batches
from importers.report import ImportReport
from importers.table import Batch, column_letters
from indicators.records import has_records
from indicators.settings import Settings

FILENAME = "demo data"
UPLOADER = "demo"


def has_activity(session: Session) -> bool:
    """Whether any activity record of any kind is stored."""
    return has_records(session)


def load(session: Session, settings: Settings) -> ImportReport:
    """Build the demo set and store it like an upload; loading it again changes nothing (references)."""
    ctx = programmes_context(session, None, settings=settings)
    records = build(ctx.programmes)
    batches = [
        batch_from_records(kinds.BY_KIND[kind], rows, sheet=kinds.BY_KIND[kind].title)
        for kind, rows in records.items()
        if rows
    ]
    digest = hashlib.sha256(repr(sorted((k, sorted(map(repr, v))) for k, v in records.items())).encode())
    report = ImportReport(
        ok=False,
        outcome="refused",
        filename=FILENAME,
        sha256=digest.hexdigest(),
        size=sum(len(v) for v in records.values()),
    )
    return store_batches(
        session, report, ctx, batches, settings=settings, uploaded_by=UPLOADER, sensitive=True
    )


def batch_from_records(layout: kinds.Layout, records: list[dict], sheet: str) -> Batch:
    """A batch of typed rows, as if read from a sheet with the layout's columns in order from column A."""
    columns = {c.field: [r.get(c.field, c.default) for r in records] for c in layout.data_columns}
    letters = {c.field: column_letters(i) for i, c in enumerate(layout.data_columns)}
    return Batch(layout, sheet, list(range(2, len(records) + 2)), columns, letters)
