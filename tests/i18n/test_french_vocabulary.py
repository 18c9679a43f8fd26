"""The Victims profile's vocabulary in French, as a francophone manager reads it: countries named by pycountry's
French for their ISO 3166 code (Rwanda's short forms kept: "RD Congo", "Tanzanie"), the exploitation types in
French, in the tables and on the charts, and the percent axes written as the page writes its shares ("20 %").
The same page in English is as it was, and the store keeps the English names (exports, IATI and the API read
them). Read on the demo data ``ctmonitor demo`` loads through the importer (the shipped store) and on the
suite's seeded demo store, whose countries are stored by ISO 3166's own names. And the Data quality page's
outliers, each rule said in French as whole sentences (numbers and dates the French way), English unchanged."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from indicators import i18n
from indicators.figures import aggregates, cached, quality
from indicators.figures.quality import Outlier
from indicators.store.models import Awareness, Case, Programme, Training
from tests.dashboard.test_pages import find, texts
from tests.stores import USERS

NBSP, NNBSP = "\u00a0", "\u202f"
FRENCH_COUNTRIES = ("Ouganda", "Soudan du Sud", "Kenya", "Tanzanie", "RD Congo", "Burundi", "Rwanda")
ENGLISH_COUNTRIES = ("Uganda", "South Sudan", "Kenya", "Tanzania", "DR Congo", "Burundi", "Rwanda")
FRENCH_TYPES = ("Travail forcé", "Exploitation sexuelle", "Servitude", "Mariage forcé", "Travail des enfants")
ENGLISH_TYPES = ("Forced labour", "Sexual exploitation", "Servitude", "Forced marriage", "Child labour")
PASSED = f"plus de réussites au post-test que de participants (plus de 100{NBSP}%)"


@pytest.fixture(scope="module")
def pages(demo_app, shipped_app):
    return SimpleNamespace(
        **{name: importlib.import_module(f"dashboard.{name}") for name in ("victims", "indicator")}
    )


@pytest.fixture
def shipped_request(shipped_app):
    """Code run as inside one request to the shipped app (the demo data) by a signed-in user of ``USERS``."""
    from flask_login import login_user

    from dashboard._auth import SignedInUser

    @contextmanager
    def context(language: str, as_user: str = "manager") -> Iterator[None]:
        username, role, donor = USERS[as_user]
        with shipped_app.server.test_request_context("/victims"), i18n.speaking(language):
            login_user(SignedInUser(0, username, role, donor))
            yield

    return context


def labels(page, dimension: str) -> tuple[list[str], list[str], dict]:
    """A breakdown's categories as its table lists them and as its chart draws them, and the chart's value axis."""
    rows = find(page, f"victims-{dimension}").children[1].children[1].children.children[1].children
    figure = find(page, f"victims-chart-{dimension}").figure
    return [row.children[0].children for row in rows], figure["data"][0]["y"], figure["layout"]["xaxis"]


def test_the_victims_profile_names_countries_and_exploitation_in_french(pages, shipped_request):
    with shipped_request("fr"):
        page = pages.victims.layout(programme="PVR")
    table, chart, axis = labels(page, "nationality")
    assert table == chart and set(table) == set(FRENCH_COUNTRIES)
    table, chart, axis = labels(page, "exploitation")
    assert table == chart and set(table) == set(FRENCH_TYPES)
    assert axis["ticksuffix"] == f"{NBSP}%", "the axis is written as the shares are: 58,2 %"
    text = texts(page)
    assert f"58,2{NBSP}%" in text  # Burundi's share, written the same way
    for english in set(ENGLISH_COUNTRIES + ENGLISH_TYPES) - set(FRENCH_COUNTRIES + FRENCH_TYPES):
        assert english not in text


def test_the_victims_profile_in_english_is_unchanged(pages, shipped_request):
    with shipped_request("en"):
        page = pages.victims.layout(programme="PVR")
    table, chart, axis = labels(page, "nationality")
    assert table == chart and set(table) == set(ENGLISH_COUNTRIES)
    table, chart, axis = labels(page, "exploitation")
    assert table == chart and set(table) == set(ENGLISH_TYPES)
    assert axis["ticksuffix"] == "%"
    assert "58.2%" in texts(page)


def test_a_country_stored_by_its_iso_name_is_named_in_french(pages, request_context):
    """The seeded store keeps ISO 3166's own name for DR Congo ("Congo, The Democratic Republic of the")."""
    with request_context(), i18n.speaking("fr"):
        page = pages.victims.layout(programme="PVR")
    table, chart, _axis = labels(page, "nationality")
    assert table == chart and set(table) == {"Burundi", "RD Congo", "Rwanda", "Ouganda"}
    with request_context():
        english = pages.victims.layout(programme="PVR")
    assert set(labels(english, "nationality")[0]) == {"Burundi", "DR Congo", "Rwanda", "Uganda"}


