"""The Activities page's download: the rows as the grid shows them, as CSV no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io

from dashboard._records import COLUMNS, HEADERS
from exports._csv import defused
from indicators.i18n import _

# The count columns: numbers in the CSV (unquoted), and numeric columns in the grid.
NUMERIC = frozenset(("female", "male", "total", "row"))


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV that no spreadsheet runs as formulas, whichever separator it splits on: every text is
    quoted, and an apostrophe goes before a =, +, -, @ that starts it or follows a comma, semicolon, tab or line
    break, so that any cell a reader cuts out of it starts with the apostrophe (``Training;=1+1;x`` is written
    ``"Training;'=1+1;x"``, ``-2 days`` ``"'-2 days"``). Counts stay numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([_(HEADERS[k]) for k in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row.get(k), k in NUMERIC) for k in COLUMNS])
    return out.getvalue()


def _cell(value, numeric: bool = False):
    """A CSV cell: a number as a number (in a count column), anything else as text defused."""
    if value is None:
        return ""
    if numeric and value.__class__ in (int, float):
        return value
    return defused(str(value))


def csv_filename(filters: dict) -> str:
    parts = ["activities"] + [
        str(filters[k]) for k in ("programme", "kind", "quarter", "district") if filters.get(k)
    ]
    parts += ["voided"] if filters.get("voided") else []
    return "_".join(parts).replace(" ", "-") + ".csv"
