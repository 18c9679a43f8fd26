"""The Reports page in French (the browser asks for ``fr``): its layout for a manager, an M&E officer and a donor
officer, the format names and the report sections' headings, the refusals of its callbacks (download, sign-off,
reopen, sections), and a quarter signed off then reopened with a figure changed since: the sign-off and reopen
answers, the versions kept, what changed since, and the note on the Logframe page. The same layouts and answers
in English are the other suites' (tests/dashboard, tests/auth); here no English sentence may show through.

The quarter signed off and reopened is put back afterwards (``put_back``): the demo store stays as seeded."""

from __future__ import annotations

import base64
import dataclasses
import importlib
import re
from contextvars import copy_context
from datetime import date
from types import SimpleNamespace

import dash
import pytest
from dash import html

from indicators import i18n
from tests.dashboard.test_pages import find
from tests.stores import put_back

QUARTER = "FY2019Q1"
WHAT = "PVR · AF2019 T1"  # the quarter as the French buttons name it (FY2019 Q1: « AF2019 T1 »)
STATE = {"programme": "PVR", "period": QUARTER, "format": "ppr"}
NBSP, NNBSP = "\u00a0", "\u202f"

# What the page said in English before it spoke French: none of it may show on the French page.
ENGLISH = (
    "The donor's tables for one quarter",
    "Download PVR",
    "donor's default",
    "Indicator Performance Tracking Table",
    "State Department SF-PPR-B workbook",
    "machine-readable results",
    "Quarterly report (Word)",
    "Highlights of the quarter",
    "Challenges and lessons learned",
    "Plans for the next quarter",
    "in the donor's order",
    "Save sections for",
    "Report sections",
    "Not written yet",
    "Nothing signed off: the page is changing to ",
    " was not signed off: ",
    "Tick the box once the ",
    " figure(s) differ from version ",
    "figures differ from version",
    "File as sent",
    "Versions sent",
    "As sent → now",
    "Since the sign-off",
    "stays kept as sent",
    "Today's figures",
    "Reopen PVR",
    "Reopened by",
    "Signed off by",
    "Sign it off again",
    "What changed since version",
    "IOM will send",
    "If U.S. Department of State asks",
    "In force",
    "Download version",
)


def fr(text: str) -> str:
    """French typography, as the catalogue writes it: a no-break space before « : », a narrow one before « ; »."""
    return text.replace(" :", NBSP + ":").replace(" ;", NNBSP + ";")


def strings(component) -> str:
    """Every string a component tree holds, in any property (children, labels, options, aria-label…)."""
    found: list[str] = []

    def walk(node):
        if hasattr(node, "to_plotly_json"):
            walk(node.to_plotly_json()["props"])
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(component)
    return "\n".join(found)


def said(component) -> str:
    """A component's text as a reader sees it: its strings run together, a line break read as a space."""
    parts: list[str] = []

    def walk(node):
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, (int, float)):
            parts.append(str(node))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif isinstance(node, html.Br):
            parts.append(" ")
        elif hasattr(node, "children"):
            walk(getattr(node, "children", None))

    walk(component)
    return re.sub(" +", " ", "".join(parts)).strip()


def english_in(component) -> list[str]:
    everything = strings(component)
    return [sentence for sentence in ENGLISH if sentence in everything]


@pytest.fixture(scope="module")
def pages(demo_app):
    """The Reports and Logframe page modules, registered with the demo app."""
    return SimpleNamespace(
        reports=importlib.import_module("dashboard.reports"),
        programme=importlib.import_module("dashboard.programme"),
    )


def _layout(pages, **query):
    return pages.reports.layout(programme="PVR", period=QUARTER, **query)


