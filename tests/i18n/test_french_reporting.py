"""Why a sign-off, a reopen or a save of the report sections is refused, and what changed since a version was
sent, in French on the Reports page (the browser asks for ``fr``), driven through the page's real callbacks on
the demo store: a sign-off without the narratives acknowledged, a quarter signed off twice, sections saved on
a closed quarter, a quarter a later sign-off keeps closed, a reopen of a quarter already reopened, then a
training uploaded, a record voided and a target edited after the sign-off, each explaining its figure.

The same refusals stay English where they are kept: as text (what logs and the command line print), in the
refused upload's problems, and on the command line under no French locale. What the tests sign off, reopen,
upload and edit is put back afterwards (``put_back``): the demo store stays as seeded."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest

from indicators import i18n
from tests.builders import fresh_store, run_command
from tests.dashboard.test_pages import find
from tests.i18n.test_french_reports import fr, said, strings
from tests.stores import put_back

QUARTER, NEXT = "FY2019Q1", "FY2019Q2"
WHAT, WHAT_NEXT = "PVR · AF2019 T1", "PVR · AF2019 T2"  # the quarters as the French buttons name them
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"  # a moment as the refusals name it (UTC)
NBSP = "\u00a0"
TRAININGS = "Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"

# What the refusals and the changes table said in English: none of it may show on the French page.
ENGLISH = (
    "more than 15% off the target to date",
    "acknowledge signing off without",
    "was already signed off",
    "reopen it first",
    "is closed:",
    "cannot change",
    "ask a manager to reopen it",
    "would stay closed",
    "is not signed off",
    "was reopened by",
    "actual ",
    "target ",
    "edited by",
    "upload ",
    "voided by",
    "Training ",
    "Donor-approved modification",
    "Duplicate record",
    "Sex:",
)


def english_in(component) -> list[str]:
    everything = strings(component)
    return [words for words in ENGLISH if words in everything]


@pytest.fixture(scope="module")
def pages(demo_app):
    return SimpleNamespace(reports=importlib.import_module("dashboard.reports"))


@pytest.fixture
def put_back_after(demo_store):
    with put_back(demo_store):
        yield


def _layout(pages, period: str = QUARTER):
    return pages.reports.layout(programme="PVR", period=period)


def _state(pages, french, period: str = QUARTER) -> dict:
    with french("manager"):
        return find(_layout(pages, period), "reports-state").data


# --- sign-off, sections and reopen refused ---------------------------------------------------------------


def test_a_sign_off_without_the_narratives_acknowledged_says_why_in_french(
    pages, french, demo_store, put_back_after
):
    from indicators.figures import signoff

    state = _state(pages, french)
    flagged = state["flagged"]
    assert len(flagged) > 1  # PVR's first quarter is off target for several indicators, none explained
    with french("manager"):
        refused, enabled = pages.reports.sign_off(1, True, False, state, "PVR", QUARTER)
    assert enabled is False
    assert said(refused) == fr(
        f"{WHAT} n’a pas été validé : {', '.join(flagged)} s’écartent de plus de 15{NBSP}% de leur cible à "
        f"date sans explication de l’écart pour PVR {QUARTER} : rédigez-les, ou confirmez la validation sans "
        "explication."
    )
    assert english_in(refused) == []
    with demo_store.Session() as session:
        assert signoff.signed_report(session, "PVR", QUARTER) is None  # nothing signed off

    one = signoff.MissingNarratives("PVR", QUARTER, flagged[:1])
    with i18n.speaking("fr"):
        assert i18n.translated(one.args[0]) == fr(
            f"{flagged[0]} s’écarte de plus de 15{NBSP}% de sa cible à date sans explication de l’écart pour "
            f"PVR {QUARTER} : rédigez-la, ou confirmez la validation sans explication"
        )
        assert str(one) == (  # as text (the command line, logs): English, whatever the reader's language
            f"{flagged[0]} is more than 15% off the target to date with no deviation narrative for PVR "
            f"{QUARTER}: write it, or acknowledge signing off without"
        )


def _closed(quarter: str, signed: str) -> str:
    """The French of ``PVR <quarter> is closed: <signed> was signed off by claire on …; …`` (a pattern)."""
    return fr(
        rf"PVR {quarter} est clôturé : {signed} a été validé par claire le {WHEN} UTC ; un trimestre validé et "
        r"les trimestres qui le précèdent ne peuvent plus changer"
    )


def test_a_closed_quarter_refuses_sign_off_sections_and_reopen_in_french(pages, french, put_back_after):
    reports = pages.reports
    state, later = _state(pages, french), _state(pages, french, NEXT)
    with french("manager"):
        done, _ = reports.sign_off(1, True, True, state, "PVR", QUARTER)
        again, _ = reports.sign_off(1, True, True, state, "PVR", QUARTER)
        refused = reports.save_sections(1, "Trop tard.", "", "", state, "PVR", QUARTER)
        page = _layout(pages)
        signed_next, _ = reports.sign_off(1, True, True, later, "PVR", NEXT)
        kept_closed, _ = reports.reopen(1, "Le bailleur l’a demandé", state, "PVR", QUARTER)
        reopened_next, _ = reports.reopen(1, "Le bailleur l’a demandé", later, "PVR", NEXT)
        reopened, _ = reports.reopen(1, "Le bailleur l’a demandé", state, "PVR", QUARTER)
        twice, _ = reports.reopen(1, "Encore", state, "PVR", QUARTER)
    assert [done.id, signed_next.id] == ["reports-signoff-done"] * 2
    assert [reopened_next.id, reopened.id] == ["reports-reopen-done"] * 2  # the later quarter first
    assert re.fullmatch(
        fr(
            rf"{WHAT} n’a pas été validé : PVR {QUARTER} a déjà été validé par claire le {WHEN} \(version 1\) ; "
            r"rouvrez-le d’abord pour valider un rapport corrigé\."
        ),
        said(again),
    ), said(again)
    closed = _closed(QUARTER, QUARTER)
    assert re.fullmatch(
        fr(
            rf"Rien n’a été enregistré pour {WHAT} : {closed} ; demandez à un gestionnaire de programme de le "
        )
        + r"rouvrir\.",
        said(refused),
    ), said(refused)
    assert re.fullmatch(
        closed + fr(r" ; rouvrez le trimestre pour les modifier\."),
        said(find(page, "reports-sections-readonly")),
    )
    assert re.fullmatch(
        fr(
            rf"{WHAT} n’a pas été rouvert : PVR {QUARTER} resterait clôturé par {NEXT}, validé par claire le "
            rf"{WHEN} : rouvrez d’abord {NEXT}\."
        ),
        said(kept_closed),
    ), said(kept_closed)
    assert re.fullmatch(
        fr(
            rf"{WHAT} n’a pas été rouvert : PVR {QUARTER} n’est pas validé \(la version 1 a été rouverte par "
            rf"claire le {WHEN}\)\."
        ),
        said(twice),
    ), said(twice)
    for answer in (again, refused, page, kept_closed, twice):
        assert english_in(answer) == []


def test_the_refusals_stay_english_as_text_and_in_a_refused_uploads_problems(
    demo_store, demo_settings, french, put_back_after
):
    """Read in French, a refusal is French; as text (logs, the command line) and where the importer keeps a
    refused upload's problems, it stays the English it was."""
    from importers.pipeline import import_file
    from indicators.figures import signoff
    from indicators.reporting import sections
    from indicators.store.models import Upload

    with demo_store.begin() as session:
        missing = signoff.missing_narratives(session, "PVR", QUARTER)
        signoff.sign_off(session, "PVR", QUARTER, "claire", b"sent", "ppr", "sent.xlsx", acknowledged=missing)
    sheet = (TRAININGS + "RO-FR-9,PVR,14/11/2018,Gicumbi,Police,Identification,3,2\n").encode()
    with french("officer"), demo_store.begin() as session:
        with pytest.raises(signoff.SignOffError) as signed:
            signoff.sign_off(session, "PVR", QUARTER, "claire", b"x", "ppr", "x.xlsx", acknowledged=missing)
        with pytest.raises(sections.SectionError) as shut:
            sections.set_section(session, "PVR", QUARTER, "plans", "Trop tard.", "claire")
        report = import_file(session, sheet, "late.csv", settings=demo_settings, uploaded_by="olivier")
        with pytest.raises(signoff.SignOffError) as long_reason:
            signoff.reopen(session, "PVR", QUARTER, "claire", "x" * (signoff.REASON_LIMIT + 1))
        with pytest.raises(sections.SectionError) as long_text:
            sections.set_section(
                session, "PVR", NEXT, "highlights", "x" * (sections.TEXT_LIMIT + 1), "claire"
            )
        french_reasons = [i18n.translated(e.value.args[0]) for e in (signed, shut, long_reason, long_text)]
    assert re.fullmatch(
        rf"PVR {QUARTER} was already signed off by claire on {WHEN} \(version 1\); reopen it first to sign off "
        r"a corrected report",
        str(signed.value),
    )
    assert re.fullmatch(
        rf"PVR {QUARTER} is closed: {QUARTER} was signed off by claire on {WHEN} UTC; a signed-off quarter and "
        r"the quarters before it cannot change; ask a manager to reopen it",
        str(shut.value),
    )
    assert french_reasons[0].startswith(f"PVR {QUARTER} a déjà été validé par claire le ")
    assert re.fullmatch(_closed(QUARTER, QUARTER) + r".+", french_reasons[1])
    reason, text = signoff.REASON_LIMIT, sections.TEXT_LIMIT
    with i18n.speaking("fr"):  # the counts grouped the French way, a heading in the sentence in lower case
        limits = [i18n.format_decimal(n, "#,##0") for n in (reason, reason + 1, text, text + 1)]
    assert french_reasons[2] == f"la raison compte au plus {limits[0]} caractères ({limits[1]} trouvés)"
    assert french_reasons[3] == (
        f"les faits marquants du trimestre comptent au plus {limits[2]} caractères ({limits[3]} trouvés)"
    )
    assert " " not in limits[0] and "," not in limits[0]  # 2 000 (a narrow no-break space), never 2,000
    assert str(long_reason.value) == f"the reason is at most {reason:,} characters (found {reason + 1:,})"
    assert str(long_text.value) == (
        f"the highlights of the quarter are at most {text:,} characters (found {text + 1:,})"
    )
    assert report.outcome == "refused"
    with demo_store.Session() as session:
        kept = session.get(Upload, report.upload_id).errors
    assert any(
        re.search(
            rf"PVR {QUARTER} is closed: {QUARTER} was signed off by claire on {WHEN} UTC; a signed-off quarter "
            r"and the quarters before it cannot change; ask a manager to reopen it or upload the rows of open "
            r"quarters",
            str(problem),
        )
        for problem in kept
    ), kept


