"""What the dry run and the commit say about a file: conversions of one kind said once with their number, the
rows read and the rows with errors of a refused file (not 0 new, 0 updated …), and "already stored" said only
of a file stored before, never of a first upload whose rows happen to be stored already."""

from __future__ import annotations

from datetime import date, timedelta

from importers.preview import conversion_notes

HEADER = "Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"


def _rows(days: int, *, bad_from: int | None = None) -> bytes:
    first = date(2019, 7, 1)
    lines = []
    for n in range(days):
        female = "many" if bad_from is not None and n >= bad_from else "3"
        lines.append(f"T-{n},KEC,{(first + timedelta(days=n)):%d/%m/%Y},gasabo,Teachers,Topic {n},{female},4")
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_thirty_dates_read_day_first_are_one_note(load):
    report = load("trainings.csv", _rows(30), dry_run=True)
    notes = next(s for s in report.sheets if s.kind == "trainings").preview.values
    assert "Start date: 30 dates read as day/month/year (e.g. 01/07/2019 → 1 July 2019)" in notes
    assert "Target group: Teachers → School leaders and teachers" in notes and len(notes) == 2
    assert not any(note.startswith("Start date: 02/07/2019") for note in notes)


def test_a_few_conversions_keep_a_line_each_and_spellings_of_one_value_are_grouped():
    pairs = [("02/07/2019", date(2019, 7, 2)), ("2019-07-03", date(2019, 7, 3))]
    assert conversion_notes("Date", pairs) == [
        "Date: 02/07/2019 → 2 July 2019",
        "Date: 2019-07-03 → 3 July 2019",
    ]
    spellings = [
        ("gasabo", "Gasabo"),
        ("GASABO ", "Gasabo"),
        ("Gasabo district", "Gasabo"),
        ("gasabo.", "Gasabo"),
    ]
    assert conversion_notes("District", spellings) == [
        "District: 4 spellings read as Gasabo (gasabo, GASABO , Gasabo district, …)"
    ]


def test_a_refused_file_says_how_many_rows_were_read_and_how_many_have_errors(load, db):
    from indicators.store.models import Upload

    report = load("trainings.csv", _rows(12, bad_from=9), programme="KEC")
    assert report.outcome == "refused" and len(report.errors) == 3
    assert report.counts == {"trainings": {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}}
    assert report.read == {"trainings": {"rows": 12, "with_errors": 3}}
    assert report.read_text() == "trainings: 12 rows read, 3 with errors"
    assert "  trainings: 12 rows read, 3 with errors" in report.as_text()
    # the upload history keeps the same, not 0 new, 0 updated …
    assert db.get(Upload, report.upload_id).counts == {"trainings": {"rows read": 12, "with errors": 3}}


def test_a_first_upload_whose_rows_are_stored_is_not_called_already_stored(load):
    first = load("trainings.csv", _rows(3))
    assert first.outcome == "stored" and first.outcome_text == "Stored trainings.csv. Programme: KEC."
    # the same rows in another file (a column more): a first upload of that file, nothing new in it
    other = _rows(3).decode().replace("\n", ",\n").replace("Male participants,", "Male participants,Notes", 1)
    renamed = load("trainings_copy.csv", other.encode())
    assert renamed.outcome == "unchanged" and not renamed.stored_before
    assert renamed.outcome_text.startswith(
        "Nothing new in trainings_copy.csv: each of its rows matches a record"
    )
    assert "already stored" not in renamed.outcome_text and "already stored" not in renamed.as_text()
    again = load("trainings.csv", _rows(3))
    assert again.outcome == "unchanged" and again.stored_before
    assert again.outcome_text == "trainings.csv was already stored: nothing changed."
    assert "this file was already stored" in again.as_text()


def test_the_dry_run_speaks_the_readers_language():
    """The sheet's note, the conversions and the first rows as understood are said in French to a French
    reader; the same report is English as text (the command line under ``C``, the logs)."""
    from indicators import i18n

    with i18n.speaking("fr"):
        notes = conversion_notes("Date", [(f"0{n}/07/2019", date(2019, 7, n)) for n in range(2, 6)])
        assert notes == ["Date\u00a0: 4 dates lues en jour/mois/année (p. ex. 02/07/2019 → 2 juillet 2019)"]


def test_a_french_dry_run_of_a_file_with_a_bad_count(load):
    from indicators import i18n
    from indicators.i18n import translated

    with i18n.speaking("fr"):
        report = load("trainings.csv", _rows(5, bad_from=3), dry_run=True)
        sheet = next(s for s in report.sheets if s.kind == "trainings")
        assert translated(sheet.note) == "5 lignes, en-tête à la ligne 1"
        shown = [value for row in sheet.preview.first_rows for value in row]
        assert "✗ non compris" in shown and "1 juillet 2019" in shown
        assert "Target group\u00a0: Teachers → School leaders and teachers" in sheet.preview.values
    assert str(sheet.note) == "5 rows, header in row 1"  # kept and logged in English


def test_which_values_were_converted_does_not_depend_on_the_readers_language(load):
    """A French reader is told of the same conversions as an English one: "yes" or a date already written in
    full is no conversion because the page would write it in French."""
    from indicators import i18n

    data = _rows(2).replace(b"01/07/2019", b"1 July 2019").replace(b"02/07/2019", b"2 July 2019")
    english = next(s for s in load("trainings.csv", data, dry_run=True).sheets if s.kind == "trainings")
    with i18n.speaking("fr"):
        french = next(s for s in load("trainings.csv", data, dry_run=True).sheets if s.kind == "trainings")
    assert len(french.preview.values) == len(english.preview.values)