def _version_click(pages, version: int):
    """The Download button of a version pressed, as Dash reports the click to the callback."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def click():
        context_value.set(
            AttributeDict(
                triggered_inputs=[
                    {"prop_id": f'{{"type":"reports-version","version":{version}}}.n_clicks', "value": 1}
                ]
            )
        )
        return pages.reports.download_version([1], STATE)

    return copy_context().run(click)


# --- the page as it opens ------------------------------------------------------------------------------


def test_a_manager_reads_the_reports_page_in_french(pages, french):
    with french("manager"):
        page = _layout(pages)
        word = _layout(pages, format="report")
    text = said(page)
    assert "Les tableaux du bailleur pour un trimestre, à partir des mêmes chiffres que les écrans." in text
    labels = {o["value"]: o["label"] for o in find(page, "reports-format").options}
    assert labels["ppr"] == (
        "Classeur SF-PPR-B du Département d’État des États-Unis (.xlsx) · par défaut du bailleur"
    )
    assert (
        labels["iptt"]
        == "Classeur du tableau de suivi des performances des indicateurs (IPTT) de l’USAID (.xlsx)"
    )
    assert labels["csv"] == "Résultats lisibles par machine (.csv)"  # capitalised once translated
    assert labels["report"].startswith(fr("Rapport trimestriel (Word) : le rapport d’avancement"))
    assert find(page, "reports-download").children == f"Télécharger {WHAT} · SF-PPR-B"
    assert find(word, "reports-download").children == f"Télécharger {WHAT} · Rapport trimestriel (Word)"

    sections = find(page, "reports-sections")
    card = said(sections)
    assert f"Sections du rapport · {WHAT}" in card
    assert (
        fr(
            "Rédigées ici, elles figurent dans le Rapport trimestriel (Word) dans l’ordre du bailleur ; une section "
            "laissée vide y figure comme un espace à remplir."
        )
        in card
    )
    for heading in (
        "Faits marquants du trimestre",
        "Difficultés et enseignements tirés",
        "Prévisions pour le trimestre suivant",
    ):
        assert heading in card
    assert "Pas encore rédigé" in card and find(page, "reports-sections-save").children == (
        f"Enregistrer les sections pour {WHAT}"
    )
    assert english_in(page) == [] and english_in(word) == []


def test_an_officer_and_a_donor_officer_read_it_in_french(pages, french):
    with french("officer"):
        officer = _layout(pages)
    readonly = said(find(officer, "reports-sections-readonly"))
    assert readonly == "Seuls les gestionnaires de programme et les administrateurs rédigent ces sections."
    assert "Faits marquants du trimestre" in said(find(officer, "reports-section-read-highlights"))
    with french("donor-state"):
        donor = _layout(pages)
    labels = [o["label"] for o in find(donor, "reports-format").options]
    assert "Classeur SF-PPR-B du Département d’État des États-Unis (.xlsx) · par défaut du bailleur" in labels
    assert find(donor, "reports-download").children == f"Télécharger {WHAT} · SF-PPR-B"
    assert english_in(officer) == [] and english_in(donor) == []


def test_the_libreoffice_refusal_is_french_on_the_page_and_english_as_text():
    from exports.formats import FORMATS

    missing = dataclasses.replace(FORMATS["report-pdf"], requires=("ctmonitor-no-such-program",))
    why = missing.unavailable()
    assert str(why).startswith("the Quarterly report (PDF) needs LibreOffice (ctmonitor-no-such-program)")
    with i18n.speaking("fr"):
        assert i18n.translated(why) == fr(
            "le Rapport trimestriel (PDF) nécessite LibreOffice (ctmonitor-no-such-program), qui n’est pas "
            "installé sur cette machine : installez-le (Debian : apt-get install libreoffice-writer-nogui) ou "
            "prenez le rapport Word"
        )


# --- the callbacks' refusals ---------------------------------------------------------------------------


def test_the_callbacks_refuse_in_french(pages, french):
    reports = pages.reports
    with french("manager"):
        unticked, enabled = reports.sign_off(1, False, False, STATE, "PVR", QUARTER)
        moving, _ = reports.sign_off(1, True, False, STATE, "KEC", QUARTER)
        no_reason, _ = reports.reopen(1, "   ", STATE, "PVR", QUARTER)
        reopen_moving, _ = reports.reopen(1, "a reason", STATE, "PVR", "FY2019Q2")
        not_signed, _ = reports.reopen(1, "a reason", STATE, "PVR", QUARTER)
        sent, download_moving = reports.download(1, STATE, "PVR", "FY2019Q2", "ppr")
        unchanged = reports.save_sections(1, "", "", "", STATE, "PVR", QUARTER)
        missing_version = _version_click(pages, 9)
    assert enabled is False and said(unticked) == (
        f"Cochez la case une fois le rapport {WHAT} envoyé, puis validez {WHAT}."
    )
    assert said(moving) == fr("Rien n’a été validé : la page passe à KEC. Vérifiez-la, puis validez.")
    assert said(no_reason) == (
        f"Indiquez pourquoi {WHAT} est rouvert (la demande du bailleur, l’erreur), puis rouvrez-le."
    )
    assert said(reopen_moving) == fr(
        "Rien n’a été rouvert : la page passe à FY2019Q2. Vérifiez-la, puis rouvrez."
    )
    assert said(not_signed).startswith(fr(f"{WHAT} n’a pas été rouvert : "))  # the store's reason follows
    assert sent is dash.no_update
    assert said(download_moving) == fr("Rien n’a été téléchargé : la page passe à FY2019Q2. Réessayez.")
    assert said(unchanged) == fr(f"Rien à enregistrer pour {WHAT} : les sections sont telles que conservées.")
    assert missing_version[0] is dash.no_update
    assert said(missing_version[1]) == f"PVR {QUARTER} n’a pas de version 9."
    for answer in (unticked, moving, no_reason, reopen_moving, not_signed, download_moving, unchanged):
        assert english_in(answer) == []


# --- a quarter signed off, then reopened ---------------------------------------------------------------


@pytest.fixture
def put_back_after(demo_store):
    """What the test signs off, reopens, writes and uploads is undone: the demo store stays as seeded."""
    with put_back(demo_store):
        yield


def _sign_off_and_check(pages, french, state) -> None:
    """Sections written, the quarter signed off: every answer and the page in French."""
    reports = pages.reports
    with french("manager"):
        saved = reports.save_sections(1, "Trois formations au camp de Mahama.", "", "", state, "PVR", QUARTER)
        cleared = reports.save_sections(1, "", "", "", state, "PVR", QUARTER)
        done, disabled = reports.sign_off(1, True, True, state, "PVR", QUARTER)
        again, _ = reports.sign_off(1, True, True, state, "PVR", QUARTER)
        refused = reports.save_sections(1, "Trop tard.", "", "", state, "PVR", QUARTER)
        page = _layout(pages)
        sent, downloaded = reports.download(1, state, "PVR", QUARTER, "ppr")
        logframe = pages.programme.layout(code="PVR", period=QUARTER)
    assert re.fullmatch(
        fr(rf"Enregistré pour {WHAT} à \d\d:\d\d : faits marquants du trimestre \(version 1\)\."), said(saved)
    )
    assert said(cleared).endswith(fr(" : faits marquants du trimestre (texte effacé)."))
    flagged = state["flagged"]
    expected = (
        rf"{WHAT} validé par claire le .+ UTC\. Le rapport SF-PPR-B PVR_{QUARTER}_ppr\.xlsx est conservé tel "
        r"qu’envoyé, version 1\."
        + (
            rf" Validé sans explication pour {', '.join(flagged)}, en connaissance de cause\."
            if flagged
            else ""
        )
    )
    assert disabled is True and re.fullmatch(expected, said(done))
    assert said(again).startswith(fr(f"{WHAT} n’a pas été validé : "))
    assert said(refused).startswith(fr(f"Rien n’a été enregistré pour {WHAT} : "))
    assert said(find(page, "reports-sections-readonly")).endswith(
        fr(" ; rouvrez le trimestre pour les modifier.")
    )
    signing = said(find(page, "reports-signoff"))
    assert (
        fr(
            "Si U.S. Department of State demande un rapport corrigé, ou si le trimestre a été validé par erreur, rouvrez-le : "
        )
        in signing
    )
    assert find(page, "reports-reopen-button").children == f"Rouvrir {WHAT}"
    changes = said(find(page, "reports-changes"))
    assert "Ce qui a changé depuis l’envoi de la version 1" in changes
    assert "Aucun chiffre ne diffère de la version 1 telle qu’envoyée." in changes
    with i18n.speaking("fr"):
        size = i18n.format_decimal(len(base64.b64decode(sent["content"])), "#,##0")
    assert said(downloaded) == fr(
        f"Téléchargement de {WHAT} · SF-PPR-B : PVR_{QUARTER}_ppr.xlsx ({size} octets, la copie conservée à "
        "la validation)."
    )
    assert re.fullmatch(
        r"Validé par claire le .+ UTC, version 1\. Les chiffres actuels sont ceux du rapport tel qu’envoyé\.",
        said(find(logframe, "programme-signed")),
    )
    assert english_in(page) == [] and english_in(logframe) == []
    for answer in (saved, cleared, done, again, refused, downloaded):
        assert english_in(answer) == []


def test_a_quarter_signed_off_then_reopened_is_told_in_french(pages, french, demo_store, put_back_after):
    from tests.builders import make_training

    with french("manager"):
        state = find(_layout(pages), "reports-state").data
    _sign_off_and_check(pages, french, state)

    with french("manager"):
        reopened, disabled = pages.reports.reopen(
            1, "Le Département d’État l’a demandé", state, "PVR", QUARTER
        )
    assert disabled is True
    assert re.fullmatch(
        fr(
            rf"{WHAT} rouvert le .+ UTC\. La version 1 reste conservée telle qu’envoyée ; le trimestre accepte "
            r"de nouveau les téléversements et les corrections\. Afficher le trimestre tel qu’il est maintenant"
        ),
        said(reopened),
    )
    with demo_store.begin() as session:  # a training of the quarter arrives after the report was sent
        make_training(session, "PVR", start_date=date(2018, 11, 14), female=7, male=5)

    with french("manager"):
        page = _layout(pages)
        version = _version_click(pages, 1)
        logframe = pages.programme.layout(code="PVR", period=QUARTER)
    with french("donor-state"):
        donor = _layout(pages)

    note = said(find(page, "reports-reopened"))
    assert re.fullmatch(
        fr(
            rf"{WHAT} : Rouvert par claire le .+ UTC \(Le Département d’État l’a demandé\) ; la version 1, "
            r"validée par claire le .+ UTC, reste conservée telle qu’envoyée\. Validez-le de nouveau une fois le "
            r"rapport corrigé envoyé : il sera conservé comme version 2, et sa page de garde indiquera qu’il "
            r"remplace la version 1\."
        ),
        note,
    )
    changes = find(page, "reports-changes")
    body = changes.children[1]  # the card's body, under its title
    counted = re.match(
        r"(\d+) (chiffres? diff\w+) de la version 1 telle qu’envoyée, pour PVR-1\.1\.", said(body)
    )
    assert counted, said(body)
    count = int(counted.group(1))
    assert counted.group(2) == ("chiffre diffère" if count == 1 else "chiffres diffèrent")
    for words in (
        "Ce qui a changé depuis l’envoi de la version 1",
        "Indicateur",
        "Tel qu’envoyé → maintenant",
        "Depuis la validation",
    ):
        assert words in said(changes)
    assert "Chiffres modifiés (défilement horizontal)" in strings(changes)

    versions = find(page, "reports-versions")
    listed = said(versions)
    assert "Versions envoyées (1)" in listed
    for header in ("Version", "Validation", "Format", "Réouverture", "SHA-256", "Fichier tel qu’envoyé"):
        assert header in listed
    assert re.search(fr(r"Rouvert par claire le .+ UTC : Le Département d’État l’a demandé"), listed)
    assert "Télécharger la version 1" in listed
    assert "Versions envoyées (défilement horizontal)" in strings(versions)
    assert re.fullmatch(
        fr(
            rf"Version 1 de {WHAT} téléchargée telle qu’envoyée : PVR_{QUARTER}_ppr_v1\.xlsx \([\d\u202f\u00a0]+ "
            r"octets, SHA-256 [0-9a-f]{12}…\)\."
        ),
        said(version[1]),
    )

    donor_changes = said(find(donor, "reports-changes"))
    assert re.search(
        r"telle qu’envoyée, pour PVR-1\.1(, PVR-[\d.]+)*\. L’OIM enverra un rapport révisé\.$", donor_changes
    )
    assert "Depuis la validation" not in donor_changes  # the records explaining it are the staff's
    assert "Versions envoyées (1)" in said(find(donor, "reports-versions"))

    notice = said(find(logframe, "programme-signed"))
    plural = "chiffre" if count == 1 else "chiffres"
    assert re.fullmatch(
        fr(
            r"Rouvert par claire le .+ UTC \(Le Département d’État l’a demandé\) ; la version 1, validée par "
            r"claire le .+ UTC, reste conservée telle qu’envoyée\. Les chiffres actuels diffèrent du rapport tel "
            rf"qu’envoyé pour PVR-1\.1 \({count} {plural}\)\. Ce qui a changé depuis l’envoi →"
        ),
        notice,
    )
    for component in (page, donor, logframe, version[1]):
        assert english_in(component) == []
