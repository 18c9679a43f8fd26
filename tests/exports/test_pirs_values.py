"""The reference sheets' values table, read back from the workbook: every fiscal year of a programme, however
many, then the life of project, with the target, the actual the figures function gives (a year through its last
quarter, or to date through the latest quarter with data) and the year's narratives; victim figures in a donor's
download as the disclosure plan lets a donor see them, which an attacker holding everything else a donor gets
cannot narrow down."""

from __future__ import annotations

import random
import re
import shutil
from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest

from exports import pirs
from exports.formats import FORMATS
from indicators import periods
from indicators.figures.figures import figures, load_programme, programme_quarters
from indicators.numbers import rounded
from indicators.reporting.narratives import set_narrative
from indicators.reporting.pirs import build
from indicators.reporting.reporting import report_file
from tests.attacker import TOTAL, Fact
from tests.builders import make_case, make_meeting, make_programme, make_training
from tests.indicators.test_disclosure import CASE_INDICATORS, THRESHOLD, attacker_for, everything_a_donor_gets

YEARS = [f"FY{y}" for y in range(2017, 2025)]
LONG = {
    "code": "LONG",
    "title": "Counter-trafficking capacity over eight fiscal years",
    "donor": "USAID",
    "start_date": "2016-10-01",
    "end_date": "2024-09-30",
    "calendar": "fiscal",
    "results": [
        {
            "code": "1",
            "level": "output",
            "category": "Capacity building",
            "statement": "Officers are trained.",
            "indicators": [
                {
                    "code": "LONG-1.1",
                    "name": "Number of people trained",
                    "unit": "number",
                    "source": {"kind": "trainings"},
                    "measure": {"type": "sum", "columns": ["female", "male"]},
                    "disaggregations": ["sex"],
                    "baseline": 0,
                    "targets": {**{year: 100 + 10 * i for i, year in enumerate(YEARS)}, "LOP": 1080},
                    "reference_sheet": {"baseline_date": "2016-10-01"},
                },
                {
                    "code": "LONG-1.2",
                    "name": "Percentage of tested participants who passed",
                    "unit": "percent",
                    "source": {"kind": "trainings", "filter": {"passed_post_test": {"not_null": True}}},
                    "measure": {
                        "type": "ratio",
                        "numerator": ["passed_post_test"],
                        "denominator": ["female", "male"],
                    },
                    "targets": {**dict.fromkeys(YEARS, 75), "LOP": 75},
                },
            ],
        },
        {
            "code": "2",
            "level": "output",
            "category": "Coordination",
            "statement": "Coordination works.",
            "indicators": [
                {
                    "code": "LONG-2.1",
                    "name": "Number of coordination meetings held",
                    "unit": "number",
                    "source": {"kind": "meetings"},
                    "measure": {"type": "count"},
                    "targets": {"LOP": 40},
                }
            ],
        },
    ],
}
LATEST = "FY2024Q2"  # the last quarter the seeded records reach: FY2024 is to date, every other year complete


@pytest.fixture
def long_programme(db):
    """LONG, FY2017–FY2024, with trainings in every quarter through FY2024 Q2 and meetings in some (seeded)."""
    make_programme(db, **LONG)
    rng = random.Random(42)
    quarters = [q for q in periods.quarters_between(date(2016, 10, 1), date(2024, 9, 30)) if q.code <= LATEST]
    for quarter in quarters:
        for n in range(rng.randint(1, 3)):
            day = quarter.start + timedelta(days=rng.randint(0, 80))
            female, male = rng.randint(3, 25), rng.randint(3, 25)
            tested = n == 0 or rng.random() < 0.5  # each quarter has a post-test: every year has a pass rate
            make_training(
                db,
                "LONG",
                start_date=day,
                female=female,
                male=male,
                passed_post_test=rng.randint(0, female + male) if tested else None,
            )
        if rng.random() < 0.5:
            make_meeting(db, "LONG", date=quarter.start + timedelta(days=rng.randint(0, 80)))
    set_narrative(db, "LONG-1.1", "FY2019Q3", "Two trainings postponed by the national elections.", "claire")
    set_narrative(db, "LONG-1.1", "FY2019Q4", "The postponed trainings were held.", "claire")
    return db


