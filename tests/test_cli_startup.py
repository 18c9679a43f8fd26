"""Every command but ``serve`` starts without Dash, plotly or the dashboard's pages: the command runs in a fresh
interpreter, as the installed ``ctmonitor`` does, and then lists which of them it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DASHBOARD_ONLY = (
    "dash",
    "plotly",
    "dashboard",
    "flask",
    "dash_bootstrap_components",
    "dash_ag_grid",
    "werkzeug",
)
# Run the command as ``ctmonitor`` does, then print which of those modules it imported (on the last line).
RUN = f"""
import json, sys
import app
code = app.main(sys.argv[1:])
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({DASHBOARD_ONLY!r}))))
sys.exit(code)
"""


def environment(folder: Path) -> dict:
    env = dict(os.environ, CTMONITOR_DATA_DIR=str(folder), CTMONITOR_PASSWORD="a long enough password")
    env.pop("CTMONITOR_DATABASE_URL", None)
    return env


def run(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=environment(folder),
        cwd=str(REPO),
        timeout=300,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    return done, json.loads(lines[-1]) if lines else None


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("startup")


@pytest.mark.parametrize(
    "args, says",
    [
        (["init"], "Store ready"),
        (["programmes"], "KEC"),
        (["import", str(DATA / "trainings_bom.csv"), "--programme", "KEC", "--user", "claudine"], "stored"),
        (
            [
                "export",
                "--programme",
                "KEC",
                "--period",
                "FY2020Q1",
                "--format",
                "csv",
                "-o",
                "{folder}/kec.csv",
            ],
            "Wrote",
        ),
        (["template", "meetings", "-o", "{folder}/meetings.xlsx"], "Wrote"),
        (["users", "add", "claudine", "--role", "officer"], "User claudine added"),
        (["narrative", "show", "--programme", "KEC", "--period", "FY2020Q1"], "KEC"),
        (["providers", "list"], "Isange One Stop Centre"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else None,
)
def test_commands_start_without_the_dashboard(folder, args, says):
    done, imported = run(folder, *(a.replace("{folder}", str(folder)) for a in args))
    assert done.returncode == 0, done.stdout + done.stderr
    assert says in done.stdout
    assert imported == [], f"ctmonitor {args[0]} imported {imported}"


def test_serve_still_builds_the_dashboard(tmp_path):
    """The other side of the same line: the app the ``serve`` command runs does import Dash and the pages."""
    assert run(tmp_path, "init")[0].returncode == 0
    script = (
        "import sys, app; app.create_app(); "
        "print(sorted(m for m in ('dash', 'plotly', 'dashboard.indicator') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        cwd=str(REPO),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['dash', 'dashboard.indicator', 'plotly']"


@pytest.mark.parametrize(
    "args",
    [
        ("programmes",),
        ("users", "list"),
        ("users", "add", "amina", "--role", "officer"),
        ("providers", "list"),
    ],
)
def test_a_store_command_before_init_says_to_run_init_in_one_line(tmp_path, args):
    done, _ = run(tmp_path, *args)
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"ctmonitor {args[0]}: the store is not initialised; run `ctmonitor init` first"
    )
    assert "Traceback" not in done.stdout
