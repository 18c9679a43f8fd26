"""``import_file``: one uploaded file, checked, read, validated and stored all or nothing.

Steps: safety checks on the bytes (size, type, damage, encryption, archive bombs, what reading the sheets
will cost, what reaches outside the workbook) → calamine or csv (both in a child process with a memory and
time limit for web uploads and the command line: ``importers.isolation``; read by ``importers.reading``) → each sheet's kind and header (a formula without a saved result in a column read
is an error) → typed batches → per-row rules → checks across the file and against the store
→ one ``Upload`` row and the bulk writes. The caller owns the transaction. A refused file adds only its
``Upload`` row (outcome ``refused``, with its problems); a dry run adds nothing. The file itself is kept
under ``upload_dir/<sha256><ext>`` unless it holds case data, which is never kept nor named: such an upload
is "case sheet, <date>" in its report, its ``Upload`` row, the logs and the audit trail.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import tempfile
import threading
import traceback
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import batch_checks, reading, safety, storing, writing
from importers.kinds import KINDS
from importers.report import ImportReport, Problem, empty_counts
from importers.table import Batch, Context
from indicators.access import pseudonyms
from indicators.figures import signoff
from indicators.store.db import lock_for_writing
from indicators.store.models import Upload
from indicators.store.settings import Settings

log = logging.getLogger(__name__)
Progress = reading.Progress


def _collector_paused(function):
    """Run ``function`` with Python's cyclic garbage collector paused (and resumed after the last of
    several imports running at once). An import makes millions of small lists, tuples and values, none of
    them in a cycle, so reference counting frees them all; the collector's passes over them cost 0.5 s of
    a 200,000-row import and found nothing."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        with _PAUSE["lock"]:
            if _PAUSE["depth"] == 0:
                _PAUSE["resume"] = gc.isenabled()
                gc.disable()
            _PAUSE["depth"] += 1
        try:
            return function(*args, **kwargs)
        finally:
            with _PAUSE["lock"]:
                _PAUSE["depth"] -= 1
                if _PAUSE["depth"] == 0 and _PAUSE["resume"]:
                    gc.enable()

    return paused


# Process-wide by nature, as the collector is: how many imports run, and whether to resume it after them.
_PAUSE = {"lock": threading.Lock(), "depth": 0, "resume": False}


@_collector_paused
def import_file(
    session: Session,
    data: bytes,
    filename: str,
    *,
    settings: Settings,
    programme: str | None = None,
    uploaded_by: str = "cli",
    dry_run: bool = False,
    progress: Progress | None = None,
    isolated: bool = False,
    file_values=(),
) -> ImportReport:
    """Import one file inside the caller's transaction and say what happened (see ``ImportReport``).
    ``isolated``: check and read the file in a child process with a memory limit and a timeout (web uploads
    and the command line, where a runaway read must take down neither the serving worker nor the command).
    ``file_values``: the rows (``Sheet!row``) whose values replace a correction made in the browser since, or
    True for all (``report.conflicts``)."""
    progress = progress or _silent
    name = Path(filename.replace("\\", "/")).name[:255] or "upload"
    report = ImportReport(
        ok=False, outcome="refused", filename=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )
    code = programme.strip().upper() if programme and programme.strip() else None
    ctx = batch_checks.programmes_context(session, code, settings=settings)
    sensitive = False
    try:
        if code is not None and code not in ctx.programmes:
            raise safety.Refused(f"unknown project code {code!r}; known: {', '.join(sorted(ctx.programmes))}")
        progress(0.02, "checking the file")

        def planned(batches: list[Batch]) -> dict:
            if not dry_run:
                lock_for_writing(session)  # the file is read: from here on, one import at a time
            return _checked_and_planned(session, ctx, batches, progress, file_values)

        fmt, batches, sensitive, plans = reading.checked_and_read(
            data, name, settings, isolated, report, progress, planned
        )
        _prepare(session, report, batches, plans)
    except safety.Refused as exc:
        problems = getattr(exc, "problems", None) or [("", "", "", str(exc))]
        report.errors.extend(Problem(*problem) for problem in problems)
        return _finish(session, report, ctx, [], {}, settings, uploaded_by, dry_run, sensitive=True)
    except Exception as exc:  # noqa: BLE001 — a file that trips the reader: one line, never a traceback
        # Only the exception's type and place are logged: its message could quote a cell of a case sheet.
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        log.error(
            "import of %s failed: %s at %s:%s",
            report.filename,
            type(exc).__name__,
            frame.filename,
            frame.lineno,
        )
        report.errors = [
            Problem(
                "",
                "",
                "",
                "the file could not be read: an unexpected problem occurred (reported to the administrator)",
            )
        ]
        return _finish(session, report, ctx, [], {}, settings, uploaded_by, dry_run, sensitive=True)
    return _finish(
        session,
        report,
        ctx,
        batches,
        plans,
        settings,
        uploaded_by,
        dry_run,
        sensitive,
        progress,
        (data, fmt.extension),
    )


