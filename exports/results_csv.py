"""Machine-readable results (DOMAIN §8): one CSV row per programme × indicator × period × category.

Columns ``programme,indicator,period,disaggregation,category,actual,target`` (exactly DOMAIN §8's, in that
order), then ``period_start,period_end,unit,indicator_title``, so a reader needs no other file to know what a row
means. Per indicator, three periods in this order: the report quarter (``FY2019Q3``, no target), the year to
date through it (``FY2019``, against the year's target) and the life of project to date through it (``LOP``,
against the LOP target); within each, the total (empty disaggregation and category) then every category in
report order (categories have no targets of their own). ``actual`` is a plain number rounded as everywhere else
(``indicators.numbers``): integers without ``.0``, others to one decimal half up (a percentage of 81.25 is
``81.3``); empty for a ratio with nothing to divide by. A file for a donor carries a victim figure withheld
from them (``indicators.protection.disclosure``) as what the screen shows instead, ``<5`` or ``*``, and leaves out the
rows of categories not published for a period. ``period_start`` and ``period_end`` are the ISO dates the
figure covers (clipped to the programme: the year and the life of project *to date*, through the report
quarter's end); ``unit`` is ``number`` or ``percent``. UTF-8, ``\\n`` line ends.

``datapackage`` describes the file as a Frictionless Data Package (Table Schema), for a reader that checks
types: ``actual`` and ``target`` are numbers, with ``<5`` and ``*`` declared as missing values.
"""

from __future__ import annotations

import csv
import io
import json

from exports._csv import defused
from exports.options import DEFAULT, Options
from indicators.periods import parse
from indicators.report import COLUMNS, Report, figure_rows

MORE = ("period_start", "period_end", "unit", "indicator_title")
HEADER = COLUMNS + MORE
WITHHELD = (
    "<5",
    "*",
)  # what a withheld victim count reads in a donor's file (``indicators.protection.disclosure``)


def rows(report: Report) -> list[tuple[str, ...]]:
    """The CSV's rows after the header, as text: the rows a sign-off keeps as its figures, then what each
    period covers and what the indicator is."""
    c = report.cover
    year = parse(c.year_code, c.calendar)
    until = min(c.period_end, c.programme_end)
    spans = {
        c.period_code: (max(c.period_start, c.programme_start), until),
        c.year_code: (max(year.start, c.programme_start), until),
        "LOP": (c.programme_start, until),
    }
    lines = {line.code: line for line in report.indicators}
    out = []
    for row in figure_rows(report):
        line = lines[row[1]]
        start, end = spans[row[2]]
        out.append(row + (start.isoformat(), end.isoformat(), line.unit, line.name))
    return out


NUMBERS = (HEADER.index("actual"), HEADER.index("target"))


def render(report: Report, options: Options = DEFAULT) -> bytes:
    """The CSV file's bytes; no text in it starts a formula in a spreadsheet (``exports._csv``: a category
    typed in a direct-entry sheet, say, could)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(
        tuple(cell if i in NUMBERS else defused(cell) for i, cell in enumerate(row)) for row in rows(report)
    )
    return buffer.getvalue().encode("utf-8")


def datapackage(report: Report, options: Options) -> bytes:
    """``datapackage.json`` for the CSV written as ``options.filename`` beside it."""
    filename = options.filename
    c = report.cover
    text = {"type": "string"}
    fields = [
        {"name": "programme", "title": "Programme code", **text, "constraints": {"required": True}},
        {"name": "indicator", "title": "Indicator code", **text, "constraints": {"required": True}},
        {
            "name": "period",
            "title": "The quarter, the year to date or the life of project (LOP) to date",
            **text,
            "constraints": {"required": True, "pattern": r"(FY)?\d{4}(Q[1-4])?|LOP"},
        },
        {"name": "disaggregation", "title": "Disaggregation (empty for the total)", **text},
        {"name": "category", "title": "Category of the disaggregation (empty for the total)", **text},
        {
            "name": "actual",
            "title": "Actual",
            "type": "number",
            "description": "Empty for a ratio with nothing to divide by; '<5' (fewer than 5 victims) or '*' "
            "(withheld so that a small count cannot be worked out) in a file made for a donor.",
        },
        {
            "name": "target",
            "title": "Target of the period (none for a quarter or a category)",
            "type": "number",
        },
        {
            "name": "period_start",
            "title": "First day the figure covers",
            "type": "date",
            "constraints": {"required": True},
        },
        {
            "name": "period_end",
            "title": "Last day the figure covers",
            "type": "date",
            "constraints": {"required": True},
        },
        {
            "name": "unit",
            "title": "Unit",
            **text,
            "constraints": {"required": True, "enum": ["number", "percent"]},
        },
        {"name": "indicator_title", "title": "Indicator", **text, "constraints": {"required": True}},
    ]
    package = {
        "profile": "tabular-data-package",
        "name": f"ctmonitor-{c.programme_code.lower()}-{c.period_code.lower()}-results",
        "title": f"{c.programme_title}: results, {c.period_label}",
        "created": c.prepared.replace(microsecond=0).isoformat() + "Z",
        "contributors": [{"title": c.implementer, "role": "publisher"}],
        "resources": [
            {
                "name": "results",
                "path": filename,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "missingValues": ["", *WITHHELD]},
            }
        ],
    }
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
