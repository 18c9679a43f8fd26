"""The report formats, each said once: its key, what it is, how buttons name it, its file and its writer.

The command line (``--format`` and its help), sign-off (the kept file's name) and the Reports page (the
choices, button and file names) all read ``FORMATS``. A writer takes the plain ``indicators.report.Report``
and returns the file's bytes; it is imported only when a file is written (openpyxl is heavy for commands
that write none). A new format is its writer module and one entry here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report's dataclasses, for the annotations only: naming formats stays light
    from indicators.report import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Format:
    key: str  # iptt: as ``--format`` and programme files name it
    label: str  # what it is, in words
    short: str  # how buttons and messages name it: "Download KEC · FY2019 Q3 · IPTT"
    extension: str  # xlsx
    media_type: str
    writer: str  # "module:function" under exports/, the function taking a Report and returning bytes
    public: bool = False  # published for anyone: victim figures as ``indicators.disclosure`` plans (DOMAIN §4)
    # the award's confidential deliverable: exact victim figures whoever downloads it (its cover says so)
    award_deliverable: bool = False
    history: bool = False  # it publishes every quarter so far, not only the report quarter
    # "quarter": its writer takes a quarter's ``Report``; "programme": the programme's reference sheets
    # (``indicators.pirs.ReferenceSheets``), with no quarter.
    scope: str = "quarter"

    def filename(self, programme: str, period: str | None) -> str:
        """``KEC_FY2019Q3_iptt.xlsx``: the name a report is downloaded and kept under (``KEC_pirs.xlsx`` for a
        format about the programme, not a quarter)."""
        if self.scope == "programme" or not period:
            return f"{programme}_{self.key}.{self.extension}"
        return f"{programme}_{period}_{self.key}.{self.extension}"

    def write(self, report: Report) -> bytes:
        """The file's bytes. Victim figures arrive as the reader may see them (withheld ones as None with their
        label), so a writer only lays them out."""
        module, _, function = self.writer.partition(":")
        return getattr(importlib.import_module(module), function)(report)

    def protected_for(self, donor: bool) -> bool:
        """Whether this file's victim figures go through the disclosure plan: always for a public file, for a
        donor's download unless it is the award's own workbook."""
        return self.public or (donor and not self.award_deliverable)


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("iptt", "USAID Indicator Performance Tracking Table workbook (.xlsx)", "IPTT", "xlsx", XLSX,
           "exports.iptt:render", award_deliverable=True),
    Format("ppr", "U.S. State Department SF-PPR-B workbook (.xlsx)", "SF-PPR-B", "xlsx", XLSX, "exports.ppr:render",
           award_deliverable=True),
    Format("csv", "machine-readable results (.csv)", "CSV", "csv", "text/csv", "exports.results_csv:render"),
    Format("iati", "IATI activity 2.03 XML (.xml)", "IATI XML", "xml", "application/xml", "exports.iati:render",
           public=True, history=True),
    Format("pirs", "Performance Indicator Reference Sheets workbook (.xlsx), one sheet per indicator (no quarter "
           "needed)", "PIRS", "xlsx", XLSX, "exports.pirs:render", scope="programme"),
)}


def short_name(key: str) -> str:
    """How a format is named on buttons, also for a key no longer known (an old sign-off's)."""
    return FORMATS[key].short if key in FORMATS else key.upper()
