"""The demo data set's records (``random.Random(42)``), by kind, over the programmes' whole periods: drawn
around the shipped logframe targets so some quarters run ahead and some behind (see ``importers.demo``, which
stores them through the importer's own checks).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from importers import kinds
from indicators import periods
from indicators.vocabulary import CAMPS

KEC_TRAINING_GROUPS = (
    "Law enforcement",
    "Immigration officers",
    "Prosecutors and judges",
    "Local government officials",
    "Civil society organisations",
    "Social and health workers",
    "Media",
    "School leaders and teachers",
)
PVR_TRAINING_GROUPS = (
    "Law enforcement",
    "Immigration officers",
    "Humanitarian and camp staff",
    "Social and health workers",
    "Refugee community leaders",
)
TOPICS = (
    "Identification of victims of trafficking",
    "Investigating and prosecuting trafficking cases",
    "The law on trafficking in persons (Law N° 51/2018)",
    "Victim-centred interviewing",
    "Referral of victims to protection services",
    "Trafficking risks at border crossings",
    "Child trafficking and child protection",
    "Reporting on trafficking in persons",
)
PARTNERS = {
    "KEC": ("UN Women", "UNICEF", "MINIJUST", "RIB", "DGIE", "NPPA"),
    "PVR": ("UNHCR", "MINEMA", "AHA"),
    "GIFT": ("UNODC", "MIGEPROF", "Rwanda National Police"),
}
KIGALI = ("Gasabo", "Kicukiro", "Nyarugenge")
BORDER = ("Rubavu", "Rusizi", "Nyagatare", "Burera", "Kirehe", "Nyamasheke", "Gicumbi")
OTHER_DISTRICTS = ("Huye", "Musanze", "Muhanga", "Rwamagana", "Karongi", "Nyanza", "Bugesera", "Kayonza")

# Per reporting year: (activities, people) around the logframe targets.
KEC_TRAININGS = {2017: (4, 120), 2018: (10, 400), 2019: (10, 400), 2020: (6, 200)}
PVR_TRAININGS = {2018: (6, 150), 2019: (8, 200), 2020: (4, 100)}
GIFT_TRAININGS = {2011: (2, 70), 2012: (9, 370), 2013: (2, 80)}
KEC_AWARENESS = {2017: (10, 2000), 2018: (30, 8000), 2019: (30, 10000), 2020: (20, 5000)}
PVR_AWARENESS = {2018: (10, 3000), 2019: (16, 5000), 2020: (10, 3000)}
GIFT_AWARENESS = {2011: (2, 600), 2012: (10, 3600), 2013: (2, 700)}
PVR_CASES = {2018: 20, 2019: 38, 2020: 27}

NATIONALITIES = (
    ("Burundi", 63),
    ("DR Congo", 15),
    ("Rwanda", 14),
    ("Uganda", 3),
    ("South Sudan", 2),
    ("Tanzania", 2),
    ("Kenya", 1),
)
DESTINATIONS = (
    ("Middle East", 38),
    ("East Africa", 37),
    ("Southern Africa", 10),
    ("West Asia", 6),
    ("Unknown", 9),
)
REFERRED_TO = (
    "Isange One Stop Centre",
    "UNHCR protection unit",
    "MINEMA",
    "ADEPE",
    "Legal Aid Forum",
    "Rwanda Investigation Bureau",
)


def build(programmes: dict) -> dict[str, list[dict]]:
    """Every demo row, by kind, for the programmes on record (KEC, PVR, GIFT)."""
    rng = random.Random(42)
    out: dict[str, list[dict]] = {kind: [] for kind in kinds.KINDS}
    plan = {
        "KEC": (KEC_TRAININGS, KEC_AWARENESS),
        "PVR": (PVR_TRAININGS, PVR_AWARENESS),
        "GIFT": (GIFT_TRAININGS, GIFT_AWARENESS),
    }
    for code, (training_plan, awareness_plan) in plan.items():
        programme = programmes.get(code)
        if programme is None:
            continue
        out["trainings"] += _trainings(rng, programme, training_plan)
        out["awareness"] += _awareness(rng, programme, awareness_plan)
    if "KEC" in programmes:
        out["meetings"] += _meetings(rng, programmes["KEC"])
        out["research"] += _research()
    out["policies"] += [p for p in _policies() if p["project"] in programmes]
    if "PVR" in programmes:
        out["cases"] += _cases(rng, programmes["PVR"])
    return out


def _year_quarters(programme, year: int) -> list[periods.Period]:
    return [
        q
        for q in periods.quarters_between(programme.start_date, programme.end_date, programme.calendar)
        if q.year == year
    ]


def _day(rng: random.Random, quarter: periods.Period, programme) -> date:
    start = max(quarter.start, programme.start_date)
    end = min(quarter.end, programme.end_date) - timedelta(days=3)
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` unevenly (a realistic ±35% around the mean)."""
    weights = [rng.uniform(0.65, 1.35) for _ in range(parts)]
    scale = total / sum(weights)
    return [max(1, round(w * scale)) for w in weights]


