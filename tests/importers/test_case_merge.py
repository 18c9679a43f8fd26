"""Merging two cases that are one person: the newer folded into the older, the figures one person fewer at once,
the merge audited and respected by later uploads; refused for a pair not listed, the wrong way round, and in a
signed-off quarter. The same on the command line, as a manager or administrator only."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from app import main
from indicators.figures import duplicates, signoff, victims
from indicators.figures.figures import figures
from indicators.periods import quarter_of
from indicators.store.db import Store
from indicators.store.models import AuditEvent, Case, CaseMerge, Programme
from indicators.store.settings import Settings
from tests.importers.htcds_filled import PLAIN, fill
from tests.importers.test_possible_duplicates import _pairs, _people, _upload, code


def _victims(session, quarter: str = "FY2019Q4") -> int:
    line = next(i for i in figures(session, "PVR", quarter).indicators if i.indicator.code == "PVR-3.1")
    return line.lop_to_date.actual


def _found_again(db, settings):
    """Five people uploaded, then the same sheet with a birth year filled in: one possible duplicate."""
    rows = [replace(p, status="Possible victim of trafficking") for p in _people()]
    _upload(db, settings, rows)
    later = [*rows[:2], replace(rows[2], born="2004"), *rows[3:]]
    _upload(db, settings, later, "cases (2).xlsx")
    [pair] = _pairs(db)
    return later, pair


def test_the_newer_case_is_folded_into_the_older_and_counted_once(db, settings):
    later, pair = _found_again(db, settings)
    pvr = db.scalar(select(Programme.id).where(Programme.code == "PVR"))
    before, cases_before = _victims(db), victims.victim_counts(db, pvr)["cases"]
    assert before == 6 and cases_before == 6
    event = duplicates.merge(
        db, "PVR", pair.older.case, pair.newer.case, by="claire", reason="same girl, DOB found"
    )
    assert _victims(db) == before - 1 and victims.victim_counts(db, pvr)["cases"] == cases_before - 1
    assert _pairs(db) == [] and db.get(Case, pair.newer.case) is None
    kept = db.get(Case, pair.older.case)
    assert kept.age_group == "Child"  # the more complete value, from the newer case
    assert (event.username, event.action, event.detail["reason"]) == (
        "claire",
        "cases-merged",
        "same girl, DOB found",
    )
    assert event.target == f"PVR case #{pair.older.case} ← case #{pair.newer.case}"
    assert event.detail["kept"]["row"] == pair.older.row and event.detail["dropped"]["row"] == pair.newer.row
    assert event.detail["dropped"]["file"] == f"case sheet, {date.today().isoformat()}"  # never a file's name
    assert event.detail["taken"] == ["age group"]
    # the sheet uploaded again: its row of the merged-away case updates the case kept, once
    again = _upload(db, settings, later, "cases (2).xlsx")
    assert again.counts["cases"] == {"new": 0, "updated": 1, "unchanged": 4, "skipped": 0}
    assert _upload(db, settings, later, "cases (2).xlsx").counts["cases"]["unchanged"] == 5
    assert _victims(db) == before - 1 and _pairs(db) == []
    assert db.get(Case, pair.older.case).age_group == "Child"


def test_a_workbook_holding_both_rows_counts_the_merged_person_once(db, settings):
    """Both rows stay in the officer's sheet (another case code for the same person): the merged-away row is
    skipped while the kept case's own row is in the upload."""
    text = (
        "Case code,Project,Date identified,Sex,Age group,Nationality,Location,Trafficking status,Referral date\n"
        "PVR-C-101,PVR,04/03/2019,F,,BI,Mahama,PVoT,\n"
    )
    both = text + "PVR-C-207,PVR,04/03/2019,F,Child,BI,Mahama,VoT,06/03/2019\n"
    from importers.pipeline import import_file

    assert import_file(db, text.encode(), "register.csv", settings=settings).ok
    assert import_file(db, both.encode(), "register.csv", settings=settings).ok
    [pair] = _pairs(db)
    duplicates.merge(db, "PVR", pair.older.case, pair.newer.case, by="ada", reason="one girl, two codes")
    kept = db.get(Case, pair.older.case)
    assert (kept.reference, kept.age_group, kept.status, str(kept.referral_date)) == (
        code(settings, "PVR-C-101"),
        "Child",
        "Actual victim",
        "2019-03-06",
    )
    assert kept.referral_quarter == quarter_of(kept.referral_date).code
    report = import_file(db, both.encode(), "register.csv", settings=settings)
    assert report.counts["cases"]["new"] == 0 and report.counts["cases"]["skipped"] == 1
    assert len(db.scalars(select(Case)).all()) == 1
    assert db.scalars(select(CaseMerge.reference)).all() == [code(settings, "PVR-C-207")]


