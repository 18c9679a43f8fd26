"""Builders of hostile files: zip archives written byte by byte (to declare sizes that lie), a decompression
bomb made in milliseconds, and an encrypted-Office OLE container like Excel writes for a password; the
workbooks written part by part as XML are in ``hostile_xml``."""

from __future__ import annotations

import io
import re
import struct
import zlib

import openpyxl


def deflate_repeated(chunk: bytes, times: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``chunk`` repeated ``times`` times, its CRC-32 and size, built without
    compressing more than one chunk: each copy is a fully flushed, independent segment."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return segment * times + b"\x03\x00", crc, len(chunk) * times


def raw_zip(members: list[tuple[str, bytes, int, int]], declared: dict[str, int] | None = None) -> bytes:
    """A zip of already deflated members (name, data, crc, size); ``declared`` overrides a member's size."""
    declared = declared or {}
    out = io.BytesIO()
    central = []
    for name, data, crc, size in members:
        size = declared.get(name, size)
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0)
    )
    return out.getvalue()


def deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


WORKBOOK_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>',
}


def bomb(gibibytes: int = 1) -> bytes:
    """An .xlsx whose one sheet inflates to ``gibibytes`` GiB of rows (a file of about a megabyte)."""
    row = b"<row><c><v>0</v></c></row>" * 40_000
    sheet = deflate_repeated(row, gibibytes * 1024 * 1024 * 1024 // len(row))
    parts = [(name, *deflated(data)) for name, data in WORKBOOK_PARTS.items()]
    return raw_zip(parts + [("xl/worksheets/sheet1.xml", *sheet)])


def lying_sizes() -> bytes:
    """An .xlsx whose sheet declares 2 KB but inflates to 64 MB."""
    sheet = deflate_repeated(b"<row><c><v>1</v></c></row>" * 4000, 640)
    parts = [(name, *deflated(data)) for name, data in WORKBOOK_PARTS.items()]
    return raw_zip(
        parts + [("xl/worksheets/sheet1.xml", *sheet)], declared={"xl/worksheets/sheet1.xml": 2048}
    )


def steep_ratio() -> bytes:
    """An .xlsx under the inflate limit with one part compressed far beyond any real sheet (≈ 1000:1)."""
    sheet = deflate_repeated(b"\x00" * (1 << 20), 40)
    parts = [(name, *deflated(data)) for name, data in WORKBOOK_PARTS.items()]
    return raw_zip(parts + [("xl/worksheets/sheet1.xml", *sheet)])


def sparse_sheet() -> bytes:
    """A tiny workbook with cells in A1 and XFD1048576: reading it naively allocates 17 billion cells."""
    book = openpyxl.Workbook()
    book.active["A1"] = "Reference"
    book.active["XFD1048576"] = "far away"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def corners_undeclared() -> bytes:
    """Cells in A1 and XFD1048576 and no ``<dimension>`` to warn of them: the sheet's area shows only at its
    last cell, and calamine, asked to read it, aborts the process allocating 17 billion cells."""
    return patch_workbook(
        sparse_sheet(),
        replace={"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml)},
    )


def ods_repeated_cells() -> bytes:
    """An .ods whose one row of content is repeated a million times across 16,000 columns."""
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
        b'<table:table-cell table:number-columns-repeated="16000" office:value-type="float" '
        b'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>'
        b"</office:spreadsheet></office:body></office:document-content>"
    )
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    return raw_zip([("mimetype", *deflated(mimetype)), ("content.xml", *deflated(content))])


def encrypted_office_file() -> bytes:
    """A compound file (OLE2/CFB) holding EncryptionInfo and EncryptedPackage streams: what Excel saves for
    an .xlsx with a password to open."""
    sector = 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    streams = [
        ("EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 4088),
        ("EncryptedPackage", struct.pack("<Q", 5000) + b"\xa5" * 4088),
    ]
    fat = [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for _, data in streams:
        count = len(data) // sector
        first = len(fat)
        starts.append(first)
        fat += [first + n + 1 for n in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        1,
        1,
        0,
        0x1000,
        end,
        0,
        end,
        0,
        0,
    )
    header = header[:76] + struct.pack("<109I", 0, *([free] * 108))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,
            left,
            right,
            child,
            b"\x00" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    directory = (
        entry("Root Entry", 5, free, free, 1, end, 0)
        + entry(streams[0][0], 2, free, 2, free, starts[0], len(streams[0][1]))
        + entry(streams[1][0], 2, free, free, free, starts[1], len(streams[1][1]))
        + entry("", 0, free, free, free, 0, 0)
    )
    body = struct.pack("<128I", *fat) + directory + b"".join(data for _, data in streams)
    return header + body


def _openpyxl_parts() -> dict[str, bytes]:
    """Every part of a real one-sheet workbook as openpyxl writes it (content types, relationships, styles)."""
    import zipfile

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    archive = zipfile.ZipFile(buffer)
    return {name: archive.read(name) for name in archive.namelist()}


def dimension_bomb(rows: int = 940_000, dimension: bool = True) -> bytes:
    """An .xlsx of a few megabytes whose one sheet holds ``rows`` rows of 26 numbers (rows without an r=""
    attribute, as some writers do): about 560 bytes of XML a row, compressed about 180:1, under the ratio
    check. Its ``<dimension>`` says how large it is, unless ``dimension`` is False."""
    import random

    row = b"<row>" + b"".join(b'<c t="n"><v>%d</v></c>' % (n % 10) for n in range(26)) + b"</row>"
    noise = bytes(random.Random(7).choice(b"0123456789abcdef") for _ in range(120))
    chunk = row * 500 + b"<!--" + noise + b"-->"
    times = max(rows // 500, 1)
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">'
        + (b'<dimension ref="A1:Z%d"/>' % (times * 500) if dimension else b"")
        + b"<sheetData>"
    )
    tail = b"</sheetData></worksheet>"
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    body, _, size = deflate_repeated(chunk, times)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (
        start.compress(head) + start.flush(zlib.Z_FULL_FLUSH) + body[:-2] + end.compress(tail) + end.flush()
    )
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    parts = [
        (name, *deflated(data))
        for name, data in _openpyxl_parts().items()
        if name != "xl/worksheets/sheet1.xml"
    ]
    return raw_zip(parts + [("xl/worksheets/sheet1.xml", stream, crc, len(head) + size + len(tail))])


def rows_jumping_far() -> bytes:
    """A small .xlsx whose rows run 1–2,000 (columns A–E) and then one row far below, at 950,000, with no
    ``<dimension>`` to warn of it: calamine would allocate every row in between."""
    book = openpyxl.Workbook()
    sheet = book.active
    for n in range(1, 2001):
        sheet.append([f"TR-{n}", "KEC", n, n, n])
    sheet["A950000"] = "far below"
    buffer = io.BytesIO()
    book.save(buffer)
    return patch_workbook(
        buffer.getvalue(),
        replace={"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml)},
    )


def patch_workbook(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of an .xlsx with parts replaced (``replace[name](old) -> new`` when callable) and parts added."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            change = (replace or {}).get(name)
            target.writestr(name, change(content) if callable(change) else (change or content))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_cached_values(sheet_xml: bytes, values: dict[str, object]) -> bytes:
    """A worksheet's XML (as openpyxl writes it: formulas with an empty result) where the formula cells named
    in ``values`` carry that saved result, as Excel saves it (``t="str"`` for text)."""
    import re
    from xml.sax.saxutils import escape

    def cached(match):
        ref = match.group(1).decode()
        if ref not in values:
            return match.group(0)
        value = values[ref]
        kind = b' t="str"' if isinstance(value, str) else b""
        return (
            b'<c r="'
            + match.group(1)
            + b'"'
            + kind
            + match.group(2)
            + b"><f>"
            + match.group(3)
            + b"</f><v>"
            + escape(str(value)).encode()
            + b"</v>"
        )

    return re.sub(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v></v>', cached, sheet_xml)


EXTERNAL_LINK = (
    b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><externalBook r:id="rId1"><sheetNames><sheetName val="Rates"/></sheetNames>'
    b"</externalBook></externalLink>"
)
EXTERNAL_LINK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/Budget/rates.xlsx"'
    b' TargetMode="External"/></Relationships>'
)
DDE_LINK = (
    b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc"><ddeItems><ddeItem name="A0"'
    b' advise="1"/></ddeItems></ddeLink></externalLink>'
)


def with_links(data: bytes) -> bytes:
    """An .xlsx given two external link parts as Excel writes them: [1] another workbook
    (file:///C:/Budget/rates.xlsx), [2] a DDE link to ``cmd /c calc``."""
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"
    content = b"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"

    def workbook(xml: bytes) -> bytes:
        references = (
            b'<externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships" r:id="rId91"/><externalReference xmlns:r="http://'
            b'schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId92"/>'
            b"</externalReferences>"
        )
        return (
            xml.replace(b"<definedNames", references + b"<definedNames", 1)
            if b"<definedNames" in xml
            else xml.replace(b"</sheets>", b"</sheets>" + references, 1)
        )

    def rels(xml: bytes) -> bytes:
        return xml.replace(
            b"</Relationships>",
            b'<Relationship Type="' + rel + b'" Target="externalLinks/'
            b'externalLink1.xml" Id="rId91"/><Relationship Type="' + rel + b'" Target="externalLinks/'
            b'externalLink2.xml" Id="rId92"/></Relationships>',
        )

    def types(xml: bytes) -> bytes:
        return xml.replace(
            b"</Types>",
            b"".join(
                b'<Override PartName="/xl/externalLinks/externalLink%d.xml" ContentType="' % n
                + content
                + b'"/>'
                for n in (1, 2)
            )
            + b"</Types>",
        )

    return patch_workbook(
        data,
        replace={
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": types,
        },
        add={
            "xl/externalLinks/externalLink1.xml": EXTERNAL_LINK,
            "xl/externalLinks/_rels/externalLink1.xml.rels": EXTERNAL_LINK_RELS,
            "xl/externalLinks/externalLink2.xml": DDE_LINK,
        },
    )
