"""A raw sheet and its header to a typed ``Batch``: rows filtered, every cell converted, every problem kept.

Skipped without a word: blank rows, rows holding only a row number (HTCDS numbers column A 1…1000), and
the label row under a header. Skipped with a warning: a trailing Total row (and the notes under it).
Left out with a count: a KoboToolbox/ODK submission an edit later in the same export replaces.
Converted column by column with one cache per column, since districts, groups and dates repeat.
Identifier columns are never read; in case sheets no value is repeated in a problem unless it was read as one
of a closed list (a header's or a cell's text that is not one is never shown).
"""

from __future__ import annotations

from operator import itemgetter

from importers import submissions
from importers.matching import key
from importers.preview import understood_values
from importers.report import HIDDEN
from importers.sheets import Header, RawSheet
from importers.table import Bad, Batch, column_letters
from importers.values import Invalid, Text

TOTAL_WORDS = frozenset(
    key(w) for w in ("total", "totals", "grand total", "sub-total", "subtotal", "sum", "TOTAL:")
)
TOTAL_PREFIXES = ("total", "grandtotal", "subtotal")
TRAILING_ROWS_CHECKED = 5


def to_batch(sheet: RawSheet, header: Header) -> Batch:
    layout = header.layout
    start = header.row + 1 + header.skip_rows
    data = sheet.rows[start:]
    first_row_number = sheet.top + start + 1
    batch = Batch(layout, sheet.name, [], {}, dict(header.letters), header_row=sheet.top + header.row + 1)
    _header_warnings(batch, sheet, header)
    mapped = set(header.columns.values())
    kept, numbers = _data_rows(batch, data, first_row_number, mapped, sheet, sheet.rows[header.row])
    if header.submission:
        kept, numbers = _submissions(batch, header, sheet, kept, numbers)
    batch.rows = numbers
    for column in layout.data_columns:
        position = header.columns.get(column.field)
        if position is None:
            batch.columns[column.field] = (
                [column.default] * len(kept) if not isinstance(column.default, list) else [[] for _ in kept]
            )
            if column.needs_column and column.field != "project":
                batch.sheet_error(
                    str(batch.header_row), "", f"a column headed {_headers(column)} in the header row"
                )
            continue
        batch.columns[column.field] = _convert(batch, column, list(map(itemgetter(position), kept)))
    return batch


def _submissions(batch: Batch, header: Header, sheet: RawSheet, kept: list, numbers: list[int]):
    """Each row's KoboToolbox/ODK submission (``importers.submissions``); rows an edit replaces left out."""
    ids, replaced = submissions.identify(header.submission, kept)
    if replaced:
        kept = [row for offset, row in enumerate(kept) if offset not in replaced]
        numbers = [n for offset, n in enumerate(numbers) if offset not in replaced]
        ids = [found for offset, found in enumerate(ids) if offset not in replaced]
        batch.replaced = len(replaced)
    batch.columns[submissions.SUBMISSION] = ids
    named = next(
        header.submission[r] for r in (*submissions.PREFERRED, "deprecated") if r in header.submission
    )
    batch.letters[submissions.SUBMISSION] = column_letters(sheet.left + named)
    return kept, numbers


def _headers(column) -> str:
    synonyms = [s for s in column.synonyms if len(s) > 2][:3]
    return f"'{column.label}'" + (f" (or {', '.join(repr(s) for s in synonyms)})" if synonyms else "")


def _header_warnings(batch: Batch, sheet: RawSheet, header: Header) -> None:
    row_number = batch.header_row
    for position, text in header.unknown:
        batch.warn(
            f"{column_letters(sheet.left + position)}{row_number}",
            HIDDEN if header.layout.sensitive else text,  # a case sheet's header cell may be written over
            f"a column of the {header.layout.title} sheet; this column is ignored",
        )
    for position, text, column in header.duplicates:
        batch.sheet_error(
            f"{column_letters(sheet.left + position)}{row_number}",
            text,
            f"one column for {column.label} (it is already in column {header.letters[column.field]})",
        )


def _blank(value) -> bool:
    return value == "" or value is None or (value.__class__ is str and not value.strip())