@_collector_paused
def store_batches(
    session: Session,
    report: ImportReport,
    ctx: Context,
    batches: list[Batch],
    *,
    settings: Settings,
    uploaded_by: str,
    dry_run: bool = False,
    sensitive: bool = False,
    progress: Progress | None = None,
    content: tuple[bytes, str] | None = None,
    file_values=(),
) -> ImportReport:
    """Check typed batches (rules, the file as a whole, the store) and store them all or nothing.

    Both the file importer and the demo data come through here."""
    progress = _silent if progress is None else progress
    if not dry_run:
        lock_for_writing(session)
    plans = _checked_and_planned(session, ctx, batches, progress, file_values)
    _prepare(session, report, batches, plans)
    return _finish(
        session, report, ctx, batches, plans, settings, uploaded_by, dry_run, sensitive, progress, content
    )


def _checked_and_planned(
    session: Session, ctx: Context, batches: list[Batch], progress: Progress, file_values=()
) -> dict:
    """Rules, checks across the file and against the store, and the plan of writes; nothing written, and
    nothing said in the report yet (``_prepare``): the importer runs this while the file's check may still
    refuse it."""
    progress(0.45, "checking the rows")
    for batch in batches:
        batch_checks.check_batch(batch, ctx)
    progress(0.6, "comparing with what is stored")
    return storing.plan(session, batches, file_values)


def _prepare(session: Session, report: ImportReport, batches: list[Batch], plans: dict) -> None:
    """What the rules, the checks and the plan found, into the report."""
    report.conflicts = [conflict for kind_plan in plans.values() for conflict in kind_plan.conflicts]
    for batch in batches:
        report.errors.extend(sorted(batch.problems, key=reading.position))
        report.warnings.extend(sorted(batch.warnings, key=reading.position))
    report.errors.extend(_closed_quarters(session, plans))
    if batches and not any(len(b) for b in batches) and not report.errors:
        report.errors.append(Problem("", "", "", "no activity rows found under the headers"))


def import_path(session: Session, path: Path, *, settings: Settings, **options) -> ImportReport:
    """``import_file`` for a file on disk; a file over the size limit is refused without being read whole."""
    size = path.stat().st_size
    if size > settings.upload_limit:
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(chunk)
        report = ImportReport(
            ok=False, outcome="refused", filename=path.name, sha256=digest.hexdigest(), size=size
        )
        limit = settings.upload_limit
        report.errors.append(
            Problem(
                "",
                "",
                "",
                f"the file is {size / 1048576:,.1f} MB, over the upload limit of {limit / 1048576:,.1f} MB",
            )
        )
        ctx = batch_checks.programmes_context(session, None)
        return _finish(
            session,
            report,
            ctx,
            [],
            {},
            settings,
            options.get("uploaded_by", "cli"),
            options.get("dry_run", False),
            sensitive=True,
        )
    return import_file(session, path.read_bytes(), path.name, settings=settings, **options)


def _silent(fraction: float, message: str) -> None:
    pass


def _closed_quarters(session: Session, plans: dict) -> list[Problem]:
    """A workbook that would change a signed-off quarter (or one before it) is refused, naming the sign-off."""
    touched: dict[int, set] = {}
    for kind_plan in plans.values():
        for programme_id, quarters in kind_plan.touched.items():
            touched.setdefault(programme_id, set()).update(quarters)
    messages = [
        m for pid, quarters in sorted(touched.items()) for m in signoff.check_rows(session, pid, quarters)
    ]
    return [
        Problem("", "", "", f"{message}; ask a manager to reopen it or upload the rows of open quarters")
        for message in messages
    ]


