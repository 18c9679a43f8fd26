"""IOM's official HTCDS v2.0 templates filled as caseworkers fill them: drop-down labels from the template's own
``validation`` sheet, and free text with names, phone numbers and e-mail addresses where the template allows
it. Every name, number and address here is invented (random.Random, fixed seed)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from openpyxl import load_workbook

from tests.shared import HTCDS_PLAIN as PLAIN
from tests.shared import HTCDS_WITH_VALIDATION as WITH_VALIDATION
from tests.shared import htcds_template

VARIANTS = (WITH_VALIDATION, PLAIN)

FIRST = (
    "Aline",
    "Esperance",
    "Claudine",
    "Divine",
    "Josiane",
    "Immaculee",
    "Clarisse",
    "Vestine",
    "Francine",
    "Jeannette",
    "Patrick",
    "Emmanuel",
    "Thierry",
    "Olivier",
    "Innocent",
    "Fabrice",
    "Gloriose",
    "Solange",
    "Chantal",
    "Alphonsine",
)
SECOND = (
    "Niyonsaba",
    "Hakizimana",
    "Mukeshimana",
    "Uwimana",
    "Ndayisaba",
    "Irakoze",
    "Nshimirimana",
    "Mugisha",
    "Habimana",
    "Nyiramana",
    "Bizimana",
    "Kabila",
    "Mutoni",
    "Iradukunda",
    "Ntakirutimana",
    "Nduwimana",
    "Kanyange",
    "Munezero",
)
MIDDLE = ("Marie", "Jean-Bosco", "Claire", "Pacifique")
CASEWORKERS = ("Jeanne Mukamana", "Samuel Habiyaremye", "Odette Uwera")
RECEIVERS = ("Mrs Immaculee N. 0788300411", "Mr Theogene K. +250 722 555 019", "Dr. Aimable Rutayisire")
# (what the caseworker types, the region the importer must find; None: unknown to the importer)
EXPLOITED_IN = (
    ("Riyadh", "Middle East"),
    ("Muscat, Oman", "Middle East"),
    ("Kampala, Uganda", "East Africa"),
    ("Nairobi", "East Africa"),
    ("Goma", "East Africa"),
    ("Dubai", "Middle East"),
    ("Johannesburg", "Southern Africa"),
    ("Saudi Arabia", "Middle East"),
    ("", "Unknown"),
    ("a farm near the lake", "Unknown"),
)
CITIZENSHIP = (
    ("Burundi", 60),
    ("Congo, Democratic Republic of the", 15),
    ("Rwanda", 14),
    ("Uganda", 4),
    ("Tanzania, United Republic of", 3),
    ("Kenya", 2),
    ("South Sudan", 2),
)
STATUSES = (
    ("Possible victim of trafficking", 62),
    ("Actual victim of trafficking", 28),
    ("Not a victim of trafficking", 10),
)
EXPLOITATION = ("Forced labour", "Sexual exploitation", "Servitude", "Forced marriage", "Child labour")
REFERRED = (
    "Isange OSC - {receiver}",
    "UNHCR protection unit",
    "Caritas Rwanda, contact {receiver}",
    "{receiver}",
    "Isange One Stop Centre",
)


@dataclass
class Person:
    first: str
    second: str
    middle: str | None
    born: object  # a date, or what the caseworker typed: "2004", 2004, "Unknown", "~2005", "17"
    gender: str
    citizenship: str
    email: str
    phone: str
    street: str
    status: str
    exploitation: str
    exploited_in: str
    identified: date
    referred_to: str
    referral: date | None
    details: str = field(default="")

    @property
    def victim(self) -> bool:
        return self.status != "Not a victim of trafficking"


def people(
    n: int = 55, seed: int = 7, identified_from: date = date(2018, 10, 3), days: int = 340
) -> list[Person]:
    """``n`` people identified in FY2019, each name pair used once."""
    rng = random.Random(seed)
    pairs = [(f, s) for f in FIRST for s in SECOND]
    rng.shuffle(pairs)
    out = []
    for i in range(n):
        first, second = pairs[i]
        identified = identified_from + timedelta(days=rng.randrange(days))
        born = rng.choice(
            (
                date(1990 + rng.randrange(16), rng.randrange(1, 13), rng.randrange(1, 28)),
                date(1998, 2, 14),
                str(1985 + rng.randrange(20)),
                1985 + rng.randrange(20),
                "Unknown",
                "~2005",
                str(14 + rng.randrange(10)),
                f"{rng.randrange(1, 28):02d}/{rng.randrange(1, 13):02d}/200{rng.randrange(8)}",
            )
        )
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        referred = rng.random() < 0.7
        receiver = rng.choice(RECEIVERS)
        out.append(
            Person(
                first=first,
                second=second,
                middle=rng.choice(MIDDLE) if rng.random() < 0.2 else None,
                born=born,
                gender=rng.choices(("Feminine", "Masculine", "NonSpecifiedUnknown"), (77, 21, 2))[0],
                citizenship=rng.choices([c for c, _ in CITIZENSHIP], [w for _, w in CITIZENSHIP])[0],
                email=f"{first.lower()}.{second.lower()}{i}@example.org",
                phone=f"+2507{rng.randrange(10_000_000, 99_999_999)}",
                street=f"KG {rng.randrange(1, 700)} St {rng.randrange(1, 90)}",
                status=status,
                exploitation=rng.choice(EXPLOITATION),
                exploited_in=rng.choice(EXPLOITED_IN)[0],
                identified=identified,
                referred_to=rng.choice(REFERRED).format(receiver=receiver) if referred else "",
                referral=identified + timedelta(days=rng.randrange(0, 20)) if referred else None,
                details=f"Intercepted at Rusumo with {first} {second}'s cousin, call {rng.randrange(10**9, 10**10)}",
            )
        )
    return out


def fill(variant: str, rows: list[Person], *, drop_fields_row: bool = False) -> bytes:
    """The official template with one row per person from row 3, the way a caseworker types it."""
    book = load_workbook(htcds_template(variant))
    sheet = book.worksheets[0]
    fields = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for offset, person in enumerate(rows):
        row = 3 + offset
        values = {
            "cas_CaseOwner": CASEWORKERS[offset % len(CASEWORKERS)],
            "prs_Salutation": "Ms" if person.gender == "Feminine" else "Mr",
            "prs_FirstName": person.first if not person.middle else f"{person.first} {person.middle}",
            "prs_SecondName": person.second,
            "con_Consent": "Yes",
            "prs_Birthdate": person.born,
            "prs_Gender": person.gender,
            "prs_Citizenship": person.citizenship,
            "prs_Email": person.email,
            "prs_HomePhone": person.phone,
            "prs_MobilePhone": person.phone,
            "prs_MailingCity": "Kigali",
            "prs_MailingCountry": "Rwanda",
            "prs_MailingStreet": person.street,
            "vic_TraffickingStatus": person.status,
            "vic_TraffickinStatusDecisionMakingOrg": "Police",
            "vic_TypeOfExploitation": person.exploitation,
            "vic_LocationOfExploitation": person.exploited_in,
            "cas_Status": "Active",
            "cas_ReferringOrganisation": "DGIE",
            "cas_IncomingReferralDate": person.identified,
            "cas_ReferringPrimaryCaseWorker": CASEWORKERS[(offset + 1) % len(CASEWORKERS)],
            "cas_IncomingReferralDetails": person.details,
            "cas_ReferredOrganisation": person.referred_to,
            "cas_ReferredPrimaryCaseWorker": CASEWORKERS[(offset + 2) % len(CASEWORKERS)],
            "cas_OutgoingReferralDate": person.referral,
        }
        for name, value in values.items():
            if value not in (None, "") and name in fields:
                cell = sheet.cell(row=row, column=fields[name], value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    if drop_fields_row:
        sheet.delete_rows(1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def country_labels() -> list[tuple[str, str]]:
    """(ISO alpha-2, label) of every country in the template's ``validation`` sheet."""
    book = load_workbook(htcds_template(WITH_VALIDATION), read_only=True)
    sheet = book["validation"]
    rows = [
        (code, label)
        for code, label in sheet.iter_rows(min_col=4, max_col=5, values_only=True)
        if code and label and len(code) == 2
    ]
    book.close()
    return rows