def _data_rows(
    batch: Batch, data: list[list], first: int, mapped: set[int], sheet: RawSheet, header_cells: list
):
    """The rows worth reading and their sheet row numbers; blank, number-only and Total rows left out."""
    width = max((len(row) for row in data), default=0)
    # Only rows at least half empty can be blank or hold just a row number: look closer at those alone.
    sparse = [offset for offset, row in enumerate(data) if row.count("") * 2 >= width]
    skipped = set()
    for offset in sparse:
        filled = [(i, v) for i, v in enumerate(data[offset]) if not _blank(v)]
        if not filled or (len(filled) == 1 and filled[0][0] not in mapped and _is_row_number(filled[0][1])):
            skipped.add(offset)
    if skipped:
        kept = [row for offset, row in enumerate(data) if offset not in skipped]
        numbers = [first + offset for offset in range(len(data)) if offset not in skipped]
    else:
        kept, numbers = list(data), list(range(first, first + len(data)))
    # A Total row among the last rows ends the data; short notes under it go with it.
    for back in range(min(TRAILING_ROWS_CHECKED, len(kept))):
        index = len(kept) - 1 - back
        row = kept[index]
        position = _total_label(row)
        if position is not None:
            label = row[position]
            batch.warn(
                f"{column_letters(sheet.left + position)}{numbers[index]}",
                HIDDEN if batch.layout.sensitive else label.strip(),
                "activity rows only; this Total row is skipped",
            )
            after = kept[index + 1 :]
            if all(sum(1 for v in r if not _blank(v)) <= 2 for r in after):
                del kept[index:], numbers[index:]
            else:
                del kept[index], numbers[index]
            break
    # Blank-header columns that hold data other than a row numbering.
    for position in range(width):
        if position in mapped or (position < len(header_cells) and not _blank(header_cells[position])):
            continue
        values = [row[position] for row in kept if position < len(row) and not _blank(row[position])]
        if values and not all(_is_row_number(v) for v in values):
            batch.warn(
                column_letters(sheet.left + position), "", "a header above values; this column is ignored"
            )
    return kept, numbers


def _total_label(row: list) -> int | None:
    """Where a row says it is a total: a cell reading Total (Totals, Grand total, Sum), or a first cell
    starting so (Total participants, TOTAL FY2019)."""
    first = next((i for i, cell in enumerate(row) if not _blank(cell)), None)
    if first is not None and row[first].__class__ is str and key(row[first]).startswith(TOTAL_PREFIXES):
        return first
    return next((i for i, cell in enumerate(row) if cell.__class__ is str and key(cell) in TOTAL_WORDS), None)


def _is_row_number(value) -> bool:
    if value.__class__ in (int, float):
        return float(value).is_integer() and value > 0
    return value.__class__ is str and value.strip().rstrip(".").isdigit()


def _convert(batch: Batch, column, raw) -> list:
    """Typed values of one column; a problem for every cell that is not what the column expects.

    Each distinct cell value is converted once, then the column is mapped through that table: sheets repeat
    their districts, groups, dates and counts thousands of times.
    """
    parse = column.type.parse
    missing = Bad(f"{column.type.expected} (required)") if column.required else None
    default = column.default if missing is None else missing
    if column.type.__class__ is Text and set(map(type, raw)) == {str} and len(set(raw)) * 4 > len(raw):
        # Free text unique per row (references, topics): stripped in C, looked at closer only when some
        # cell is blank, too long or holds a NUL.
        limit = column.type.max_length
        out: list = list(map(str.strip, raw))  # then a Bad or a default where a cell is not plain text
        if out and (min(map(len, out)) == 0 or max(map(len, out)) > limit or "\x00" in "".join(out)):
            for index, value in enumerate(out):
                if not value or len(value) > limit or "\x00" in value:
                    out[index] = default if _blank(raw[index]) else _parse(parse, raw[index])
        table = {id(v): v for v in out if v.__class__ is Bad}
    else:
        out, table = _convert_distinct(parse, default, raw)
        if not batch.layout.identifying(column.field):
            batch.understood[column.field] = understood_values(table, column.type, batch.layout.sensitive)
    if any(result.__class__ is Bad for result in table.values()):
        letter = batch.letters[column.field]
        for index, result in enumerate(out):
            if result.__class__ is Bad:
                value = raw[index]
                # a case sheet's cell that is not what its column expects may hold anything: never shown
                if _blank(value):
                    shown = ""
                else:
                    shown = HIDDEN if batch.layout.sensitive else batch.shown(value, column.field)
                batch.sheet_error(f"{letter}{batch.rows[index]}", shown, result.expected)
    return out


def _convert_distinct(parse, default, raw) -> tuple[list, dict]:
    distinct = set(raw)
    if any(value.__class__ is bool for value in distinct):
        # True == 1 == 1.0 as dictionary keys: keep booleans apart from numbers.
        keyed = [(value.__class__ is bool, value) for value in raw]
        table = {k: (default if _blank(k[1]) else _parse(parse, k[1])) for k in set(keyed)}
        return list(map(table.__getitem__, keyed)), table
    table = {value: (default if _blank(value) else _parse(parse, value)) for value in distinct}
    return list(map(table.__getitem__, raw)), table


def _parse(parse, value):
    try:
        return parse(value)
    except Invalid as exc:
        return Bad(exc.expected)
