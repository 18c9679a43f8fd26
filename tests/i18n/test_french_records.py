"""The records screens in French, as a francophone officer or manager reads them on the demo store: the Upload
page and its answers (a dry run with errors, a clean one, a commit refused), the Activities page and a record
corrected, voided and restored, the indicator editor and its banner, the programme's targets grid and IPTT,
the possible duplicates and a merge, and the Accounts page's buttons. Each screen says in French what it said
in English, and the English sentences are gone from it. What these tests write is put back afterwards."""

from __future__ import annotations

import base64
import importlib
from contextlib import contextmanager
from contextvars import copy_context
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from indicators import i18n
from tests.dashboard.test_pages import components, find, texts
from tests.stores import put_back

DATA = Path(__file__).resolve().parents[1] / "data"
NB = "\u00a0"  # French puts a no-break space before a colon and inside « »
SHEET = (
    b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
    b"FR-1,KEC,02/07/2019,Huye,Media,Reporting,3,5\nFR-2,KEC,03/07/2019,Huye,Media,Radio,2,2\n"
)


@pytest.fixture(scope="module")
def pages(demo_app):
    """The page modules, registered with the demo app."""
    names = ("activities", "upload", "indicator", "programme", "quality", "accounts")
    return SimpleNamespace(**{name: importlib.import_module(f"dashboard.{name}") for name in names})


@pytest.fixture
def french(request_context):
    """Code run as inside one request of a signed-in user whose browser asks for French."""

    @contextmanager
    def context(as_user: str = "manager"):
        with request_context(as_user=as_user), i18n.speaking("fr"):
            yield

    return context


@pytest.fixture
def written(demo_store):
    """What the test commits to the demo store is undone when it ends."""
    with put_back(demo_store):
        yield demo_store


