"""IOM's own HTCDS v2.0 template filled as an attacker hopes a caseworker fills it: names, phone numbers and
e-mail addresses planted in every free-text column, as case codes, in the file's and the tab's names, and in
columns that expect something else. Every name, number and address is invented; each is distinctive enough
that finding it anywhere means it leaked.

``accepted`` is a sheet the importer must store (free text planted only where the template allows text);
``refused`` holds identifiers where a closed list, a date or a case code is expected, and must be refused
without repeating any of them. ``PLANTED`` lists every string planted; none may be found afterwards.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import load_workbook

from tests.shared import HTCDS_PLAIN, htcds_template

# People and caseworkers (first name, surname)
VICTIMS = (
    ("Zawadi", "Nyirabahizi"),
    ("Kwizera", "Habyarimana"),
    ("Umutoni", "Gasanabo"),
    ("Ishimwe", "Rukundoba"),
    ("Uwingabire", "Mushimiyimana"),
    ("Tuyishime", "Nsengiyumvaho"),
)
CASEWORKER = ("Immaculata", "Mukarugwizaho")
EMAILS = ("zawadi.nyirabahizi@example.org", "kwizera.habyarimana@example.net", "immaculata.m@example.com")
PHONES = ("+250 788 301 477", "0722555019", "+257 79 401 233")
FILE_NAME = "Zawadi Nyirabahizi - Kirehe cases.xlsx"
CSV_NAME = "kwizera_habyarimana.csv"


def _full(person) -> str:
    return f"{person[0]} {person[1]}"


# What each planted free-text cell holds, and what the importer keeps of it (None: nothing is read)
REFERRALS = (
    (f"Mahama Health Centre {_full(VICTIMS[0])}", "Mahama Health Centre"),
    (f"CARE Rwanda {_full(CASEWORKER)}", "CARE Rwanda"),
    (f"{_full(VICTIMS[1])}'s house in Kirehe district", "Other provider"),
    (f"Isange OSC - Mrs {_full(CASEWORKER)} {PHONES[0]}", "Isange One Stop Centre"),
    (f"{EMAILS[2]} (Kibagabaga hospital)", "Other provider"),
    (f"Dr {CASEWORKER[1]}, {PHONES[1]}", "Other provider"),
)
EXPLOITED_IN = (
    (f"Riyadh, employer of {_full(VICTIMS[2])}", "Middle East"),
    (f"{_full(VICTIMS[3])}'s house in Kirehe district", "Unknown"),
    ("Muscat, Oman", "Middle East"),
    (f"call {PHONES[2]}", "Unknown"),
    (EMAILS[0], "Unknown"),
    ("Kampala", "East Africa"),
)
CODES = ("PVR-C-101", None, "PVR-C-103", None, "PVR-C-105", "PVR-C-106")  # None: recognised by the names
NOTES = (
    "cas_CaseOwner",
    "prs_Title",
    "prs_MailingStreet",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "cas_ReferringOrganisation",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredPrimaryCaseWorker",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
)
# In the refused sheet: identifiers where a case code, a closed list or a date is expected
WRONG_COLUMNS = (
    ("case code", EMAILS[1]),
    ("case code", PHONES[0]),
    ("case code", f"{_full(VICTIMS[4])} 2019"),
    ("vic_TypeOfExploitation", EMAILS[0]),
    ("prs_Citizenship", PHONES[1]),
    ("vic_TraffickingStatus", _full(VICTIMS[5])),
    ("prs_Gender", EMAILS[2]),
    ("cas_IncomingReferralDate", _full(CASEWORKER)),
    ("cas_OutgoingReferralDate", PHONES[2]),
)

PLANTED = sorted(
    {
        *(part for person in (*VICTIMS, CASEWORKER) for part in person),
        *(_full(person) for person in (*VICTIMS, CASEWORKER)),
        *EMAILS,
        *PHONES,
        *(p.replace(" ", "") for p in PHONES),
        "788 301 477",
        "401 233",
        "Zawadi Nyirabahizi - Kirehe",
        "kwizera_habyarimana",
        "PVR-C-101",
        "PVR-C-103",
        "PVR-C-105",
        "PVR-C-106",
    }
)


@dataclass
class Row:
    person: tuple[str, str]
    identified: date
    status: str = "Possible victim of trafficking"
    referral: date | None = None
    referred: str = ""
    exploited_in: str = ""
    code: str | None = None


def rows() -> list[Row]:
    """The six people of the accepted sheet: every referral (all six dated) and every place planted."""
    return [
        Row(
            person,
            date(2019, 1 + 2 * i, 10),
            referral=date(2019, 1 + 2 * i, 14),
            referred=REFERRALS[i][0],
            exploited_in=EXPLOITED_IN[i][0],
            code=CODES[i],
        )
        for i, person in enumerate(VICTIMS)
    ]


def _sheet(book):
    sheet = book.worksheets[0]
    fields = {cell.value: cell.column for cell in sheet[1] if cell.value}
    free = max(fields.values()) + 2
    sheet.cell(row=1, column=free, value="cas_CaseNumber")  # a case-number column the officer added
    sheet.cell(row=2, column=free, value="Case Number")
    fields["case code"] = free
    return sheet, fields


def _text(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def fill(people: list[Row], wrong: tuple = ()) -> bytes:
    """The template (field-name row kept) with one row per person, free text planted in every text column;
    then ``wrong`` (field, value) pairs written over its rows, one per row, in turn."""
    book = load_workbook(htcds_template(HTCDS_PLAIN))
    sheet, fields = _sheet(book)
    sheet.title = f"{_full(VICTIMS[5])}"[:31]  # one tab per person, as some caseworkers keep them
    for offset, row in enumerate(people):
        number = 3 + offset
        first, second = row.person
        values = {
            "prs_FirstName": first,
            "prs_SecondName": second,
            "prs_Salutation": "Ms",
            "prs_Birthdate": "~2001",
            "prs_Gender": "Feminine",
            "prs_Citizenship": "Burundi",
            "prs_Email": EMAILS[offset % 3],
            "prs_HomePhone": PHONES[offset % 3],
            "prs_MobilePhone": PHONES[(offset + 1) % 3],
            "prs_MailingCity": "Kirehe",
            "prs_MailingCountry": "Rwanda",
            "vic_TraffickingStatus": row.status,
            "vic_TypeOfExploitation": "Forced labour",
            "vic_LocationOfExploitation": row.exploited_in,
            "cas_IncomingReferralDate": row.identified,
            "cas_ReferredOrganisation": row.referred,
            "cas_OutgoingReferralDate": row.referral,
            "case code": row.code,
            **{
                field: f"{_full(CASEWORKER)} {PHONES[offset % 3]} {EMAILS[(offset + 2) % 3]}"
                for field in NOTES
            },
        }
        for field, value in values.items():
            if value not in (None, "") and field in fields:
                _text(sheet, number, fields[field], value)
    for offset, (field, value) in enumerate(wrong):
        _text(sheet, 3 + offset % len(people), fields[field], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def accepted() -> bytes:
    return fill(rows())


def refused() -> bytes:
    return fill(rows(), WRONG_COLUMNS)


def refused_csv() -> bytes:
    """ctmonitor's own Cases layout as CSV, named after a person, with a phone number as a case code and a
    name as the project and the location."""
    return (
        "Case code,Project,Date identified,Sex,Nationality,Location,Trafficking status,Referred to\n"
        f"{PHONES[1]},PVR,02/03/2019,F,BI,Kirehe,Possible victim,{REFERRALS[0][0]}\n"
        f"PVR-C-201,{VICTIMS[2][1]},03/03/2019,F,BI,{_full(VICTIMS[3])},Possible victim,\n"
    ).encode()