def _finish(
    session: Session,
    report: ImportReport,
    ctx: Context,
    batches: list[Batch],
    plans: dict,
    settings: Settings,
    uploaded_by: str,
    dry_run: bool,
    sensitive: bool,
    progress: Progress = _silent,
    content: tuple[bytes, str] | None = None,
) -> ImportReport:
    report.kinds = [k for k in KINDS if any(b.layout.kind == k for b in batches)]
    report.counts = {k: dict(plans[k].counts) if k in plans else empty_counts() for k in report.kinds}
    report.read = _rows_read(batches)
    report.programmes = sorted(
        {p.code for b in batches for p in b.columns.get("programme", ()) if hasattr(p, "code")}
    )
    changed = sum(c["new"] + c["updated"] for c in report.counts.values())
    if report.errors:
        report.ok, report.outcome = False, "refused"
        report.counts = {k: empty_counts() for k in report.kinds}  # nothing was stored
    elif dry_run:
        report.ok, report.outcome = True, "dry-run"
    else:
        report.ok, report.outcome = True, "stored" if changed else "unchanged"
    report.stored_before = (
        bool(report.sha256)
        and session.scalar(
            select(Upload.id)
            .where(Upload.sha256 == report.sha256, Upload.outcome.in_(("stored", "unchanged")))
            .limit(1)
        )
        is not None
    )
    if dry_run:
        progress(1.0, "dry run finished")
        _log(report)
        return report
    if report.ok and ctx.key_used is not None and any(b.layout.sensitive for b in batches):
        pseudonyms.remember(session, ctx.key_used)  # the store's cases are made with this key from now on
    upload = Upload(
        filename=report.filename,
        sha256=report.sha256,
        size=report.size,
        uploaded_by=(uploaded_by or "?")[:80],
        programme_code=ctx.programme or _single_programme(batches),
        kinds=report.kinds,
        # a refused file: how many rows were read and how many have errors (its counts would all be 0)
        counts=report.counts
        if report.ok
        else {
            kind: {"rows read": n["rows"], "with errors": n["with_errors"]} for kind, n in report.read.items()
        },
        outcome=report.outcome,
        warnings=report.stored_problems(report.warnings),
        errors=report.stored_problems(report.errors),
    )
    if report.ok and not sensitive and not report.case_data and content is not None:
        upload.kept_path = _keep_copy(settings, report, *content)
    progress(0.7, "storing")
    writing.write(session, plans if report.ok else {}, upload, progress)
    report.upload_id = upload.id
    progress(1.0, "done")
    _log(report)
    return report


def _rows_read(batches: list[Batch]) -> dict[str, dict[str, int]]:
    """Per kind, the rows read and the rows with at least one error (a problem naming a cell of the row)."""
    read: dict[str, dict[str, int]] = {}
    for batch in batches:
        counts = read.setdefault(batch.layout.kind, {"rows": 0, "with_errors": 0})
        counts["rows"] += len(batch)
        rows = {p.cell[len(p.cell.rstrip("0123456789")) :] for p in batch.problems}
        counts["with_errors"] += len(rows - {""})
    return read


def _single_programme(batches: list[Batch]) -> str | None:
    codes = {p.code for b in batches for p in b.columns.get("programme", ()) if hasattr(p, "code")}
    return codes.pop() if len(codes) == 1 else None


def _keep_copy(settings: Settings, report: ImportReport, data: bytes, extension: str) -> str | None:
    """The uploaded bytes under ``upload_dir/<sha256><ext>``, written once; None when it cannot be written."""
    path = Path(settings.upload_dir) / f"{report.sha256}{extension.lower()}"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
    except OSError as exc:
        report.warnings.append(Problem("", "", "", f"the uploaded file could not be kept ({exc.strerror})"))
        return None
    return str(path)


def _log(report: ImportReport) -> None:
    # File name, digest, outcome and counts only: never a cell value.
    log.info(
        "import %s sha256=%s outcome=%s counts=%s errors=%d warnings=%d",
        report.filename,
        report.sha256[:12],
        report.outcome,
        report.counts,
        len(report.errors),
        len(report.warnings),
    )
