"""The command line speaks the language of ``LANGUAGE``/``LC_ALL``/``LANG`` as gettext programs do: the
importer's report and its problems in French under ``LANG=fr_FR.UTF-8`` (cells as the file names them),
English otherwise, word for word as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NBSP, NNBSP = "\u00a0", "\u202f"


def ctmonitor(folder: Path, *args: str, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(CTMONITOR_DATA_DIR=str(folder), **environment)
    env.pop("CTMONITOR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(REPO),
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-fr")
    assert ctmonitor(folder, "init").returncode == 0
    return folder


@pytest.fixture(scope="module")
def bad_sheet(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sheets") / "trainings.csv"
    path.write_text(
        "Reference,Project,Start date,District,Target group,Topic,Female participants,"
        "Male participants\nCL-T001,KEC,12/03/2019,Gasabo,Police,Identification,douze,9\n",
        encoding="utf-8",
    )
    return path


def test_the_importer_speaks_french_under_a_french_locale(store_dir, bad_sheet):
    done = ctmonitor(store_dir, "import", str(bad_sheet), "--programme", "KEC", LANG="fr_FR.UTF-8")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"trainings.csv{NBSP}: refusé, rien n’a été enregistré" in done.stdout
    assert f"1 erreur{NBSP}:" in done.stdout
    said = (
        f"trainings!G2{NBSP}: «{NBSP}douze{NBSP}» trouvé{NNBSP}; valeur attendue{NBSP}: un nombre entier ≥ 0"
    )
    assert said in done.stdout


def test_language_wins_over_lang_and_c_is_english(store_dir, bad_sheet):
    french = ctmonitor(
        store_dir, "import", str(bad_sheet), "--programme", "KEC", LANGUAGE="fr", LANG="en_GB.UTF-8"
    )
    assert "refusé" in french.stdout
    english = ctmonitor(
        store_dir, "import", str(bad_sheet), "--programme", "KEC", LC_ALL="C", LANG="fr_FR.UTF-8"
    )
    assert "trainings.csv: refused, nothing stored" in english.stdout
    assert "trainings!G2: found 'douze'; expected a whole number ≥ 0" in english.stdout


def test_template_lang_writes_the_instructions_in_french(store_dir, tmp_path):
    from openpyxl import load_workbook

    done = ctmonitor(store_dir, "template", "meetings", "-o", str(tmp_path / "t.xlsx"), "--lang", "fr")
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(tmp_path / "t.xlsx")["Instructions"]
    assert sheet["A3"].value == "Une ligne par réunion."
    refused = ctmonitor(store_dir, "template", "meetings", "-o", str(tmp_path / "u.xlsx"), "--lang", "de")
    assert refused.returncode == 2 and "en, fr" in refused.stderr
