"""The Performance Indicator Reference Sheets workbook, reopened: a contents sheet, then one sheet per indicator
with its definition, data collection, data quality, baseline, targets and the change log of its targets, each
printable on one page; made by the command line without a quarter."""

from __future__ import annotations

import re
import shutil
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from exports import pirs
from indicators import definitions
from indicators.models import Indicator, Programme
from indicators.pirs import build
from tests.conftest import PROGRAMMES


def workbook(db, code: str = "KEC"):
    return openpyxl.load_workbook(BytesIO(pirs.render(build(db, code))))


def facts(ws) -> dict[str, object]:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def test_contents_then_one_sheet_per_indicator(db):
    wb = workbook(db)
    kec = db.scalar(select(Programme).where(Programme.code == "KEC"))
    codes = [i.code for i in sorted(kec.indicators, key=lambda i: i.sort_order)]
    assert wb.sheetnames == ["Contents", *codes] and len(codes) == 8
    contents = wb["Contents"]
    listed = [contents.cell(r, 1).value for r in range(8, 8 + len(codes))]
    assert listed == codes
    assert contents.cell(8, 1).hyperlink.location == "'KEC-1.1'!A1"


def test_each_sheet_holds_the_indicators_reference_fields_and_targets(db):
    wb = workbook(db)
    for indicator in db.scalars(select(Indicator).join(Programme).where(Programme.code == "KEC")):
        ws = wb[indicator.code]
        found = facts(ws)
        assert ws["A1"].value == f"{indicator.code} · {indicator.name}"
        assert found["Precise definition"] == indicator.definition
        assert found["Data source"] == indicator.data_source
        assert found["Rationale"] == indicator.reference_sheet["rationale"]
        assert found["Method of collection"] == indicator.reference_sheet["collection_method"]
        assert found["Known limitations"] == indicator.reference_sheet["data_quality"]["limitations"]
        assert found["Last assessment"] == "Not yet assessed"
        target_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Targets")
        periods = [ws.cell(target_row, c).value for c in range(2, 8) if ws.cell(target_row, c).value]
        values = [ws.cell(target_row + 1, c).value for c in range(2, 2 + len(periods))]
        stored = {t.period: t.value for t in indicator.targets}
        percent = indicator.unit == "percent"
        assert periods == sorted(stored, key=lambda p: (p == "LOP", p))
        assert values == [stored[p] / 100 if percent else stored[p] for p in periods]
    k42 = facts(wb["KEC-4.2"])
    assert k42["Standard indicator"] == "PS.5.3-15" and k42["Disaggregated by"] == "Sex, Target group"
    assert k42["Calculation"] == "Sum of female + male" and k42["Unit of measure"] == "Number"


def test_every_sheet_prints_on_one_page(db):
    wb = workbook(db, "PVR")
    for ws in wb.worksheets[1:]:
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.orientation == "portrait"


def test_a_target_changed_in_the_programme_file_is_in_the_change_log(db, tmp_path):
    edited = tmp_path / "programmes"
    edited.mkdir()
    for path in PROGRAMMES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.name == "kec.yaml":
            text = text.replace("targets: {FY2017: 120, FY2018: 400, FY2019: 400, FY2020: 200, LOP: 1120}",
                                "targets: {FY2017: 120, FY2018: 400, FY2019: 450, FY2020: 200, LOP: 1170}")
        (edited / path.name).write_text(text, encoding="utf-8")
    definitions.load_directory(db, edited, user="amina")
    ws = workbook(db)["KEC-4.2"]
    log = [[ws.cell(r, c).value for c in (1, 2, 5)] for r in range(1, ws.max_row + 1)
           if str(ws.cell(r, 2).value or "").endswith(" target: 400 → 450") or "LOP target" in str(ws.cell(r, 2).value)]
    assert [entry[1:] for entry in log] == [["FY2019 target: 400 → 450", "Programme file edited"],
                                            ["LOP target: 1120 → 1170", "Programme file edited"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d · amina", entry[0]) for entry in log)
    assert facts(workbook(db)["KEC-4.3"]).get("No change since the indicator was defined.") is None


def test_the_command_line_makes_it_without_a_quarter(tmp_path, capsys):
    from tests.builders import fresh_store, run_command

    settings = fresh_store(tmp_path)
    out = tmp_path / "KEC_pirs.xlsx"
    assert run_command(settings, "export", "--programme", "KEC", "--format", "pirs", "-o", str(out)) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Contents"
    assert run_command(settings, "export", "--programme", "KEC", "-o", str(tmp_path / "x.xlsx")) == 2
    assert "--period is needed" in capsys.readouterr().err


def test_libreoffice_prints_one_page_per_indicator(db, tmp_path):
    from tests.exports.test_libreoffice import soffice

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.fail("LibreOffice is missing: install libreoffice-calc-nogui (see .ci/run)")
    source = tmp_path / "KEC_pirs.xlsx"
    source.write_bytes(pirs.render(build(db, "KEC")))
    pdf = soffice(tmp_path, "pdf", source, tmp_path / "pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1 + 8  # the contents, then one page for each of KEC's 8 indicators
