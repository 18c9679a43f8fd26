"""The report data: built once from the figures and the store, plain data the writers only lay out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from indicators.reporting.reporting import build_report
from indicators.store.models import Awareness, Case, Meeting, PolicyStep, ResearchStep, Training
from tests.exports.builders import add_row, add_upload, by_quarter, gift_figures, kec_figures, pvr_figures

PREPARED = datetime(2019, 7, 15, 8, 0)


def stored_kec_quarter(db):
    """Two uploads feeding KEC up to FY2019 Q3, one quarter's worth of each activity kind, a later row."""
    early = add_upload(db, "kec_trainings_fy2018.xlsx", at=datetime(2018, 4, 2, 9, 0))
    q3 = add_upload(db, "kec_q3.xlsx", by="jean", at=datetime(2019, 7, 8, 16, 30))
    later = add_upload(db, "kec_q4.xlsx", at=datetime(2019, 10, 5, 9, 0))
    add_row(
        db,
        Training,
        "KEC",
        early,
        "FY2018Q2",
        5,
        start_date=date(2018, 2, 10),
        district="Gasabo",
        target_group="Law enforcement",
        topic="Old training",
        female=5,
        male=5,
    )
    add_row(
        db,
        Training,
        "KEC",
        q3,
        "FY2019Q3",
        7,
        reference="TR-19-07",
        start_date=date(2019, 4, 15),
        end_date=date(2019, 4, 17),
        district="Rubavu",
        target_group="Immigration officers",
        topic="Identifying victims at the border",
        female=12,
        male=18,
        passed_post_test=25,
        partner="DGIE",
    )
    add_row(
        db,
        Awareness,
        "KEC",
        q3,
        "FY2019Q3",
        3,
        date=date(2019, 5, 2),
        district="Kirehe",
        setting="Refugee camp",
        camp="Mahama",
        activity="Community dialogue",
        female=120,
        male=80,
        under_18=40,
    )
    add_row(
        db,
        Meeting,
        "KEC",
        q3,
        "FY2019Q3",
        2,
        date=date(2019, 6, 12),
        body="Technical Committee",
        participants=14,
        institutions=9,
        decisions="Adopt the referral SOP",
    )
    add_row(
        db,
        PolicyStep,
        "KEC",
        q3,
        "FY2019Q3",
        4,
        instrument="National action plan 2019–2024",
        instrument_type="National action plan",
        stage="Adopted",
        date=date(2019, 6, 20),
        lead_institution="MINIJUST",
    )
    add_row(
        db,
        ResearchStep,
        "KEC",
        None,
        "FY2019Q3",
        9,
        title="Trafficking routes study",
        stage="Validated",
        date=date(2019, 5, 30),
    )
    add_row(
        db,
        Training,
        "KEC",
        later,
        "FY2019Q4",
        2,
        start_date=date(2019, 7, 20),
        district="Huye",
        target_group="Media",
        topic="Later training",
        female=3,
        male=3,
    )


def test_cover_facts_and_results_grouped_in_logframe_order(db):
    report = build_report(db, kec_figures(), prepared=PREPARED)
    c = report.cover
    assert (c.programme_code, c.donor, c.award_number) == ("KEC", "USAID", "AID-696-A-17-00001")
    assert c.partners == ("UN Women", "UNICEF") and c.government_lead == "MINIJUST (Ministry of Justice)"
    assert c.period_label == "FY2019 Q3: 1 April – 30 June 2019"
    assert c.year_label == "FY2019: 1 October 2018 – 30 September 2019"
    assert c.programme_span == "1 January 2017 – 30 June 2020"
    assert c.prepared == PREPARED and c.data_as_of == datetime(2019, 7, 10, 9, 30)
    assert c.description.startswith("Strengthens the Government of Rwanda")  # from the stored programme
    assert [(g.code, g.level_name, [i.code for i in g.indicators]) for g in report.results] == [
        ("1", "Outcome", ["KEC-1.1"]),
        ("2", "Outcome", ["KEC-2.1"]),
        ("4", "Output", ["KEC-4.2", "KEC-4.3"]),
    ]
    k42 = report.indicators[2]
    assert [(q.heading, q.months, q.actual) for q in k42.quarters] == [
        ("Q1", "Oct–Dec", 90),
        ("Q2", "Jan–Mar", 100),
        ("Q3", "Apr–Jun", 120),
        ("Q4", "Jul–Sep", None),
    ]
    assert (k42.year.actual, k42.year.target, k42.year.percent_of_target) == (310, 400, 78)
    assert (k42.lop.actual, k42.lop.target, k42.lop.percent_of_target) == (1234, 1120, 110)
    # Status follows the figures: against the year's target where there is one.
    assert [i.status for i in report.indicators] == ["Behind", "Ahead", "On track", "On track"]


