"""Cases are sensitive: direct identifiers are never stored anywhere (tables, database file, upload errors,
logs, kept copies); a birth date becomes an age group; IOM's HTCDS v2.0 spreadsheet maps as DOMAIN §4 says."""

import logging
from datetime import date

import pytest
from sqlalchemy import select

from importers.pipeline import import_file
from indicators.access import pseudonyms
from indicators.store.models import Case, Upload
from tests.data.case_workbooks import CASE_IDENTIFIERS, HTCDS_PEOPLE
from tests.importers.conftest import DATA, count, uploads


def _cases(session):
    return list(session.execute(select(Case).order_by(Case.date_identified)).scalars())


def test_own_case_layout_is_mapped_and_identifiers_are_not_read(load, db, settings):
    report = load("cases_with_identifiers.xlsx")
    assert report.ok, report.as_text()
    note = report.sheets[0].note
    assert (
        "1 name column read only to recognise the case" in note and "3 identifying columns never read" in note
    )
    first, second, third = _cases(db)
    # the case code is kept only as its pseudonym under the store's key
    code = pseudonyms.code_pseudonym(pseudonyms.key_bytes(pseudonyms.configured(settings)), "PVR-C-001")
    assert (first.reference, first.sex, first.age, first.age_group) == (code, "Female", 19, "Adult")
    assert (first.nationality, first.location, first.status) == ("Burundi", "Mahama", "Possible victim")
    assert first.exploitation_types == ["Servitude", "Sexual exploitation"]
    assert (first.destination_region, first.referred_to) == ("Middle East", "Isange One Stop Centre")
    assert (first.referral_date, first.referral_quarter, first.quarter) == (
        date(2019, 3, 5),
        "FY2019Q2",
        "FY2019Q2",
    )
    assert first.assistance == ["Shelter", "Medical"]
    # No age given: the birth date (2 Nov 2004) at the date identified (12 Apr 2019) makes a child of 14.
    assert (second.age, second.age_group, second.nationality, second.sex) == (
        None,
        "Child",
        "DR Congo",
        "Male",
    )
    assert (third.nationality, third.status, third.exploitation_types, third.destination_region) == (
        "Rwanda",
        "Not a victim",
        [],
        "Unknown",
    )


def test_htcds_spreadsheet_maps_as_the_standard_says(load, db):
    report = load("htcds_filled.xlsx", programme="PVR")
    assert report.ok, report.as_text()
    [sheet] = report.sheets
    assert sheet.kind == "cases" and "IOM HTCDS v2.0 layout" in sheet.note and sheet.rows == len(HTCDS_PEOPLE)
    aline, esperance, patrick, divine = _cases(db)
    assert (aline.date_identified, aline.sex, aline.nationality, aline.age_group) == (
        date(2019, 1, 8),
        "Female",
        "Burundi",
        "Adult",
    )
    assert (aline.status, aline.exploitation_types, aline.destination_region) == (
        "Possible victim",
        ["Forced labour"],
        "Middle East",
    )
    assert (aline.referred_to, aline.referral_date) == ("Isange One Stop Centre", date(2019, 1, 15))
    assert (esperance.age_group, esperance.status, esperance.destination_region) == (
        "Child",
        "Actual victim",
        "East Africa",
    )
    assert (patrick.sex, patrick.nationality, patrick.exploitation_types) == (
        "Male",
        "DR Congo",
        ["Forced labour", "Servitude"],
    )
    assert patrick.referral_date is None and patrick.referred_to is None
    assert (divine.sex, divine.nationality, divine.status, divine.age_group) == (
        "Unknown",
        "Rwanda",
        "Not a victim",
        "Child",
    )
    assert all(case.age is None for case in (aline, esperance, patrick, divine))  # only the age group is kept


