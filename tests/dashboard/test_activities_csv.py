"""The Activities page's CSV: the grid's own view, and no cell a spreadsheet could run as a formula, whichever
separator it splits on."""

from __future__ import annotations

from tests.stores import make_store, settings_for


def test_activities_csv_is_the_grid_view_and_defuses_formulas(pages):
    rows = [{"kind": "Training", "programme": "KEC", "description": "=HYPERLINK(1)", "female": 3}]
    sent = pages.activities.download_csv(1, rows, rows * 5, {"programme": "KEC", "kind": "trainings"})
    assert sent["filename"] == "activities_KEC_trainings.csv"
    lines = sent["content"].splitlines()
    assert lines[0].startswith('"Kind","Programme","Reference","Quarter"')
    assert len(lines) == 2 and '"\'=HYPERLINK(1)"' in lines[1] and ",3," in lines[1]


HOSTILE_TEXTS = [
    "Training;=1+1;x",
    '=HYPERLINK("http://x.example","click")',
    "-2 days of training",
    "@SUM(1+1)",
    "Victims; +cmd|' /C calc'!A0",
    "Referral,=2+3",
    'Shelter;"=4+4"',
    "Tabs\t=5+5",
]


def test_the_activities_csv_runs_no_formula_in_a_comma_or_a_semicolon_spreadsheet(pages, tmp_path):
    """Trainings whose topics and partners hide formulas behind separators, imported as an officer would, then
    downloaded from the Activities page and read back split on "," and on ";" (a French-locale spreadsheet):
    no cell starts with = + - @ unless it is a number, and the counts stay numbers."""
    import csv
    import io

    from dashboard._records import activity_rows
    from importers.pipeline import import_file

    lines = ["Reference,Project,Start date,District,Target group,Topic,Female,Male,Organised with"]
    written = io.StringIO()
    writer = csv.writer(written, lineterminator="\n")
    for n, text in enumerate(HOSTILE_TEXTS, start=1):
        writer.writerow([f"INJ-{n}", "KEC", "02/07/2019", "Huye", "Media", text, n, 3, HOSTILE_TEXTS[-n]])
    data = (lines[0] + "\n" + written.getvalue()).encode()
    settings = settings_for(tmp_path)

    def fill(session, settings):
        report = import_file(session, data, "injection.csv", settings=settings, uploaded_by="olivier")
        assert report.ok, report.as_text()

    store = make_store(settings, fill)
    try:
        with store.Session() as session:
            rows, _ = activity_rows(session, programme_codes=["KEC"])
    finally:
        store.dispose()
    assert len(rows) == len(HOSTILE_TEXTS)
    rows.append(dict(rows[0], total=-3))  # a number stays a number, even a negative one
    text = pages.activities.to_csv(rows)
    for delimiter in (",", ";"):
        for cells in list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]:
            for cell in cells:
                if cell[:1] in ("=", "+", "-", "@"):
                    assert _is_number(cell), (delimiter, cell)
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {row["Female"] for row in read} == {str(n) for n in range(1, len(HOSTILE_TEXTS) + 1)}
    assert read[-1]["Total"] == "-3" and ",-3," in text  # unquoted
    shown = " ".join(row["Description"] + " " + row["Detail"] for row in read)
    assert "Training;'=1+1;x" in shown and "'-2 days of training" in shown and "Referral,'=2+3" in shown


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