def test_missing_narratives_are_listed_on_the_cover(db):
    report = build_report(db, kec_figures({"KEC-2.1": "Adopted early."}), prepared=PREPARED)
    assert report.cover.missing_narratives == ("KEC-1.1",)
    assert [i.needs_narrative for i in report.indicators] == [True, False, False, False]
    blank = build_report(db, kec_figures({"KEC-1.1": "   ", "KEC-2.1": "x"}), prepared=PREPARED)
    assert blank.cover.missing_narratives == ("KEC-1.1",) and blank.indicators[0].narrative is None


def test_disaggregation_rows_carry_labels_and_all_three_periods(db):
    report = build_report(db, kec_figures(), prepared=PREPARED)
    rows = [
        (d.indicator_code, d.label, d.category, d.quarter, d.year_to_date, d.lop_to_date)
        for d in report.disaggregations
    ]
    assert rows == [
        ("KEC-2.1", "Instrument type", "National action plan", 1, 1, 1),
        ("KEC-2.1", "Instrument type", "Law", 0, 0, 1),
        ("KEC-4.2", "Sex", "Female", 70, 180, 700),
        ("KEC-4.2", "Sex", "Male", 50, 130, 534),
        ("KEC-4.2", "Target group", "Law enforcement", 120, 310, 1234),
    ]


def test_activities_are_the_quarters_own_in_date_order_with_provenance(db):
    stored_kec_quarter(db)
    report = build_report(db, kec_figures(), prepared=PREPARED)
    kinds = [(a.kind, a.date) for a in report.activities]
    assert kinds == [
        ("Training", date(2019, 4, 15)),
        ("Awareness event", date(2019, 5, 2)),
        ("Research step", date(2019, 5, 30)),
        ("Meeting", date(2019, 6, 12)),
        ("Policy step", date(2019, 6, 20)),
    ]
    training, awareness, research, meeting, policy = report.activities
    assert (training.reference, training.end_date, training.location, training.group) == (
        "TR-19-07",
        date(2019, 4, 17),
        "Rubavu",
        "Immigration officers",
    )
    assert (training.female, training.male, training.total) == (12, 18, 30)
    assert training.notes == "Passed post-test: 25; Organised with: DGIE"
    # the upload by its date, never its file's name: what a donor reads names no internal file
    assert training.source == "upload of 8 July 2019 (sheet Sheet1, row 7)"
    assert awareness.location == "Kirehe (Mahama camp)" and awareness.total == 200
    assert awareness.notes == "Of whom under 18: 40"
    assert (meeting.description, meeting.total) == ("Technical Committee", 14)
    assert meeting.notes == "Institutions represented: 9; Decisions: Adopt the referral SOP"
    assert (policy.description, policy.group, policy.stage) == (
        "National action plan 2019–2024",
        "National action plan",
        "Adopted",
    )
    assert research.source is None  # no upload on record


def test_sources_are_the_uploads_feeding_the_figures_up_to_the_quarter(db):
    stored_kec_quarter(db)
    report = build_report(db, kec_figures(), prepared=PREPARED)
    assert [(s.uploaded_at, s.rows, s.kinds) for s in report.sources] == [
        (report.sources[0].uploaded_at, 1, ("trainings",)),
        (datetime(2019, 7, 8, 16, 30), 4, ("trainings", "awareness", "policies", "meetings")),
    ]
    # a donor reads what each upload held and when, never its file's name nor who sent it
    assert "kec_q3" not in repr(report.sources) and "jean" not in repr(report.sources)
    assert len(report.sources[0].sha256) == 64
    assert report.unsourced_rows == 1  # the research step entered without an upload
    assert report.case_counts is None  # KEC measures nothing from cases


