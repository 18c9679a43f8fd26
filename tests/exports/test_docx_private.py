"""The private names of python-docx that ``exports._docx_private`` wraps still give the XML elements the Word
writer edits, and python-docx is pinned below its next minor release."""

from __future__ import annotations

import re
import struct
import zlib
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from exports import _docx_private as private


def _png() -> bytes:
    """A one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def test_each_wrapped_name_gives_its_element():
    document = Document()
    run = document.add_paragraph().add_run("x")
    assert private.run_element(run).tag == qn("w:r")
    table = document.add_table(rows=1, cols=2)
    assert private.row_element(table.rows[0]).tag == qn("w:tr")
    assert private.cell_element(table.cell(0, 0)).tag == qn("w:tc")
    assert hasattr(private.row_element(table.rows[0]), "get_or_add_trPr")
    assert hasattr(private.cell_element(table.cell(0, 0)), "get_or_add_tcPr")
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    assert private.cell_element(table.rows[0].cells[0]) is private.cell_element(
        merged
    )  # merged cells share one
    shape = document.add_paragraph().add_run().add_picture(BytesIO(_png()))
    assert private.picture_element(shape).tag == qn("wp:inline")
    assert private.picture_element(shape).docPr is not None


def test_python_docx_is_pinned_below_its_next_minor_release():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    low, high = re.search(r'"python-docx>=([\d.]+),<([\d.]+)"', text).groups()
    installed = tuple(int(p) for p in version("python-docx").split(".")[:2])
    assert tuple(int(p) for p in low.split(".")) <= installed < tuple(int(p) for p in high.split("."))