def clicked(callback, prop_id: str, *args, states_list=None):
    """A callback run as Dash runs it when ``prop_id`` was clicked (its ``ctx`` set)."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def run():
        context_value.set(
            AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": 1}], states_list=states_list or [])
        )
        return callback(*args)

    return copy_context().run(run)


def data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def saved_id(search: str) -> str:
    return parse_qs(search.lstrip("?"))["saved"][0]


# --- upload ------------------------------------------------------------------------------------------------


def test_the_upload_page_speaks_french(pages, french):
    with french(as_user="officer"):
        page = pages.upload.layout()
        answer = pages.upload.check_file("garbage", "KEC", "x.xlsx")
        unnamed = pages.upload.commit_label("x.xlsx", None)
    text = texts(page)
    assert find(page, "upload-commit").children == "Enregistrer le téléversement"
    assert "Formation" in text and "Commit the upload" not in text
    history = find(page, "upload-history")
    assert any(row["outcome"] == "refusé" for row in history.rowData)
    assert not any(row["outcome"] == "refused" for row in history.rowData)
    outcome = next(c for c in history.columnDefs if c["field"] == "outcome")
    assert outcome["cellClassRules"] == {"text-danger fw-semibold": "params.value == 'refusé'"}
    assert answer[0].children == "le fichier n’a pas pu être lu depuis le navigateur"
    assert unnamed == "Enregistrer x.xlsx pour les programmes qu’il mentionne"


def test_a_dry_run_with_errors_answers_in_french(pages, french):
    contents = data_url((DATA / "errors.xlsx").read_bytes())
    with french(as_user="officer"):
        preview, disabled, checked, _result, status, label = pages.upload.check_file(
            contents, "KEC", "errors.xlsx"
        )
    assert disabled is True and checked is None
    assert label == "Enregistrer errors.xlsx pour KEC" and not label.startswith("Commit")
    assert status.startswith("errors.xlsx (") and status.endswith("vérifié pour KEC.")
    text = texts(preview)
    assert "22 erreurs dans errors.xlsx" in texts(find(preview, "upload-verdict"))
    assert "Lignes lues" in texts(find(preview, "upload-counts"))
    assert "Erreurs (22)" in text and "Cellule" in text
    assert f"Feuille «{NB}Trainings{NB}» → Trainings · en-tête à la ligne 1 · 38 lignes" in text
    for english in ("errors in", "Rows read", "Errors (22)", "Value found", "The first 20 rows"):
        assert english not in text, english


def test_a_clean_dry_run_counts_in_french_and_a_commit_without_it_is_refused_in_french(
    pages, french, written
):
    from indicators.access import audit

    contents = data_url(SHEET)
    with french(as_user="officer"):
        preview, disabled, checked, _result, _status, label = pages.upload.check_file(
            contents, "KEC", "fr.csv"
        )
        unchecked, *_ = pages.upload.commit_file(1, contents, "fr.csv", "KEC", None, [])
        stale, *_ = pages.upload.commit_file(1, contents, "fr.csv", "KEC", {"token": "forged"}, [])
        other, *_ = pages.upload.commit_file(1, contents, "other.csv", "KEC", checked, [])
    assert disabled is False and checked["token"] and label == "Enregistrer fr.csv pour KEC"
    headings = texts(find(preview, "upload-counts").children[0])
    assert headings == "Type Nouveaux Mis à jour Inchangés Ignorés"
    assert "est prêt" in texts(find(preview, "upload-verdict"))
    assert unchecked.children == (
        f"Vérifiez d’abord le fichier{NB}: seul un fichier dont l’essai à blanc n’a trouvé aucune erreur peut "
        "être enregistré."
    )
    assert stale.children.startswith(
        f"L’essai à blanc n’est plus valable{NB}: choisissez de nouveau le fichier"
    )
    assert other.children.startswith("Le fichier, son programme ou l’utilisateur ont changé depuis l’essai")
    with written.Session() as session:  # the audit trail keeps the English
        reasons = [e.detail["reason"] for e in audit.recent(session, 3, action="access-refused")]
    assert any("Check the file first: only a file whose dry run found no error" in r for r in reasons)
    assert any("The dry run is out of date" in r for r in reasons)


# --- activities ----------------------------------------------------------------------------------------------


def test_the_activities_filters_speak_french(pages, french):
    with french(as_user="officer"):
        page = pages.activities.layout()
        chosen = pages.activities.layout(programme="KEC")
    assert find(page, "activities-programme").placeholder == "Tous les programmes"
    assert find(page, "activities-kind").placeholder == "Tous les types"
    assert find(page, "activities-quarter").placeholder == "Choisissez d’abord un programme"
    assert find(page, "activities-district").placeholder == "Tous les districts"
    assert find(chosen, "activities-quarter").placeholder == "Tous les trimestres"
    kinds = [option["label"] for option in find(page, "activities-kind").options]
    assert "Formation" in kinds and "Training" not in kinds


def _a_training(store) -> tuple[int, str, int]:
    from indicators.store.models import Programme, Training

    with store.Session() as session:
        record = session.scalars(
            select(Training)
            .join(Programme, Programme.id == Training.programme_id)
            .where(Programme.code == "KEC", Training.reference.is_not(None))
            .order_by(Training.id)
        ).first()
        return record.id, record.reference, record.female


def _form(panel) -> tuple[list, list[dict], list]:
    """The correction form's fields, as Dash passes them to the save (``ctx.states_list``), and their values."""
    from dashboard._correction import FIELD

    found = [
        c for c in components(panel) if isinstance(getattr(c, "id", None), dict) and c.id.get("type") == FIELD
    ]
    states = [{"id": c.id, "property": "value", "value": c.value} for c in found]
    return found, states, [c.value for c in found]