def test_htcds_re_upload_changes_nothing(load, db):
    load("htcds_filled.xlsx", programme="PVR")
    again = load("htcds_filled.xlsx", programme="PVR")
    # recognised by their keyed pseudonyms, not skipped as look-alike rows
    assert again.outcome == "unchanged" and again.counts["cases"]["unchanged"] == len(HTCDS_PEOPLE)
    assert count(db, "cases") == len(HTCDS_PEOPLE)


def test_case_files_are_never_kept(load, db, settings):
    for name, programme in (("cases_with_identifiers.xlsx", None), ("htcds_filled.xlsx", "PVR")):
        report = load(name, programme=programme)
        assert report.ok
        assert db.get(Upload, report.upload_id).kept_path is None
        assert not list(settings.upload_dir.glob(f"{report.sha256}*"))


def test_case_codes_are_unique_and_a_row_without_one_is_stored_with_a_warning(db, settings):
    text = (
        "Case code,Project,Date identified,Sex,Nationality,Trafficking status\n"
        "C-1,PVR,02/03/2019,F,BI,Possible victim\n"
        ",PVR,02/03/2019,F,BI,Possible victim\n"
        "C-1,PVR,04/03/2019,M,RW,Actual victim\n"
    )
    report = import_file(db, text.encode(), "cases.csv", settings=settings)
    assert [e.where for e in report.errors] == ["cases!A4"] and "used once" in report.errors[0].expected
    assert count(db, "cases") == 0
    fixed = import_file(db, text.replace("C-1,PVR,04", "C-2,PVR,04").encode(), "cases.csv", settings=settings)
    assert fixed.ok and fixed.counts["cases"]["new"] == 3
    [warning] = fixed.warnings
    assert warning.where == "cases!3" and "cannot be matched" in warning.expected
    assert warning.value == "1 row without a case code or names (3)"


def test_problems_in_case_sheets_show_only_values_that_identify_no_one(db, settings, caplog):
    name = "Uwase Claudine Mukeshimana"
    text = (
        "Case code,Project,Date identified,Sex,Nationality,Trafficking status,Date of birth,Location\n"
        f"{name},PVR,02/03/2019,F,Congo Brazaville,Possible victim,31/02/1999,0788 123 456\n"
    )
    with caplog.at_level(logging.DEBUG):
        report = import_file(db, text.encode(), "cases.csv", settings=settings, uploaded_by="officer")
    assert [e.where for e in report.errors] == ["cases!A2", "cases!E2", "cases!H2"]
    code, nationality, location = report.errors
    assert code.value == "(not shown: case data)" and "not a person's name" in code.expected
    # a cell that is not one of its closed list may hold anything: named, never shown; the hint is the list's
    assert nationality.value == "(not shown: case data)" and "(did you mean Congo?)" in nationality.expected
    assert location.value == "(not shown: case data)"
    # an impossible birth date refuses nothing: the age group is Unknown, the cell named, its value not
    [warning] = [w for w in report.warnings if w.cell.startswith("G")]
    assert warning.where == "cases!G2" and warning.value == "1 birth date not read (G2)"
    [upload] = uploads(db)
    assert upload.outcome == "refused"
    stored = " ".join(upload.errors + upload.warnings) + report.as_text() + caplog.text
    assert not any(typed in stored for typed in ("Uwase", "1999", "0788", "Brazaville"))
    assert "cases!E2: found a value (not shown: case data); expected a country name" in stored
    assert upload.filename == report.filename == f"case sheet, {date.today().isoformat()}"


def _identifier_strings() -> list[str]:
    values = []
    for first, second, born, *_rest in HTCDS_PEOPLE:
        values += [first, second, born.isoformat(), born.strftime("%d/%m/%Y")]
    for person in HTCDS_PEOPLE:
        values += [person[5], person[6], person[7]]  # e-mail, phone, street
    values += ["Jeanne Mukamana", "Samuel Habimana", "cousin", "BP 1234"]
    for key in ("names", "phones", "emails", "passports"):
        values += CASE_IDENTIFIERS[key]
    values += [born.isoformat() for born in CASE_IDENTIFIERS["births"]]
    return values


