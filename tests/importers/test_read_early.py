"""The sheets are typed, their rows checked and the writes planned while the file's check is still running (it
often takes longer than the read): what comes of an import is the same as when the check finishes first. Here
the check is held back, so the read always finishes first: a file stored, a file with errors refused with
the same errors, a formula without a saved result refused naming its cells, a file the check refuses refused
by it alone (nothing the typing or the plan found is kept, nothing stored), and a failure of the typing
reported as one line once the check has let the file through."""

import multiprocessing
import time

import pytest

from importers import isolation, safety, storing
from importers.pipeline import import_file
from tests.importers.conftest import DATA, count, uploads
from tests.importers.test_links import workbook

HELD = 1.0  # seconds the check waits before it starts: far longer than reading these small files takes


@pytest.fixture
def slow_check(monkeypatch):
    """The check held back in its child (forked from this process, so it runs the patched function), and a
    record in order of the sheets typed while it ran, the writes planned and the verdict taken."""
    check = safety.check
    early = []

    def held(*args, **kwargs):
        time.sleep(HELD)
        return check(*args, **kwargs)

    typed, plan, combined = isolation._meanwhile, storing.plan, isolation._combined

    def meanwhile(work, fmt, read_sheets):
        early.append([sheet.name for sheet in read_sheets])
        return typed(work, fmt, read_sheets)

    def planned(*args, **kwargs):
        early.append("planned")
        return plan(*args, **kwargs)

    def verdict(*args, **kwargs):
        early.append("verdict")
        return combined(*args, **kwargs)

    monkeypatch.setattr(safety, "check", held)
    monkeypatch.setattr(isolation, "_meanwhile", meanwhile)
    monkeypatch.setattr(storing, "plan", planned)
    monkeypatch.setattr(isolation, "_combined", verdict)
    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("fork"))
    return early


def _import(db, settings, data: bytes, filename: str, **options):
    return import_file(db, data, filename, settings=settings, isolated=True, uploaded_by="olivier", **options)


def test_a_file_read_before_its_check_ends_is_stored_as_when_the_check_ends_first(db, settings, slow_check):
    data = (DATA / "activities_messy.xlsx").read_bytes()
    early = _import(db, settings, data, "activities_messy.xlsx")
    assert slow_check[1:] == ["planned", "verdict"], (
        "the writes were planned after the check, not while it ran"
    )
    assert early.ok and early.outcome == "stored"
    stored = {kind: count(db, kind) for kind in early.kinds}
    db.rollback()
    first = import_file(db, data, "activities_messy.xlsx", settings=settings, uploaded_by="olivier")
    assert first.ok and {kind: count(db, kind) for kind in first.kinds} == stored
    assert [str(p) for p in early.warnings] == [str(p) for p in first.warnings]
    assert [(s.name, s.kind, s.note, s.rows) for s in early.sheets] == [
        (s.name, s.kind, s.note, s.rows) for s in first.sheets
    ]


def test_a_file_with_errors_found_before_the_verdict_is_refused_with_them_all(db, settings, slow_check):
    data = (DATA / "errors.xlsx").read_bytes()
    early = _import(db, settings, data, "errors.xlsx")
    assert slow_check[1:] == ["planned", "verdict"]
    assert early.outcome == "refused" and all(count(db, kind) == 0 for kind in early.kinds)
    db.rollback()
    first = import_file(db, data, "errors.xlsx", settings=settings, uploaded_by="olivier")
    assert len(first.errors) > 10
    assert [str(p) for p in early.errors] == [str(p) for p in first.errors]
    assert [str(p) for p in early.warnings] == [str(p) for p in first.warnings]


def test_a_formula_without_a_saved_result_is_refused_naming_its_cells(db, settings, slow_check):
    data = workbook({f"I{n}": f"=G{n}+H{n}" for n in (2, 3, 4)})
    report = _import(db, settings, data, "trainings.xlsx", programme="KEC")
    assert slow_check and report.outcome == "refused" and count(db, "trainings") == 0
    unsaved = [p for p in report.errors if "no saved result" in p.expected]
    assert [(p.sheet, p.cell, p.value) for p in unsaved] == [
        ("Trainings", f"I{n}", f"=G{n}+H{n}") for n in (2, 3, 4)
    ]


def test_a_file_the_check_refuses_is_refused_by_it_alone(db, settings, slow_check, monkeypatch):
    held = safety.check

    def refusing(*args, **kwargs):
        held(*args, **kwargs)
        raise safety.Refused("the workbook reaches outside itself (checked after the read)")

    monkeypatch.setattr(safety, "check", refusing)
    data = (DATA / "cases_with_identifiers.xlsx").read_bytes()
    report = _import(db, settings, data, "Uwase Claudine.xlsx", programme="PVR")
    assert slow_check[1:] == ["planned"], "the writes were planned while the check ran (then it refused)"
    assert report.outcome == "refused"
    assert [p.expected for p in report.errors] == [
        "the workbook reaches outside itself (checked after the read)"
    ]
    assert report.sheets == [] and report.counts == {}  # what the typing and the plan found is dropped
    [upload] = uploads(db)
    assert upload.outcome == "refused" and upload.counts == {} and count(db, "cases") == 0


def test_a_failure_of_the_typing_is_one_line_once_the_check_lets_the_file_through(
    db, settings, slow_check, monkeypatch, caplog
):
    def broken(sheet, header):
        raise ValueError("invalid literal: 'Uwase Claudine'")

    monkeypatch.setattr("importers.reading.to_batch", broken)
    data = (DATA / "cases_with_identifiers.xlsx").read_bytes()
    started = time.monotonic()
    report = _import(db, settings, data, "Uwase Claudine.xlsx", programme="PVR")
    assert slow_check and time.monotonic() - started >= HELD  # the check's verdict was awaited
    assert [str(p) for p in report.errors] == [
        "the file could not be read: an unexpected problem occurred (reported to the administrator)"
    ]
    assert "ValueError" in caplog.text and "Uwase" not in caplog.text
    [upload] = uploads(db)
    assert upload.filename.startswith("case sheet") and "Uwase" not in upload.filename
