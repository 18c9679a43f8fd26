"""The figures' pages in French, as a francophone reader of the demo store sees them: the Indicator page of a
count fed by trainings and of one fed by case sheets (a manager's records, a donor officer's notes in their
place), the Victims profile, the Direct results form and what an entry answers, and the sentences of the Data
quality, Portfolio and Logframe pages. Each French phrase is there, and the English sentence it replaced is
not; what is stored (an entry's upload name) stays English."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from indicators import i18n
from indicators.store.models import Upload
from tests.dashboard.test_pages import find, texts
from tests.stores import put_back

NBSP, NNBSP = "\u00a0", "\u202f"
PAGES = ("indicator", "results", "victims", "quality", "home", "programme")


@pytest.fixture(scope="module", autouse=True)
def demo_store_as_seeded_after(demo_store):
    """The direct entries made here (and the programme they are entered for) are gone afterwards."""
    with put_back(demo_store):
        yield


@pytest.fixture(scope="module")
def pages(demo_app):
    return SimpleNamespace(**{name: importlib.import_module(f"dashboard.{name}") for name in PAGES})


@pytest.fixture(scope="module")
def direct_entry(demo_store, demo_store_as_seeded_after):
    """A programme measuring two indicators by direct entry (TST-1.1 a number, TST-1.2 a percentage)."""
    from tests.builders import make_programme

    with demo_store.begin() as session:
        make_programme(session)
    return "TST"


def said(component) -> str:
    """What a reader is shown or told by a component tree: its texts, and the labels, placeholders, help,
    options, column headings and accessible names of its controls."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key in ("label", "headerName"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            for key in ("placeholder", "aria-label", "title"):
                if isinstance(props.get(key), str):
                    found.append(props[key])
            for key in ("children", "options", "columnDefs"):
                walk(props.get(key))

    walk(component)
    return " ".join(found)


def headings(grid) -> list[str]:
    return [column["headerName"] for column in grid.columnDefs]


# --- the Indicator page ---------------------------------------------------------------------------------


