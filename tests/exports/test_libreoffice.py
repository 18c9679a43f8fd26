"""A second spreadsheet program opens the IPTT workbook: LibreOffice headless prints it to PDF, and its own
re-save of the workbook keeps the injection text as text (nothing evaluated) and the numbers as numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from exports import iptt
from indicators.reporting.reporting import build_report
from tests.exports.builders import INJECTIONS, kec_figures
from tests.exports.test_iptt import NARRATIVES
from tests.exports.test_report import PREPARED, stored_kec_quarter


def soffice(tmp_path: Path, target: str, source: Path, outdir: Path) -> Path:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        pytest.fail("LibreOffice is missing: install libreoffice-calc-nogui (see .ci/run)")
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: no clash with a running LibreOffice
    result = subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
    )
    produced = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert result.returncode == 0 and produced.exists(), result.stdout + result.stderr
    return produced


def test_libreoffice_prints_the_iptt_and_keeps_text_inert(db, tmp_path):
    stored_kec_quarter(db)
    workbook = tmp_path / "kec-fy2019q3.xlsx"
    workbook.write_bytes(iptt.render(build_report(db, kec_figures(NARRATIVES), prepared=PREPARED)))

    pdf = soffice(tmp_path, "pdf", workbook, tmp_path / "pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 5  # every sheet printed, at least a page each

    resaved = soffice(tmp_path, "xlsx", workbook, tmp_path / "resaved")
    archive = zipfile.ZipFile(resaved)
    for name in archive.namelist():
        if name.startswith("xl/worksheets/sheet"):
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    wb = openpyxl.load_workbook(BytesIO(resaved.read_bytes()))
    assert wb.sheetnames == ["Cover", "Indicators", "Disaggregation", "Activities", "Sources"]
    ws = wb["Indicators"]
    for coordinate, payload in zip(("S7", "S9", "S11", "S12"), INJECTIONS):
        assert ws[coordinate].value == payload and ws[coordinate].data_type == "s", coordinate
    assert ws["K11"].value == 310 and ws["L11"].value == pytest.approx(0.78)
    assert ws["L11"].number_format == "0%" and ws["I12"].number_format == "0.0%"
    assert ws["R9"].value == "Ahead"
