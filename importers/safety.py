"""Checks a file passes before any spreadsheet reader touches it: size, format, archive bombs, what reading
will cost, and what reaches outside.

- The size limit is checked first, on the byte count alone.
- The format comes from the bytes, not only the name: a zip archive (.xlsx, .xlsm, .ods), an OLE compound
  file (.xls, or an encrypted .xlsx, which Office wraps in one), or text (.csv).
- A zip archive's directory is read (not its contents) to sum the declared uncompressed sizes, to check
  each member's compression ratio and the sheets' declared XML size; two parts with the same name (whatever
  the case) are refused, since two readers could take different ones. Then every part that matters is
  inflated as a stream, 1 MB at a time (a member whose real size differs from its declared one fails its
  CRC without ever being held in memory), and parsed as XML (``importers.sheet_scan``,
  ``importers.xlsx_parts``, ``importers.ods_scan``): what reading costs (the area the cells span, the values
  and the text they hold, counting a shared string once per cell that uses it) is added up, stopping at
  the first chunk past a bound, and what reaches outside the workbook is found (``importers.links``).

``check`` does all of this; ``preflight`` does what reads no more than the zip directory and hands back the
streaming scan to run, for a process that may be lost to the reader (``importers.isolation``).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from importers import links
from importers.links import Refused, RefusedCells  # noqa: F401  (raised from here, for callers)
from importers.ods_scan import OdsPart
from importers.sheet_scan import MAX_CELLS, MAX_TEXT, MAX_VALUES, Bounds, SharedStrings, Worksheet  # noqa: F401
from importers.xlsx_parts import ContentTypes, Package, Relationships, Workbook

EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The encrypted-package stream names Office writes into the OLE container of a password-protected .xlsx.
_ENCRYPTED_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

MAX_MEMBERS = 10_000
# Deflate cannot do better than ~1032:1; spreadsheet XML rarely passes 50:1. Checked on members over 1 MB.
MAX_RATIO = 400
RATIO_FLOOR = 1024 * 1024
# The XML calamine parses (worksheets and shared strings), from the sizes the zip directory declares and then
# as it inflates: parsing time follows it. A 200,000-row activity sheet is about 120 MB.
MAX_SHEET_XML = 256 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileFormat:
    kind: str  # xlsx | ods | xls | csv
    extension: str  # as the file was named: .xlsx, .xlsm, .xls, .ods, .csv
    # Formula cells without a saved result (``links.FormulaCell``): the pipeline refuses those it would read.
    formulas: tuple = field(default=(), compare=False)


def check(data: bytes, filename: str, *, upload_limit: int, inflate_limit: int) -> FileFormat:
    """Refuse a file too large, of an unsupported type, damaged, encrypted or a bomb; else its format."""
    fmt, scan = preflight(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit)
    return fmt if scan is None else replace(fmt, formulas=scan())


Scan = Callable[[], tuple]


def preflight(
    data: bytes, filename: str, *, upload_limit: int, inflate_limit: int
) -> tuple[FileFormat, Scan | None]:
    """The checks that read no more than the file's first bytes and its zip directory (type, size, damage,
    encryption, declared sizes and ratios), then the streaming scan of a zip's parts still to run: it returns
    the formula cells without a saved result, or raises ``Refused``. None for a file with nothing to stream."""
    extension = _extension(filename)
    if extension not in EXTENSIONS:
        shown = extension or "no extension"
        raise Refused(f"unsupported file type ({shown}); upload an .xlsx, .xlsm, .xls, .ods or .csv file")
    if len(data) > upload_limit:
        raise Refused(f"the file is {_mb(len(data))}, over the upload limit of {_mb(upload_limit)}")
    if not data:
        raise Refused("the file is empty")
    head = data[:8]
    if head.startswith(ZIP_MAGIC):
        # A workbook saved under another spreadsheet extension still reads: the content decides.
        kind, scan = _zip_directory(data, inflate_limit)
        return FileFormat(kind, extension), scan
    if head == OLE_MAGIC:
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise Refused(
                "the workbook is password-protected (encrypted); remove the password and upload it again"
            )
        if extension in (".xlsx", ".xlsm", ".ods"):
            raise Refused(
                f"the file is not a valid {extension} workbook (it is an old-format or damaged Office "
                "file); save it as .xlsx and upload it again"
            )
        return FileFormat("xls", extension), None
    if extension == ".csv":
        if b"\x00" in data[:4096]:
            raise Refused("the file is not a CSV text file")
        return FileFormat("csv", extension), None
    if head.startswith(b"PK"):
        raise Refused(f"the file is damaged or truncated (not a readable {extension} workbook)")
    raise Refused(f"the file is not a spreadsheet (its content is not an {extension} workbook)")


def _zip_directory(data: bytes, inflate_limit: int) -> tuple[str, Scan]:
    """Bomb, damage and size checks of an .xlsx/.xlsm/.ods archive's directory; returns ``xlsx`` or ``ods`` and
    the scan of its parts (area, values, links), which returns the formula cells without a saved result."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Refused("the file is damaged or truncated (its zip directory cannot be read)") from None
    if len(members) > MAX_MEMBERS:
        raise Refused(f"the archive holds {len(members):,} parts, more than a workbook ever has")
    names = {m.filename for m in members}
    if len({name.lower() for name in names}) != len(members):
        raise Refused("the file is damaged (its archive holds two parts of the same name)")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        kind = "xlsx"
        if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
            raise Refused("binary workbooks (.xlsb) are not supported; save it as .xlsx and upload it again")
    elif "content.xml" in names:
        kind = "ods"
    else:
        raise Refused("the file is a zip archive but not a spreadsheet (no workbook inside)")
    declared = sum(m.file_size for m in members)
    if declared > inflate_limit:
        raise Refused(
            f"the workbook would inflate to {_mb(declared)}, over the limit of {_mb(inflate_limit)} "
            "(a decompression bomb or an oversized workbook)"
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise Refused(
                "the workbook is password-protected (encrypted); remove the password and upload it again"
            )
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise Refused(
                f"a part of the workbook inflates {member.file_size // max(member.compress_size, 1):,} "
                "times its compressed size (a decompression bomb)"
            )
    sheet_xml = sum(m.file_size for m in members if _is_sheet_xml(kind, m.filename))
    if sheet_xml > MAX_SHEET_XML:
        raise Refused(
            f"the workbook's sheets hold {_mb(sheet_xml)} of cell data, more than the {_mb(MAX_SHEET_XML)} "
            "ctmonitor reads at once; split it into smaller workbooks"
        )
    return kind, lambda: _scan_parts(archive, members, names, kind)


def _scan_parts(archive: zipfile.ZipFile, members: list, names: set, kind: str) -> tuple:
    """Every part that matters inflated as a stream and parsed: what reading costs, and what reaches
    outside; the formula cells without a saved result."""
    findings = links.Findings(spreadsheet=kind == "ods")
    bounds = Bounds()
    try:
        if kind == "xlsx":
            _scan_xlsx(archive, members, names, findings, bounds)
        else:
            for member in members:
                if member.filename.lower().endswith(".xml"):
                    root = member.filename == "content.xml"  # the part calamine reads the sheets from
                    _stream(
                        archive, member, OdsPart(member.filename, findings, bounds if root else None), root
                    )
    except Refused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise Refused(
            "the file is damaged or truncated (a part of the workbook does not inflate as declared)"
        ) from None
    findings.raise_if_reaching_out()
    return tuple(findings.unsaved)


def _scan_xlsx(
    archive: zipfile.ZipFile, members: list, names: set, findings: links.Findings, bounds: Bounds
) -> None:
    """First what each part is (content types, relationships, the workbook), then the shared strings (their
    sizes), then the worksheets and the parts that may reach outside, each by what it is."""
    by_name = {member.filename: member for member in members}
    types = ContentTypes("[Content_Types].xml")
    if "[Content_Types].xml" in by_name:
        _stream(archive, by_name["[Content_Types].xml"], types)
    relationships = [Relationships(m.filename) for m in members if m.filename.lower().endswith(".rels")]
    for rels in relationships:
        _stream(archive, by_name[rels.name], rels)
    main = next(
        (
            target
            for rels in relationships
            if rels.source == ""
            for _, kind, target, external in rels.found
            if kind == "officeDocument" and not external
        ),
        "xl/workbook.xml",
    )
    workbooks = [
        Workbook(name, findings) for name in dict.fromkeys(("xl/workbook.xml", main)) if name in by_name
    ]
    for workbook in workbooks:
        _stream(archive, by_name[workbook.name], workbook)
    package = Package(names, types, relationships, workbooks[0] if workbooks else None, findings)
    strings = SharedStrings("xl/sharedStrings.xml", bounds)
    tables = [name for name in names if name.lower() == "xl/sharedstrings.xml"]
    if tables:
        _stream(archive, by_name[tables[0]], strings, sheet_xml=True)
    for member in members:
        name = member.filename
        if package.role(name) == "worksheet":
            _stream(
                archive,
                member,
                Worksheet(name, package.worksheets[name], bounds, strings.lengths, findings),
                sheet_xml=True,
            )
        elif (scanner := package.scanner(name)) is not None:
            _stream(archive, member, scanner)


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo, scanner, sheet_xml: bool = False) -> None:
    """A part inflated a megabyte at a time into its scanner; the XML that calamine parses counts against
    MAX_SHEET_XML as it inflates, whatever the zip directory declared."""
    inflated = 0
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            inflated += len(chunk)
            if sheet_xml and inflated > MAX_SHEET_XML:
                raise Refused(
                    f"the workbook's sheets hold more than {_mb(MAX_SHEET_XML)} of cell data, more than "
                    "ctmonitor reads at once; split it into smaller workbooks"
                )
            scanner.feed(chunk)
    scanner.close()


def _is_sheet_xml(kind: str, name: str) -> bool:
    if kind == "ods":
        return name == "content.xml"
    lower = name.lower()
    return (
        lower.startswith("xl/")
        and lower.endswith(".xml")
        and ("/worksheets/" in lower or lower.endswith("sharedstrings.xml"))
    )


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"
