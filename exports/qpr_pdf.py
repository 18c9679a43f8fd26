"""The quarterly report as a PDF: the Word document (``exports.qpr``) printed by LibreOffice, headless.

LibreOffice runs with a profile of its own in a temporary folder (so it never clashes with a LibreOffice the
user has open), converts the one file and exits; nothing else is kept. Without LibreOffice the format says so
in one line (``Format.unavailable``) before anything is made.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from exports import qpr
from exports.options import DEFAULT, Options
from indicators.report import Report

TIMEOUT_S = 180


class PdfError(RuntimeError):
    """LibreOffice is missing, or did not print the document."""


def render(report: Report, options: Options = DEFAULT) -> bytes:
    """The PDF's bytes."""
    return to_pdf(qpr.render(report, options))


def to_pdf(docx: bytes) -> bytes:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise PdfError("the PDF report needs LibreOffice (soffice), which is not installed on this machine")
    with tempfile.TemporaryDirectory(prefix="ctmonitor-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(docx)
        try:
            done = subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={(work / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice did not print the report within {TIMEOUT_S} s") from None
        produced = work / "report.pdf"
        if done.returncode != 0 or not produced.exists():
            said = (done.stderr or done.stdout or "").strip().splitlines()
            raise PdfError("LibreOffice could not print the report" + (f": {said[-1]}" if said else ""))
        return produced.read_bytes()
