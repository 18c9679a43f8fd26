"""Writes the small, real-looking messy workbooks the importer tests read (run it again to refresh them).

    .venv/bin/python -m tests.data.make_workbooks

The .ods, .xls and .xlsm copies are converted with LibreOffice (``soffice``) when it is installed; the
committed files are what the tests use. Every name, phone number and address here is invented.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from tests.data.case_workbooks import cases, htcds

HERE = Path(__file__).resolve().parent


def _as_text(cell) -> None:
    """A typed value starting with "=" stays text (openpyxl would otherwise write it as a formula)."""
    cell.data_type = "s"


def messy_activities(path: Path) -> None:
    """Two activity kinds in one workbook, as an M&E officer keeps it: title rows, synonyms, mixed dates,
    numbers as text, trailing spaces, blank and number-only rows, a Total row, a read-me and a hidden list."""
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    readme["A1"] = "How to fill this workbook"
    readme["A3"] = "One row per training. Dates as dd/mm/yyyy."
    readme["A4"] = "Reference, Project, Date, District, Target group"

    sheet = book.create_sheet("Q3 FY2019 trainings")
    sheet["A1"] = "IOM Rwanda – Counter-trafficking programme"
    sheet["A2"] = "Capacity building activities, FY2019 Q3 (draft)"
    sheet.append([])
    sheet.append(
        [
            "No.",
            "Ref",
            "Project code",
            "Date",
            "End date ",
            "Location",
            "Audience",
            "Title",
            "Women",
            "Men",
            "Total",
            "Post-test passed",
            "Partner",
            "Venue",
        ]
    )  # header in row 4
    sheet.append(
        [
            1,
            "KEC-T-101",
            "KEC ",
            date(2019, 4, 3),
            "04/04/2019",
            "Gasabo ",
            "Police",
            "Victim identification ",
            " 12 ",
            "8.0",
            20,
            15,
            "UNICEF",
            "Hotel des Mille Collines",
        ]
    )  # row 5
    sheet.append(
        [
            2,
            "KEC-T-102",
            "kec",
            "15/04/2019",
            "",
            "rusizi",
            "DGIE",
            "Border screening",
            5,
            14,
            "19",
            "",
            "DGIE",
            "",
        ]
    )  # row 6
    sheet.append(
        [
            3,
            None,
            "KEC",
            "2019-05-02",
            "2019-05-03",
            "Nyarugenge",
            "NPPA",
            "=Prosecuting TIP cases",
            "7",
            "9",
            16,
            16,
            "UN Women",
            "",
        ]
    )  # row 7
    _as_text(sheet["H7"])
    sheet.append([])  # row 8
    sheet.append(
        [
            4,
            "PVR-T-201",
            "PVR",
            datetime(2019, 5, 20, 9, 30),
            None,
            "Kirehe",
            "Camp staff",
            "Identifying victims in Mahama",
            11,
            6,
            17,
            None,
            "UNHCR",
            "Mahama camp",
        ]
    )  # row 9
    sheet.append([5])  # row 10: only its number
    sheet.append([6])  # row 11
    sheet.append(["Total", None, None, None, None, None, None, None, 35, 37, 72])  # row 12

    outreach = book.create_sheet("Outreach")
    outreach["A1"] = "Awareness raising – FY2019"
    outreach.append(
        [
            "Ref",
            "Project",
            "Event date",
            "Location",
            "Venue type",
            "Camp",
            "Type",
            "Women reached",
            "Men reached",
            "Children",
        ]
    )  # header in row 2
    outreach.append(
        ["AW-1", "KEC", "12/06/2019", "Huye", "community", None, "Community dialogue", 120, 95, 30]
    )
    outreach.append(
        ["AW-2", "PVR", date(2019, 6, 14), "KIREHE", "Refugee camp", "Mahama", "Drama", "210", "180", "150"]
    )
    outreach.append(
        ["AW-3", "PVR", "2019-06-20", "Karongi", "Camp", "kiziba camp", "Awareness session", 80, 60, None]
    )
    outreach.append(
        ["AW-4", "KEC", "21/06/2019", "Musanze", "Schools", None, "School club session", 140, 130, 250]
    )
    outreach.append(
        ["AW-5", "KEC", "25/06/2019", "Rubavu", "Border", None, "Border awareness campaign", 60, 75, ""]
    )

    lists = book.create_sheet("Lists")
    lists.append(["District", "Target group", "Setting"])
    lists.append(["Gasabo", "Law enforcement", "Community"])
    lists.sheet_state = "hidden"
    book.save(path)


TRAININGS = [
    "Reference",
    "Project",
    "Start date",
    "End date",
    "District",
    "Target group",
    "Topic",
    "Female participants",
    "Male participants",
    "Total participants",
    "Passed post-test",
    "Organised with",
]
AWARENESS = [
    "Reference",
    "Project",
    "Date",
    "District",
    "Setting",
    "Refugee camp",
    "Activity",
    "Female reached",
    "Male reached",
    "Of whom under 18",
]
POLICIES = ["Reference", "Project", "Instrument", "Type", "Stage", "Date", "Lead institution"]
RESEARCH = ["Reference", "Project", "Title", "Stage", "Date"]


def errors(path: Path) -> None:
    """One of each error class at a known cell, among good rows (see test_validation.py for the cells)."""
    book = Workbook()
    trainings = book.active
    trainings.title = "Trainings"
    trainings.append(TRAININGS)
    good = [
        "KEC",
        date(2019, 1, 10),
        date(2019, 1, 11),
        "Gasabo",
        "Law enforcement",
        "Identification",
        10,
        10,
        20,
        15,
        "UNICEF",
    ]
    rows = {
        2: ["T-1", *good],
        3: ["T-2", *good[:6], "abc", *good[7:]],  # H3 not a number
        4: ["T-3", good[0], "31/02/2019", None, *good[3:]],  # C4 not a date
        5: ["T-4", good[0], date(2016, 12, 1), None, *good[3:]],  # C5 before KEC's start
        6: ["T-5", good[0], date(2099, 1, 1), None, *good[3:]],  # C6 in the future
        7: ["T-6", good[0], date(2019, 3, 5), date(2019, 3, 1), *good[3:]],  # D7 end before start
        8: ["T-7", *good[:8], 21, *good[9:]],  # J8 total is not female + male
        9: ["T-8", *good[:9], 25, good[10]],  # K9 passed more than participants
        10: ["T-9", good[0], good[1], good[2], "Gasabbo", *good[4:]],  # E10 unknown district
        11: ["T-10", *good[:4], "Astronauts", *good[5:]],  # F11 unknown target group
        12: ["T-11", "XYZ", *good[1:]],  # B12 unknown project
        13: ["T-1", *good],  # A13 repeats A2's reference
        14: ["T-12", *good[:6], "-3", *good[7:]],  # H14 negative
    }
    for number in sorted(rows):
        trainings.append(rows[number])
    for number in range(15, 40):  # many good rows: one bad row must be enough to store nothing
        trainings.append([f"T-{number}", *good])

    awareness = book.create_sheet("Awareness")
    awareness.append(AWARENESS)
    awareness.append(
        ["A-1", "PVR", date(2019, 2, 1), "Kirehe", "Refugee camp", "Mahama", "Drama", 50, 40, 20]
    )
    awareness.append(
        ["A-2", "PVR", date(2019, 2, 2), "Kirehe", "Refugee camp", None, "Drama", 50, 40, 20]
    )  # F3
    awareness.append(
        ["A-3", "PVR", date(2019, 2, 3), "Karongi", "Refugee camp", "Mahama", "Drama", 50, 40, 20]
    )  # D4
    awareness.append(["A-4", "KEC", date(2019, 2, 4), "Huye", "School", None, "Club", 50, 40, 100])  # J5
    awareness.append(
        ["A-5", "PVR", date(2018, 1, 15), "Gicumbi", "Community", None, "Dialogue", 5, 5, None]
    )  # C6

    policies = book.create_sheet("Policies")
    policies.append(POLICIES)
    policies.append(["P-1", "KEC", "Law on trafficking", "Law", "Drafted", date(2018, 5, 1), "MINIJUST"])
    policies.append(
        ["P-2", "KEC", "Law on trafficking", "Law", "Adopted", date(2018, 3, 1), "MINIJUST"]
    )  # F3
    policies.append(
        ["P-3", "KEC", "Law on trafficking", "Law", "Drafted", date(2018, 6, 1), "MINIJUST"]
    )  # E4
    policies.append(
        ["P-4", "KEC", "Bilateral treaty", "Treaty", "Drafted", date(2018, 6, 1), "MINAFFET"]
    )  # D5
    book.save(path)


def stages(path: Path) -> None:
    """Policies, research and meetings in one workbook, without references (KEC named at upload)."""
    book = Workbook()
    policies = book.active
    policies.title = "Legal framework"
    policies.append(["Instrument", "Instrument type", "Status", "Stage date", "Institution"])
    policies.append(["Law relating to trafficking in persons", "Law", "Draft", "20/06/2017", "MINIJUST"])
    policies.append(["Law relating to trafficking in persons", "Law", "Validated", "14/03/2018", "MINIJUST"])
    policies.append(["National Action Plan", "NAP", "Drafted", "15/11/2018", "MINIJUST"])
    research = book.create_sheet("Studies")
    research.append(["Study", "Status", "Date"])
    research.append(["National assessment (NAR)", "Inception", "12/03/2018"])
    research.append(["National assessment (NAR)", "Fieldwork", "06/08/2018"])
    meetings = book.create_sheet("Coordination")
    meetings.append(["Meeting date", "Body", "Participants", "Institutions represented", "Decisions"])
    meetings.append([date(2018, 2, 8), "Technical Committee", 18, 11, "Work plan validated"])
    meetings.append([date(2018, 5, 10), "Technical Committee", "21", "12", "=Reviewed the draft law"])
    _as_text(meetings["E3"])
    book.save(path)


def results(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Direct entry"
    sheet.append(["Indicator code", "Period", "Actual", "Disaggregation", "Comments"])
    sheet.append(["KEC-4.1", "FY2019Q3", 3, None, "From the training register"])
    sheet.append(["kec-4.1", "FY19 Q3", "2", "target group: police", ""])
    sheet.append(["PVR-3.1", "FY2019Q2", 12, "sex=Female", "Case management data"])
    book.save(path)


def results_errors(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Results"
    sheet.append(["Project", "Indicator", "Period", "Value", "Disaggregation"])
    sheet.append(["KEC", "KEC-9.9", "FY2019Q3", 1, None])  # B2 unknown indicator
    sheet.append(["KEC", "PVR-3.1", "FY2019Q3", 1, None])  # B3 another programme's indicator
    sheet.append(["KEC", "KEC-4.1", "FY2025Q1", 1, None])  # C4 outside KEC
    sheet.append(["KEC", "KEC-4.1", "FY2019", 1, None])  # C5 a year, not a quarter
    sheet.append(["KEC", "KEC-4.1", "FY2019Q3", "many", None])  # D6 not a number
    sheet.append(
        ["KEC", "KEC-4.1", "FY2019Q3", 2, "nationality=Burundi"]
    )  # E7 not a disaggregation of KEC-4.1
    book.save(path)


def csv_with_bom(path: Path) -> None:
    text = (
        "Ref,Project,Start date,District,Target group,Topic,Female,Male,Passed post-test\r\n"
        'CSV-1,KEC,02/07/2019,Huye ,Teachers,Child trafficking," 9 ",4,\r\n'
        "CSV-2,KEC,2019-07-09,Musanze,Media,Reporting on trafficking,3,5,8\r\n"
        ",,,,,,,,\r\n"
        "CSV-3,KEC,16/07/2019,Nyagatare,Local government,Referral,12,10,20\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def awareness_source(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Awareness 2018"
    sheet.append(
        ["Reference", "Project", "Date", "District", "Setting", "Refugee camp", "Activity", "Female", "Male"]
    )
    sheet.append(
        [
            "ODS-1",
            "PVR",
            date(2018, 9, 4),
            "Gisagara",
            "Refugee camp",
            "Mugombwa",
            "Community dialogue",
            40,
            35,
        ]
    )
    sheet.append(["ODS-2", "PVR", date(2018, 9, 11), "Nyamagabe", "Refugee camp", "Kigeme", "Drama", 90, 70])
    book.save(path)


def meetings_source(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Meetings"
    sheet.append(["Ref", "Date", "Body", "Participants", "Institutions"])
    sheet.append(["XLS-1", date(2019, 11, 14), "Technical Committee", 22, 13])
    sheet.append(["XLS-2", date(2020, 2, 13), "Technical Committee", 19, 12])
    book.save(path)


def convert(source: Path, target: Path, filter_name: str) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print(f"soffice not found: {target.name} not refreshed", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                filter_name,
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        produced = next(p for p in Path(folder).iterdir() if p.is_file())
        shutil.move(str(produced), target)


def main() -> None:
    messy_activities(HERE / "activities_messy.xlsx")
    errors(HERE / "errors.xlsx")
    stages(HERE / "stages_no_reference.xlsx")
    cases(HERE / "cases_with_identifiers.xlsx")
    htcds(HERE / "htcds_filled.xlsx")
    results(HERE / "results.xlsx")
    results_errors(HERE / "results_errors.xlsx")
    csv_with_bom(HERE / "trainings_bom.csv")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "awareness.xlsx"
        awareness_source(source)
        convert(source, HERE / "awareness.ods", "ods")
        source = Path(folder) / "meetings.xlsx"
        meetings_source(source)
        convert(source, HERE / "meetings.xls", "xls:MS Excel 97")
        convert(
            HERE / "activities_messy.xlsx", HERE / "activities_messy.xlsm", "xlsm:Calc MS Excel 2007 VBA XML"
        )


if __name__ == "__main__":
    main()