def test_a_training_count_in_french_names_its_records_columns_and_measure(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
        all_rows, all_note = pages.indicator.change_records_scope(
            "all", {"code": "KEC-4.2", "period": "FY2019Q3"}
        )
    grid = find(page, "indicator-records")
    count = len(grid.rowData)
    assert count > 1
    assert find(page, "indicator-records-note").children == (
        f"{count} enregistrements{NNBSP}; chacun avec le téléversement, la feuille et la ligne d’où il vient."
    )
    assert all_note == (
        f"{len(all_rows)} enregistrements{NNBSP}; chacun avec le téléversement, la feuille et la ligne d’où il "
        "vient."
    )
    assert "Tous les trimestres" in said(find(page, "indicator-records-scope"))
    shown = headings(grid)
    assert {
        "Compté dans",
        "Réussite au post-test",
        "Date de début",
        "Date de fin",
        "Thème",
        "Partenaire",
    } <= set(shown)
    assert {"Compte pour", "Groupe cible", "Référence", "Fichier téléversé"} <= set(shown)
    assert not {"Passed post-test", "Counted in", "Start date", "Topic", "Partner", "Counts"} & set(shown)
    assert "Forces de l’ordre" in {row["target_group"] for row in all_rows}
    assert "Law enforcement" not in {row["target_group"] for row in all_rows}
    reference = said(find(page, "indicator-reference"))
    assert "Somme de female + male" in reference and "Sum of" not in reference
    text = said(page)
    assert "records; each with the upload" not in text and "All quarters" not in text


def test_the_same_page_in_english_is_as_it_was(pages, request_context):
    with request_context(), i18n.speaking("en"):
        page = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
    grid = find(page, "indicator-records")
    count = len(grid.rowData)
    assert find(page, "indicator-records-note").children == (
        f"{count} records; each with the upload, sheet and row it came from."
    )
    assert {"Counted in", "Passed post-test", "Start date", "Counts"} <= set(headings(grid))
    assert "Sum of female + male" in said(find(page, "indicator-reference"))


def test_a_case_fed_indicator_shows_a_manager_what_was_counted_in_french(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.indicator.layout(code="PVR-3.1", period="FY2019Q3")
    grid = find(page, "indicator-records")
    assert grid.rowData, "the demo identifies victims in FY2019Q3"
    assert {"Sexe", "Tranche d’âge", "Statut", "Compté dans"} <= set(headings(grid))
    assert {row["status"] for row in grid.rowData} <= {"Victime présumée", "Victime avérée"}
    assert {row["sex"] for row in grid.rowData} <= {"Femmes", "Hommes", "Inconnu"}
    reference = said(find(page, "indicator-reference"))
    assert "Nombre d’enregistrements" in reference and "Number of records" not in reference


def test_a_donor_officer_is_told_in_french_where_the_records_are(pages, request_context):
    with request_context(as_user="donor-usaid"), i18n.speaking("fr"):
        trainings = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
    with request_context(as_user="donor-state"), i18n.speaking("fr"):
        cases = pages.indicator.layout(code="PVR-3.1", period="FY2019Q3")
    activities = texts(find(trainings, "indicator-records-withheld"))
    assert activities.startswith(
        "Les activités du trimestre à l’origine de ces chiffres sont listées dans le"
    )
    assert "rapport KEC · " in activities and activities.endswith("(sa feuille Activités).")
    assert "The quarter's activities" not in activities and "report" not in activities
    people = texts(find(cases, "indicator-records-withheld"))
    assert people == (
        f"Les enregistrements de cas comptent une ligne par personne{NBSP}: seul le personnel de l’OIM les voit. "
        "Les chiffres ci-dessus les présentent en totaux."
    )
    assert "Case records are one row per person" not in said(cases)


# --- the Victims profile --------------------------------------------------------------------------------


def test_the_victims_profile_in_french(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.victims.layout(programme="PVR")
    exploitation = find(page, "victims-exploitation")
    text = said(exploitation)
    assert "Type d’exploitation" in text and "Exploitation type" not in text
    assert (
        f"Une victime peut subir plusieurs types d’exploitation{NBSP}: la somme des parts dépasse donc"
        in text
    )
    assert "A victim may suffer" not in text
    assert "Région de destination" in said(find(page, "victims-destination"))
    assert "Tranche d’âge" in said(find(page, "victims-age_group"))
    assert re.search(rf"\d,\d{NBSP}%", text), "the shares are written the French way: 12,5 %"
    assert not re.search(r"\d\.\d%", text)


# --- Direct results -------------------------------------------------------------------------------------


def test_the_direct_results_form_in_french(pages, request_context, direct_entry):
    with request_context(as_user="officer"), i18n.speaking("fr"):
        page = pages.results.layout(programme=direct_entry)
        nothing_chosen, *_ = pages.results.name_the_entry(None, None, {"units": {}})
    text = said(page)
    for french in (
        "combien remplissent le critère",
        "sur combien",
        f"vide pour le total, ou une catégorie de la ventilation de l’indicateur{NBSP}: sex=Female",
        "recalculés à partir des parties additionnées",
        "par ex. 33",
        "Saisir le résultat pour TST-1.1",
    ):
        assert french in text
    for english in (
        "how many met the criterion",
        "out of how many",
        "A percentage may be entered",
        "e.g. 33",
    ):
        assert english not in text
    assert nothing_chosen == "Saisir le résultat"


def test_an_entry_answers_in_french_and_its_upload_stays_english(
    pages, request_context, direct_entry, demo_store
):
    def enter(*parts):
        with request_context(as_user="officer"), i18n.speaking("fr"):
            return pages.results.enter(
                1, "TST-1.2", "FY2020Q1", "", *parts, "", "exit survey", {"programme": direct_entry}
            )

    outcome, listing, *_ = enter("33", "40")
    assert texts(outcome) == f"TST-1.2 · FY2020Q1{NBSP}: 82,5{NBSP}% (33 sur 40) saisi par olivier."
    row = next(r for r in listing.rowData if r["period"] == "FY2020Q1")
    assert (row["parts"], row["category"], row["source"]) == ("33 sur 40", "total", "navigateur")
    corrected, *_ = enter("34", "40")
    assert texts(corrected) == f"TST-1.2 · FY2020Q1{NBSP}: 85{NBSP}% (34 sur 40) corrigé par olivier."
    with demo_store.Session() as session:
        names = set(session.scalars(select(Upload.filename).where(Upload.programme_code == direct_entry)))
    assert names == {"entered in the browser.csv"}  # stored in English, whoever entered it
    with request_context(), i18n.speaking("fr"):
        indicator = pages.indicator.layout(code="TST-1.2", period="FY2020Q1")
        home = pages.home.layout()
    assert {r["upload_filename"] for r in find(indicator, "indicator-records").rowData} == {
        "saisi dans le navigateur.csv"
    }
    assert "saisi dans le navigateur.csv" in said(find(home, f"home-card-{direct_entry}"))
    with request_context(), i18n.speaking("en"):
        indicator = pages.indicator.layout(code="TST-1.2", period="FY2020Q1")
    assert {r["upload_filename"] for r in find(indicator, "indicator-records").rowData} == {
        "entered in the browser.csv"
    }


# --- Data quality, Portfolio, Logframe ------------------------------------------------------------------


def test_data_quality_names_outcomes_and_disaggregations_in_french(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.quality.layout()
    uploads = said(find(page, "quality-uploads"))
    assert "refusé" in uploads.split() and "refused" not in uploads.split()
    unknowns = said(find(page, "quality-unknowns"))
    assert "tranche d’âge" in unknowns and "age group" not in unknowns


def test_the_logframe_map_and_breadcrumbs_in_french(pages, request_context):
    with request_context(), i18n.speaking("fr"):
        page = pages.programme.layout(code="KEC", period="FY2019Q3")
    summary = texts(find(page, "programme-map-summary"))
    assert " des 30 districts du Rwanda" in summary and summary.endswith(".")
    assert "Rwanda's 30 districts" not in summary
    assert "fil d’Ariane" in said(page)