def test_a_merge_is_refused_when_not_listed_or_the_wrong_way_round(db, settings):
    _later, pair = _found_again(db, settings)
    other = db.scalar(select(Case.id).where(Case.id.not_in([pair.older.case, pair.newer.case])))
    with pytest.raises(duplicates.MergeRefused, match="not listed as possible duplicates"):
        duplicates.merge(db, "PVR", other, pair.newer.case, by="claire", reason="x")
    with pytest.raises(duplicates.MergeRefused, match=f"keep #{pair.older.case}, drop #{pair.newer.case}"):
        duplicates.merge(db, "PVR", pair.newer.case, pair.older.case, by="claire", reason="x")
    with pytest.raises(duplicates.MergeRefused, match="not a stored case of KEC"):
        duplicates.merge(db, "KEC", pair.older.case, pair.newer.case, by="claire", reason="x")
    with pytest.raises(duplicates.MergeRefused, match="a reason"):
        duplicates.merge(db, "PVR", pair.older.case, pair.newer.case, by="claire", reason=" ")
    assert len(_pairs(db)) == 1


def test_a_merge_in_a_signed_off_quarter_is_refused_naming_the_sign_off(db, settings):
    _later, pair = _found_again(db, settings)
    quarter = db.get(Case, pair.newer.case).quarter
    signoff.sign_off(
        db,
        "PVR",
        quarter,
        "claire",
        b"sent",
        "ppr",
        "sent.xlsx",
        acknowledged=signoff.missing_narratives(db, "PVR", quarter),
    )
    before = _victims(db)
    with pytest.raises(duplicates.MergeRefused) as refused:
        duplicates.merge(db, "PVR", pair.older.case, pair.newer.case, by="claire", reason="same girl")
    assert f"PVR {quarter} is closed: {quarter} was signed off by claire on" in str(refused.value)
    assert "the merge would change its figures" in str(refused.value)
    assert _victims(db) == before and len(_pairs(db)) == 1


def _lop_victims(path) -> float:
    with open(path, newline="") as stream:
        return next(
            float(row["actual"])
            for row in csv.DictReader(stream)
            if row["indicator"] == "PVR-3.1" and row["period"] == "LOP" and not row["disaggregation"]
        )


def test_the_command_line_merges_as_a_manager_only(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("CTMONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CTMONITOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("CTMONITOR_PASSWORD", "correct horse battery staple")
    assert main(["init"]) == 0
    assert main(["users", "add", "claire", "--role", "manager"]) == 0
    assert main(["users", "add", "olivier", "--role", "officer"]) == 0
    rows = [replace(p, status="Actual victim of trafficking") for p in _people()]
    first, second = tmp_path / "cases.xlsx", tmp_path / "cases (2).xlsx"
    first.write_bytes(fill(PLAIN, rows))
    second.write_bytes(fill(PLAIN, [*rows[:2], replace(rows[2], born="2004"), *rows[3:]]))
    assert main(["import", str(first), "--programme", "PVR", "--user", "olivier"]) == 0
    assert main(["import", str(second), "--programme", "PVR", "--user", "olivier"]) == 0
    assert "possibly the person of the case stored from cases row 5" in capfd.readouterr().out
    store = Store(Settings.from_env())
    with store.Session() as session:
        [pair] = _pairs(session)
    store.dispose()
    assert main(["cases", "duplicates", "--programme", "pvr"]) == 0
    listed = capfd.readouterr().out
    assert (
        f"#{pair.older.case} and #{pair.newer.case}: identified" in listed
        and "1 possible duplicate" in listed
    )
    report = ["export", "--programme", "PVR", "--period", "FY2019Q4", "--format", "csv", "-o"]
    assert main([*report, str(tmp_path / "before.csv")]) == 0
    merge = [
        "cases",
        "merge",
        "--programme",
        "PVR",
        str(pair.older.case),
        str(pair.newer.case),
        "--reason",
        "same girl, birth year found",
    ]
    assert main([*merge, "--user", "olivier"]) == 1
    assert "only they merge cases" in capfd.readouterr().err
    assert main([*merge, "--user", "claire"]) == 0
    assert f"Merged case #{pair.newer.case} into case #{pair.older.case} of PVR" in capfd.readouterr().out
    assert main([*report, str(tmp_path / "after.csv")]) == 0
    assert _lop_victims(tmp_path / "after.csv") == _lop_victims(tmp_path / "before.csv") - 1 == 5
    assert main([*merge, "--user", "claire"]) == 1  # merged already
    assert "not a stored case of PVR" in capfd.readouterr().err
    store = Store(Settings.from_env())
    with store.Session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "cases-merged")).all()
    store.dispose()
    assert [(e.username, e.detail["reason"]) for e in events] == [("claire", "same girl, birth year found")]