def test_countries_read_their_french_from_their_iso_code():
    from dashboard._components import category_name, short_category

    stored = {
        "Uganda": "Ouganda",
        "South Sudan": "Soudan du Sud",
        "Tanzania, United Republic of": "Tanzanie",
        "Congo": "Congo-Brazzaville",
        "Russia": "Russie",  # stored shorter than ISO's name ("Russian Federation"): said as short
        "South Korea": "Corée du Sud",
        "Côte d'Ivoire": "Côte d’Ivoire",
        "Saudi Arabia": "Arabie saoudite",
        "Female": "Femmes",
        "Huye": "Huye",  # not a country: as stored
    }
    with i18n.speaking("fr"):
        assert {name: category_name(name) for name in stored} == stored
        assert short_category("Congo, The Democratic Republic of the") == "RD Congo"
    with i18n.speaking("en"):
        assert {name: category_name(name) for name in stored} == {name: name for name in stored}
        assert short_category("Congo, The Democratic Republic of the") == "DR Congo"


def test_a_percentage_indicator_s_axes_are_written_the_french_way(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.indicator.layout(code="KEC-4.3", period="FY2019Q3")
    with request_context():
        english = pages.indicator.layout(code="KEC-4.3", period="FY2019Q3")
    for chart in ("indicator-chart", "indicator-cumulative"):
        assert find(page, chart).figure["layout"]["yaxis"]["ticksuffix"] == f"{NBSP}%"
        assert find(english, chart).figure["layout"]["yaxis"]["ticksuffix"] == "%"


def test_the_store_keeps_the_english_names(shipped_store):
    with shipped_store.Session() as session:
        nationalities = set(session.scalars(select(Case.nationality).distinct()))
        types = {t for row in session.scalars(select(Case.exploitation_types)) for t in row or ()}
    assert set(ENGLISH_COUNTRIES) <= nationalities
    assert set(ENGLISH_TYPES) <= types
    assert not nationalities & (set(FRENCH_COUNTRIES) - set(ENGLISH_COUNTRIES))
    assert not types & (set(FRENCH_TYPES) - set(ENGLISH_TYPES))


# --- the Data quality page's outliers ---------------------------------------------------------------------


@pytest.fixture
def session(demo_store):
    """A session on the demo store whose writes are rolled back after the test."""
    with demo_store.engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as s:
            yield s
        transaction.rollback()


def test_the_data_quality_outliers_are_said_in_french(demo_app, request_context):
    page_module = importlib.import_module("dashboard.quality")
    with request_context(), i18n.speaking("fr"):
        page = page_module.layout(programme="KEC")
    outliers = texts(find(page, "quality-outliers"))
    for french in (
        "Formation KEC-T008",
        "500 participants",
        "plus de 3 fois l’effectif médian des formations (33)",
        "kec_activities_2019.xlsx · Trainings ligne 12",
    ):
        assert french in outliers
    for english in ("Training KEC-T008", "the median training", "row 12"):
        assert english not in outliers
    with request_context(), i18n.speaking("fr"):
        unknowns = texts(find(page_module.layout(programme="PVR"), "quality-unknowns"))
    assert f"17{NBSP}%" in unknowns and "17%" not in unknowns  # a share of the total, written as shares are
    with request_context():
        english = texts(find(page_module.layout(programme="KEC"), "quality-outliers"))
    assert "Training KEC-T008 FY2019Q4 500 participants more than 3× the median training (33) " in english
    assert "kec_activities_2019.xlsx · Trainings row 12" in english


def test_every_outlier_rule_is_said_in_french(session):
    gift = session.scalar(select(Programme).where(Programme.code == "GIFT"))
    for model in (Training, Awareness):
        session.execute(delete(model).where(model.programme_id == gift.id))
    trainings = [
        ("T1", 5, 5, None),
        ("T2", 6, 6, 12),
        ("T3", 7, 7, 15),
        ("T4", 7, 6, None),
        (None, 0, 0, None),
    ]
    for n, (reference, female, male, passed) in enumerate([*trainings, ("T6", 900, 600, None)], start=1):
        session.add(
            Training(
                programme_id=gift.id,
                reference=reference,
                quarter="FY2012Q1",
                start_date=date(2011, 8, 1),
                district="Huye",
                target_group="Police",
                female=female,
                male=male,
                passed_post_test=passed,
                source_sheet="Trainings",
                source_row=n,
                row_hash=str(n),
            )
        )
    session.add(
        Awareness(
            programme_id=gift.id,
            reference="A1",
            quarter="FY2012Q1",
            date=date(2011, 8, 1),
            district="Huye",
            setting="School",
            female=1000,
            male=1000,
            under_18=2500,
            source_sheet="Awareness",
            source_row=2,
            row_hash="a1",
        )
    )
    session.flush()
    found, _more = quality.record_outliers(session, gift)  # attendances 0, 10, 12, 13, 14, 1500: median 12.5
    with i18n.speaking("fr"):
        said = {(o.record, o.value, o.why, o.source) for o in found}
    assert said == {
        ("Formation T3", "15 réussites sur 14", PASSED, "– · Trainings ligne 3"),
        (
            "Formation du 1 août 2011 à Huye",
            "0 participant",
            "une formation sans aucun participant",
            "– · Trainings ligne 5",
        ),
        (
            "Formation T6",
            f"1{NNBSP}500 participants",
            "plus de 3 fois l’effectif médian des formations (12)",
            "– · Trainings ligne 6",
        ),
        (
            "Sensibilisation A1",
            f"2{NNBSP}500 de moins de 18 ans sur 2{NNBSP}000",
            "plus d’enfants que de personnes touchées",
            "– · Awareness ligne 2",
        ),
    }
    english = {(o.record, o.value, o.why) for o in found}
    assert ("Training of 1 August 2011 in Huye", "0 participants", "a training with nobody") in english
    assert ("Training T6", "1,500 participants", "more than 3× the median training (12)") in english
    assert ("Awareness A1", "2,500 under 18 of 2,000", "more children than people reached") in english


def test_a_percentage_above_100_is_said_in_french():
    summed = Outlier(
        "KEC",
        "FY2019Q3",
        "percentage",
        {"indicator": "KEC-4.3", "actual": 104.2, "numerator": 1250, "denominator": 1200},
    )
    entered = Outlier(
        "KEC",
        "FY2019Q3",
        "percentage",
        {"indicator": "KEC-4.3", "actual": 120, "numerator": None, "denominator": None},
    )
    with i18n.speaking("fr"):
        assert (summed.record, summed.value, summed.why) == (
            "KEC-4.3 (indicateur)",
            f"104,2{NBSP}%",
            f"un pourcentage supérieur à 100{NBSP}%",
        )
        assert (summed.source, entered.source) == (f"1{NNBSP}250 ÷ 1{NNBSP}200", "saisi comme valeur")
    assert (summed.record, summed.value, summed.why, summed.source) == (
        "KEC-4.3 (indicator)",
        "104.2%",
        "a percentage above 100%",
        "1,250 ÷ 1,200",
    )
    assert entered.source == "entered as a value"


def test_outliers_kept_as_words_before_are_found_again(session):
    """A store whose outliers were kept as English words (before they were kept as facts) is read afresh."""
    kec = session.scalar(select(Programme).where(Programme.code == "KEC"))
    fresh, more = quality.record_outliers(session, kec)
    as_words = [
        {
            "programme": "KEC",
            "record": o.record,
            "quarter": o.quarter,
            "value": o.value,
            "why": o.why,
            "source": o.source,
        }
        for o in fresh
    ]
    cached.save(session, kec.id, "outliers:trainings", {"found": as_words, "more": more})
    assert quality.stored_outliers(session, kec) == (fresh, more)
    with i18n.speaking("fr"):
        assert "Formation KEC-T008" in {o.record for o in quality.stored_outliers(session, kec)[0]}
    # ``ctmonitor init`` stores them anew as facts, so the pages stop recounting them at every visit
    assert quality.kept_as_words(session, kec.id)
    aggregates.sync_definitions(session)
    assert not quality.kept_as_words(session, kec.id)
    assert all("facts" in o for o in cached.load(session, kec.id, "outliers:trainings")["found"])


def test_a_share_is_rounded_half_up_as_every_output_rounds(pages):
    """12.25% is 12.3% in the table as in the chart's hover (Python's round gives 12.2)."""
    assert pages.victims._share(12.25) == "12.3%"
    with i18n.speaking("fr"):
        assert pages.victims._share(12.25) == f"12,3{NBSP}%"
