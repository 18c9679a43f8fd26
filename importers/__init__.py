"""Importers: every activity sheet of DOMAIN §4 read, validated all or nothing, stored safe to re-upload.

The public API the dashboard and the command line use:

- ``import_file(session, data, filename, *, settings, programme=None, uploaded_by="cli", dry_run=False,
  progress=None) -> ImportReport`` works inside the caller's transaction;
- ``template(kind) -> bytes`` is a blank .xlsx for one kind;
- ``KINDS`` names the kinds; ``Problem`` and ``ImportReport`` are what an import reports.
"""

from importers.kinds import KINDS
from importers.pipeline import import_file, import_path
from importers.report import ImportReport, Problem, SheetNote

__all__ = ["KINDS", "ImportReport", "Problem", "SheetNote", "import_file", "import_path", "template"]


def __getattr__(name: str):
    # ``template`` writes workbooks with openpyxl, whose import alone costs an import command a tenth of a
    # second: loaded when first asked for.
    if name == "template":
        from importers.templates import template

        return template
    raise AttributeError(f"module 'importers' has no attribute {name!r}")
