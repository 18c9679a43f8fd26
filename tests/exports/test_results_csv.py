"""The machine-readable results CSV (DOMAIN §8): exact columns, rows, periods and numbers; the export command."""

import csv
import io
import os
import subprocess
import sys
from datetime import date

import pytest

from exports.results_csv import HEADER, render
from indicators.numbers import plain as number
from indicators.reporting.reporting import report_for
from indicators.store.db import Store
from tests.builders import (
    clear_records,
    fresh_store,
    make_awareness,
    make_policy_step,
    make_training,
    run_command,
)


@pytest.fixture
def clean(session):
    clear_records(session)
    return session


def gift_data(session):
    make_training(
        session,
        "GIFT",
        start_date=date(2011, 11, 5),
        female=3,
        male=5,
        target_group="Civil society organisations",
    )
    make_training(
        session,
        "GIFT",
        start_date=date(2012, 2, 10),
        female=10,
        male=15,
        target_group="Local government officials",
    )
    make_training(
        session, "GIFT", start_date=date(2012, 3, 1), female=2, male=8, target_group="Law enforcement"
    )
    make_awareness(session, "GIFT", date=date(2011, 12, 1), female=30, male=20)
    make_awareness(session, "GIFT", date=date(2012, 1, 20), female=120, male=80)
    make_policy_step(
        session,
        "GIFT",
        instrument="Victim referral guidelines",
        instrument_type="Guidelines",
        stage="Adopted",
        date=date(2012, 2, 1),
    )


GIFT_2012Q1 = """\
programme,indicator,period,disaggregation,category,actual,target
GIFT,GIFT-1.1,2012Q1,,,25,
GIFT,GIFT-1.1,2012Q1,sex,Female,10,
GIFT,GIFT-1.1,2012Q1,sex,Male,15,
GIFT,GIFT-1.1,2012,,,25,
GIFT,GIFT-1.1,2012,sex,Female,10,
GIFT,GIFT-1.1,2012,sex,Male,15,
GIFT,GIFT-1.1,LOP,,,33,200
GIFT,GIFT-1.1,LOP,sex,Female,13,
GIFT,GIFT-1.1,LOP,sex,Male,20,
GIFT,GIFT-2.1,2012Q1,,,10,
GIFT,GIFT-2.1,2012Q1,sex,Female,2,
GIFT,GIFT-2.1,2012Q1,sex,Male,8,
GIFT,GIFT-2.1,2012Q1,target_group,Law enforcement,10,
GIFT,GIFT-2.1,2012,,,10,
GIFT,GIFT-2.1,2012,sex,Female,2,
GIFT,GIFT-2.1,2012,sex,Male,8,
GIFT,GIFT-2.1,2012,target_group,Law enforcement,10,
GIFT,GIFT-2.1,LOP,,,10,300
GIFT,GIFT-2.1,LOP,sex,Female,2,
GIFT,GIFT-2.1,LOP,sex,Male,8,
GIFT,GIFT-2.1,LOP,target_group,Law enforcement,10,
GIFT,GIFT-3.1,2012Q1,,,200,
GIFT,GIFT-3.1,2012Q1,sex,Female,120,
GIFT,GIFT-3.1,2012Q1,sex,Male,80,
GIFT,GIFT-3.1,2012,,,200,
GIFT,GIFT-3.1,2012,sex,Female,120,
GIFT,GIFT-3.1,2012,sex,Male,80,
GIFT,GIFT-3.1,LOP,,,250,5000
GIFT,GIFT-3.1,LOP,sex,Female,150,
GIFT,GIFT-3.1,LOP,sex,Male,100,
GIFT,GIFT-4.1,2012Q1,,,1,
GIFT,GIFT-4.1,2012,,,1,
GIFT,GIFT-4.1,LOP,,,1,1
"""
# what each row covers (2012's year to date runs through the quarter; LOP from the programme's start) and the
# indicators' titles, as the programme file names them
COVERS = {
    "2012Q1": ("2012-01-01", "2012-03-31"),
    "2012": ("2012-01-01", "2012-03-31"),
    "LOP": ("2011-10-01", "2012-03-31"),
}
TITLES = {
    "GIFT-1.1": "Number of government and civil society stakeholders trained (objective 1)",
    "GIFT-2.1": "Number of law enforcement and immigration officers trained (objective 2)",
    "GIFT-3.1": "Number of people reached by public sensitisation (objective 3)",
    "GIFT-4.1": "Victim referral mechanisms established (objective 4)",
}


