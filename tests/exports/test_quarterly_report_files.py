"""The quarterly report as files: LibreOffice prints it to PDF without error (``--format report-pdf``), a machine
without LibreOffice says so in one line, and ``ctmonitor export`` / ``narrative set --section`` / ``signoff`` /
``export --as-sent`` carry it end to end: a signed-off quarter's report is final and served as kept."""

from __future__ import annotations

import re

import pytest

from exports.formats import FORMATS
from indicators.report import day_in_words
from indicators.reporting.reporting import make_file
from tests.builders import fresh_store, run_command
from tests.exports.docx_reading import headings, open_report, part, rows
from tests.exports.test_end_to_end import store_kec
from tests.exports.test_quarterly_report import DONOR_ORDER


def test_libreoffice_prints_the_report_on_letter_pages_with_a_landscape_annex(db):
    store_kec(db)
    made = make_file(db, "KEC", "FY2019Q3", FORMATS, "report-pdf", small_cell=5)
    pdf = made.data
    assert made.format == "report-pdf" and pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    sizes = [(round(float(w)), round(float(h))) for w, h in boxes]
    pages = [s for s in sizes if s in {(612, 792), (792, 612)}]  # the pages (not the page tree's union box)
    portrait = pages.count((612, 792))
    assert portrait >= 5 and pages == [(612, 792)] * portrait + [(792, 612)] * (len(pages) - portrait)
    assert len(pages) > portrait  # Letter; the annex alone turned to landscape, at the end
    assert FORMATS["report-pdf"].filename("KEC", "FY2019Q3") == "KEC_FY2019Q3_report.pdf"


def test_without_libreoffice_the_pdf_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    settings = fresh_store(tmp_path)
    monkeypatch.setattr("shutil.which", lambda _name: None)
    why = FORMATS["report-pdf"].unavailable()
    assert why and "\n" not in why and "LibreOffice" in why
    out = tmp_path / "kec.pdf"
    assert (
        run_command(
            settings,
            "export",
            "--programme",
            "KEC",
            "--period",
            "FY2019Q3",
            "--format",
            "report-pdf",
            "-o",
            str(out),
        )
        == 2
    )
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith(
        "ctmonitor export: the Quarterly report (PDF) needs LibreOffice"
    )
    assert not out.exists()
    assert FORMATS["report"].unavailable() is None  # the Word report needs nothing more


def test_sections_written_on_the_command_line_appear_and_a_signed_off_quarter_is_final_and_closed(
    tmp_path, capsys
):
    from indicators.access import accounts
    from indicators.store.db import Store

    settings = fresh_store(tmp_path)
    store = Store(settings)
    with store.begin() as session:
        accounts.add_user(session, "claire", "correct horse battery staple", "manager")
    store.dispose()
    section = ("narrative", "set", "--programme", "KEC", "--period", "fy19q3")
    assert (
        run_command(settings, *section, "--section", "Challenges", "--text", "Rains closed two roads.") == 0
    )
    assert (
        capsys.readouterr().out.strip() == "Challenges and lessons learned saved as version 1: KEC FY2019Q3"
    )
    assert run_command(settings, *section, "--section", "risks", "--text", "x") == 2
    assert (
        "unknown section 'risks'; the sections are highlights, challenges, plans" in capsys.readouterr().err
    )

    draft = tmp_path / "draft.docx"
    assert (
        run_command(
            settings,
            "export",
            "--programme",
            "KEC",
            "--period",
            "FY2019Q3",
            "--format",
            "report",
            "-o",
            str(draft),
        )
        == 0
    )
    document = open_report(draft.read_bytes())
    assert headings(document, 1) == DONOR_ORDER
    assert part(document, "Challenges and lessons learned").text == "Rains closed two roads."
    assert dict(rows(document.tables[0]))["Status"] == "Draft"

    assert (
        run_command(
            settings,
            "signoff",
            "--programme",
            "KEC",
            "--period",
            "FY2019Q3",
            "--format",
            "report",
            "--user",
            "claire",
            "--without-narratives",
        )
        == 0
    )
    assert "KEC_FY2019Q3_report.docx kept as version 1" in capsys.readouterr().out
    sent = tmp_path / "sent.docx"
    assert (
        run_command(
            settings, "export", "--programme", "KEC", "--period", "FY2019Q3", "--as-sent", "-o", str(sent)
        )
        == 0
    )
    store = Store(settings)
    with store.Session() as session:
        from indicators.figures import signoff

        record = signoff.signed_report(session, "KEC", "FY2019Q3")
        kept, day = record.report, day_in_words(record.signed_at.date())
    store.dispose()
    assert sent.read_bytes() == kept  # served byte for byte
    final = open_report(kept)
    assert dict(rows(final.tables[0]))["Status"] == f"Final: signed off by claire on {day} (version 1)"
    assert not final.sections[0].header.paragraphs[0].text.startswith("DRAFT")

    assert run_command(settings, *section, "--section", "plans", "--text", "More trainings.") == 2
    refused = capsys.readouterr().err
    assert refused.startswith(
        "ctmonitor narrative set: KEC FY2019Q3 is closed: FY2019Q3 was signed off by claire"
    )
    assert refused.rstrip().endswith("ask a manager to reopen it")


@pytest.mark.parametrize("key", sorted(k for k, f in FORMATS.items() if f.drafted))
def test_every_drafted_format_is_a_registered_quarter_format_named_for_the_reports_page(key):
    fmt = FORMATS[key]
    assert fmt.scope == "quarter" and fmt.award_deliverable and not fmt.public
    assert fmt.short.startswith("Quarterly report (") and fmt.label.startswith(fmt.short)
