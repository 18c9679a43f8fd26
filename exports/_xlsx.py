"""Cell writing shared by the donor workbooks: inert text, real numbers and percentages, styles, print setup.

Rules every cell follows:
- Text is always stored as a string cell; text starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
  return) also gets the quote-prefix style, so neither Excel nor LibreOffice evaluates it, not even when a
  reader edits the cell. No cell ever holds a formula.
- Numbers are numbers, rounded once by ``indicators.numbers`` (half up, as on screen): counts with a thousands
  separator (one decimal only when not whole); a percent indicator's value (0–100 in the figures) is stored
  as a fraction with ``0.0%`` (81.25 → 0.813, shown 81.3%); percent of target (a whole number in the
  figures) as a fraction with ``0%``. Dates are dates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.numbers import rounded
from indicators.status import STATUSES, look

COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT_VALUE = "0.0%"  # a percent indicator's actual, target or baseline
PERCENT_OF_TARGET = "0%"
DATE = "d mmmm yyyy"
DATETIME = "d mmmm yyyy hh:mm"

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767

FONT = "Calibri"
BASE = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
TITLE = Font(name=FONT, size=14, bold=True, color="1F3864")
SUBTITLE = Font(name=FONT, size=11, color="404040")
HEADER = Font(name=FONT, size=10, bold=True, color="FFFFFF")
NOTE = Font(name=FONT, size=9, italic=True, color="595959")

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BAND_FILL = PatternFill("solid", fgColor="D9E1F2")
RESULT_FILL = PatternFill("solid", fgColor="EDEDED")
# The screen's own status colours (``indicators.status``), so a status looks the same on screen and on paper.
STATUS_STYLES = {
    status: (
        PatternFill("solid", fgColor=look(status).fill),
        Font(name=FONT, size=10, bold=True, color=look(status).colour),
    )
    for status in STATUSES
}
THIN = Side(style="thin", color="A6A6A6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
NUMBER_ALIGN = Alignment(vertical="top", horizontal="right")

LINE_HEIGHT = 13.0  # points per line of 10-point text


def text(cell: Cell, value: str | None, font: Font = BASE, alignment: Alignment = WRAP_TOP) -> Cell:
    """Write user or label text so that it stays text in every spreadsheet program."""
    cell.font, cell.alignment = font, alignment
    if value is None or value == "":
        cell.value = None
        return cell
    value = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if value.startswith(RISKY_STARTS):
        cell.quotePrefix = True
    return cell


def number(cell: Cell, value: float | None, unit: str = "number", font: Font = BASE) -> Cell:
    """A count, or a percent indicator's 0–100 value stored as a fraction shown as a percentage."""
    cell.font, cell.alignment = font, NUMBER_ALIGN
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
        return cell
    shown = rounded(value, unit)  # the one rounding rule: what the cell holds is what the screen shows
    if shown is None:  # a NaN that came in as a Decimal
        cell.value = None
        return cell
    if unit == "percent":
        cell.value = round(shown / 100, 10)
        cell.number_format = PERCENT_VALUE
    elif isinstance(shown, int):
        cell.value = shown
        cell.number_format = COUNT
    else:
        cell.value = shown
        cell.number_format = DECIMAL
    return cell


def percent_of_target(cell: Cell, whole: float | None, font: Font = BASE) -> Cell:
    """The figures' whole-number percent of target (85) as the fraction 0.85 shown ``85%``."""
    cell.font, cell.alignment = font, NUMBER_ALIGN
    if whole is None:
        cell.value = None
        return cell
    cell.value = round(whole / 100, 10)
    cell.number_format = PERCENT_OF_TARGET
    return cell


def when(cell: Cell, value: date | datetime | None, font: Font = BASE) -> Cell:
    cell.font, cell.alignment = font, Alignment(vertical="top", horizontal="left")
    cell.value = value
    if value is not None:
        cell.number_format = DATETIME if isinstance(value, datetime) else DATE
    return cell


def status(cell: Cell, value: str | None) -> Cell:
    """The status in words, on its band's fill."""
    fill, font = STATUS_STYLES.get(value or "", (None, BASE))
    text(cell, value, font=font, alignment=WRAP_CENTER)
    if fill is not None:
        cell.fill = fill
    return cell


def status_fill(value: str) -> PatternFill:
    return STATUS_STYLES[value][0]


def header_row(ws: Worksheet, row: int, headings: list[str], height: float | None = None) -> None:
    for col, heading in enumerate(headings, start=1):
        cell = text(ws.cell(row, col), heading, font=HEADER, alignment=WRAP_CENTER)
        cell.fill, cell.border = HEADER_FILL, GRID
    if height:
        ws.row_dimensions[row].height = height


def grid(ws: Worksheet, row: int, first_col: int, last_col: int, fill: PatternFill | None = None) -> None:
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row, col)
        cell.border = GRID
        if fill is not None:
            cell.fill = fill


def end_table(ws: Worksheet, header: int, row: int, width: int, empty_note: str) -> int:
    """After a table's rows (``row`` is the first free one): a filter over them, or a note that there are
    none. Returns the next free row."""
    if row > header + 1:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(width)}{row - 1}"
        return row
    text(ws.cell(row, 1), empty_note, font=NOTE, alignment=Alignment(vertical="top"))
    return row + 1


def widths(ws: Worksheet, columns: Sequence[float]) -> None:
    for col, width in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def fit_row(ws: Worksheet, row: int, columns: Sequence[float], minimum: int = 1) -> None:
    """Set a row tall enough for its wrapped text: Excel does not grow rows of generated files on opening."""
    lines = minimum
    for col, width in enumerate(columns, start=1):
        value = ws.cell(row, col).value
        if isinstance(value, str):
            lines = max(lines, estimate_lines(value, width))
    ws.row_dimensions[row].height = max(15.0, lines * LINE_HEIGHT + 2)


def estimate_lines(value: str, width: float) -> int:
    """Lines a text takes in a column of ``width`` characters: widths are counted in 11-point digits, the
    text is 10-point and mostly narrower letters, with a character of slack for the cell's padding."""
    per_line = max(1.0, (width - 1) * 1.15)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


def print_setup(ws: Worksheet, *, title_rows: str | None, footer: str, landscape: bool = True) -> None:
    """Landscape, fitted to one page wide, header rows repeated on every page, a page-numbered footer."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    # Header/footer codes treat "&" as a command: only codes and fixed words go in, escaped.
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


def new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title[:250]
    wb.properties.creator = "ctmonitor"
    return wb


def to_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
