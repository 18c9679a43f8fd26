"""The case workbooks the importer tests read (written by ``tests.data.make_workbooks``): ctmonitor's own
Cases layout full of identifiers that must never be kept, and IOM's real HTCDS v2.0 template filled for four
people. Every name, phone number and address here is invented.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.shared import HTCDS_PLAIN, htcds_template

CASES = [
    "Case code",
    "Project",
    "Name",
    "Phone number",
    "E-mail",
    "Date of birth",
    "Passport number",
    "Date identified",
    "Sex",
    "Age",
    "Nationality",
    "Location",
    "Trafficking status",
    "Exploitation type",
    "Destination",
    "Referred to",
    "Referral date",
    "Assistance",
]
# Identifiers written into the case files: none of them may reach the store (see test_cases.py).
CASE_IDENTIFIERS = {
    "names": ["Uwase Claudine Mukeshimana", "Ndayisaba Jean-Bosco", "Irakoze Aline"],
    "phones": ["+250788123456", "+257 79 555 014", "0722 555 098"],
    "emails": ["claudine.m@example.org", "jb.ndayisaba@example.net", "aline.irakoze@example.com"],
    "passports": ["PC4455667", "OP0098123", "RW77112233"],
    "births": [date(1999, 3, 14), date(2004, 11, 2), date(1987, 7, 30)],
}


def cases(path: Path) -> None:
    """PVR's own case layout, with direct identifiers in columns that must never be read."""
    ids = CASE_IDENTIFIERS
    book = Workbook()
    sheet = book.active
    sheet.title = "Victims identified"
    sheet.append(["Case register – PVR (confidential)"])
    sheet.append(CASES)
    sheet.append(
        [
            "PVR-C-001",
            "PVR",
            ids["names"][0],
            ids["phones"][0],
            ids["emails"][0],
            ids["births"][0],
            ids["passports"][0],
            date(2019, 3, 2),
            "F",
            19,
            "BI",
            "Mahama camp",
            "Possible victim",
            "Domestic servitude; sexual exploitation",
            "Saudi Arabia",
            "Isange One Stop Centre",
            "05/03/2019",
            "Shelter; medical care",
        ]
    )
    sheet.append(
        [
            "PVR-C-002",
            "PVR",
            ids["names"][1],
            ids["phones"][1],
            ids["emails"][1],
            ids["births"][1],
            ids["passports"][1],
            "12/04/2019",
            "Male",
            None,
            "DRC",
            "Rubavu",
            "Actual victim",
            "Forced labour",
            "East Africa",
            "UNHCR protection unit",
            None,
            "Psychosocial",
        ]
    )
    sheet.append(
        [
            "PVR-C-003",
            "PVR",
            ids["names"][2],
            ids["phones"][2],
            ids["emails"][2],
            ids["births"][2],
            ids["passports"][2],
            date(2019, 6, 20),
            "Female",
            31,
            "Rwandan",
            "Gasabo",
            "Not a victim",
            "",
            "",
            "",
            None,
            "",
        ]
    )
    book.save(path)


HTCDS_PEOPLE = [
    # first and second name, birth date, gender, citizenship, e-mail, mobile, street, city, status, exploitation,
    # incoming referral (date identified), referred to, outgoing referral date, location of exploitation
    (
        "Aline",
        "Niyonsaba",
        date(1998, 2, 14),
        "Feminine",
        "BI",
        "aline.niyonsaba@example.org",
        "+250788555123",
        "KG 7 Ave 12",
        "Kirehe",
        "Possible victim of trafficking",
        "Forced labour",
        date(2019, 1, 8),
        "Isange One Stop Centre",
        date(2019, 1, 15),
        "Oman",
    ),
    (
        "Esperance",
        "Hakizimana",
        date(2003, 9, 1),
        "Feminine",
        "Burundi",
        "esperance.h@example.net",
        "+25779111222",
        "Avenue de la Paix 4",
        "Mahama",
        "Actual victim of trafficking",
        "Sexual exploitation",
        date(2019, 2, 19),
        "UNHCR protection unit",
        date(2019, 2, 20),
        "Kenya",
    ),
    (
        "Patrick",
        "Mugisha",
        date(1990, 12, 24),
        "Masculine",
        "COD",
        "p.mugisha@example.com",
        "+243812345678",
        "Rue Kabila 33",
        "Goma",
        "Possible victim of trafficking",
        "Forced labour;Servitude",
        date(2019, 4, 2),
        "",
        None,
        "Saudi Arabia",
    ),
    (
        "Divine",
        "Uwimana",
        date(2006, 5, 5),
        "NonSpecifiedUnknown",
        "RW",
        "divine.uwimana@example.org",
        "+250722000111",
        "KN 3 Rd 8",
        "Kigali",
        "Not a victim of trafficking",
        "",
        date(2019, 5, 27),
        "",
        None,
        "",
    ),
]


def htcds(path: Path) -> None:
    """IOM's HTCDS v2.0 template (the real file, hidden field-name row kept), filled for four people."""
    book = load_workbook(htcds_template(HTCDS_PLAIN))
    sheet = book.active
    fields = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for offset, person in enumerate(HTCDS_PEOPLE):
        (
            first,
            second,
            born,
            gender,
            citizenship,
            email,
            mobile,
            street,
            city,
            status,
            exploitation,
            incoming,
            referred,
            outgoing,
            exploited_in,
        ) = person
        row = 3 + offset
        values = {
            "cas_CaseOwner": "Jeanne Mukamana (IOM)",
            "prs_Salutation": "Ms" if gender == "Feminine" else "Mr",
            "prs_FirstName": first,
            "prs_SecondName": second,
            "con_Consent": "Yes",
            "prs_Birthdate": born,
            "prs_Gender": gender,
            "prs_Citizenship": citizenship,
            "prs_Email": email,
            "prs_HomePhone": mobile,
            "prs_MobilePhone": mobile,
            "prs_MailingCity": city,
            "prs_MailingCountry": citizenship,
            "prs_MailingStreet": street,
            "prs_MailingPostalCode": "BP 1234",
            "vic_TraffickingStatus": status,
            "vic_TypeOfExploitation": exploitation,
            "vic_LocationOfExploitation": exploited_in,
            "cas_Status": "Active",
            "cas_ReferringOrganisation": "DGIE",
            "cas_IncomingReferralDate": incoming,
            "cas_IncomingReferralDetails": f"Intercepted with {first} {second}'s cousin at the border",
            "cas_ReferredOrganisation": referred,
            "cas_OutgoingReferralDate": outgoing,
            "cas_ReferredPrimaryCaseWorker": "Samuel Habimana",
        }
        for field, value in values.items():
            if value not in (None, ""):
                sheet.cell(row=row, column=fields[field], value=value)
    book.save(path)