def values_table(ws) -> dict[str, tuple]:
    """Period -> (target, actual, notes) from the sheet's values table, in order, the baseline row first."""
    header = next(
        r
        for r in range(1, ws.max_row + 1)
        if (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value) == ("Period", "Target", "Actual")
    )
    rows = {}
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value == "Rationale for the targets":
            break
        rows[ws.cell(r, 1).value] = (ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 4).value or "")
    return rows


def written(actual, unit: str):
    """A figure as the workbook holds it: rounded once, a percentage as a fraction."""
    value = rounded(actual, unit)
    return pytest.approx(value / 100) if unit == "percent" else value


def test_eight_fiscal_years_and_the_life_of_project_with_the_figures_actuals(long_programme):
    db = long_programme
    wb = openpyxl.load_workbook(BytesIO(pirs.render(build(db, "LONG"))))
    record = load_programme(db, "LONG")
    quarters = programme_quarters(record)
    assert [q.code for q in quarters if q.code <= LATEST][-1] == LATEST and len(quarters) == 32
    for indicator in record.indicators:
        table = values_table(wb[indicator.code])
        assert list(table) == ["Baseline", *YEARS, "LOP"]
        for year in YEARS:
            last = [q for q in quarters if q.fiscal_year.code == year][-1]
            through = last if last.code <= LATEST else periods.parse(LATEST)
            expected = next(
                f for f in figures(db, "LONG", through).indicators if f.indicator.code == indicator.code
            ).year_to_date
            target, actual, notes = table[year]
            wanted = indicator.target_for(year)
            assert target == (None if wanted is None else written(wanted, indicator.unit))
            assert expected.actual is not None and actual == written(expected.actual, indicator.unit), (
                indicator.code,
                year,
            )
            assert ("To date, through FY2024 Q2." in notes) == (year == "FY2024")
        lop = next(f for f in figures(db, "LONG", LATEST).indicators if f.indicator.code == indicator.code)
        assert table["LOP"][1] == written(lop.lop_to_date.actual, indicator.unit)
        assert table["LOP"][0] == written(indicator.target_for("LOP"), indicator.unit)
        assert table["LOP"][2] == "To date, through FY2024 Q2."
    people = values_table(wb["LONG-1.1"])
    assert people["Baseline"] == (None, 0, "As of 1 October 2016")
    assert people["FY2019"][2] == (
        "FY2019 Q3: Two trainings postponed by the national elections.\n"
        "FY2019 Q4: The postponed trainings were held."
    )
    assert people["FY2018"][2] == ""  # a complete year without narratives: nothing to note
    assert people["LOP"][1] == sum(
        people[year][1] for year in YEARS
    )  # the years add up to the life of project
    assert (
        openpyxl.load_workbook(BytesIO(pirs.render(build(db, "LONG"))))["Contents"]["B5"].value == "FY2024 Q2"
    )


def test_a_year_the_data_have_not_reached_has_no_actual(db):
    make_training(db, "KEC", start_date=date(2018, 5, 3), female=12, male=9)
    table = values_table(openpyxl.load_workbook(BytesIO(pirs.render(build(db, "KEC"))))["KEC-4.2"])
    assert table["FY2018"][1:] == (21, "To date, through FY2018 Q3.")
    assert table["FY2017"][1:] == (0, "")
    assert table["FY2019"] == (400, "–", "Not yet reported: the data reach FY2018 Q3.")
    assert table["LOP"] == (1120, 21, "To date, through FY2018 Q3.")


