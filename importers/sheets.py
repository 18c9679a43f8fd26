"""Reading a checked file into raw sheets (python-calamine, or the csv module), and finding each sheet's kind.

The header row is the row among the first ten whose cells name the most columns of one sheet kind
(case-, space-, punctuation- and accent-insensitive, with the synonyms of ``importers.kinds``). A second
header-like row right below it (the label row under HTCDS's hidden field names) is skipped. Sheets named
like instructions or lists, hidden sheets and sheets whose headers match no kind are ignored with a note.
KoboToolbox and ODK exports are read as any sheet: group paths in headers ("case/prs_Gender") are read from
their last parts, and the exports' metadata columns (``_uuid``, ``_submission_time``, ``_index``, ...) are
ignored without a warning, but for those saying which submission a row is (``importers.submissions``).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field

from importers import submissions
from importers.kinds import DATA, IDENTIFIER, IGNORED, KEYED, LAYOUTS, TRANSIENT, Column, Layout
from importers.matching import key
from importers.safety import MAX_CELLS, FileFormat, Refused
from indicators.i18n import N_

log = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 10
MIN_MATCHED = 3
# Sheets named like these hold instructions or drop-down lists, not activities.
IGNORED_SHEET_NAMES = tuple(
    key(w)
    for w in (
        "instructions",
        "instruction",
        "readme",
        "read me",
        "lists",
        "list",
        "lookups",
        "lookup",
        "validation",
        "dropdowns",
        "drop-down lists",
        "about",
        "help",
        "guidance",
        "guide",
        "codes",
        "vocabulary",
        "definitions",
    )
)


@dataclass
class RawSheet:
    name: str
    rows: list[list]  # the used area, as calamine returns it
    top: int = 0  # sheet row index (0-based) of rows[0]
    left: int = 0  # sheet column index (0-based) of rows[i][0]
    hidden: bool = False
    chart: bool = False  # a chart sheet, which holds no cells


@dataclass
class Header:
    layout: Layout
    row: int  # index into RawSheet.rows
    columns: dict[str, int]  # field -> index into the row
    letters: dict[str, str]
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (index, header text)
    identifiers: list[str] = field(default_factory=list)  # headers of direct identifiers: never read
    duplicates: list[tuple[int, str, Column]] = field(default_factory=list)
    known_unused: int = 0
    metadata: int = 0  # KoboToolbox/ODK metadata and select-multiple option columns, ignored
    names: int = 0  # name columns read only to make the pseudonym
    skip_rows: int = 0  # header-like rows below the header (HTCDS labels)
    submission: dict[str, int] = field(
        default_factory=dict
    )  # KoboToolbox/ODK ids: role -> index into the row


def read(data: bytes, fmt: FileFormat, filename: str) -> list[RawSheet]:
    if fmt.kind == "csv":
        return [_read_csv(data, filename)]
    return _read_calamine(data, fmt)


def _read_csv(data: bytes, filename: str) -> RawSheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused('the CSV file is not UTF-8 text; save it as "CSV UTF-8" and upload it again') from None
    first = _first_line(text)
    delimiter = max((",", ";", "\t"), key=first.count)
    lines = text.count("\n") + 1
    # Every row is padded to the widest: the area lines × width is what reading costs, bounded as a sheet's.
    if lines * (first.count(delimiter) + 1) > MAX_CELLS:
        raise Refused(_csv_too_large(lines, first.count(delimiter) + 1))
    rows, width = [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            width = max(width, len(row))
            rows.append(row)
            if len(rows) * width > MAX_CELLS or lines * width > MAX_CELLS:
                raise Refused(_csv_too_large(max(lines, len(rows)), width))
    except csv.Error:
        raise Refused("the CSV file cannot be read (unbalanced quotes or a damaged line)") from None
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return RawSheet(stem[:60], rows)


def _first_line(text: str) -> str:
    """The first line with content (read line by line: a file of blank lines is not split whole)."""
    for line in io.StringIO(text):
        if line.strip():
            return line
    return ""


def _csv_too_large(lines: int, width: int) -> str:
    return (
        f"the CSV file spans {lines:,} lines × {width:,} columns, more than the {MAX_CELLS:,} cells "
        "ctmonitor reads at once; split it into smaller files"
    )


def _read_calamine(data: bytes, fmt: FileFormat) -> list[RawSheet]:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                sheets.append(RawSheet(meta.name, [], hidden=hidden, chart=True))
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
            sheets.append(RawSheet(meta.name, rows, start[0], start[1], hidden))
        return sheets
    except pc.PasswordError:
        raise Refused(
            "the workbook is password-protected (encrypted); remove the password and upload it again"
        ) from None
    except Exception as exc:  # noqa: BLE001 — whatever calamine raises: one line, never a traceback
        log.info("calamine could not read a %s file: %s", fmt.extension, type(exc).__name__)
        raise Refused(
            f"the {fmt.extension} file cannot be read: it is damaged, truncated or not a spreadsheet"
        ) from None
    except BaseException as exc:  # a panic inside the Rust reader
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise Refused(
            f"the {fmt.extension} file cannot be read: it is damaged or not a spreadsheet"
        ) from None


def ignored_reason(sheet: RawSheet) -> str | None:
    """Why a sheet is passed over before its headers are read, or None."""
    name = key(sheet.name)
    if sheet.chart:
        return N_("ignored: a chart sheet")
    if any(name == word or name.startswith(word) for word in IGNORED_SHEET_NAMES):
        return N_("ignored: instructions or lists")
    if sheet.hidden:
        return N_("ignored: a hidden sheet")
    if not sheet.rows:
        return N_("ignored: empty")
    return None


# KoboToolbox and ODK exports: their metadata columns are never data. Kobo's start with "_" (``_uuid``,
# ``_submission_time``, ``_index``, ...); these others are metadata only in a sheet that is such an export.
EXPORT_MARKERS = frozenset(
    (
        "_uuid",
        "_submission_time",
        "_index",
        "_id",
        "_validation_status",
        "__version__",
        "meta/instanceID",
        "meta-instanceID",
        "formhub/uuid",
        "SubmissionDate",
    )
)
EXPORT_ONLY_METADATA = frozenset(
    (
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "simserial",
        "subscriberid",
        "phonenumber",
        "audit",
        "SubmissionDate",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    )
)
METADATA_KEYS = frozenset(
    key(h)
    for h in (
        "formhub/uuid",
        "meta/instanceID",
        "instanceID",
        "meta/deprecatedID",
        "meta/instanceName",
        "meta/rootUuid",
        "meta/audit",
        "deprecatedID",
        "instanceName",
    )
)
COLUMN, KNOWN, METADATA, UNKNOWN = "column", "known", "metadata", "unknown"


def is_export(cells) -> bool:
    """Whether a header row is a KoboToolbox or ODK export's."""
    return any(isinstance(cell, str) and cell.strip() in EXPORT_MARKERS for cell in cells)


