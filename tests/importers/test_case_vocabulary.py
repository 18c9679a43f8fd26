"""What caseworkers write, understood: countries (every ISO 3166 code and the region's usual forms), places of
exploitation, statuses, sexes, exploitation types and age bands in English, French and Kinyarwanda, referred
organisations kept as known providers only, and case codes that are really names, numbers or addresses."""

from __future__ import annotations

import pycountry
import pytest
from sqlalchemy import select

from importers import countries, matching
from importers.people import AgeGroupValue, looks_like_name, personal
from importers.pipeline import import_file
from importers.values import Choices, region
from indicators.programmes.providers import OTHER, SHIPPED_CATALOGUE
from indicators.store.models import Case
from tests.importers.conftest import count

HEADER = "Case code,Project,Date identified,Sex,Nationality,Trafficking status,Exploitation type,Age group,Destination"


def _import(db, settings, *rows: str, name="cases.csv"):
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    return import_file(db, text.encode(), name, settings=settings)


def test_every_iso_code_and_name_is_its_own_country():
    wrong = []
    for country in pycountry.countries:
        for written in (country.alpha_2, country.alpha_3, country.name, country.alpha_3.lower()):
            if countries.country(written) != country.alpha_2:
                wrong.append((written, countries.country(written)))
    assert wrong == []


