"""The quarterly report's "Victims identified and assisted" follows the donor channel's disclosure plan: read back
from the Word files of every quarter, added to everything else a donor gets (every IATI file, every API answer,
the Victims profile), it lets the same attacker (``tests/attacker.py``) narrow down no withheld count; and what
it shows is the plan's text, never an exact small count."""

from __future__ import annotations

import re
from types import SimpleNamespace

from exports.formats import FORMATS
from indicators.figures import victims
from indicators.figures.figures import load_programme, programme_quarters
from indicators.protection import disclosure
from indicators.reporting.reporting import make_file
from indicators.vocabulary import DISAGGREGATIONS
from tests.exports.docx_reading import open_report, part, parts, rows
from tests.indicators.test_disclosure import CASE_INDICATORS, THRESHOLD, attacker_for, everything_a_donor_gets

DIMENSIONS = {label.lower(): key for key, label, _multiple in victims.DIMENSIONS}
SPLITS = {label: key for key, label in DISAGGREGATIONS.items()}


def read_victims(data: bytes, quarter: str, year: str) -> tuple[list[dict], str, list]:
    """The section as the attacker reads it: API-shaped rows (quarter, year and LOP totals; LOP categories), the
    profile's total and its breakdowns (with known and unknown)."""
    document = open_report(data)
    section = part(document, "Victims identified and assisted")
    totals, *split = section.tables
    figures = []
    for name, *shown in rows(totals)[1:]:
        for period, text in zip((quarter, year, "LOP"), shown):
            figures.append(_row(name.split()[0], period, "", "", text))
    for code, split_label, category, text in rows(split[0])[1:] if split else []:
        figures.append(_row(code, "LOP", SPLITS[split_label], category, text))
    total = re.search(r"as recorded on [^)]+\): ([^.]+)\.", section.text).group(1)
    breakdowns = []
    for by in (p for p in parts(document) if p.heading.startswith("Victims by ")):
        known, unknown = re.search(
            r"Known for (\S+) victims; unknown for (\S+)\.", " ".join(p.text for p in by.paragraphs)
        ).groups()
        shares = [SimpleNamespace(category=c, shown_count=n) for c, n, _share in rows(by.tables[0])[1:]]
        breakdowns.append(
            SimpleNamespace(
                dimension=DIMENSIONS[by.heading.removeprefix("Victims by ")],
                rows=shares,
                shown_known=known,
                shown_unknown=unknown,
            )
        )
    return figures, total, breakdowns


def _row(code, period, disaggregation, category, text) -> dict:
    withheld = text if text.startswith("<") or text == "*" else None
    actual = None if withheld or text == "–" else float(text.replace(",", ""))
    return {
        "indicator": code,
        "period": period,
        "disaggregation": disaggregation,
        "category": category,
        "actual": actual,
        "withheld": withheld,
    }


def test_the_reports_victims_section_adds_nothing_an_attacker_can_use(cases):
    attacker = attacker_for(cases)
    everything_a_donor_gets(cases, attacker, every_iati=False)
    plan = disclosure.plan(cases, "PVR", THRESHOLD)
    quarters = programme_quarters(load_programme(cases, "PVR"))
    profiles = set()
    for index, quarter in enumerate(quarters):
        made = make_file(cases, "PVR", quarter.code, FORMATS, "report", small_cell=THRESHOLD)
        figures, total, breakdowns = read_victims(made.data, quarter.code, quarter.fiscal_year.code)
        attacker.read_api({"figures": figures}, index, CASE_INDICATORS)
        profiles.add(_said(total, breakdowns))
        for row in figures:  # exactly the plan's text, figure by figure
            span = {quarter.code: "quarter", "LOP": "lop"}.get(row["period"], "year")
            key = ("indicator", row["indicator"], span, quarter.code, row["disaggregation"], row["category"])
            shown = plan.cell(key)
            assert (row["withheld"] or f"{row['actual']:,.0f}") == shown.text, key
    withheld = [f for f in attacker.facts if f.label]
    assert len(withheld) >= 10, "the cases must give small counts for the attack to mean anything"
    assert attacker.pinned() == []
    assert not [
        f for f in attacker.facts if f.label is None and 0 < f.value < THRESHOLD
    ]  # none shown as it is
    # the profile in every quarter's report is the Victims profile a donor sees (which the attacker holds)
    total, page = victims.profile(cases, load_programme(cases, "PVR").id, plan)
    (said,) = profiles
    assert said == _said(plan.cell(("profile", "total", "")).text, page)
    assert any(count.startswith("<") for _d, _k, _u, shown in said[1] for _c, count in shown)


def _said(total: str, breakdowns) -> tuple:
    return total, tuple(
        (b.dimension, b.shown_known, b.shown_unknown, tuple((r.category, r.shown_count) for r in b.rows))
        for b in breakdowns
        if b.rows
    )


def test_the_rest_of_the_report_is_the_awards_exact_deliverable(cases):
    """The result tables keep exact small counts (the award requires them) and the cover says so."""
    from indicators.reporting.reporting import report_for

    report = report_for(cases, "PVR", "FY2019Q4")
    exact = {r.code: r.quarter.actual for r in report.indicators if r.code in CASE_INDICATORS}
    document = open_report(
        make_file(cases, "PVR", "FY2019Q4", FORMATS, "report", small_cell=THRESHOLD, donor=True).data
    )
    table = next(
        t
        for p in parts(document)
        if p.heading.startswith("Result ")
        for t in p.tables
        if any(r[0].startswith(CASE_INDICATORS[0]) for r in rows(t))
    )
    shown = {r[0].split()[0]: r[1] for r in rows(table)[1:]}
    assert {code: shown[code] for code in exact} == {code: f"{v:,.0f}" for code, v in exact.items()}
    cover = " ".join(p.text for p in parts(document)[0].paragraphs)
    assert "Confidential: This report holds exact counts of victims of trafficking" in cover
    # the store holds cases only (the fixture cleared every activity): none is an activity of the quarter
    activities = part(document, "Activities of the quarter")
    assert activities.text == "No activity was recorded for FY2019 Q4." and not activities.tables