# --- what changed since the version sent ----------------------------------------------------------------


def _changes_after_the_sign_off(demo_store, demo_settings) -> tuple[str, str]:
    """After PVR's quarter was reopened: two trainings uploaded, one voided as a duplicate, and a target of
    PVR-3.1 edited. Returns the upload's digest and the target as it was."""
    from importers import corrections
    from importers.pipeline import import_file
    from indicators.programmes import logframe
    from indicators.store.models import Training

    sheet = TRAININGS + (
        "RO-FR-1,PVR,14/11/2018,Gicumbi,Police,Identification,7,5\n"
        "RO-FR-2,PVR,15/11/2018,Gicumbi,Police,Identification,7,5\n"
    )
    with demo_store.begin() as session:
        stored = import_file(
            session, sheet.encode(), "late.csv", settings=demo_settings, uploaded_by="olivier"
        )
        assert stored.outcome == "stored", [str(p) for p in stored.errors]
        twin = session.query(Training).filter_by(reference="RO-FR-2").one()
        voided = corrections.void(
            session, "trainings", twin.id, by="claire", reason="Duplicate record", comment="saisie deux fois"
        )
        assert voided.ok, voided.problems
        before = logframe.load(session, "PVR-3.1").target_for("FY2019")
        assert logframe.edit(
            session,
            "PVR-3.1",
            by="claire",
            reason="Donor-approved modification",
            comment="avenant 2",
            targets={"FY2019": f"{before + 10:g}"},
        ).ok
    return stored.sha256[:12], f"{before:g}"


