"""What the dry run shows of each sheet: its header row, its row count, its first rows as they were understood,
and a note for every header and value read through a synonym ("Teachers → School leaders and teachers",
"08/07/2019 → 8 July 2019"), so an officer sees how ctmonitor read the workbook before storing it. Conversions
of one kind are said once: "Start date: 30 dates read as day/month/year (e.g. 08/07/2019 → 8 July 2019)",
"District: 4 spellings read as Gasabo (gasabo, GASABO, …)".

Only what identifies no one is shown: in case sheets, the identifying columns and free text are left out
(a case sheet's preview holds dates, counts and its closed lists: sex, status, nationality, ...). A preview
lives in the import report the page draws; it is never stored or logged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from importers.columns import DATA, TRANSIENT
from importers.kinds import BY_KIND
from importers.matching import key
from importers.sheets import Header, RawSheet
from importers.table import Bad, Batch, column_letters
from importers.values import _DMY, _YMD, UNPLACED, Text
from indicators.i18n import N_, SOURCE, _, format_day, format_decimal, speaking

PREVIEW_ROWS = 20
MAPPINGS_SHOWN = 40
GROUPED = 3  # conversions of one kind said in one line from this many on
DATE_FORMATS = {
    "day/month/year": N_("day/month/year"),
    "year-month-day": N_("year-month-day"),
    "words": N_("words"),
}


@dataclass
class SheetPreview:
    header_row: int
    rows: int
    columns: list[str]  # the columns shown, by their own names
    first_rows: list[list[str]]  # the first rows, as understood
    row_numbers: list[int]  # each shown row's number in the sheet
    headers: list[str] = field(default_factory=list)  # "'Participants type' (C3) → Target group"
    values: list[str] = field(default_factory=list)  # "Teachers → School leaders and teachers"
    more_values: int = 0  # further value notes not listed


def shown_value(value) -> str:
    """A typed value in words, as the preview shows it: dates in full (8 July 2019), lists joined."""
    if value is None:
        return ""
    if value.__class__ is Bad:
        return _("✗ not understood")
    if isinstance(value, str) and value == UNPLACED:
        return _("Unknown (not recognised)")
    if hasattr(value, "code") and not isinstance(value, str):  # a programme
        return value.code
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, list):
        return "; ".join(shown_value(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return format_decimal(int(value), "#,##0")
    if isinstance(value, int):
        return format_decimal(value, "#,##0")
    return str(value)


def _shown_columns(batch: Batch, header: Header) -> list:
    """The columns present in the sheet worth showing: read ones, never an identifying or free-text column
    of a case sheet."""
    layout = batch.layout
    out = []
    for column in layout.data_columns:
        if column.field not in header.columns or column.role not in (DATA, TRANSIENT):
            continue
        if layout.sensitive and (layout.identifying(column.field) or column.type.__class__ is Text):
            continue
        out.append(column)
    return out


def _names(layout) -> dict[str, str]:
    """Column names as the officer knows them: a variant layout (HTCDS, headed with field names such as
    ``prs_Gender``) is shown with its kind's own names (Sex)."""
    if not layout.variant:
        return {}
    own = BY_KIND.get(layout.kind)
    return {c.field: c.label for c in own.columns} if own is not None else {}


def sheet_preview(raw: RawSheet, header: Header, batch: Batch) -> SheetPreview:
    columns = _shown_columns(batch, header)
    names = _names(batch.layout)

    def label(column) -> str:
        return names.get(column.field, column.label)

    header_cells = raw.rows[header.row]
    headers = []
    for column in columns:
        position = header.columns[column.field]
        text = str(header_cells[position]).strip() if position < len(header_cells) else ""
        if text and key(text) != key(label(column)):
            headers.append(
                f"'{text}' ({column_letters(raw.left + position)}{batch.header_row}) → {label(column)}"
            )
    shown_rows = min(PREVIEW_ROWS, len(batch))
    first_rows = [[shown_value(batch.columns[c.field][i]) for c in columns] for i in range(shown_rows)]
    values: list[str] = []
    more = 0
    for column in columns:
        for note in conversion_notes(label(column), batch.understood.get(column.field, ())):
            if len(values) < MAPPINGS_SHOWN:
                values.append(note)
            else:
                more += 1
    return SheetPreview(
        batch.header_row,
        len(batch),
        [label(c) for c in columns],
        first_rows,
        batch.rows[:shown_rows],
        headers,
        values,
        more,
    )


def conversion_notes(label: str, pairs) -> list[str]:
    """One note per value read through a synonym or a format, except that conversions of one kind (dates written
    day/month/year, spellings of one district) are said once with their number and an example."""
    groups: dict[tuple, list] = defaultdict(list)
    for typed, understood in pairs:
        groups[_conversion(typed, understood)].append((typed, understood))
    notes: list[str] = []
    for (how, _value), found in groups.items():
        if len(found) < GROUPED:
            notes.extend(
                _("{label}: {typed} → {understood}").format(
                    label=label, typed=typed, understood=shown_value(read)
                )
                for typed, read in found
            )
        elif how in DATE_FORMATS:
            typed, understood = found[0]
            notes.append(
                _("{label}: {count} dates read as {how} (e.g. {typed} → {understood})").format(
                    label=label,
                    count=format_decimal(len(found), "#,##0"),
                    how=_(DATE_FORMATS[how]),
                    typed=typed,
                    understood=shown_value(understood),
                )
            )
        else:
            spellings = ", ".join(typed for typed, _read in found[:3]) + (", …" if len(found) > 3 else "")
            notes.append(
                _("{label}: {count} spellings read as {value} ({spellings})").format(
                    label=label,
                    count=format_decimal(len(found), "#,##0"),
                    value=shown_value(found[0][1]),
                    spellings=spellings,
                )
            )
    return notes


def _conversion(typed: str, understood) -> tuple:
    """What kind of conversion a value went through: a date format, or the value it was read as."""
    if isinstance(understood, (date, datetime)):
        text = typed.strip()
        return (
            "day/month/year" if _DMY.match(text) else "year-month-day" if _YMD.match(text) else "words"
        ), None
    return "value", shown_value(understood)


def understood_values(table: dict, type_, sensitive: bool = False) -> list[tuple[str, object]]:
    """(text as typed, value understood) for the distinct cells of a column that were read as something other
    than what was typed: a synonym, a spelling, a date written as text. Numbers typed as text are left out;
    in a case sheet (``sensitive``), so is any text that is not wholly a value of the column's closed list
    ("Burundi, Aline Uwase" is read as Burundi, but never shown)."""
    if type_.__class__ is Text:
        return []
    out = []
    for raw, parsed in table.items():
        raw = raw[1] if isinstance(raw, tuple) else raw  # (is bool, value) keys
        if not isinstance(raw, str) or parsed is None or parsed.__class__ is Bad:
            continue
        typed = raw.strip()
        if isinstance(parsed, (int, float)) and not isinstance(parsed, bool):
            continue
        if sensitive and not type_.listed(typed):
            continue
        with speaking(SOURCE):  # whether a value was converted does not depend on the reader's language
            plain = shown_value(parsed)
        if key(typed) != key(plain):  # a date typed as text is always noted: day first
            out.append((typed, parsed))
    return sorted(out, key=lambda pair: pair[0].lower())