def resolve(layout: Layout, cell, export: bool = False) -> tuple[str, Column | None]:
    """What a header cell is for a layout: (COLUMN, column), (KNOWN, None) for a recognised field not needed,
    (METADATA, None) for an export's metadata or a select-multiple option's own column, (UNKNOWN, None), or
    ("", None) for a blank cell. A group path ("case/prs_Gender", ODK's "case-prs_Gender") is read from its
    longest part that names a column."""
    if not isinstance(cell, str) or not key(cell):
        return "", None
    raw = cell.strip()
    if raw.startswith("_"):
        return METADATA, None
    if export and raw in EXPORT_ONLY_METADATA:
        return METADATA, None
    found = _lookup(layout, key(raw))
    if found is not None:
        return found
    # Form field names have no spaces ("Participants M/F" is a header, not a path); ODK's "-" only in an export.
    if any(c.isspace() for c in raw):
        return UNKNOWN, None
    separator = "/" if "/" in raw else ("-" if export and "-" in raw else None)
    if separator is None:
        return UNKNOWN, None
    parts = [p for p in raw.split(separator) if p.strip()]
    for start in range(1, len(parts)):
        found = _lookup(layout, key("".join(parts[start:])))
        if found is not None:
            return found
    # Kobo writes a select-multiple answer once more as one 0/1 column per option: "case/exploitation/begging"
    for start in range(len(parts) - 1):
        found = _lookup(layout, key("".join(parts[start:-1])))
        column = found[1] if found is not None else None  # a column only when found[0] is COLUMN
        if column is not None and column.type.__class__.__name__ == "Choices":
            return METADATA, None
    return UNKNOWN, None


