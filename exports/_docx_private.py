"""The private names of python-docx the Word writer relies on, in one place: the XML element behind a run, a
table row, a table cell and an inline picture, which python-docx keeps as ``_r``, ``_tr``, ``_tc`` and
``_inline`` (a field code, a repeated header row, cell shading and a picture's alternative text have no public
API). ``pyproject.toml`` pins python-docx below its next minor release, and ``tests/exports/test_docx_private.py``
fails when any of these moves."""

from __future__ import annotations

from typing import Any


def run_element(run: Any) -> Any:
    """A run's ``w:r`` element."""
    return run._r


def row_element(row: Any) -> Any:
    """A table row's ``w:tr`` element."""
    return row._tr


def cell_element(cell: Any) -> Any:
    """A table cell's ``w:tc`` element (merged cells share one)."""
    return cell._tc


def picture_element(shape: Any) -> Any:
    """An inline picture's ``wp:inline`` element."""
    return shape._inline