def test_cases_appear_as_counts_only(db):
    upload = add_upload(db, "pvr_cases.xlsx", programme="PVR")
    for n, (quarter, referral) in enumerate(
        [("FY2019Q3", "FY2019Q3"), ("FY2019Q3", None), ("FY2019Q2", "FY2019Q3"), ("FY2019Q4", None)]
    ):
        add_row(
            db,
            Case,
            "PVR",
            upload,
            quarter,
            n + 2,
            reference=f"CASE-SECRET-{n}",
            date_identified=date(2019, 5, 1),
            sex="Female",
            age_group="Adult",
            nationality="Burundi",
            status="Possible victim",
            referral_quarter=referral,
        )
    report = build_report(db, pvr_figures(), prepared=PREPARED)
    assert (report.case_counts.identified, report.case_counts.referred) == (2, 2)
    assert report.activities == ()
    assert [(s.rows, s.kinds) for s in report.sources] == [(3, ("cases",))]


def test_gift_reports_on_calendar_quarters_with_phases(db):
    report = build_report(db, gift_figures(), prepared=PREPARED)
    c = report.cover
    assert (c.period_code, c.year_code, c.year_term) == ("2012Q1", "2012", "Year")
    assert c.period_label == "2012 Q1: 1 January – 31 March 2012"
    assert [(q.code, q.months) for q in report.indicators[0].quarters] == [
        ("2012Q1", "Jan–Mar"),
        ("2012Q2", "Apr–Jun"),
        ("2012Q3", "Jul–Sep"),
        ("2012Q4", "Oct–Dec"),
    ]
    assert [(p.name, p.budget, p.pledged, p.gap) for p in c.phases] == [
        ("Phase One", 302226.0, 302226.0, 0.0),
        ("Phase Two", 460000.0, 0.0, 460000.0),
    ]
    assert report.indicators[0].year.target is None and report.indicators[0].status == "Behind"


def test_history_holds_every_earlier_quarter_from_the_programmes_first(db):
    asked = []

    def fetch(quarter):
        asked.append(quarter.code)
        return (
            kec_figures(period=quarter.code)
            if quarter.year == 2019
            else replace(kec_figures(), period=quarter, year=quarter.fiscal_year)
        )

    figures = kec_figures()
    report = build_report(db, figures, prepared=PREPARED, history=by_quarter(figures, fetch))
    assert asked == [
        "FY2017Q2",
        "FY2017Q3",
        "FY2017Q4",
        "FY2018Q1",
        "FY2018Q2",
        "FY2018Q3",
        "FY2018Q4",
        "FY2019Q1",
        "FY2019Q2",
    ]
    k42 = report.indicators[2]
    assert next(p.code for p in k42.history) == "FY2017Q2" and k42.history[-1].code == "FY2019Q3"
    assert k42.history[0].start == date(2017, 1, 1)  # clipped to the programme's start
    assert [(y.code, y.complete, y.through) for y in k42.years] == [
        ("FY2017", True, "FY2017Q4"),
        ("FY2018", True, "FY2018Q4"),
        ("FY2019", False, "FY2019Q3"),
    ]
    assert k42.life_of_project.target == 1120 and not k42.life_of_project.complete


def test_without_history_the_report_quarter_year_and_lop_are_there(db):
    k42 = build_report(db, kec_figures(), prepared=PREPARED).indicators[2]
    assert [p.code for p in k42.history] == ["FY2019Q3"]
    assert [(y.code, y.target, y.actual) for y in k42.years] == [("FY2019", 400, 310)]
    assert (k42.life_of_project.actual, k42.life_of_project.through) == (1234, "FY2019Q3")
