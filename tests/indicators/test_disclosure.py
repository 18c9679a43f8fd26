"""Victim figures as a donor or the public gets them (``indicators.protection.disclosure``), attacked with every file and
answer of a channel at once by an attacker written apart from the product (``tests/attacker.py``): on a store
holding IOM's official HTCDS sheet and its edited copy, nothing withheld can be narrowed down, while the same
attacker recovers counts from the cell-by-cell withholding the product used before."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from exports.formats import FORMATS
from exports.results_csv import rows as csv_rows
from indicators.figures import places, victims
from indicators.figures.figures import figures, load_programme, programme_quarters
from indicators.protection import disclosure
from indicators.reporting.reporting import report_file, report_for
from tests.attacker import Attacker
from tests.builders import clear_records, make_case, programme

CASE_INDICATORS = ("PVR-3.1", "PVR-3.2")
THRESHOLD = 5


def attacker_for(session) -> Attacker:
    quarters = programme_quarters(load_programme(session, "PVR"))
    return Attacker([(q.start, q.end) for q in quarters], THRESHOLD, profile_of="PVR-3.1")


def everything_a_donor_gets(session, attacker: Attacker, every_iati: bool = True) -> None:
    """Every quarter's API answer, the IATI file of every quarter (or of the last, which holds every quarter,
    year and LOP so far), and the Victims profile with its map, as a donor sees them."""
    plan = disclosure.plan(session, "PVR", THRESHOLD)
    quarters = programme_quarters(load_programme(session, "PVR"))
    for index, quarter in enumerate(quarters):
        if every_iati or quarter == quarters[-1]:
            xml, _ = report_file(session, "PVR", quarter.code, FORMATS, "iati", small_cell=THRESHOLD)
            attacker.read_iati(xml, CASE_INDICATORS)
        report = report_for(session, "PVR", quarter.code, plan=plan)
        answer = {
            "figures": [
                dict(
                    zip(("programme", "indicator", "period", "disaggregation", "category"), row),
                    **_api_values(row),
                )
                for row in csv_rows(report)
            ]
        }
        attacker.read_api(answer, index, CASE_INDICATORS)
    _total, breakdowns = victims.profile(session, programme(session, "PVR").id, plan)
    found, _unknown = places.victims_by_district(session, "PVR")
    districts = {d: plan.cell(("district", d)).text for d in found} | {"": plan.cell(("district", "")).text}
    attacker.read_profile(plan.cell(("profile", "total", "")).text, breakdowns, districts)


def _api_values(row) -> dict:
    """The API's ``actual`` and ``withheld`` from a CSV row, as ``dashboard._api`` turns them."""
    actual = row[5]
    try:
        return {"actual": float(actual), "withheld": None}
    except ValueError:
        return {"actual": None, "withheld": actual or None}


def test_an_attacker_with_every_file_and_answer_recovers_no_victim_count(cases):
    attacker = attacker_for(cases)
    everything_a_donor_gets(cases, attacker)
    withheld = [f for f in attacker.facts if f.label]
    assert len(withheld) >= 10, "the sheet must give small counts for the attack to mean anything"
    assert attacker.pinned() == []
    published = [f.value for f in attacker.facts if f.label is None]
    assert not [v for v in published if 0 < v < THRESHOLD]  # no small count published as it is


def test_the_same_attacker_recovers_counts_from_cell_by_cell_withholding(cases):
    """The rule the product had before (a small category withheld, and the next smallest when it is alone in
    its group, period by period) on the same store: the attacker pins withheld counts from the sums."""
    attacker = attacker_for(cases)
    for index, quarter in enumerate(programme_quarters(load_programme(cases, "PVR"))):
        report = report_for(cases, "PVR", quarter.code)  # exact figures, withheld cell by cell below
        answer = {
            "figures": _cell_by_cell(
                [
                    dict(
                        zip(("programme", "indicator", "period", "disaggregation", "category", "actual"), row)
                    )
                    for row in csv_rows(report)
                ]
            )
        }
        attacker.read_api(answer, index, CASE_INDICATORS)
    pinned = attacker.pinned()
    assert len(pinned) >= 5
    assert any(p.fact.label == "<" and p.low == p.high for p in pinned)  # some pinned to the exact count


