"""A new case alike to a stored one is stored with a warning naming both rows, and kept as a possible duplicate:
a birth year filled in later ("Unknown" → "2004") is one; a birth year that contradicts, another name, or an
age group that disagrees is not. Nothing identifying is shown, stored or recoverable from what is."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from importers.pipeline import import_file
from indicators.access import pseudonyms
from indicators.figures import duplicates
from indicators.store.models import Case, PossibleDuplicate, Programme, Upload
from tests.importers.htcds_filled import PLAIN, fill, people

SHEET = "cases"  # the official template's sheet, as a case sheet is named (never by its tab)


def _people():
    """Five people; the third has no known birth date, the fourth was born in 2003."""
    rows = people(5, seed=23)
    rows[2] = replace(rows[2], born="Unknown")
    rows[3] = replace(rows[3], born="2003")
    return rows


def _upload(db, settings, rows, name="cases.xlsx", **options):
    report = import_file(
        db, fill(PLAIN, rows), name, settings=settings, programme="PVR", uploaded_by="officer", **options
    )
    assert report.ok, report.as_text()
    return report


def code(settings, typed: str) -> str:
    """A case code as the store keeps it: its pseudonym under the store's key."""
    return pseudonyms.code_pseudonym(pseudonyms.key_bytes(pseudonyms.configured(settings)), typed)


def _pairs(db):
    return duplicates.pairs(db, [db.scalar(select(Programme.id).where(Programme.code == "PVR"))])


def test_a_birth_year_filled_in_later_is_stored_with_a_warning_naming_both_rows(db, settings):
    rows = _people()
    first = _upload(db, settings, rows)
    assert not [w for w in first.warnings if "possibly" in w.value]
    stored = db.get(Upload, first.upload_id)
    later = list(rows)
    later[2] = replace(rows[2], born="2004")  # the caseworker learnt the birth year
    # the sheet is sorted differently too: the person is now on row 7 (rows start at 3 under the labels)
    later = later[3:] + later[:3]
    report = _upload(db, settings, later, "cases (2).xlsx")
    assert report.counts["cases"] == {"new": 1, "updated": 0, "unchanged": 4, "skipped": 0}
    [warning] = [w for w in report.warnings if "possibly the person" in w.value]
    assert warning.where == f"{SHEET}!7"
    assert warning.value == (
        f"possibly the person of the case stored from {SHEET} row 5, uploaded {stored.uploaded_at:%d/%m/%Y}"
    )
    assert "Possible duplicates on the Data quality page" in warning.expected
    [pair] = _pairs(db)
    newer, older = db.get(Case, pair.newer.case), db.get(Case, pair.older.case)
    assert (older.source_row, older.upload_id, newer.source_row, newer.upload_id) == (
        5,
        first.upload_id,
        7,
        report.upload_id,
    )
    assert (older.age_group, newer.age_group) == ("Unknown", "Child")
    assert (pair.date_identified, pair.location) == (rows[2].identified, None)
    uploaded = db.get(Upload, report.upload_id).uploaded_at
    assert pair.newer.text() == (
        f"case #{newer.id}: {SHEET} row 7 of case sheet, {date.today().isoformat()}, "
        f"uploaded {uploaded:%d/%m/%Y} by officer"
    )
    # the same upload again adds nothing and warns of nothing new
    again = _upload(db, settings, later, "cases (2).xlsx")
    assert again.counts["cases"]["new"] == 0 and not [w for w in again.warnings if "possibly" in w.value]
    assert len(_pairs(db)) == 1


def test_the_dry_run_warns_before_anything_is_stored(db, settings):
    rows = _people()
    _upload(db, settings, rows)
    later = [*rows[:2], replace(rows[2], born="~2004"), *rows[3:]]
    report = _upload(db, settings, later, dry_run=True)
    assert [w.where for w in report.warnings if "possibly the person" in w.value] == [f"{SHEET}!5"]
    assert db.scalars(select(PossibleDuplicate)).all() == []


def test_a_birth_year_that_contradicts_or_another_name_is_not_a_duplicate(db, settings):
    rows = _people()
    _upload(db, settings, rows)
    twin = replace(rows[3], first="Esperance", second="Mutoni")  # another person, identified with her
    later = [*rows[:3], replace(rows[3], born="2004"), *rows[4:], twin]
    report = _upload(db, settings, later)
    assert report.counts["cases"]["new"] == 2  # 2003 → 2004 reads as another person, as does the twin
    assert [w for w in report.warnings if "possibly" in w.value] == []
    assert _pairs(db) == []


CODES = "Case code,Project,Date identified,Sex,Age group,Nationality,Location,Trafficking status\n"


def test_cases_with_codes_alike_are_duplicates_unless_their_ages_disagree(db, settings):
    stored = (
        CODES
        + "PVR-C-101,PVR,04/03/2019,F,Child,BI,Mahama,PVoT\nPVR-C-102,PVR,04/03/2019,F,,CD,Mahama,PVoT\n"
    )
    assert import_file(db, stored.encode(), "register.csv", settings=settings).ok
    later = stored + (
        "PVR-C-207,PVR,04/03/2019,F,Unknown,BI,Mahama,VoT\n"  # like 101: Unknown disagrees with nothing
        "PVR-C-208,PVR,04/03/2019,F,Adult,BI,Mahama,PVoT\n"  # not 101: Adult and Child disagree
        "PVR-C-209,PVR,04/03/2019,F,Adult,CD,Kirehe,PVoT\n"  # not 102: another place
        "PVR-C-210,PVR,05/03/2019,F,,CD,Mahama,PVoT\n"
    )  # not 102: another day
    report = import_file(db, later.encode(), "register.csv", settings=settings)
    assert report.ok and report.counts["cases"]["new"] == 4
    assert [w.where for w in report.warnings if "possibly" in w.value] == ["cases!4"]
    [pair] = _pairs(db)
    assert (db.get(Case, pair.older.case).reference, db.get(Case, pair.newer.case).reference) == (
        code(settings, "PVR-C-101"),
        code(settings, "PVR-C-207"),
    )
    assert (pair.date_identified, pair.location) == (date(2019, 3, 4), "Mahama")


def test_nothing_identifying_is_shown_stored_or_recoverable(own_store, monkeypatch):
    """An attacker holding the database file and every message: no name, contact or birth date, and none of the
    pseudonyms the importer tried while the names were in memory (only the cases' own keys are stored)."""
    from importers import alike
    from tests.importers.test_htcds_templates import _leaks

    tried = set()

    def recorded(*args, **kwargs):
        tried.add(made := pseudonym(*args, **kwargs))
        return made

    pseudonym = alike.pseudonym
    monkeypatch.setattr(alike, "pseudonym", recorded)
    settings, store = own_store
    rows = _people()
    later = [*rows[:2], replace(rows[2], born="2004"), *rows[3:]]
    with store.begin() as session:
        first = _upload(session, settings, rows)
    with store.begin() as session:
        second = _upload(session, settings, later, "cases (2).xlsx")
    with store.begin() as session:
        assert len(_pairs(session)) == 1
        references = set(session.scalars(select(Case.reference)))
        kept = session.scalars(select(Upload.warnings)).all()
    store.dispose()
    assert len(tried) > 100 and len(references) == 6
    contents = [path.read_bytes() for path in settings.data_dir.rglob("*") if path.is_file()]
    assert any(b"person:" in c for c in contents)  # the search sees the keys that are stored
    assert [p for p in tried - references if any(p.encode() in c for c in contents)] == []
    assert _leaks([*contents, first.as_text(), second.as_text(), str(kept)], rows + later) == []