def gift_expected() -> str:
    """DOMAIN §8's columns as GIFT_2012Q1 writes them, then period_start, period_end, unit, indicator_title."""
    lines = GIFT_2012Q1.splitlines()
    out = [lines[0] + ",period_start,period_end,unit,indicator_title"]
    for line in lines[1:]:
        cells = line.split(",")
        out.append(
            ",".join(
                [
                    *cells,
                    *COVERS[cells[2]],
                    "number",
                    f'"{TITLES[cells[1]]}"' if "," in TITLES[cells[1]] else TITLES[cells[1]],
                ]
            )
        )
    return "\n".join(out) + "\n"


def test_gift_report_exactly(clean):
    gift_data(clean)
    data = render(report_for(clean, "GIFT", "2012Q1"))
    assert data.decode("utf-8") == gift_expected()
    assert b"\r" not in data


def test_kec_percentages_fiscal_periods_and_targets(clean):
    make_training(
        clean,
        "KEC",
        start_date=date(2018, 11, 5),
        female=5,
        male=5,
        passed_post_test=9,
        target_group="Law enforcement",
    )
    make_training(
        clean,
        "KEC",
        start_date=date(2019, 4, 8),
        female=8,
        male=8,
        passed_post_test=13,
        target_group="Immigration officers",
    )
    table = list(csv.reader(io.StringIO(render(report_for(clean, "KEC", "FY2019Q3")).decode("utf-8"))))
    assert tuple(table[0]) == HEADER
    rows = {tuple(r[1:5]): r[5:7] for r in table[1:]}
    assert rows[("KEC-4.3", "FY2019Q3", "", "")] == ["81.3", ""]  # 13/16 = 81.25, half up as on screen
    assert rows[("KEC-4.3", "FY2019", "", "")] == ["84.6", "80"]  # 22/26 = 84.615…
    assert rows[("KEC-4.3", "LOP", "", "")] == ["84.6", "80"]
    assert rows[("KEC-4.2", "FY2019Q3", "sex", "Female")] == ["8", ""]
    assert rows[("KEC-4.2", "FY2019", "", "")] == ["26", "400"]
    assert rows[("KEC-4.2", "LOP", "", "")] == ["26", "1120"]
    assert rows[("KEC-4.2", "LOP", "target_group", "Law enforcement")] == ["10", ""]
    assert rows[("KEC-4.1", "FY2019", "target_group", "Immigration officers")] == ["1", ""]
    assert rows[("KEC-5.1", "LOP", "sex", "Male")] == ["0", ""]
    # 8 indicators × 3 periods: totals, plus per period KEC-2.1, 3.1, 4.3, 5.2 have no categories here,
    # KEC-4.1 has 2 target groups, KEC-4.2 has 2 sexes + 2 target groups, KEC-5.1 has 2 sexes
    assert len(table) - 1 == 3 * (8 + 2 + 4 + 2)
    assert all(r[0] == "KEC" and len(r) == 11 for r in table[1:])
    assert [r[2] for r in table[1:4]] == ["FY2019Q3", "FY2019", "LOP"]


