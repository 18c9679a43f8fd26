"""Builders of hostile workbooks written part by part as XML: ragged and far-jumping rows, shared strings
referenced many times, area corners quoted every way XML allows, and OpenDocument sheets whose repeats lie."""

from __future__ import annotations

import io

from tests.importers.hostile import _openpyxl_parts, deflated, raw_zip


def ragged_rows(rows: int = 320) -> bytes:
    """An .xlsx whose cells carry no r="" (so they follow each other along a row): one row 16,384 cells wide,
    then ``rows`` rows of one cell. Few values, but calamine would allocate rows × 16,384 cells."""
    wide = b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    narrow = b"<row><c><v>1</v></c></row>" * rows
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + wide + narrow + b"</sheetData></worksheet>"
    )
    parts = [
        (name, *deflated(data))
        for name, data in _openpyxl_parts().items()
        if name != "xl/worksheets/sheet1.xml"
    ]
    return raw_zip(parts + [("xl/worksheets/sheet1.xml", *deflated(sheet))])


def _column(number: int) -> bytes:
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes((65 + rest,)) + letters
    return letters


def workbook_of(sheet_xml: bytes | list, strings: list[str] | None = None, level: int = 6) -> bytes:
    """An .xlsx (openpyxl's parts) whose one sheet is ``sheet_xml`` (bytes, or a list of pieces), with a
    shared strings table when ``strings`` are given (declared in the content types and relationships)."""
    import zipfile
    from xml.sax.saxutils import escape

    parts = _openpyxl_parts()
    if strings is not None:
        parts["xl/sharedStrings.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main" uniqueCount="%d">'
            % len(strings)
            + b"".join(b"<si><t>" + escape(text).encode() + b"</t></si>" for text in strings)
            + b"</sst>"
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
            ),
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            (
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
            ),
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                with archive.open(name, "w", force_zip64=True) as stream:
                    for piece in [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml:
                        stream.write(piece)
            else:
                archive.writestr(name, content)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def numbers(
    rows: int,
    columns: int,
    strings: int = 0,
    length: int = 30,
    inline: bool = False,
    far: int = 0,
    level: int = 6,
) -> bytes:
    """``rows`` × ``columns`` cells as Excel writes them (``r`` on rows and cells), every cell a small number,
    or, in the first ``strings`` columns, one of a thousand shared texts of ``length`` letters (``inline``: a
    text of its own, written in the cell); with ``far``, each row's last cell is in that column."""
    texts = [f"Training session {n:04d} for KEC in FY2019 "[:length].ljust(length, ".") for n in range(1000)]
    letters = [_column(n) for n in range(1, columns + 1)]
    pieces = [SHEET_HEAD]
    for row in range(1, rows + 1):
        number = b"%d" % row
        if inline:
            cells = [
                b'<c r="%s%s" t="inlineStr"><is><t>%s</t></is></c>'
                % (letters[c], number, (b"TR-%07d-%02d " % (row, c)).ljust(length, b"x"))
                for c in range(strings)
            ]
        else:
            cells = [
                b'<c r="%s%s" t="s"><v>%d</v></c>' % (letters[c], number, (row * 7 + c) % 1000)
                for c in range(strings)
            ]
        cells += [
            b'<c r="%s%s"><v>%d</v></c>' % (letters[c], number, (row + c) % 10)
            for c in range(strings, columns)
        ]
        if far:
            cells[-1] = b'<c r="%s%s"><v>1</v></c>' % (_column(far), number)
        pieces.append(b'<row r="%s">%s</row>' % (number, b"".join(cells)))
    pieces.append(SHEET_TAIL)
    return workbook_of(pieces, None if inline or not strings else texts, level=level)


def shared_string_bomb(cells: int = 120_000, length: int = 32_000) -> bytes:
    """A few hundred kilobytes: one shared string of ``length`` characters used by ``cells`` cells (rows of 20),
    which calamine copies into every one of them (``cells`` × ``length`` bytes, 3.8 GB by default)."""
    letters = [_column(n) for n in range(1, 21)]
    pieces = [SHEET_HEAD]
    for row in range(1, cells // 20 + 1):
        number = b"%d" % row
        pieces.append(
            b'<row r="%s">%s</row>'
            % (number, b"".join(b'<c r="%s%s" t="s"><v>0</v></c>' % (letter, number) for letter in letters))
        )
    pieces.append(SHEET_TAIL)
    return workbook_of(pieces, ["Identification and referral of victims. " * (length // 40)], level=9)


def corners(quote: str = "'", spaces: bool = False, entity: bool = False) -> bytes:
    """1.8 KB: cells in A1 and XFD1048576 and no ``<dimension>``, written with other quotes, spaces around
    ``=`` or a character reference: as good XML as ``r="A1"``, and calamine reads them so."""
    equals = " = " if spaces else "="
    far = "&#88;FD1048576" if entity else "XFD1048576"
    cells = (
        f"<row r{equals}{quote}1{quote}><c r{equals}{quote}A1{quote} t{equals}{quote}inlineStr{quote}><is><t>"
        f"Reference</t></is></c></row><row r{equals}{quote}1048576{quote}><c r{equals}{quote}{far}{quote}>"
        f"<v>1</v></c></row>"
    )
    return workbook_of(SHEET_HEAD + cells.encode() + SHEET_TAIL)


ODS_NAMESPACES = (
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    b'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    b'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)


def ods(
    rows: list[list[bytes | str | int]],
    before_table: bytes = b"",
    in_table: bytes = b"",
    after: bytes = b"",
    styles: bytes | None = None,
) -> bytes:
    """An .ods of one sheet ("Trainings") as LibreOffice writes it: ``rows`` of texts and numbers (a bytes item
    is a cell's whole XML), with ``before_table`` (validations, DDE links), ``in_table`` and ``after`` (named
    expressions) placed where LibreOffice puts them, and a styles part when given."""
    from xml.sax.saxutils import escape

    def cell(value) -> bytes:
        if isinstance(value, bytes):
            return value
        if isinstance(value, int):
            return (
                b'<table:table-cell office:value-type="float" office:value="%d"><text:p>%d</text:p>'
                b"</table:table-cell>" % (value, value)
            )
        text = escape(value).encode()
        return (
            b'<table:table-cell office:value-type="string"><text:p>' + text + b"</text:p></table:table-cell>"
        )

    body = b"".join(b"<table:table-row>" + b"".join(map(cell, row)) + b"</table:table-row>" for row in rows)
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        + ODS_NAMESPACES
        + b' office:version="1.3"><office:body><office:spreadsheet>'
        + before_table
        + b'<table:table table:name="Trainings">'
        + in_table
        + body
        + b"</table:table>"
        + after
        + b"</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        b'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    parts = [
        ("mimetype", *deflated(b"application/vnd.oasis.opendocument.spreadsheet")),
        ("content.xml", *deflated(content)),
        ("META-INF/manifest.xml", *deflated(manifest)),
    ]
    if styles is not None:
        parts.append(
            (
                "styles.xml",
                *deflated(
                    b'<?xml version="1.0" encoding="UTF-8"?><office:document-styles '
                    + ODS_NAMESPACES
                    + b">"
                    + styles
                    + b"</office:document-styles>"
                ),
            )
        )
    return raw_zip(parts)
