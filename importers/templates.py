"""Blank .xlsx templates, one per sheet kind, written from the same descriptions the importer reads with.

Each template has the kind's sheet (header row frozen, sensible widths, drop-down lists for every closed
list fed from a hidden "Lists" sheet, whole-number and date checks), an "Instructions" sheet describing
every column, and the hidden "Lists" sheet. The importer ignores the last two by name.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from importers import values as t
from importers.kinds import BY_KIND, DATA, KINDS, Column, Layout
from indicators.i18n import _, translated

ROWS = 1000  # rows prepared with drop-downs and formats
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "DD/MM/YYYY"


def template_columns(layout: Layout) -> list[Column]:
    """The columns a template offers: what the importer reads and stores (never identifiers)."""
    return [c for c in layout.columns if c.role == DATA]


def template(kind: str, *, programmes: Sequence[str] = (), indicators: Sequence[str] = ()) -> bytes:
    """A blank workbook for one kind (``trainings``, ``awareness``, …). ``programmes`` and ``indicators``,
    when given, become drop-down lists for the Project and Indicator columns."""
    if kind not in BY_KIND:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    layout = BY_KIND[kind]
    columns = template_columns(layout)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.title
    instructions = workbook.create_sheet("Instructions")
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"

    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = max(column.width, len(column.label) * 0.9 + 2)
        area = f"{letter}2:{letter}{ROWS + 1}"
        choices = _choices(column, programmes, indicators)
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=column.label)
            for row, value in enumerate(choices, start=2):
                lists.cell(row=row, column=list_column, value=value)
            several = isinstance(column.type, t.Choices)
            validation = DataValidation(
                type="list",
                formula1=f"Lists!${list_letter}$2:${list_letter}${len(choices) + 1}",
                allow_blank=True,
                showErrorMessage=not several,
                errorTitle=column.label,
                error=f"Choose a value from the list ({column.label}).",
                promptTitle=column.label,
                prompt=_short(column.help),
                showInputMessage=bool(column.help),
            )
            validation.add(area)
            sheet.add_data_validation(validation)
        elif isinstance(column.type, t.Integer):
            validation = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                errorTitle=column.label,
                error="A whole number, 0 or more.",
                showErrorMessage=True,
            )
            validation.add(area)
            sheet.add_data_validation(validation)
        elif isinstance(column.type, t.Date):
            validation = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",
                allow_blank=True,
                errorTitle=column.label,
                error="A date (dd/mm/yyyy).",
                showErrorMessage=True,
            )
            validation.add(area)
            sheet.add_data_validation(validation)
            for row in range(2, ROWS + 2):
                sheet.cell(row=row, column=index).number_format = DATE_FORMAT
        elif isinstance(column.type, (t.Text, t.Code)):
            for row in range(2, ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"  # typed text stays text
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 32
    _instructions(instructions, layout, columns, programmes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _choices(column: Column, programmes: Sequence[str], indicators: Sequence[str]) -> tuple[str, ...]:
    if column.field == "project":
        return tuple(programmes)
    if column.field == "indicator":
        return tuple(indicators)
    return tuple(column.type.choices)


def _short(text: str) -> str:
    return text if len(text) <= 250 else text[:247] + "…"


def _instructions(sheet, layout: Layout, columns: list[Column], programmes: Sequence[str]) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 70
    sheet["A1"] = _("{sheet}: how to fill this sheet").format(sheet=layout.title)
    sheet["A1"].font = Font(bold=True, size=14)
    notes = [
        _("One row per {what}.").format(what=_(layout.spec.one_row_per)),
        _("Keep the header row; columns may be moved, extra columns are ignored and reported."),
        _("Dates as dd/mm/yyyy (day first). Counts are whole numbers; a blank count means 0."),
        _("The whole sheet is refused if any row has a problem; the report names every cell to correct."),
        _(
            "Uploading the sheet again is safe: a row with a Reference updates its stored row, identical rows are "
            "skipped."
        ),
        _("The column headers stay as they are written here, in English: they are what the importer reads."),
    ]
    for offset, note in enumerate(notes, start=3):
        sheet.cell(row=offset, column=1, value=note)
    top = 3 + len(notes) + 1
    for index, title in enumerate(
        (_("Column"), _("Required"), _("What to enter"), _("Allowed values")), start=1
    ):
        cell = sheet.cell(row=top, column=index, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for offset, column in enumerate(columns, start=1):
        choices = _choices(column, programmes, ())
        required = _("yes") if column.required and column.field != "project" else _("no")
        values = ", ".join(choices) if choices else translated(column.type.expected)
        synonyms = (
            " " + _("(also read under: {names})").format(names=", ".join(column.synonyms[:5]))
            if column.synonyms
            else ""
        )
        row = (column.label, required, translated(column.help or column.type.expected) + synonyms, values)
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=top + offset, column=index, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