def test_no_identifier_reaches_the_database_file_or_its_wal(own_store, caplog):
    """The proof: import both case files for real, then search the SQLite file and its WAL byte by byte."""
    settings, store = own_store
    with caplog.at_level(logging.DEBUG):
        for name, programme in (("htcds_filled.xlsx", "PVR"), ("cases_with_identifiers.xlsx", None)):
            with store.begin() as session:
                report = import_file(
                    session, (DATA / name).read_bytes(), name, settings=settings, programme=programme
                )
                assert report.ok, report.as_text()
        # A refused case file leaves its upload row and errors: no identifier there either.
        with store.begin() as session:
            bad = (DATA / "cases_with_identifiers.xlsx").read_bytes()
            report = import_file(session, bad, "again.xlsx", settings=settings, programme="KEC")
            assert report.outcome == "refused"
    database = settings.data_dir / "test.sqlite"
    files = [database, database.with_name("test.sqlite-wal")]
    contents = b"".join(path.read_bytes() for path in files if path.exists())
    assert len(contents) > 50_000
    store.dispose()  # checkpoint the WAL into the file, then look again
    contents += b"".join(path.read_bytes() for path in files if path.exists())
    assert b"Burundi" in contents and b"Possible victim" in contents  # the search would see stored text
    leaked = [
        value
        for value in _identifier_strings()
        if value.encode("utf-8") in contents or value.encode("utf-16-le") in contents or value in caplog.text
    ]
    assert leaked == []
    assert not settings.upload_dir.exists() or not any(settings.upload_dir.iterdir())


def _filled_htcds(template: str, identified: date, drop_field_names: bool = False) -> bytes:
    import io

    from openpyxl import load_workbook

    from tests.shared import htcds_template

    book = load_workbook(htcds_template(template))
    sheet = book.worksheets[0]
    fields = {cell.value: cell.column for cell in sheet[1] if cell.value}
    first, second, born, gender, *_ = HTCDS_PEOPLE[1]
    for field, value in {
        "prs_FirstName": first,
        "prs_SecondName": second,
        "prs_Birthdate": born,
        "prs_Gender": gender,
        "prs_Citizenship": "Burundi",
        "vic_TraffickingStatus": "Possible victim of trafficking",
        "cas_IncomingReferralDate": identified,
    }.items():
        sheet.cell(row=3, column=fields[field], value=value)
    if drop_field_names:
        sheet.delete_rows(1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.filterwarnings("ignore:Data Validation extension")
def test_htcds_template_with_validation_sheets_and_without_its_field_name_row(load, db):
    report = load(
        "htcds.xlsx",
        _filled_htcds("HTCDS Excel Spreadsheet single select with validation v2.0.xlsx", date(2019, 7, 1)),
        programme="PVR",
    )
    assert report.ok, report.as_text()
    assert [(s.name, s.kind) for s in report.sheets] == [
        ("cases", "cases"),  # a case sheet's tab ("Case Sheet" here) may be named after a person: never kept
        ("about", None),
        ("validation", None),
    ]
    labels_only = load(
        "labels.xlsx",
        _filled_htcds("HTCDS Excel Spreadsheet v2.0.xlsx", date(2019, 8, 1), drop_field_names=True),
        programme="PVR",
    )
    assert labels_only.ok and labels_only.sheets[0].note.startswith("1 row, header in row 1"), (
        labels_only.as_text()
    )
    # the same person in both (same names, birth date, sex and citizenship): one case, updated
    assert labels_only.counts["cases"] == {"new": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    [case] = _cases(db)
    assert (case.sex, case.nationality, case.age_group, case.status) == (
        "Female",
        "Burundi",
        "Child",
        "Possible victim",
    )
    assert case.date_identified == date(2019, 8, 1) and case.reference.startswith("person:")
