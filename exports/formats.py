"""The report formats, each said once: its key, what it is, how buttons name it, its file and its writer.

The command line (``--format`` and its help), sign-off (the kept file's name) and the Reports page (the
choices, button and file names) all read ``FORMATS``. Every format renders the same way: ``render(data,
options)`` takes the plain data (a quarter's ``indicators.report.Report``, or for a programme's format the
``indicators.reference_sheets.ReferenceSheets``) and an ``Options``, and returns the file's bytes; a describer
(the CSV's datapackage.json) is a callable of the same shape. The callables below import their writer only when
a file is written (openpyxl is heavy for commands that write none); a test renders every registered format. A
new format is its writer module and one entry here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from exports.options import DEFAULT, Options
from indicators.i18n import N_, Message

if TYPE_CHECKING:  # the report's dataclasses, for the annotations only: naming formats stays light
    from indicators.reference_sheets import ReferenceSheets
    from indicators.report import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class _Format:
    key: str  # iptt: as ``--format`` and programme files name it
    label: str  # what it is, in words (marked: the Reports page shows it in the reader's language)
    # how buttons and messages name it: "Download KEC · FY2019 Q3 · IPTT" (marked where it is words)
    short: str
    extension: str  # xlsx
    media_type: str
    public: bool = False  # published for anyone: victim figures as ``indicators.protection.disclosure`` plans (DOMAIN §4)
    # the award's confidential deliverable: exact victim figures whoever downloads it (its cover says so)
    award_deliverable: bool = False
    stem: str | None = None  # the file name's last part when it is not the key: KEC_FY2019Q3_report.pdf
    # programs of which one must be installed to write it (LibreOffice: soffice)
    requires: tuple[str, ...] = ()
    scope: ClassVar[str] = "quarter"

    def filename(self, programme: str, period: str | None) -> str:
        """``KEC_FY2019Q3_iptt.xlsx``: the name a report is downloaded and kept under (``KEC_pirs.xlsx`` for a
        format about the programme, not a quarter)."""
        stem = self.stem or self.key
        if self.scope == "programme" or not period:
            return f"{programme}_{stem}.{self.extension}"
        return f"{programme}_{period}_{stem}.{self.extension}"

    def unavailable(self) -> Message | None:
        """Why this machine cannot write the format (a program it needs is not installed), in one line; None
        when it can. English as text (the command line), in the reader's language where the Reports page
        shows it (``translated``)."""
        if not self.requires or any(shutil.which(program) for program in self.requires):
            return None
        return Message(
            N_(
                "the {format} needs LibreOffice ({program}), which is not installed on this machine: install "
                "it (Debian: apt-get install libreoffice-writer-nogui) or take the Word report"
            ),
            format=Message(self.short),
            program=self.requires[0],
        )

    def protected_for(self, donor: bool) -> bool:
        """Whether this file's victim figures go through the disclosure plan: always for a public file, for a
        donor's download unless it is the award's own workbook."""
        return self.public or (donor and not self.award_deliverable)


@dataclass(frozen=True, kw_only=True)
class Format(_Format):
    """A quarter's report format: its ``render`` takes the quarter's ``Report``."""

    render: Callable[[Report, Options], bytes]
    history: bool = False  # it publishes every quarter so far, not only the report quarter
    # what is written beside the file (the CSV's datapackage.json), given the report and the file's name
    describer: Callable[[Report, Options], bytes] | None = None
    # the quarterly progress report: its report also carries the manager's sections, whether it is a draft and
    # the victims as the donor's channel shows them (``indicators.reporting.drafting``)
    drafted: bool = False

    def write(self, report: Report, options: Options = DEFAULT) -> bytes:
        """The file's bytes. Victim figures arrive as the reader may see them (withheld ones as None with their
        label), so a writer only lays them out."""
        return self.render(report, options)

    def describe(self, report: Report, filename: str) -> bytes:
        """The description written beside the file (``describer``)."""
        assert self.describer is not None
        return self.describer(report, Options(filename=filename))


@dataclass(frozen=True, kw_only=True)
class ProgrammeFormat(_Format):
    """A programme's format, about no quarter: its ``render`` takes the programme's ``ReferenceSheets``."""

    render: Callable[[ReferenceSheets, Options], bytes]
    history: ClassVar[bool] = False
    drafted: ClassVar[bool] = False
    scope: ClassVar[str] = "programme"

    def write(self, sheets: ReferenceSheets, options: Options = DEFAULT) -> bytes:
        return self.render(sheets, options)


# Each writer is imported when its first file is written.
def _iptt(report: Report, options: Options) -> bytes:
    from exports import iptt

    return iptt.render(report, options)


def _ppr(report: Report, options: Options) -> bytes:
    from exports import ppr

    return ppr.render(report, options)


def _csv(report: Report, options: Options) -> bytes:
    from exports import results_csv

    return results_csv.render(report, options)


def _datapackage(report: Report, options: Options) -> bytes:
    from exports import results_csv

    return results_csv.datapackage(report, options)


def _iati(report: Report, options: Options) -> bytes:
    from exports import iati

    return iati.render(report, options)


def _pirs(sheets: ReferenceSheets, options: Options) -> bytes:
    from exports import pirs

    return pirs.render(sheets, options)


def _report(report: Report, options: Options) -> bytes:
    from exports import qpr

    return qpr.render(report, options)


def _report_pdf(report: Report, options: Options) -> bytes:
    from exports import qpr_pdf

    return qpr_pdf.render(report, options)


FORMATS: dict[str, Format | ProgrammeFormat] = {
    f.key: f
    for f in (
        Format(
            "iptt",
            N_("USAID Indicator Performance Tracking Table workbook (.xlsx)"),
            "IPTT",
            "xlsx",
            XLSX,
            render=_iptt,
            award_deliverable=True,
        ),
        Format(
            "ppr",
            N_("U.S. State Department SF-PPR-B workbook (.xlsx)"),
            "SF-PPR-B",
            "xlsx",
            XLSX,
            render=_ppr,
            award_deliverable=True,
        ),
        Format(
            "csv",
            N_("machine-readable results (.csv)"),
            "CSV",
            "csv",
            "text/csv",
            render=_csv,
            describer=_datapackage,
        ),
        Format(
            "iati",
            N_("IATI activity 2.03 XML (.xml)"),
            "IATI XML",
            "xml",
            "application/xml",
            render=_iati,
            public=True,
            history=True,
        ),
        ProgrammeFormat(
            "pirs",
            N_(
                "Performance Indicator Reference Sheets workbook (.xlsx), one sheet per indicator (no "
                "quarter needed)"
            ),
            "PIRS",
            "xlsx",
            XLSX,
            render=_pirs,
        ),
        Format(
            "report",
            N_(
                "Quarterly report (Word): the progress report drafted from the data, narratives and sections, "
                "the IPTT annexed (.docx)"
            ),
            N_("Quarterly report (Word)"),
            "docx",
            DOCX,
            render=_report,
            award_deliverable=True,
            drafted=True,
        ),
        Format(
            "report-pdf",
            N_("Quarterly report (PDF): the same report printed by LibreOffice (.pdf)"),
            N_("Quarterly report (PDF)"),
            "pdf",
            "application/pdf",
            render=_report_pdf,
            award_deliverable=True,
            drafted=True,
            stem="report",
            requires=("soffice", "libreoffice"),
        ),
    )
}
# what a sign-off keeps and a programme file may name as its report_format: the key fits the columns holding it
KEY_LENGTH = 20


def short_name(key: str) -> str:
    """How a format is named on buttons, also for a key no longer known (an old sign-off's)."""
    return FORMATS[key].short if key in FORMATS else key.upper()
