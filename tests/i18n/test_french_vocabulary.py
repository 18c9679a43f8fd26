"""The Victims profile's vocabulary in French, as a francophone manager reads it: countries named by pycountry's
French for their ISO 3166 code (Rwanda's short forms kept: "RD Congo", "Tanzanie"), the exploitation types in
French, in the tables and on the charts, and the percent axes written as the page writes its shares ("20 %").
The same page in English is as it was, and the store keeps the English names (exports, IATI and the API read
them). Read on the demo data ``ctmonitor demo`` loads through the importer (the shipped store) and on the
suite's seeded demo store, whose countries are stored by ISO 3166's own names."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from indicators import i18n
from indicators.store.models import Case
from tests.dashboard.test_pages import find, texts
from tests.stores import USERS

NBSP = "\u00a0"
FRENCH_COUNTRIES = ("Ouganda", "Soudan du Sud", "Kenya", "Tanzanie", "RD Congo", "Burundi", "Rwanda")
ENGLISH_COUNTRIES = ("Uganda", "South Sudan", "Kenya", "Tanzania", "DR Congo", "Burundi", "Rwanda")
FRENCH_TYPES = ("Travail forcé", "Exploitation sexuelle", "Servitude", "Mariage forcé", "Travail des enfants")
ENGLISH_TYPES = ("Forced labour", "Sexual exploitation", "Servitude", "Forced marriage", "Child labour")


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
