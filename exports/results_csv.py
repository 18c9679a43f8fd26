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

from indicators.numbers import plain as number
from indicators.report import NOT_PUBLISHED, Report

HEADER = ("programme", "indicator", "period", "disaggregation", "category", "actual", "target")


def rows(report: Report) -> list[tuple[str, ...]]:
    """The CSV's rows after the header, as text."""
    c = report.cover
    periods = (("quarter", "quarter", c.period_code), ("year", "year_to_date", c.year_code),
               ("lop", "lop_to_date", "LOP"))
    out = []
    for line in report.indicators:
        categories = [d for d in report.disaggregations if d.indicator_code == line.code]
        for total, attribute, period in periods:
            figure = getattr(line, total)
            out.append((c.programme_code, line.code, period, "", "", figure.withheld or number(figure.actual),
                        number(figure.target)))
            for category in categories:
                label = category.withheld.get(attribute)
                if label == NOT_PUBLISHED:
                    continue
                out.append((c.programme_code, line.code, period, category.disaggregation, category.category,
                            label or number(getattr(category, attribute)), ""))
    return out


def render(report: Report) -> bytes:
    """The CSV file's bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(report))
    return buffer.getvalue().encode("utf-8")
