"""Word-document building blocks shared by the quarterly report's writers (python-docx): page setup, page
numbers, tables, status cells, pictures with alt text, placeholders, captions.

Rules every part follows:
- Words come from Word's own styles (Title, Heading 1–3, Table Grid, Caption, List Bullet), so a reader's
  navigation pane, table of contents and accessibility checker find the structure.
- Text from people (narratives, sections, activity names) is written as text, with the characters XML cannot
  hold removed; blank lines start a new paragraph.
- Numbers are written as the screens write them (``indicators.numbers``), so the document reads as the screen.
- Paper follows the donor's conventions: U.S. Letter for a programme reporting on the U.S. federal fiscal year
  (a U.S. government award), A4 otherwise.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor, Twips

from exports import _docx_private as private
from indicators.periods import FISCAL
from indicators.status import look

FONT = "Calibri"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LETTER = (Inches(8.5), Inches(11))
A4 = (Twips(11906), Twips(16838))  # 210 × 297 mm, as Word writes it
HEADER_FILL = "1F4E79"
RESULT_FILL = "EDEDED"


def clean(text: str | None) -> str:
    """Text as a document can hold it: no control characters, Windows line ends made plain."""
    return _NOT_XML.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def setup(document, calendar: str) -> None:
    """The base look: a readable body font, tight table text, and the donor's paper with 1-inch margins."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        document.styles[name].font.size = Pt(size)
    captions = document.styles["Caption"].font
    captions.size, captions.bold, captions.italic = Pt(8.5), False, True
    captions.color.rgb = RGBColor(0x40, 0x40, 0x40)
    width, height = LETTER if calendar == FISCAL else A4
    section = document.sections[0]
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))


def landscape_section(document):
    """A new section on a new page, turned to landscape (the annex's wide table); the header and footer
    continue from the section before."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = max(width, height), min(width, height)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.5))
    return section


def header_and_footer(section, header_text: str, *, draft: bool) -> None:
    """The running header (``DRAFT`` in red while the report is a draft) and "Page N of M" in the footer,
    drawn by Word's own PAGE and NUMPAGES fields."""
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if draft:
        mark = header.add_run("DRAFT · ")
        mark.bold, mark.font.color.rgb = True, RGBColor(0x9C, 0x00, 0x06)
    header.add_run(clean(header_text)).font.size = Pt(8.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    field(footer, "PAGE", "1")
    footer.add_run(" of ")
    field(footer, "NUMPAGES", "1")


def field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``) in its own runs, with the text shown until the reader's program updates it."""

    def char(kind: str):
        run = paragraph.add_run()
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        private.run_element(run).append(mark)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    private.run_element(paragraph.add_run()).append(code)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def paragraphs(document, text: str | None, style: str | None = None) -> None:
    """A person's text as paragraphs: a blank line starts a new one, a single line break stays a break."""
    for block in re.split(r"\n\s*\n", clean(text).strip()):
        document.add_paragraph(block.strip(), style=style)


def placeholder(document, text: str) -> None:
    """A visible gap the manager still has to fill: italic, highlighted, in brackets."""
    run = document.add_paragraph().add_run(f"[{clean(text)}]")
    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def table(
    document,
    headings: list[str],
    rows: list[list[str]],
    *,
    widths: list[float] | None = None,
    numeric_from: int = 1,
    size: float = 9,
):
    """A Table Grid table with a shaded heading row repeated on every page; columns from ``numeric_from`` on
    are right-aligned (figures). ``widths`` in inches."""
    grid = document.add_table(rows=1, cols=len(headings))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    private.row_element(head).get_or_add_trPr().append(repeat)
    for cell, heading in zip(head.cells, headings):
        write(cell, heading, bold=True, size=size - 1, colour="FFFFFF")  # headings wrap less than figures
        shade(cell, HEADER_FILL)
    for values in rows:
        cells = grid.add_row().cells
        for n, (cell, value) in enumerate(zip(cells, values)):
            write(cell, value, size=size, right=n >= numeric_from)
    if widths:
        fit(grid, widths)
    return grid


def fit(grid, widths: list[float]) -> None:
    """Fixed column widths (inches), as both Word (the cells') and LibreOffice (the grid's) read them; a row
    spanning the table keeps its one cell."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = Inches(width)
    for row in grid.rows:
        cells = row.cells
        if len({id(private.cell_element(cell)) for cell in cells}) < len(cells):
            continue
        for cell, width in zip(cells, widths):
            cell.width = Inches(width)


def write(
    cell,
    text: str | None,
    *,
    bold: bool = False,
    size: float = 9,
    colour: str | None = None,
    right: bool = False,
) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(text))
    run.bold, run.font.size = bold, Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def shade(cell, fill: str) -> None:
    properties = private.cell_element(cell).get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    for name, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(name), value)
    properties.append(shading)


def status_cell(cell, status: str | None, size: float = 9) -> None:
    """A status as the screen draws it: its symbol and word in its colour on its fill (readable without
    colour too)."""
    shown = look(status)
    write(
        cell,
        f"{shown.symbol} {status}" if status else "–",
        bold=status is not None,
        size=size,
        colour=shown.colour,
    )
    shade(cell, shown.fill)


def full_row(grid, text: str, *, fill: str = RESULT_FILL, size: float = 9):
    """A row spanning the table (a result's heading in the IPTT)."""
    cells = grid.add_row().cells
    merged = cells[0].merge(cells[-1])
    write(merged, text, bold=True, size=size)
    shade(merged, fill)
    return merged


def picture(document, png: bytes, alt: str, width_inches: float = 6.3) -> None:
    """A chart as a picture, centred, with its alt text in the picture's description (what a screen reader
    reads and Word's accessibility checker looks for)."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = paragraph.add_run().add_picture(BytesIO(png), width=Inches(width_inches))
    properties = private.picture_element(shape).docPr
    properties.set("descr", clean(alt))
    properties.set("title", clean(alt.split(":")[0]))


def caption(document, text: str) -> None:
    document.add_paragraph(clean(text), style="Caption")