def test_a_record_corrected_voided_and_restored_answers_in_french(pages, french, written):
    activities = pages.activities
    record_id, reference, female = _a_training(written)
    key = f"trainings:{record_id}"
    filters = {"programme": "KEC", "kind": "trainings"}
    with french(as_user="officer"):
        page = activities.layout(programme="KEC", kind="trainings", record=key)
    panel = find(page, "activities-correction-panel")
    text = texts(panel)
    for said in (
        f"Corriger KEC · Training {reference}",
        "Issu de ",
        f"Enregistrer la correction de Training {reference}",
        f"Annuler Training {reference}",
        f"Abandonner le brouillon «{NB}correction de Training {reference}{NB}»",
    ):
        assert said in text, said
    for english in ("Correct KEC", "Save correction for", "Void Training", "From ", "uploaded by"):
        assert english not in text, english
    assert [o["label"] for o in find(panel, "activities-correction-reason").options] == [
        "Erreur de saisie",
        "Date, lieu ou groupe erroné",
        "Enregistrement en double",
        "N’a pas eu lieu",
        "Autre",
    ]
    words = find(panel, "activities-correction-draft-info").data["words"]
    assert words["put_back"] == f"Brouillon non enregistré remis en place{NB}: "
    fields, states, values = _form(panel)
    placeholders = [getattr(c, "placeholder", None) for c in fields]
    assert "jj/mm/aaaa" in placeholders and "dd/mm/yyyy" not in placeholders
    names = [s["id"]["field"] for s in states]
    record = {"key": key, "programme": "KEC"}
    save = "activities-correction-save.n_clicks"

    def typed(**changes):
        return [changes.get(name, value) for name, value in zip(names, values)]

    with french(as_user="officer"):
        refused = clicked(
            activities.save_correction,
            save,
            1,
            None,
            typed(female="three"),
            "Typing error",
            "register",
            record,
            filters,
            states_list=[states],
        )
        corrected = clicked(
            activities.save_correction,
            save,
            1,
            None,
            typed(female=str(female + 2)),
            "Typing error",
            "the register says so",
            record,
            filters,
            states_list=[states],
        )
        after_correction = activities.layout(**filters, record=key, saved=saved_id(corrected[5]))
    assert texts(refused[0]).startswith(f"Rien n’a été enregistré{NB}:")
    banner = texts(find(after_correction, "activities-correction-saved"))
    assert (
        f"Training {reference} · corrigé par olivier (" in banner and f"{NB}: Erreur de saisie — " in banner
    )
    assert f"{NB}: {female} → {female + 2}" in banner and "corrected by" not in banner
    history = texts(find(after_correction, "activities-correction-history"))
    assert f"Erreur de saisie{NB}: the register says so" in history

    with french(as_user="officer"):
        voided = clicked(
            activities.save_correction,
            "activities-correction-void.n_clicks",
            None,
            1,
            values,
            "Duplicate record",
            "entered twice",
            record,
            filters,
            states_list=[states],
        )
        after_void = activities.layout(**filters, saved=saved_id(voided[5]))
        listed = activities.layout(**filters, voided="1")
        [void] = [r["record"] for r in find(listed, "activities-grid").rowData if r["reference"] == reference]
        restore_page = activities.layout(**filters, voided="1", record=void)
    banner = texts(find(after_void, "activities-correction-saved"))
    assert f"Training {reference} annulé{NB}: il ne compte plus dans aucun chiffre." in banner
    assert f"«{NB}Afficher les enregistrements annulés{NB}»" in banner and "no longer counts" not in banner
    panel = find(restore_page, "activities-correction-panel")
    text = texts(panel)
    for said in (
        f"Rétablir KEC · Training {reference}",
        "Annulé par olivier le ",
        f"UTC{NB}:",
        "Enregistrement en double — entered twice",
        "Le rétablissement enregistre de nouveau cet élément (formation) tel qu’il était",
        f"Rétablir Training {reference}",
    ):
        assert said in text, said
    assert "Restoring stores" not in text and "Voided by" not in text
    reasons = [o["label"] for o in find(panel, "activities-restore-reason").options]
    assert reasons[:3] == ["Annulé par erreur", "A bien eu lieu", "Pas un doublon"]

    voided_record = find(restore_page, "activities-restore-record").data
    with french(as_user="officer"):
        not_restored = activities.restore_record(1, None, "", voided_record, filters)
        restored = activities.restore_record(1, "Voided by mistake", "it did happen", voided_record, filters)
        after_restore = activities.layout(**filters, saved=saved_id(restored[3]))
    strong, said = not_restored[0].children
    assert (strong.children, said) == (
        f"Non rétabli{NB}: ",
        "une raison et un commentaire, signalés ci-dessous.",
    )
    banner = texts(find(after_restore, "activities-correction-saved"))
    assert f"Training {reference} · rétabli par olivier (" in banner
    assert f"Training {reference} rétabli{NB}: il compte de nouveau dans les chiffres de " in banner
    assert f"(annulé par olivier{NB}: Enregistrement en double)." in banner and "restored" not in banner


# --- the logframe editors ----------------------------------------------------------------------------------


