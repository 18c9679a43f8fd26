"""Machine-readable results (DOMAIN §8): one CSV row per programme × indicator × period × category.

Columns exactly ``programme,indicator,period,disaggregation,category,actual,target``. Per indicator, three
periods in this order: the report quarter (``FY2019Q3``, no target), the year to date through it
(``FY2019``, against the year's target) and the life of project to date through it (``LOP``, against the
LOP target); within each, the total (empty disaggregation and category) then every category in report
order. ``actual`` is a plain number rounded as everywhere else (``indicators.numbers``): integers without
``.0``, others to one decimal half up (a percentage of 81.25 is ``81.3``); empty for a ratio with nothing to
divide by. UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
import io

from indicators.figures import Figure, ProgrammeFigures
from indicators.numbers import plain as number

HEADER = ("programme", "indicator", "period", "disaggregation", "category", "actual", "target")


def rows(programme_figures: ProgrammeFigures) -> list[tuple[str, ...]]:
    """The CSV's rows after the header, as text."""
    code = programme_figures.programme.code
    periods = (("quarter", programme_figures.period.code), ("year_to_date", programme_figures.year.code),
               ("lop_to_date", "LOP"))
    out = []
    for line in programme_figures.indicators:
        for attribute, period in periods:
            total: Figure = getattr(line, attribute)
            out.append((code, line.indicator.code, period, "", "", number(total.actual),
                        number(total.target)))
            for category in line.disaggregations:
                figure: Figure = getattr(category, attribute)
                out.append((code, line.indicator.code, period, category.disaggregation, category.category,
                            number(figure.actual), number(figure.target)))
    return out


def render_report(session, programme_figures: ProgrammeFigures) -> bytes:
    """The CSV file's bytes (the session is unused: everything comes from the figures)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(programme_figures))
    return buffer.getvalue().encode("utf-8")
