"""IOM's own HTCDS v2.0 templates, both variants, filled as caseworkers fill them and imported through the
command line; then an edited, re-sorted copy with rows inserted. The figures must be a caseworker's, and no
identifier written into the sheets may reach the store (database file and WAL), the data folder or anything
the commands printed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import select

from importers import countries
from importers.people import read_birth
from indicators.figures.figures import figures
from indicators.programmes.providers import OTHER
from indicators.store.db import Store
from indicators.store.models import Case
from indicators.store.settings import Settings
from tests.importers.htcds_filled import (
    EXPLOITED_IN,
    VARIANTS,
    Person,
    country_labels,
    edited,
    fill,
    identifiers,
    people,
)
from tests.importers.test_cli import ctmonitor

REPORT_QUARTER = "FY2019Q4"
REGION = dict(EXPLOITED_IN)
ORGANISATIONS = {"Isange One Stop Centre", "UNHCR protection unit", "Caritas Rwanda", OTHER, None}


def expected_age_group(person: Person) -> str:
    """The age group a caseworker expects, worked out by hand from what was typed."""
    at, born = person.identified, person.born
    if isinstance(born, str) and "/" in born:
        day, month, year = map(int, born.split("/"))
        born = date(year, month, day)
    if isinstance(born, date):
        age = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
        return "Child" if age < 18 else "Adult"
    if born == "Unknown":
        return "Unknown"
    if born == "~2005":  # 2004 to 2006
        low, high = at.year - 2006 - 1, at.year - 2004
    elif int(born) < 200:  # an age in years
        low = high = int(born)
    else:  # a year alone
        low, high = at.year - int(born) - 1, at.year - int(born)
    return "Child" if high < 18 else ("Adult" if low >= 18 else "Unknown")


def _store(data_dir: Path) -> Store:
    return Store(Settings.from_env({"CTMONITOR_DATA_DIR": str(data_dir)}))


def _leaks(texts: list[bytes | str], rows: list[Person]) -> list[str]:
    found = []
    for value in identifiers(rows):
        for text in texts:
            haystack = text if isinstance(text, bytes) else text.encode()
            if value.encode() in haystack or value.encode("utf-16-le") in haystack:
                found.append(value)
                break
    return found


@pytest.mark.parametrize("variant", VARIANTS, ids=["with-validation", "plain"])
def test_a_filled_template_and_its_edited_re_upload_count_each_person_once(tmp_path, variant):
    data_dir, sheets = tmp_path / "data", tmp_path / "sheets"
    sheets.mkdir()
    rows = people()
    again, _changes = edited(rows)
    first, second = sheets / "cases.xlsx", sheets / "cases (corrected).xlsx"
    first.write_bytes(fill(variant, rows))
    second.write_bytes(fill(variant, again))
    printed = []

    def run(*args):
        result = ctmonitor(data_dir, *args)
        printed.extend((result.stdout, result.stderr))
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("init")
    out = run("import", str(first), "--programme", "PVR", "--user", "officer")
    assert "cases: 55 new, 0 updated, 0 unchanged, 0 skipped" in out
    assert "2 name columns read only to recognise the case" in out and "IOM HTCDS v2.0 layout" in out
    unplaced = sum(1 for p in rows if p.exploited_in == "a farm near the lake")
    assert f"found '{unplaced} place{'s' if unplaced != 1 else ''} not recognised (AA" in out

    with _store(data_dir).begin() as session:
        report = figures(session, "PVR", REPORT_QUARTER)
        line = {f.indicator.code: f for f in report.indicators}
        assert line["PVR-3.1"].lop_to_date.actual == sum(p.victim for p in rows)
        assert line["PVR-3.2"].lop_to_date.actual == sum(p.victim and p.referral is not None for p in rows)

    # the officer changes 3 statuses, adds 2 referral dates, inserts 2 people and sorts by second name
    out = run("import", str(second), "--programme", "PVR", "--user", "officer")
    assert "cases: 2 new, 5 updated, 50 unchanged, 0 skipped" in out, out
    store = _store(data_dir)
    with store.begin() as session:
        report = figures(session, "PVR", REPORT_QUARTER)
        line = {f.indicator.code: f for f in report.indicators}
        victims = [p for p in again if p.victim]
        assert line["PVR-3.1"].lop_to_date.actual == len(victims) == sum(p.victim for p in rows) - 1 + 2
        assert line["PVR-3.2"].lop_to_date.actual == sum(p.referral is not None for p in victims)
        by_nationality = {
            c.category: c.lop_to_date.actual
            for c in line["PVR-3.1"].disaggregations
            if c.disaggregation == "nationality"
        }
        wanted = Counter(countries.nationality(p.citizenship) for p in victims)
        assert {k: v for k, v in by_nationality.items() if v} == wanted
        assert wanted["DR Congo"] > 0 and "Congo" not in by_nationality  # not the Republic of the Congo
        cases = list(session.scalars(select(Case)))
        assert len(cases) == len(again)
        # each person as the caseworker would read them back (rows are matched by content: unchanged cases
        # keep the provenance of the upload that first stored them)
        stored = Counter(
            (
                c.date_identified,
                c.nationality,
                c.status,
                c.destination_region,
                c.age_group,
                c.sex,
                c.referral_date,
            )
            for c in cases
        )
        wanted_cases = Counter(
            (
                p.identified,
                countries.nationality(p.citizenship),
                p.status.removesuffix(" of trafficking"),
                REGION[p.exploited_in],
                expected_age_group(p),
                {"Feminine": "Female", "Masculine": "Male"}.get(p.gender, "Unknown"),
                p.referral,
            )
            for p in again
        )
        assert stored == wanted_cases
        assert {c.referred_to for c in cases} <= ORGANISATIONS and "Isange One Stop Centre" in {
            c.referred_to for c in cases
        }
        assert all(c.reference.startswith("person:") and c.age is None for c in cases)
        run(
            "export",
            "--programme",
            "PVR",
            "--period",
            REPORT_QUARTER,
            "--format",
            "iati",
            "-o",
            str(sheets / "pvr.xml"),
        )
        run("export", "--programme", "PVR", "--period", REPORT_QUARTER, "-o", str(sheets / "pvr.xlsx"))
    store.dispose()

    # the public file publishes no count of fewer than 5 victims; the donor's workbook says it holds them
    xml = etree.parse(str(sheets / "pvr.xml"))
    published = [
        int(a.get("value"))
        for a in xml.iter("actual")
        if a.find("dimension") is not None
        and a.get("value") is not None
        and "PVR-3." in a.getparent().getparent().findtext("title/narrative")
    ]
    withheld = [a for a in xml.iter("actual") if a.find("dimension") is not None and a.get("value") is None]
    assert published and withheld and not [n for n in published if 0 < n < 5]
    cover = load_workbook(sheets / "pvr.xlsx")["Cover"]
    assert any("confidential small counts" in str(c.value) for r in cover.iter_rows() for c in r)

    # nothing identifying anywhere: every file of the data folder (the SQLite store and its WAL, the secret,
    # kept uploads) and everything the commands printed
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.name == "ctmonitor.sqlite" for path in files)
    contents = [path.read_bytes() for path in files]
    assert any(b"Burundi" in c for c in contents)  # the search does see what is stored
    assert _leaks(contents + printed, rows + again) == []
    assert not (data_dir / "uploads").exists() or not any((data_dir / "uploads").iterdir())


@pytest.mark.parametrize("variant", VARIANTS, ids=["with-validation", "plain"])
def test_every_country_of_the_template_is_read_as_itself(own_store, variant):
    from importers.pipeline import import_file

    settings, store = own_store
    labels = country_labels()
    assert len(labels) == 249
    base = people(1)[0]
    rows = [
        Person(
            **{
                **base.__dict__,
                "first": f"Person{n:03d}",
                "second": "Sample",
                "citizenship": label,
                "status": "Possible victim of trafficking",
                "identified": date(2019, 3, 1),
                "referral": None,
                "referred_to": "",
            }
        )
        for n, (_, label) in enumerate(labels)
    ]
    with store.begin() as session:
        report = import_file(
            session, fill(variant, rows), "countries.xlsx", settings=settings, programme="PVR"
        )
        assert report.ok and report.counts["cases"]["new"] == 249, report.as_text()
        stored = {c.source_row: c.nationality for c in session.scalars(select(Case))}
    wrong = [
        (code, label, stored[row])
        for row, (code, label) in enumerate(labels, start=3)
        if countries.ALPHA2.get(stored[row]) != code
    ]
    assert wrong == []


def test_birth_dates_as_caseworkers_write_them():
    at = date(2019, 6, 1)
    cases = {
        "2004": "Child",  # 14 or 15 on 1 June 2019
        "1990": "Adult",
        "2010": "Child",
        "~2005": "Child",
        "Unknown": "Unknown",
        "17": "Child",
        "17 years": "Child",
        "imyaka 25": "Adult",
        "ca. 1999": "Adult",  # 1998 to 2000: 18 at the youngest
        "1990s": "Adult",
        "03/2001": "Adult",
        "June 2001": "Unknown",  # 17 or 18
        "14/02/1998": "Adult",
    }
    got = {text: read_birth(text).age_group(at) for text in cases}
    assert got == cases
    assert (
        read_birth(2001).age_group(at) == "Unknown" and read_birth(date(2001, 6, 1)).age_group(at) == "Adult"
    )
    assert read_birth("the day after the war").unreadable