def test_ratio_with_nothing_to_divide_by_is_empty(clean):
    rows = render(report_for(clean, "KEC", "FY2019Q3")).decode("utf-8").splitlines()
    assert any(row.startswith("KEC,KEC-4.3,FY2019,,,,80,") for row in rows)


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (0.0, "0"),
        (12.0, "12"),
        (1120.0, "1120"),
        (81.25, "81.3"),
        (44.545454545, "44.5"),
        (0.5, "0.5"),
        (0.05, "0.1"),
        (0.005, "0"),
        (100.0, "100"),
        (1e-12, "0"),
        (12.30, "12.3"),
    ],
)
def test_number(value, text):
    assert number(value) == text


@pytest.fixture(scope="module")
def cli_settings(tmp_path_factory):
    settings = fresh_store(tmp_path_factory.mktemp("csv"))
    store = Store(settings)
    with store.begin() as session:
        gift_data(session)
    store.dispose()
    return settings


def test_export_command_writes_the_csv(cli_settings, tmp_path, capsys):
    out = tmp_path / "reports" / "gift.csv"
    assert (
        run_command(
            cli_settings,
            "export",
            "--programme",
            "gift",
            "--period",
            "2012Q1",
            "--format",
            "csv",
            "-o",
            str(out),
        )
        == 0
    )
    assert out.read_text(encoding="utf-8") == gift_expected()
    assert "Wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    "programme, period, message",
    [
        ("XYZ", "FY2019Q3", "unknown programme 'XYZ'; known programmes: GIFT, KEC, PVR"),
        ("KEC", "FY2021Q1", "FY2021Q1 is outside KEC, which runs from FY2017Q2 to FY2020Q3"),
        ("KEC", "FY2019", "FY2019 is a year, not a quarter"),
        ("KEC", "LOP", "LOP is the life of project"),
        ("KEC", "last quarter", "not a period"),
        ("GIFT", "FY2012Q1", "calendar quarters"),
    ],
)
def test_export_command_refusals_exit_2(cli_settings, tmp_path, capsys, programme, period, message):
    out = tmp_path / "x.csv"
    assert (
        run_command(
            cli_settings,
            "export",
            "--programme",
            programme,
            "--period",
            period,
            "--format",
            "csv",
            "-o",
            str(out),
        )
        == 2
    )
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_ctmonitor_export_command(cli_settings, tmp_path):
    env = dict(
        os.environ,
        CTMONITOR_DATABASE_URL=cli_settings.database_url,
        CTMONITOR_DATA_DIR=str(cli_settings.data_dir),
    )
    out = tmp_path / "x.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "export",
            "--programme",
            "GIFT",
            "--period",
            "2012Q1",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == gift_expected()
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "export",
            "--programme",
            "KEC",
            "--period",
            "FY2030Q1",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
        check=False,  # the return code is asserted
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 2 and "outside KEC" in refused.stderr


def test_no_cell_starts_a_formula_for_comma_or_semicolon_readers(clean):
    """A category typed as a formula (a direct-entry sheet's, or a nationality) is defused: whichever separator a
    spreadsheet splits on, no cell it cuts out starts with = + - or @; figures stay numbers."""
    from dataclasses import replace

    from indicators.figures.figures import CategoryFigures
    from indicators.reporting.reporting import build_report
    from tests.exports.builders import fig, kec_figures

    figures = kec_figures()
    line = figures.indicators[0]
    hostile = [
        CategoryFigures("sex", "=1+1;x", fig(2), fig(2), fig(2)),
        CategoryFigures("sex", 'Training;=HYPERLINK("http://x");@SUM(A1)', fig(3), fig(3), fig(3)),
    ]
    figures = replace(figures, indicators=[replace(line, disaggregations=hostile), *figures.indicators[1:]])
    text = render(build_report(clean, figures)).decode("utf-8")
    for delimiter in (",", ";"):
        cells = [
            cell.strip().strip('"').strip()
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            for cell in row
        ]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _number_like(c))], (
            delimiter
        )
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'=1+1;x", "2"] == next(rows[1 + n][4:6] for n in range(4) if rows[1 + n][4].startswith("'="))


def _number_like(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
