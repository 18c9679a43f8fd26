"""Builders of hostile files: zip archives written byte by byte (to declare sizes that lie), a decompression
bomb made in milliseconds, and an encrypted-Office OLE container like Excel writes for a password."""

from __future__ import annotations

import io
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