def test_the_indicator_editor_and_its_banner_speak_french(pages, french, written):
    from indicators.figures import signoff
    from indicators.programmes import logframe
    from indicators.store.models import AuditEvent

    with written.begin() as session:
        signoff.sign_off(
            session,
            "KEC",
            "FY2019Q3",
            "claire",
            b"r",
            "iptt",
            "r.xlsx",
            acknowledged=signoff.missing_narratives(session, "KEC", "FY2019Q3"),
        )
    with french():
        page = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3")
    form = find(page, "indicator-editor")
    text = texts(form)
    for said in (
        "Modifier KEC-4.2",
        "Cible FY2019",
        f"validé{NB}: les rapports conservés restent tels quels",
        "Valeur de référence",
        "Définition précise",
        "Méthode de collecte",
        "Date de la valeur de référence (aaaa-mm-jj)",
        "Dernière évaluation de la qualité des données (aaaa-mm-jj)",
        "Justification des cibles",
        "Enregistrer les modifications de KEC-4.2",
    ):
        assert said in text, said
    for english in ("Edit KEC", "FY2019 target", "Method of collection", "Rationale for", "Save changes"):
        assert english not in text, english

    with written.begin() as session:
        done = logframe.edit(
            session,
            "KEC-4.2",
            by="claire",
            reason="Donor-approved modification",
            comment="modification 3",
            targets={"FY2019": "450"},
        )
        assert done.ok, done.problems
        event = session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.action == "indicator-edited")
            .order_by(AuditEvent.id.desc())
        )
    with french():
        after = pages.indicator.layout(code="KEC-4.2", period="FY2019Q3", saved=str(event))
    banner = texts(find(after, "edit-saved"))
    assert banner.startswith(f"Enregistré par claire{NB}: ") and "— modification 3" in banner
    assert f"Validés avant cette modification{NB}: FY2019Q3" in banner and "Signed off" not in banner
    assert "Les rapports conservés à la validation ne changent pas." in banner


def test_the_programme_targets_grid_and_iptt_speak_french(pages, french):
    with french():
        page = pages.programme.layout(code="KEC", period="FY2019Q3")
    card = find(page, "programme-targets")
    grid = find(card, "programme-targets-grid")
    headings = [c["headerName"] for c in grid.columnDefs]
    assert headings[:3] == ["Indicateur", "Nom", "Unité"]
    assert {row["unit"] for row in grid.rowData} <= {"nombre", "%"} and "number" not in str(grid.rowData)
    assert f"Abandonner le brouillon «{NB}modifications des cibles de KEC{NB}»" in texts(card)
    row = find(page, "programme-row-KEC-1.1").children
    assert row[3].children == "Nombre"  # the unit (the indicator's name is the logframe's own words)
    assert "jalon" in texts(row) and "milestone" not in texts(row)


# --- possible duplicates, accounts -------------------------------------------------------------------------


def test_possible_duplicates_and_a_merge_speak_french(pages, french, written):
    from tests.dashboard.case_pairs import possible_duplicate

    with possible_duplicate(written) as pair:
        older, newer = pair.older.case, pair.newer.case
        with french():
            page = pages.quality.layout(programme="PVR")
            section = find(page, "quality-duplicates")
            text = texts(section)
            options = find(section, "quality-merge-pair").options
            answer, search = pages.quality.merge_cases(
                1, options[0]["value"], "the same woman", "?programme=PVR"
            )
            merged = pages.quality.layout(programme="PVR", merged=parse_qs(search.lstrip("?"))["merged"][0])
    for said in ("Cas", "Plus ancien", "Plus récent", "Date d’identification", f"#{older} et #{newer}"):
        assert said in text, said
    assert f"cas #{newer}{NB}: " in text and ", téléversé le " in text and " par amina" in text
    assert "uploaded" not in text and f"#{older} and #{newer}" not in text
    assert options[0]["label"].startswith(f"PVR{NB}: fusionner #{newer} dans #{older} (14 novembre 2019, ")
    assert answer.children == "Fusionnés."
    banner = texts(find(merged, "quality-merged"))
    assert banner.startswith(f"Fusionné par claire{NB}: PVR case #{older}")
    assert f"Repris du cas le plus récent{NB}: " in banner and "Taken from" not in banner
    assert "Les chiffres comptent une seule personne." in banner and "The figures" not in banner


def test_the_accounts_buttons_speak_french(pages, french):
    with french(as_user="admin"):
        assert pages.accounts.name_the_user(None) == (
            "Désactiver",
            "Activer",
            "Réinitialiser le mot de passe",
        )
        assert pages.accounts.name_the_user("dana") == (
            "Désactiver dana",
            "Activer dana",
            "Réinitialiser le mot de passe de dana",
        )