def _trainings(rng, programme, per_year: dict) -> list[dict]:
    rows = []
    code = programme.code
    groups = (
        PVR_TRAINING_GROUPS
        if code == "PVR"
        else (
            (
                "Local government officials",
                "Civil society organisations",
                "Law enforcement",
                "Immigration officers",
            )
            if code == "GIFT"
            else KEC_TRAINING_GROUPS
        )
    )
    pass_rate = {2017: 0.72, 2018: 0.76, 2019: 0.81, 2020: 0.79}
    for year, (count, people) in per_year.items():
        quarters = _year_quarters(programme, year)
        count = max(1, count + rng.choice((-1, 0, 0, 1)))
        sizes = _split(rng, round(people * rng.uniform(0.85, 1.15)), count)
        for n, size in enumerate(sizes):
            quarter = quarters[min(len(quarters) - 1, n * len(quarters) // count)]
            start = _day(rng, quarter, programme)
            female = round(size * rng.uniform(0.3, 0.6))
            district = (
                rng.choice(list(CAMPS.values()) + list(KIGALI))
                if code == "PVR"
                else rng.choice(KIGALI + BORDER + OTHER_DISTRICTS)
            )
            tested = code != "GIFT" and rng.random() < 0.6
            rate = min(1.0, pass_rate.get(year, 0.75) + rng.uniform(-0.12, 0.1))
            rows.append(
                {
                    "reference": f"{code}-TR-{year}-{n + 1:02d}",
                    "project": code,
                    "start_date": start,
                    "end_date": start + timedelta(days=rng.choice((0, 1, 2, 2, 4))),
                    "district": district,
                    "target_group": rng.choice(groups),
                    "topic": rng.choice(TOPICS),
                    "female": female,
                    "male": size - female,
                    "passed_post_test": round(size * rate) if tested else None,
                    "partner": rng.choice(PARTNERS[code]),
                }
            )
    return rows


def _awareness(rng, programme, per_year: dict) -> list[dict]:
    rows = []
    code = programme.code
    camps = list(CAMPS)
    for year, (count, people) in per_year.items():
        quarters = _year_quarters(programme, year)
        count = max(1, count + rng.choice((-2, -1, 0, 1, 2)))
        sizes = _split(rng, round(people * rng.uniform(0.85, 1.15)), count)
        for n, size in enumerate(sizes):
            quarter = quarters[min(len(quarters) - 1, n * len(quarters) // count)]
            camp = None
            if code == "PVR":
                setting = "Refugee camp" if rng.random() < 0.9 else "Community"
                camp = camps[n % len(camps)] if setting == "Refugee camp" else None
                district = CAMPS[camp] if camp else rng.choice(list(CAMPS.values()))
                activity = rng.choice(
                    (
                        "Community dialogue",
                        "Drama on trafficking risks",
                        "Awareness session",
                        "Youth sports day with messages on trafficking",
                    )
                )
            else:
                setting = rng.choices(("Community", "School", "Border area", "Media"), (50, 25, 15, 10))[0]
                district = rng.choice(
                    BORDER if setting == "Border area" else KIGALI + BORDER + OTHER_DISTRICTS
                )
                activity = {
                    "Community": "Community dialogue",
                    "School": "School club session",
                    "Border area": "Border awareness campaign",
                    "Media": "Radio show",
                }[setting]
            female = round(size * rng.uniform(0.45, 0.62))
            children = {"School": 0.85, "Community": 0.2, "Refugee camp": 0.3}.get(setting)
            rows.append(
                {
                    "reference": f"{code}-AW-{year}-{n + 1:02d}",
                    "project": code,
                    "date": _day(rng, quarter, programme),
                    "district": district,
                    "setting": setting,
                    "camp": camp,
                    "activity": activity,
                    "female": female,
                    "male": size - female,
                    "under_18": round(size * children * rng.uniform(0.7, 1.1)) if children else None,
                }
            )
    return rows


def _meetings(rng, programme) -> list[dict]:
    rows = []
    quarters = periods.quarters_between(programme.start_date, programme.end_date, programme.calendar)
    decisions = (
        "Validated the annual work plan",
        "Reviewed the draft National Action Plan",
        "Agreed the referral pathway for identified victims",
        "Reviewed data from border posts",
        "Planned the national awareness campaign",
        "Adopted the committee's terms of reference",
    )
    number = 0
    for quarter in quarters[1:]:  # the committee was set up in the project's first quarter
        if quarter.code == "FY2019Q2":
            continue  # not convened that quarter: two meetings the next
        for _ in range(2 if quarter.code == "FY2019Q3" else 1):
            number += 1
            rows.append(
                {
                    "reference": f"KEC-TC-{number:02d}",
                    "project": "KEC",
                    "date": _day(rng, quarter, programme),
                    "body": "Technical Committee",
                    "participants": rng.randint(14, 28),
                    "institutions": rng.randint(8, 15),
                    "decisions": rng.choice(decisions),
                }
            )
    for n, when in enumerate((date(2018, 6, 14), date(2019, 6, 20)), start=1):
        rows.append(
            {
                "reference": f"KEC-SC-{n:02d}",
                "project": "KEC",
                "date": when,
                "body": "National Steering Committee",
                "participants": rng.randint(20, 35),
                "institutions": rng.randint(12, 20),
                "decisions": "Reviewed progress against the logframe",
            }
        )
    return rows


NAR = "National Assessment Report on trafficking in persons in Rwanda (NAR)"
BORDER_STUDY = "Rapid assessment of trafficking risks along Rwanda's borders"


def _research() -> list[dict]:
    steps = [
        (NAR, "Inception", date(2018, 3, 12)),
        (NAR, "Data collection", date(2018, 8, 6)),
        (NAR, "Validated", date(2019, 3, 28)),
        (NAR, "Published", date(2019, 6, 20)),
        (BORDER_STUDY, "Inception", date(2019, 11, 4)),
        (BORDER_STUDY, "Data collection", date(2020, 2, 17)),
    ]
    return [
        {"reference": f"KEC-RS-{n:02d}", "project": "KEC", "title": title, "stage": stage, "date": when}
        for n, (title, stage, when) in enumerate(steps, start=1)
    ]


LAW = (
    "Law N° 51/2018 of 13/08/2018 relating to the prevention, suppression and punishment of trafficking in "
    "persons and exploitation of others"
)


NATIONAL_SOP = (
    "National standard operating procedures for the identification and referral of victims of trafficking"
)


def _policies() -> list[dict]:
    instruments = [
        (
            "KEC",
            LAW,
            "Law",
            "MINIJUST",
            (
                ("Drafted", date(2017, 6, 20)),
                ("Validated", date(2018, 3, 14)),
                ("Adopted", date(2018, 8, 13)),
            ),
        ),
        (
            "KEC",
            "National Action Plan against trafficking in persons 2019–2024",
            "National action plan",
            "MINIJUST",
            (
                ("Drafted", date(2018, 11, 15)),
                ("Validated", date(2019, 4, 25)),
                ("Adopted", date(2019, 8, 28)),
            ),
        ),
        (
            "KEC",
            NATIONAL_SOP,
            "Standard operating procedures",
            "Rwanda Investigation Bureau",
            (
                ("Drafted", date(2019, 6, 10)),
                ("Validated", date(2019, 12, 5)),
                ("Adopted", date(2020, 3, 19)),
            ),
        ),
        (
            "PVR",
            "Standard operating procedures for identifying and referring victims of trafficking among refugees",
            "Standard operating procedures",
            "MINEMA and UNHCR",
            (
                ("Drafted", date(2018, 6, 18)),
                ("Validated", date(2018, 12, 11)),
                ("Adopted", date(2019, 5, 9)),
            ),
        ),
        (
            "GIFT",
            "Guidelines for the referral of victims of trafficking",
            "Guidelines",
            "MIGEPROF",
            (
                ("Drafted", date(2012, 5, 10)),
                ("Validated", date(2012, 10, 24)),
                ("Adopted", date(2013, 2, 14)),
            ),
        ),
    ]
    rows: list[dict] = []
    for code, name, kind, lead, steps in instruments:
        for stage, when in steps:
            rows.append(
                {
                    "reference": f"{code}-PO-{len(rows) + 1:02d}",
                    "project": code,
                    "instrument": name,
                    "instrument_type": kind,
                    "stage": stage,
                    "date": when,
                    "lead_institution": lead,
                }
            )
    return rows


def _case_location(rng: random.Random, nationality: str) -> str:
    """Where a case is identified: refugees in and near their camps, Rwandans in Kigali and at the borders."""
    if nationality == "Burundi":
        return rng.choice(("Mahama", "Mahama", "Mahama", "Kirehe", "Nyagatare"))
    if nationality == "DR Congo":
        return rng.choice(("Kiziba", "Kigeme", "Gihembe", "Nyabiheke", "Mugombwa", "Rubavu", "Rusizi"))
    return rng.choice(KIGALI + ("Rubavu", "Nyagatare", "Burera"))


def _case_exploitation(rng: random.Random, destination: str, child: bool) -> list[str]:
    """The forms of exploitation, as they differ between the Middle East and the region."""
    if destination == "Middle East":
        return rng.choice(
            (["Servitude"], ["Forced labour"], ["Sexual exploitation"], ["Servitude", "Sexual exploitation"])
        )
    return rng.choice(
        (
            ["Forced labour"],
            ["Sexual exploitation"],
            ["Forced marriage"],
            ["Child labour"] if child else ["Forced labour", "Servitude"],
        )
    )


def _cases(rng: random.Random, programme) -> list[dict]:
    rows: list[dict] = []
    names, weights = [name for name, _ in NATIONALITIES], [weight for _, weight in NATIONALITIES]
    regions, region_weights = [region for region, _ in DESTINATIONS], [weight for _, weight in DESTINATIONS]
    for year, count in PVR_CASES.items():
        quarters = _year_quarters(programme, year)
        for n in range(count):
            quarter = quarters[min(len(quarters) - 1, n * len(quarters) // count)]
            identified = _day(rng, quarter, programme)
            nationality = rng.choices(names, weights)[0]
            sex = "Female" if rng.random() < 0.78 else "Male"
            child = rng.random() < 0.3
            age = rng.randint(13, 17) if child else rng.randint(18, 36)
            status = rng.choices(("Possible victim", "Actual victim", "Not a victim"), (65, 28, 7))[0]
            destination = rng.choices(regions, region_weights)[0]
            location = _case_location(rng, nationality)
            exploitation = _case_exploitation(rng, destination, child)
            referred = status != "Not a victim" and rng.random() < 0.86
            referral = (
                min(identified + timedelta(days=rng.randint(0, 21)), programme.end_date) if referred else None
            )
            rows.append(
                {
                    "reference": f"PVR-{year}-{n + 1:03d}",
                    "project": "PVR",
                    "date_identified": identified,
                    "sex": sex,
                    "age": age if rng.random() < 0.9 else None,
                    "age_group": None,
                    "nationality": nationality,
                    "location": location,
                    "status": status,
                    "exploitation_types": exploitation if status != "Not a victim" else [],
                    "destination_region": destination,
                    "referred_to": rng.choice(REFERRED_TO) if referred else None,
                    "referral_date": referral,
                    "assistance": (
                        rng.sample(
                            (
                                "Shelter",
                                "Medical",
                                "Psychosocial",
                                "Legal",
                                "Return and reintegration",
                                "Livelihood",
                            ),
                            rng.randint(1, 3),
                        )
                        if referred
                        else []
                    ),
                }
            )
            if rows[-1]["age"] is None:
                rows[-1]["age_group"] = "Child" if child else "Adult"
    return rows
