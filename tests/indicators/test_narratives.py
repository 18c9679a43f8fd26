"""Deviation narratives: stored per indicator and quarter, shown with the figures, written from the CLI."""

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from indicators.reporting.narratives import NarrativeError, get_narrative, narratives_for, set_narrative
from indicators.store.db import Store
from indicators.store.models import Narrative
from tests.builders import fresh_store, make_training, run_command


def test_set_get_update_delete(db):
    row = set_narrative(db, "kec-4.2", "fy19q3", "Elections delayed two trainings.", "amina")
    assert (row.period, row.updated_by) == ("FY2019Q3", "amina")
    assert get_narrative(db, "KEC-4.2", "FY2019Q3") == "Elections delayed two trainings."
    set_narrative(db, "KEC-4.2", "FY2019Q3", "Rescheduled to July.", "jean")
    assert db.scalars(select(Narrative.text)).all() == ["Rescheduled to July."]
    assert {code: n.updated_by for code, n in narratives_for(db, "KEC", "FY2019Q3").items()} == {
        "KEC-4.2": "jean"
    }
    assert set_narrative(db, "KEC-4.2", "FY2019Q3", "   ", "jean") is None
    assert get_narrative(db, "KEC-4.2", "FY2019Q3") is None
    assert set_narrative(db, "KEC-4.2", "FY2019Q3", "", "jean") is None  # deleting nothing is fine


@pytest.mark.parametrize(
    "indicator, period, programme, message",
    [
        ("KEC-9.9", "FY2019Q3", None, "unknown indicator 'KEC-9.9'"),
        ("KEC-4.2", "FY2019", None, "FY2019 is a year"),
        ("KEC-4.2", "FY2016Q4", None, "outside KEC"),
        ("PVR-1.1", "FY2018Q1", None, "outside PVR"),
        ("PVR-1.1", "FY2019Q3", "KEC", "KEC has no indicator 'PVR-1.1'"),
        ("KEC-4.2", "FY2019Q3", "XYZ", "unknown programme 'XYZ'"),
    ],
)
def test_refused(db, indicator, period, programme, message):
    with pytest.raises(NarrativeError, match=message):
        set_narrative(db, indicator, period, "text", "amina", programme_code=programme)


@pytest.fixture(scope="module")
def cli_settings(tmp_path_factory):
    settings = fresh_store(tmp_path_factory.mktemp("narratives"))
    store = Store(settings)
    with store.begin() as session:
        make_training(session, "KEC", start_date=date(2019, 4, 10))
    store.dispose()
    return settings


def test_cli_set_then_show(cli_settings, capsys):
    assert (
        run_command(
            cli_settings,
            "narrative",
            "set",
            "--programme",
            "kec",
            "--indicator",
            "KEC-4.1",
            "--period",
            "FY19Q3",
            "--text",
            "Two trainings moved to July.",
            "--user",
            "amina",
        )
        == 0
    )
    assert "Narrative saved: KEC-4.1 FY2019Q3" in capsys.readouterr().out
    assert run_command(cli_settings, "narrative", "show", "--programme", "KEC", "--period", "FY2019Q3") == 0
    out = capsys.readouterr().out
    assert "KEC FY2019 Q3: 1 April – 30 June 2019" in out
    assert "Two trainings moved to July." in out
    assert "KEC-4.2    Behind     ! needs a narrative" in out
    assert "KEC-4.3    no data\n" in out
    assert (
        run_command(
            cli_settings,
            "narrative",
            "set",
            "--programme",
            "KEC",
            "--indicator",
            "KEC-4.1",
            "--period",
            "FY2019Q3",
            "--text",
            "",
        )
        == 0
    )
    assert "Narrative deleted" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["set", "--programme", "XYZ", "--indicator", "KEC-4.1", "--period", "FY2019Q3", "--text", "t"],
            "unknown programme 'XYZ'",
        ),
        (
            ["set", "--programme", "KEC", "--indicator", "KEC-9.1", "--period", "FY2019Q3", "--text", "t"],
            "KEC has no indicator 'KEC-9.1'",
        ),
        (
            ["set", "--programme", "KEC", "--indicator", "PVR-3.1", "--period", "FY2019Q3", "--text", "t"],
            "KEC has no indicator 'PVR-3.1'",
        ),
        (
            ["set", "--programme", "KEC", "--indicator", "KEC-4.1", "--period", "FY2021Q1", "--text", "t"],
            "FY2021Q1 is outside KEC",
        ),
        (
            ["set", "--programme", "KEC", "--indicator", "KEC-4.1", "--period", "soon", "--text", "t"],
            "not a period",
        ),
        (["show", "--programme", "KEC", "--period", "LOP"], "LOP is the life of project"),
        (["show", "--programme", "NOPE", "--period", "FY2019Q3"], "unknown programme 'NOPE'"),
    ],
)
def test_cli_refusals_exit_2(cli_settings, capsys, argv, message):
    assert run_command(cli_settings, "narrative", *argv) == 2
    assert message in capsys.readouterr().err


def test_ctmonitor_narrative_command(cli_settings):
    env = dict(
        os.environ,
        CTMONITOR_DATABASE_URL=cli_settings.database_url,
        CTMONITOR_DATA_DIR=str(cli_settings.data_dir),
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "narrative",
            "set",
            "--programme",
            "KEC",
            "--indicator",
            "KEC-3.1",
            "--period",
            "FY2019Q3",
            "--text",
            "No quorum in May.",
        ],
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "narrative",
            "set",
            "--programme",
            "KEC",
            "--indicator",
            "KEC-3.1",
            "--period",
            "FY2030Q1",
            "--text",
            "x",
        ],
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 2 and "outside KEC" in refused.stderr