def _cell_by_cell(rows: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        row["actual"] = float(row["actual"]) if row["actual"] else None
        row["withheld"] = None
        if row["disaggregation"]:
            groups.setdefault((row["indicator"], row["period"], row["disaggregation"]), []).append(row)
    for group in groups.values():
        small = [r for r in group if r["actual"] and r["actual"] < THRESHOLD]
        for r in small:
            r["withheld"] = "<5"
        if len(small) == 1:
            others = sorted(
                (r for r in group if r not in small), key=lambda r: (r["actual"] == 0, r["actual"])
            )
            if others:
                others[0]["withheld"] = "*"
        for r in group:
            if r["withheld"]:
                r["actual"] = None
    return rows


def test_staff_and_the_award_workbook_keep_exact_figures_while_the_donor_csv_does_not(cases):
    exact = {(r[1], r[2], r[3], r[4]): r[5] for r in csv_rows(report_for(cases, "PVR", "FY2019Q4"))}
    csv, _ = report_file(cases, "PVR", "FY2019Q4", FORMATS, "csv", small_cell=THRESHOLD, donor=True)
    donor = {tuple(line.split(",")[1:5]): line.split(",")[5] for line in csv.decode().splitlines()[1:]}
    small = {k: v for k, v in exact.items() if k[0] in CASE_INDICATORS and v and 0 < float(v) < THRESHOLD}
    assert small  # staff see small counts as they are
    for key in small:
        assert key not in donor or donor[key] in ("<5", "*")
    # a donor's CSV gives victims' categories for the life of project only
    assert not [k for k in donor if k[0] in CASE_INDICATORS and k[2] and k[1] != "LOP"]
    workbook, _ = report_file(cases, "PVR", "FY2019Q4", FORMATS, "ppr", small_cell=THRESHOLD, donor=True)
    staff, _ = report_file(cases, "PVR", "FY2019Q4", FORMATS, "ppr", small_cell=THRESHOLD)
    # the award's workbook: the same exact figures, small ones included, whoever asks
    assert _numbers(workbook) == _numbers(staff) and [n for n in _numbers(workbook) if 0 < n < THRESHOLD]


def _numbers(data: bytes) -> list:
    import io

    from openpyxl import load_workbook

    return [
        c.value
        for ws in load_workbook(io.BytesIO(data))
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
    ]


def test_a_withheld_figure_takes_its_percentage_and_status_with_it(session):
    """A total of 3 against a target is withheld, and so are its share of the target and its status, which
    would give it back."""
    clear_records(session)
    for day in (date(2019, 4, 10), date(2019, 5, 2), date(2019, 6, 20)):
        make_case(session, "PVR", date_identified=day, referral_date=day)
    for n in range(7):
        make_case(session, "PVR", date_identified=date(2019, 1, 10 + n))
    plan = disclosure.plan(session, "PVR", THRESHOLD)
    exact = next(f for f in figures(session, "PVR", "FY2019Q3").indicators if f.indicator.code == "PVR-3.2")
    seen = next(
        f
        for f in plan.figures(figures(session, "PVR", "FY2019Q3")).indicators
        if f.indicator.code == "PVR-3.2"
    )
    assert exact.quarter.actual == 3 and seen.quarter.actual is None and seen.quarter.withheld == "<5"
    pairs = [
        (exact.quarter, seen.quarter),
        (exact.year_to_date, seen.year_to_date),
        (exact.lop_to_date, seen.lop_to_date),
    ]
    assert exact.year_to_date.actual == 3 and seen.year_to_date.withheld  # 3 in the year so far: withheld too
    for before, after in pairs:
        if after.withheld:
            assert (after.actual, after.status, after.percent_of_target, after.percent_of_target_to_date) == (
                None,
                None,
                None,
                None,
            )
            assert (after.target, after.target_to_date) == (before.target, before.target_to_date)  # public
        else:
            assert after == before


def test_a_figure_leaving_other_than_planned_is_refused(cases):
    plan = disclosure.plan(cases, "PVR", THRESHOLD)
    key = next(k for k, label in plan.labels.items() if label == "<5")
    with pytest.raises(disclosure.DisclosureError):
        plan.check(key, 3)
    shown = next(k for k in plan.values if k not in plan.labels and plan.values[k] >= THRESHOLD)
    with pytest.raises(disclosure.DisclosureError):
        plan.check(shown, plan.values[shown] + 1)


def test_a_threshold_of_zero_withholds_nothing(cases):
    assert disclosure.plan(cases, "PVR", 0) is None and disclosure.plan(cases, "PVR", 1) is None


# --- any store: hypothesis -------------------------------------------------------------------------------

SEXES, AGES, NATIONS = ("Female", "Male"), ("Child", "Adult"), ("Burundi", "DR Congo", "Rwanda", "Uganda")
DAYS = [
    date(2018, 3, 5),
    date(2018, 8, 1),
    date(2018, 11, 20),
    date(2019, 2, 14),
    date(2019, 5, 30),
    date(2019, 9, 2),
    date(2020, 1, 15),
]
a_case = st.tuples(
    st.sampled_from(DAYS),
    st.sampled_from(SEXES),
    st.sampled_from(AGES),
    st.sampled_from(NATIONS),
    st.booleans(),
    st.sampled_from(("Kirehe", "Mahama", "Gasabo", "Rubavu", "nowhere")),
)


@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(a_case, min_size=1, max_size=30))
def test_for_any_store_no_withheld_count_can_be_narrowed_down(session, drawn):
    """Whatever cases a store holds, an attacker with every donor's answer and the profile pins nothing."""
    nested = session.begin_nested()
    try:
        clear_records(session)
        for day, sex, age, nation, referred, place in drawn:
            make_case(
                session,
                "PVR",
                date_identified=day,
                sex=sex,
                age_group=age,
                nationality=nation,
                location=place,
                referral_date=day if referred else None,
            )
        attacker = attacker_for(session)
        everything_a_donor_gets(session, attacker, every_iati=False)
        assert attacker.pinned() == []
    finally:
        nested.rollback()
