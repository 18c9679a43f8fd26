"""Machine-readable results (DOMAIN §8): one CSV row per programme × indicator × period × category.

Columns exactly ``programme,indicator,period,disaggregation,category,actual,target``. Per indicator, three
periods in this order: the report quarter (``FY2019Q3``, no target), the year to date through it
(``FY2019``, against the year's target) and the life of project to date through it (``LOP``, against the
LOP target); within each, the total (empty disaggregation and category) then every category in report
order (categories have no targets of their own). ``actual`` is a plain number rounded as everywhere else
(``indicators.numbers``): integers without ``.0``, others to one decimal half up (a percentage of 81.25 is
``81.3``); empty for a ratio with nothing to divide by. A file for a donor carries a victim figure withheld
from them (``indicators.disclosure``) as what the screen shows instead, ``<5`` or ``*``, and leaves out the
rows of categories not published for a period. UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
import io

from indicators.numbers import plain as number  # noqa: F401 (how the actual column is written)
from indicators.report import Report
from indicators.versions import COLUMNS, figure_rows

HEADER = COLUMNS


def rows(report: Report) -> list[tuple[str, ...]]:
    """The CSV's rows after the header, as text: the very rows a sign-off keeps as its figures."""
    return figure_rows(report)


def render(report: Report) -> bytes:
    """The CSV file's bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return buffer.getvalue().encode("utf-8")
