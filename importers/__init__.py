"""Importers: every activity sheet of DOMAIN §4 read, validated all or nothing, stored safe to re-upload.

What the dashboard and the command line use, each from its own module (this package's ``__init__`` imports
nothing, so its modules never import one another through it):

- ``importers.pipeline.import_file(session, data, filename, *, settings, programme=None, uploaded_by="cli",
  dry_run=False, progress=None) -> ImportReport`` works inside the caller's transaction;
- ``importers.templates.template(kind) -> bytes`` is a blank .xlsx for one kind;
- ``importers.kinds`` describes each kind's columns; ``importers.report`` holds ``Problem`` and
  ``ImportReport``, what an import reports.
"""