def test_what_changed_since_the_version_sent_is_told_in_french(
    pages, french, demo_store, demo_settings, put_back_after
):
    from indicators.reporting import changes

    state = _state(pages, french)
    with french("manager"):
        pages.reports.sign_off(1, True, True, state, "PVR", QUARTER)
        pages.reports.reopen(1, "Le bailleur l’a demandé", state, "PVR", QUARTER)
    digest, target = _changes_after_the_sign_off(demo_store, demo_settings)
    with demo_store.Session() as session:
        compared = changes.compare(session, "PVR", QUARTER)
    with french("manager"):
        table = find(_layout(pages), "reports-changes")
    rows = {said(row.children[0]): row for row in _rows(table)}
    assert {"PVR-1.1", "PVR-3.1"} <= set(rows)

    trainings = {d.difference for d in compared.differences if d.difference.indicator == "PVR-1.1"}
    total = next(d for d in trainings if d.period == QUARTER and not d.disaggregation and d.field == "actual")
    female = next(d for d in trainings if d.period == QUARTER and d.category == "Female")
    figures = said(rows["PVR-1.1"].children[1])
    assert fr(f"{QUARTER} · total : réalisé {total.as_sent} → {total.now}") in figures
    assert fr(f"{QUARTER} · Sexe : Femmes : réalisé {female.as_sent} → {female.now}") in figures
    why = said(rows["PVR-1.1"].children[2])
    assert re.search(
        fr(
            rf"Formation RO-FR-2 : annulation par claire le {WHEN} UTC \(Enregistrement en double : saisie deux "
        )
        + r"fois\)",
        why,
    ), why
    assert re.search(rf"téléversement late\.csv par olivier le {WHEN} UTC \(SHA-256 {digest}…\)", why), why

    edited = said(rows["PVR-3.1"])
    changed = next(d for d in compared.differences if d.difference.field == "target").difference
    assert fr(f"FY2019 · total : cible {target} → {changed.now}") in edited
    assert re.search(
        fr(
            rf"cible FY2019 : {target} → {changed.now}, modifiée par claire le {WHEN} UTC \(Modification "
            r"approuvée par le bailleur : avenant 2\)"
        ),
        edited,
    ), edited
    assert english_in(table) == []

    # the same explanations, as text (``ctmonitor changes``, logs): English as before
    reasons = [r for d in compared.differences for r in d.explained_by]
    assert any(str(r).startswith("Training RO-FR-2 voided by claire on ") for r in reasons)
    assert any(str(r).startswith("upload late.csv by olivier on ") for r in reasons)
    assert any(
        str(r).startswith(f"FY2019 target: {target} → {changed.now}, edited by claire on") for r in reasons
    )
    assert str(total.change) == f"actual {total.as_sent} → {total.now}" and str(female.split) == "Sex: Female"