def test_the_long_programmes_sheets_open_and_print_in_libreoffice(long_programme, tmp_path):
    from tests.exports.test_libreoffice import soffice

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.fail("LibreOffice is missing: install libreoffice-calc-nogui (see .ci/run)")
    source = tmp_path / "LONG_pirs.xlsx"
    source.write_bytes(pirs.render(build(long_programme, "LONG")))
    pdf = soffice(tmp_path, "pdf", source, tmp_path / "pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1 + 3  # the contents, then one page per indicator
    resaved = openpyxl.load_workbook(soffice(tmp_path, "xlsx", source, tmp_path / "resaved"))
    original = openpyxl.load_workbook(source)
    for code in ("LONG-1.1", "LONG-1.2", "LONG-2.1"):
        assert values_table(resaved[code]) == values_table(original[code])


# --- victims: what a donor's download shows -----------------------------------------------------------------


def pvr_cases(db) -> None:
    """PVR's victims: 3 identified in FY2018 (a small count), 9 in FY2019, 6 in FY2020 through Q2."""
    for day in (date(2018, 4, 10), date(2018, 5, 2), date(2018, 8, 20)):
        make_case(db, "PVR", date_identified=day, referral_date=day + timedelta(days=3))
    for n in range(9):
        day = date(2018, 10, 15) + timedelta(days=37 * n)
        make_case(db, "PVR", date_identified=day, referral_date=day + timedelta(days=5) if n % 3 else None)
    for n in range(6):
        day = date(2019, 10, 20) + timedelta(days=25 * n)
        make_case(db, "PVR", date_identified=day, referral_date=day + timedelta(days=2))


def pirs_of(db, donor: bool) -> openpyxl.Workbook:
    data, key = report_file(db, "PVR", None, FORMATS, "pirs", small_cell=THRESHOLD, donor=donor)
    assert key == "pirs"
    return openpyxl.load_workbook(BytesIO(data))


def test_a_donors_reference_sheets_show_no_victim_count_below_five(db):
    pvr_cases(db)
    staff, donor = pirs_of(db, donor=False), pirs_of(db, donor=True)
    exact = {code: values_table(staff[code]) for code in CASE_INDICATORS}
    assert exact["PVR-3.1"]["FY2018"][1] == 3  # staff see the small count as it is
    for code in CASE_INDICATORS:
        shown = values_table(donor[code])
        assert list(shown) == list(exact[code])
        for period, (target, actual, notes) in shown.items():
            if period == "Baseline":
                continue
            assert target == exact[code][period][0]  # targets are public
            if isinstance(actual, (int, float)):
                assert actual == exact[code][period][1] and not 0 < actual < THRESHOLD, (code, period)
            else:
                assert actual in ("<5", "*"), (code, period, actual)
                assert "Withheld" in notes
    assert values_table(donor["PVR-3.1"])["FY2018"][1] in ("<5", "*")  # the 3 of FY2018
    assert values_table(donor["PVR-1.1"]) == values_table(staff["PVR-1.1"])  # no victims counted: as it is
    assert "Counts of fewer than 5 victims" in donor["Contents"]["B7"].value
    assert staff["Contents"]["B7"].value is None


def read_sheets(attacker, db, wb) -> int:
    """The case indicators' years and life of project from a reference sheets workbook, as the attacker's facts
    (each over the quarters it counts: through the quarter its note names when it is to date)."""
    record = load_programme(db, "PVR")
    read = 0
    for code in CASE_INDICATORS:
        for period, (_target, actual, notes) in values_table(wb[code]).items():
            if period == "Baseline" or actual == "–":
                continue
            start, end = periods.bounds(
                periods.parse(period, record.calendar), record.start_date, record.end_date
            )
            through = re.search(r"through (FY\d{4}) Q(\d)", notes)
            if through:
                end = periods.parse(f"{through.group(1)}Q{through.group(2)}").end
            label = {"<5": "<", "*": "*"}.get(actual)
            attacker.facts.append(
                Fact(code, attacker.quarters_in(start, end), TOTAL, None if label else float(actual), label)
            )
            read += 1
    return read


def test_an_attacker_holding_every_donor_file_and_the_reference_sheets_recovers_no_victim_count(db):
    pvr_cases(db)
    attacker = attacker_for(db)
    everything_a_donor_gets(db, attacker, every_iati=False)
    assert read_sheets(attacker, db, pirs_of(db, donor=True)) == 4 * len(CASE_INDICATORS)
    assert [f for f in attacker.facts if f.label == "<"], (
        "small counts must be withheld for the attack to mean anything"
    )
    assert attacker.pinned() == []
    # the same attacker given the staff's sheets (exact figures) pins withheld counts: the check can fail
    exposed = attacker_for(db)
    everything_a_donor_gets(db, exposed, every_iati=False)
    read_sheets(exposed, db, pirs_of(db, donor=False))
    assert exposed.pinned()