@pytest.mark.parametrize(
    "written, code",
    [
        ("DRC", "CD"),
        ("RDC", "CD"),
        ("DR Congo", "CD"),
        ("Congo (DRC)", "CD"),
        ("Congo-Kinshasa", "CD"),
        ("République démocratique du Congo", "CD"),
        ("Congolese", "CD"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Congo", "CG"),
        ("Congo-Brazzaville", "CG"),
        ("Tanzania", "TZ"),
        ("Tanzanie", "TZ"),
        ("Tanzania, United Republic of", "TZ"),
        ("Burundais", "BI"),
        ("Uburundi", "BI"),
        ("Ouganda", "UG"),
        ("Korea, Republic of", "KR"),
        ("Holy See", "VA"),
        ("Bonaire, Sint Eustatius and Saba", "BQ"),
        ("Saint Helena, Ascension and Tristan da Cunha", "SH"),
        ("Arabie saoudite", "SA"),
        ("NA", "NA"),
    ],
)
def test_the_usual_written_forms(written, code):
    assert countries.country(written) == code


def test_not_available_is_not_namibia_and_an_ambiguous_name_is_no_guess():
    assert countries.nationality("N/A") == countries.nationality("n/a") == "Unknown"
    assert countries.nationality("Kongo") is None and countries.nationality("Korea") is None


def test_every_country_has_a_destination_region():
    every = {country.alpha_2 for country in pycountry.countries}
    assert set(countries.REGION_OF_COUNTRY) == every
    assert {code for code in countries.CITIES.values()} <= every


@pytest.mark.parametrize(
    "place, wanted",
    [
        ("Riyadh", "Middle East"),
        ("Muscat, Oman", "Middle East"),
        ("Kampala, Uganda", "East Africa"),
        ("Nairobi", "East Africa"),
        ("Goma", "East Africa"),
        ("Dubai (UAE)", "Middle East"),
        ("Johannesburg", "Southern Africa"),
        ("Istanbul", "West Asia"),
        ("Gulf", "Middle East"),
        ("Lusaka, Zambia", "Southern Africa"),
        ("Paris", None),
        ("Unknown", "Unknown"),
        ("Guangzhou", "Other"),
    ],
)
def test_places_of_exploitation(place, wanted):
    assert region(place) == wanted


@pytest.mark.parametrize(
    "vocabulary, written, wanted",
    [
        (matching.STATUSES, "PVoT", "Possible victim"),
        (matching.STATUSES, "VoT", "Actual victim"),
        (matching.STATUSES, "Potential victim", "Possible victim"),
        (matching.STATUSES, "Victime présumée", "Possible victim"),
        (matching.STATUSES, "Not a victim of trafficking", "Not a victim"),
        (matching.SEXES, "Féminin", "Female"),
        (matching.SEXES, "Masculin", "Male"),
        (matching.SEXES, "Gore", "Female"),
        (matching.SEXES, "Gabo", "Male"),
        (matching.SEXES, "Umukobwa", "Female"),
        (matching.SEXES, "NonSpecifiedUnknown", "Unknown"),
    ],
)
def test_synonyms(vocabulary, written, wanted):
    assert vocabulary.lookup(written) == wanted


@pytest.mark.parametrize(
    "written, wanted",
    [
        ("Sexual exploitation (prostitution)", ["Sexual exploitation"]),
        ("Forced labour/Domestic work", ["Forced labour", "Servitude"]),
        ("Exploitation sexuelle; travail forcé", ["Sexual exploitation", "Forced labour"]),
        ("forced_labour domestic_servitude", ["Forced labour", "Servitude"]),  # a Kobo select-multiple
        ("Uburaya", ["Sexual exploitation"]),
    ],
)
def test_exploitation_types(written, wanted):
    assert Choices(matching.EXPLOITATION_TYPES).parse(written) == wanted


@pytest.mark.parametrize(
    "band, wanted",
    [
        ("0--8", "Child"),
        ("9--17", "Child"),
        ("18--20", "Adult"),
        ("48+", "Adult"),
        ("10-20", "Unknown"),
        ("under 18", "Child"),
        ("Mineur", "Child"),
        ("Adulte", "Adult"),
        ("Umwana", "Child"),
    ],
)
def test_age_bands(band, wanted):
    assert AgeGroupValue().parse(band) == wanted


def test_written_forms_refuse_nothing_and_count_where_they_belong(db, settings):
    report = _import(
        db,
        settings,
        "C-01,PVR,02/03/2019,Féminin,Congo (DRC),PVoT,Sexual exploitation (prostitution),9--17,Riyadh",
        "C-02,PVR,03/03/2019,Masculin,République démocratique du Congo,VoT,Forced labour/Domestic work,18--20,"
        '"Muscat, Oman"',
        "C-03,PVR,04/03/2019,Gore,Korea Republic of,Potential victim,Servitude,48+,Goma",
    )
    assert report.ok, report.as_text()
    cases = {f"C-0{c.source_row - 1}": c for c in db.scalars(select(Case).order_by(Case.source_row))}
    assert [(c.sex, c.nationality, c.status, c.age_group, c.destination_region) for c in cases.values()] == [
        ("Female", "DR Congo", "Possible victim", "Child", "Middle East"),
        ("Male", "DR Congo", "Actual victim", "Adult", "Middle East"),
        ("Female", "South Korea", "Possible victim", "Adult", "East Africa"),
    ]
    assert cases["C-02"].exploitation_types == ["Forced labour", "Servitude"]


def test_an_unknown_nationality_is_an_error_that_names_the_cell_not_the_value(db, settings):
    report = _import(db, settings, "C-01,PVR,02/03/2019,F,Burundia,PVoT,,,")
    [error] = report.errors
    # the hint is a country of the list; what was typed is not repeated (it may be anything)
    assert (error.where, error.value) == ("cases!E2", "(not shown: case data)")
    assert "did you mean Burundi" in error.expected and "Burundia" not in report.as_text()
    assert count(db, "cases") == 0


def test_a_case_code_that_is_a_name_is_refused_without_showing_it(db, settings):
    report = _import(
        db,
        settings,
        "Irakoze Aline,PVR,02/03/2019,F,BI,PVoT,,,",
        "Jean-Bosco,PVR,02/03/2019,F,BI,PVoT,,,",
        "PVR-C-014,PVR,02/03/2019,F,BI,PVoT,,,",
    )
    assert [(e.where, e.value) for e in report.errors] == [
        ("cases!A2", "(not shown: case data)"),
        ("cases!A3", "(not shown: case data)"),
    ]
    assert "Irakoze" not in report.as_text() and "Bosco" not in report.as_text()
    assert (
        looks_like_name("Uwase Claudine") and not looks_like_name("C-014") and not looks_like_name("2019/7")
    )


@pytest.mark.parametrize(
    "code, looks",
    [
        ("Aline Uwase 2019", "a person's name"),
        ("Uwase, Aline (2019)", "a person's name"),
        ("Aline-Grace Uwase 12/03/2019", "a person's name"),
        ("aline.uwase@example.org", "an e-mail address"),
        ("+250 788 123 456", "a phone number"),
        ("0788123456", "a phone number"),
        ("+257 79 555 014", "a phone number"),
        ("PVR-C-014", None),
        ("C-1", None),
        ("PVR-2019-001", None),
        ("2019-000123", None),
        ("IOM/RW/2019/00123", None),
    ],
)
def test_case_codes_that_identify_someone(code, looks):
    assert personal(code) == looks


def test_case_codes_are_stored_as_keyed_pseudonyms_and_refused_when_they_identify_someone(db, settings):
    report = _import(
        db,
        settings,
        "Aline Uwase 2019,PVR,02/03/2019,F,BI,PVoT,,,",
        "aline.uwase@example.org,PVR,02/03/2019,F,BI,PVoT,,,",
        "0788 123 456,PVR,02/03/2019,F,BI,PVoT,,,",
    )
    hidden = "(not shown: case data)"
    assert [(e.where, e.value) for e in report.errors] == [(f"cases!A{n}", hidden) for n in (2, 3, 4)]
    assert [e.expected.rsplit("not ", 1)[1] for e in report.errors] == [
        "a person's name",
        "an e-mail address",
        "a phone number",
    ]
    assert not any(
        typed in report.as_text() for typed in ("Aline", "Uwase", "aline.uwase", "0788", "123 456")
    )
    stored = _import(
        db, settings, "PVR-C-014,PVR,02/03/2019,F,BI,PVoT,,,", " PVR-C-015 ,PVR,03/03/2019,F,BI,PVoT,,,"
    )
    assert stored.ok, stored.as_text()
    references = sorted(db.scalars(select(Case.reference)))
    assert all(r.startswith("code:") and len(r) == 45 for r in references) and "PVR-C" not in str(references)
    # the same code again is the same case
    again = _import(
        db, settings, "PVR-C-014,PVR,02/03/2019,F,BI,VoT,,,", "PVR-C-015,PVR,03/03/2019,F,BI,PVoT,,,"
    )
    assert again.counts["cases"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Isange OSC - Mrs Immaculee N. 0788300411", "Isange One Stop Centre"),
        ("UNHCR protection unit", "UNHCR protection unit"),
        ("Caritas Rwanda, contact Jean Paul 0722 555 123", "Caritas Rwanda"),
        ("Mahama Health Centre Aline Uwase", "Mahama Health Centre"),
        ("CARE Rwanda Jean Bosco Habimana", "CARE Rwanda"),
        ("RIB Kirehe station, Mr Mugabo", "Rwanda Investigation Bureau"),
        ("referred to Isange", "Isange One Stop Centre"),
        ("Legal Aid Forum / Ms Ange", "Legal Aid Forum"),
        ("Kibagabaga Hospital (Dr. Mugabo)", OTHER),
        ("NUDOR - Mr Peter", OTHER),
        ("Aline Uwase's house in Kirehe district", OTHER),
        ("Mrs Uwase 0788111222", OTHER),
        ("Jean Bosco Habimana", OTHER),
        ("  ", None),
    ],
)
def test_a_referral_is_kept_as_a_known_provider_or_other_never_as_typed(typed, kept):
    assert SHIPPED_CATALOGUE.referred(typed) == kept


def test_two_people_alike_in_everything_hashed_are_two_cases_with_a_warning(db, settings):
    text = (
        "Name,Project,Date identified,Sex,Nationality,Trafficking status\n"
        "Aline Uwase,PVR,02/03/2019,F,BI,PVoT\nAline Uwase,PVR,05/03/2019,F,BI,VoT\n"
    )
    report = import_file(db, text.encode(), "cases.csv", settings=settings)
    assert report.ok and report.counts["cases"]["new"] == 2, report.as_text()
    [warning] = report.warnings
    assert warning.value.startswith("1 row with the names") and "(3)" in warning.value
    again = import_file(db, text.replace("PVoT", "Actual victim").encode(), "cases.csv", settings=settings)
    assert again.counts["cases"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    assert "Aline" not in report.as_text() + again.as_text()