def _lookup(layout: Layout, k: str) -> tuple[str, Column | None] | None:
    column = layout.column_for(k)
    if column is not None:
        return COLUMN, column
    if layout.is_known(k):
        return KNOWN, None
    if k in METADATA_KEYS:
        return METADATA, None
    return None


def find_header(sheet: RawSheet, layouts: tuple[Layout, ...] = LAYOUTS) -> Header | None:
    """The best (layout, header row) among the first rows, or None when no layout matches enough headers."""
    best = None
    best_rank = None
    sheet_name = key(sheet.name)
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if isinstance(cell, str) and key(cell)) < MIN_MATCHED:
            continue
        export = is_export(row)
        for layout in layouts:
            resolved = [resolve(layout, cell, export) for cell in row]
            required, score = _score(layout, resolved)
            if score < MIN_MATCHED:
                continue
            hint = any(word in sheet_name for word in layout.name_hints)
            rank = (required, score, hint, -index)
            if best_rank is None or rank > best_rank:
                best, best_rank = (layout, index, resolved), rank
    if best is None:
        return None
    layout, index, resolved = best
    header = _map(layout, index, resolved, sheet)
    # Header-like rows right below (HTCDS: field names, then labels) are not data.
    for below in sheet.rows[index + 1 : index + 3]:
        if _score(layout, [resolve(layout, cell) for cell in below])[1] >= MIN_MATCHED:
            header.skip_rows += 1
        else:
            break
    return header


def _score(layout: Layout, resolved: list[tuple[str, Column | None]]) -> tuple[bool, int]:
    """How many of the layout's columns the row names (recognised-but-unused HTCDS fields count too), and
    whether every column the layout requires is there."""
    seen: set[str] = set()
    known = 0
    for what, column in resolved:
        if column is not None and column.role != IGNORED:  # a column only when ``what`` is COLUMN
            seen.add(column.field)
        elif what == KNOWN:
            known += 1
    required = all(c.field in seen for c in layout.columns if c.needs_column)
    return required, len(seen) + known


def _map(layout: Layout, index: int, resolved: list[tuple[str, Column | None]], sheet: RawSheet) -> Header:
    from importers.table import column_letters

    row = sheet.rows[index]
    header = Header(layout, index, {}, {})
    for position, (what, column) in enumerate(resolved):
        text = row[position]
        if what == "":
            continue
        if what == METADATA:
            header.metadata += 1
            role = submissions.role(text)
            if role is not None:
                header.submission.setdefault(role, position)
            continue
        if what == KNOWN:
            header.known_unused += 1
            continue
        if what == UNKNOWN or column is None:  # only COLUMN is left, with its column
            header.unknown.append((position, str(text).strip()))
            continue
        if column.role == IDENTIFIER:
            header.identifiers.append(str(text).strip())
            continue
        if column.role == IGNORED:
            continue
        if column.field in header.columns:
            header.duplicates.append((position, str(text).strip(), column))
            continue
        if column.role in (DATA, TRANSIENT, KEYED):
            header.columns[column.field] = position
            header.letters[column.field] = column_letters(sheet.left + position)
            if column.role == KEYED:
                header.names += 1
    return header