def _rows(table) -> list:
    """The changes table's rows (one per indicator and the records explaining it)."""
    found: list = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            if getattr(node, "className", None) == "change":
                found.append(node)
            else:
                walk(getattr(node, "children", None))

    walk(table)
    return found


# --- the command line, under no French locale -------------------------------------------------------------


@pytest.fixture(params=[{"LANG": "en_GB.UTF-8"}, {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}], ids=["en", "C"])
def english_locale(request, monkeypatch):
    """A command's environment naming no French locale: ``LANG`` English, or ``LC_ALL=C`` over a French
    ``LANG`` (C is English, as for gettext programs)."""
    for name in i18n.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in request.param.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == "en"


def test_the_command_line_says_the_refusals_and_changes_in_english(tmp_path, capsys, english_locale):
    from indicators.access import accounts
    from indicators.store.db import Store

    settings = fresh_store(tmp_path)
    store = Store(settings)
    with store.begin() as session:
        accounts.add_user(session, "claire", "correct horse battery", "manager")
    store.dispose()
    where = ("--programme", "KEC", "--period", "FY2019Q3")
    sign = ("signoff", *where, "--user", "claire")

    assert run_command(settings, *sign) == 1
    assert re.fullmatch(
        r"ctmonitor signoff: not signed off: (KEC-[\d.]+, )+KEC-[\d.]+ are more than 15% off the target to date "
        r"with no deviation narrative for KEC FY2019Q3: write them, or acknowledge signing off without "
        r"\(--without-narratives\)\n",
        capsys.readouterr().err,
    )
    assert run_command(settings, *sign, "--without-narratives") == 0
    capsys.readouterr()
    assert run_command(settings, *sign, "--without-narratives") == 1
    assert re.fullmatch(
        rf"ctmonitor signoff: KEC FY2019Q3 was already signed off by claire on {WHEN} \(version 1\); reopen it "
        r"first to sign off a corrected report\n",
        capsys.readouterr().err,
    )
    section = ("narrative", "set", *where, "--section", "plans", "--text", "Later.", "--user", "claire")
    assert run_command(settings, *section) == 2
    assert re.fullmatch(
        rf"ctmonitor narrative set: KEC FY2019Q3 is closed: FY2019Q3 was signed off by claire on {WHEN} UTC; a "
        r"signed-off quarter and the quarters before it cannot change; ask a manager to reopen it\n",
        capsys.readouterr().err,
    )
    reopen = ("reopen", "--programme", "KEC", "--user", "claire", "--reason", "USAID's letter")
    assert run_command(settings, *reopen, "--period", "FY2019Q1") == 1
    assert capsys.readouterr().err == "ctmonitor reopen: not reopened: KEC FY2019Q1 is not signed off\n"
    assert run_command(settings, *reopen, "--period", "FY2019Q3") == 0
    capsys.readouterr()

    trainings = tmp_path / "late.csv"
    trainings.write_text(TRAININGS + "RO-EN-1,KEC,02/05/2019,Gasabo,Police,Identification,4,3\n")
    assert run_command(settings, "import", str(trainings), "--user", "olivier") == 0
    capsys.readouterr()
    assert run_command(settings, "changes", *where) == 0
    listed = capsys.readouterr().out.splitlines()
    assert any(re.fullmatch(r"  KEC-4\.2 · FY2019Q3 · total: actual \d+ → \d+", line) for line in listed)
    assert any(
        re.fullmatch(r"  KEC-4\.2 · FY2019Q3 · Sex: Female: actual \d+ → \d+", line) for line in listed
    )
    assert any(
        re.fullmatch(rf"      upload late\.csv by olivier on {WHEN} UTC \(SHA-256 [0-9a-f]{{12}}…\)", line)
        for line in listed
    ), listed