def identifiers(rows: list[Person]) -> list[str]:
    """Every identifying string written into the sheets: none may be stored, kept or printed."""
    out = set(CASEWORKERS) | {r.split(" 0")[0].split(" +")[0] for r in RECEIVERS}
    out |= {"0788300411", "+250 722 555 019", "Immaculee", "Theogene", "Aimable Rutayisire"}
    for person in rows:
        out |= {
            f"{person.first} {person.second}",
            person.email,
            person.phone,
            person.street,
            person.details,
            person.second,
            person.details.rsplit(" ", 1)[-1],
        }
        if person.middle:
            out.add(f"{person.first} {person.middle}")
        if isinstance(person.born, date):
            out |= {person.born.isoformat(), person.born.strftime("%d/%m/%Y")}
        elif isinstance(person.born, str) and "/" in person.born:
            out.add(person.born)
    return sorted(out)


def edited(rows: list[Person], seed: int = 11) -> tuple[list[Person], dict]:
    """The officer's next upload of the same sheet: 3 statuses changed, 2 referral dates added, 2 people
    inserted among the rows, the whole sheet sorted by second name."""
    rng = random.Random(seed)
    out = list(rows)
    victims = [i for i, p in enumerate(out) if p.status == "Possible victim of trafficking"]
    changed = rng.sample(victims, 3)
    for n, i in enumerate(changed):
        status = "Not a victim of trafficking" if n == 0 else "Actual victim of trafficking"
        out[i] = replace(out[i], status=status)
    unreferred = [i for i, p in enumerate(out) if p.referral is None and p.victim and i not in changed]
    referred = rng.sample(unreferred, 2)
    for i in referred:
        out[i] = replace(
            out[i], referral=out[i].identified + timedelta(days=3), referred_to="Isange One Stop Centre"
        )
    newcomers = people(2, seed=99, identified_from=date(2019, 5, 2), days=60)
    newcomers = [
        replace(p, first=f"{p.first}-Grace", status="Possible victim of trafficking") for p in newcomers
    ]
    out += newcomers
    out.sort(key=lambda p: (p.second, p.first))
    return out, {"changed": changed, "referred": referred, "new": newcomers}
