"""The shipped programme files (programmes/*.yaml), checked once and on their own: each validates, the directory
loads into a fresh store as ``ctmonitor init`` loads it (twice changing nothing), the programmes are those of
DOMAIN §2 and every indicator of DOMAIN's logframe table is there with its category, source, measure and
targets, and ``ctmonitor demo`` stores its data over them.

Every other test reads the suite's own copies (tests/data/programmes, see tests/stores.py), so a new
indicator or a revised target in a shipped file is checked here, and by the browser tests that drive the
product as shipped, and nowhere else.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from indicators.programmes import definitions
from indicators.store.models import Indicator, Phase, Programme, Target
from indicators.store.settings import Settings
from tests.stores import PROGRAMMES, SHIPPED_PROGRAMMES, make_store

SHIPPED_FILES = sorted(SHIPPED_PROGRAMMES.glob("*.yaml"))

# DOMAIN §2: code -> (donor, partners, government lead, start, end, reporting calendar).
DOMAIN_PROGRAMMES = {
    "KEC": ("USAID", ["UN Women", "UNICEF"], "MINIJUST", date(2017, 1, 1), date(2020, 6, 30), "fiscal"),
    "PVR": ("U.S. Department of State", ["UNHCR"], "MINIJUST", date(2018, 2, 1), date(2020, 6, 30), "fiscal"),
    "GIFT": (
        "UN.GIFT",
        ["IOM", "UNODC"],
        "Ministry of Gender and Women in Development",
        date(2011, 10, 1),
        date(2013, 3, 31),
        "calendar",
    ),
}

# DOMAIN §6, the shipped logframes: code -> (category, source, measure type, baseline, targets). A fiscal
# year the project did not run ("–") has no target.
LOGFRAMES = {
    "KEC-1.1": (
        "Research",
        "research",
        "stage",
        0,
        {"FY2017": 0, "FY2018": 0, "FY2019": 1, "FY2020": 0, "LOP": 1},
    ),
    "KEC-2.1": (
        "Policy",
        "policies",
        "stage",
        0,
        {"FY2017": 0, "FY2018": 1, "FY2019": 1, "FY2020": 1, "LOP": 3},
    ),
    "KEC-3.1": (
        "Coordination",
        "meetings",
        "count",
        0,
        {"FY2017": 2, "FY2018": 4, "FY2019": 4, "FY2020": 3, "LOP": 13},
    ),
    "KEC-4.1": (
        "Capacity building",
        "trainings",
        "count",
        0,
        {"FY2017": 4, "FY2018": 10, "FY2019": 10, "FY2020": 6, "LOP": 30},
    ),
    "KEC-4.2": (
        "Capacity building",
        "trainings",
        "sum",
        0,
        {"FY2017": 120, "FY2018": 400, "FY2019": 400, "FY2020": 200, "LOP": 1120},
    ),
    "KEC-4.3": (
        "Capacity building",
        "trainings",
        "ratio",
        None,
        {"FY2017": 70, "FY2018": 75, "FY2019": 80, "FY2020": 80, "LOP": 80},
    ),
    "KEC-5.1": (
        "Awareness raising",
        "awareness",
        "sum",
        0,
        {"FY2017": 2000, "FY2018": 8000, "FY2019": 10000, "FY2020": 5000, "LOP": 25000},
    ),
    "KEC-5.2": (
        "Awareness raising",
        "awareness",
        "count",
        0,
        {"FY2017": 10, "FY2018": 30, "FY2019": 30, "FY2020": 20, "LOP": 90},
    ),
    "PVR-1.1": (
        "Capacity building",
        "trainings",
        "sum",
        0,
        {"FY2018": 150, "FY2019": 200, "FY2020": 100, "LOP": 450},
    ),
    "PVR-2.1": (
        "Awareness raising",
        "awareness",
        "sum",
        0,
        {"FY2018": 3000, "FY2019": 5000, "FY2020": 3000, "LOP": 11000},
    ),
    "PVR-3.1": ("Protection", "cases", "count", 0, {"FY2018": 20, "FY2019": 40, "FY2020": 30, "LOP": 90}),
    "PVR-3.2": ("Protection", "cases", "count", 0, {"FY2018": 15, "FY2019": 30, "FY2020": 25, "LOP": 70}),
    "PVR-4.1": ("Policy", "policies", "stage", 0, {"FY2018": 0, "FY2019": 1, "FY2020": 0, "LOP": 1}),
    "GIFT-1.1": ("Capacity building", "trainings", "sum", 0, {"LOP": 200}),
    "GIFT-2.1": ("Capacity building", "trainings", "sum", 0, {"LOP": 300}),
    "GIFT-3.1": ("Awareness raising", "awareness", "sum", 0, {"LOP": 5000}),
    "GIFT-4.1": ("Protection", "policies", "stage", 0, {"LOP": 1}),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """A fresh store with the shipped programme files loaded, as ``ctmonitor init`` loads them."""
    settings = Settings.for_tests(tmp_path_factory.mktemp("shipped"), programmes_dir=SHIPPED_PROGRAMMES)
    store = make_store(settings)
    yield store
    store.dispose()


def test_the_shipped_files_are_the_three_programmes():
    assert [path.name for path in SHIPPED_FILES] == ["gift.yaml", "kec.yaml", "pvr.yaml"]


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: path.name)
def test_each_shipped_file_validates_and_is_named_after_its_programme(path):
    definition = definitions.read_file(path)
    assert path.stem == definition.code.lower()


def test_the_programmes_are_those_of_the_domain(shipped):
    with shipped.Session() as session:
        found = {
            p.code: (p.donor, p.partners, p.government_lead, p.start_date, p.end_date, p.calendar)
            for p in session.scalars(select(Programme))
        }
    assert set(found) == set(DOMAIN_PROGRAMMES)
    for code, (donor, partners, lead, start, end, calendar) in DOMAIN_PROGRAMMES.items():
        assert found[code][:2] == (donor, partners), code
        assert lead in found[code][2], code  # "MINIJUST (Ministry of Justice)" names MINIJUST
        assert found[code][3:] == (start, end, calendar), code


def test_gift_has_its_two_phases_with_budget_pledge_and_gap(shipped):
    with shipped.Session() as session:
        phases = session.scalars(
            select(Phase).join(Programme).where(Programme.code == "GIFT").order_by(Phase.start_date)
        ).all()
        shown = [
            (p.name, p.start_date, p.end_date, int(p.budget), int(p.pledged), int(p.funding_gap))
            for p in phases
        ]
    assert shown == [
        ("Phase One", date(2011, 10, 1), date(2012, 3, 31), 302226, 302226, 0),
        ("Phase Two", date(2012, 4, 1), date(2013, 3, 31), 460000, 0, 460000),
    ]


def domain_logframes(store) -> dict:
    """The store's indicators of DOMAIN's logframe table, as that table describes them (code -> row), and
    whether each sits in the programme its code names."""
    with store.Session() as session:
        indicators = {i.code: i for i in session.scalars(select(Indicator))}
        return {
            code: (
                indicators[code].category,
                indicators[code].source_kind,
                indicators[code].measure["type"],
                indicators[code].baseline,
                {t.period: t.value for t in indicators[code].targets},
                indicators[code].programme.code == code.split("-")[0],
            )
            for code in LOGFRAMES
            if code in indicators
        }


def test_every_indicator_of_the_domain_logframes_is_there_with_its_targets(shipped):
    """The domain's indicators (a shipped file may add more; they are the files' own business)."""
    assert domain_logframes(shipped) == {code: (*row, True) for code, row in LOGFRAMES.items()}


def test_two_more_indicators_in_a_shipped_file_touch_neither_this_check_nor_the_suite(tmp_path, store):
    """A copy of the shipped files with two more KEC indicators (as a logframe revision would add them) loads,
    this module's domain check still holds, and the suite's own programmes stay as they were."""
    import shutil

    import yaml

    folder = tmp_path / "programmes"
    shutil.copytree(SHIPPED_PROGRAMMES, folder)
    kec = yaml.safe_load((folder / "kec.yaml").read_text(encoding="utf-8"))
    shipped_codes = {i["code"] for r in kec["results"] for i in r.get("indicators", [])}
    awareness = kec["results"][-1]["indicators"]
    free = (f"KEC-5.{n}" for n in range(1, 100) if f"KEC-5.{n}" not in shipped_codes)
    added = {next(free): "Number of radio shows broadcast", next(free): "Number of schools reached"}
    for code, name in added.items():
        indicator = dict(awareness[-1], code=code, name=name)
        indicator.pop("history", None)
        awareness.append(indicator)
    (folder / "kec.yaml").write_text(
        yaml.safe_dump(kec, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    revised = make_store(Settings.for_tests(tmp_path, programmes_dir=folder))
    try:
        assert domain_logframes(revised) == {code: (*row, True) for code, row in LOGFRAMES.items()}
        with revised.Session() as session:
            revised_codes = set(session.scalars(select(Indicator.code).where(Indicator.code.like("KEC-%"))))
    finally:
        revised.dispose()
    assert revised_codes == shipped_codes | set(added)
    with store.Session() as session:
        suite_codes = set(session.scalars(select(Indicator.code).where(Indicator.code.like("KEC-%"))))
    own = definitions.read_file(PROGRAMMES / "kec.yaml")
    assert suite_codes == {i.code for r in own.results for i in r.indicators}
    assert not suite_codes & set(added)


def test_the_suite_reads_its_own_programme_files(settings, demo_settings):
    """What every other test loads, and what the commands they run load (``CTMONITOR_PROGRAMMES_DIR``)."""
    import os

    assert settings.programmes_dir == demo_settings.programmes_dir == PROGRAMMES
    assert os.environ["CTMONITOR_PROGRAMMES_DIR"] == str(PROGRAMMES)


def test_loading_the_shipped_files_again_changes_nothing(shipped):
    with shipped.begin() as session:
        before = session.scalar(select(func.count(Target.id)))
        definitions.load_directory(session, SHIPPED_PROGRAMMES)
        assert not session.dirty and not session.new and not session.deleted
        assert session.scalar(select(func.count(Target.id))) == before


def test_the_demo_data_is_stored_over_the_shipped_programmes(shipped):
    """``ctmonitor demo`` on the shipped files: nothing refused, and records for every programme (rolled back)."""
    from importers import demo
    from indicators.store.kinds import KINDS

    with shipped.Session() as session:
        report = demo.load(session, shipped.settings)
        assert report.ok, report.as_text()
        holding = set()
        for spec in KINDS:
            holding |= set(
                session.scalars(
                    select(Programme.code).join(spec.model, spec.model.programme_id == Programme.id)
                )
            )
        session.rollback()
    assert holding == set(DOMAIN_PROGRAMMES)
