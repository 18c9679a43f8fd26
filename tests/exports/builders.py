"""Figures built by hand for the export tests: the shapes ``indicators.figures.figures.figures`` returns, with numbers
chosen so every cell of the report can be predicted."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from indicators.figures.figures import (
    AHEAD,
    BEHIND,
    ON_TRACK,
    CategoryFigures,
    Figure,
    IndicatorFigures,
    IndicatorInfo,
    ProgrammeFigures,
    ProgrammeInfo,
)
from indicators.numbers import whole
from indicators.periods import CALENDAR, FISCAL, Period, parse

# User text that a spreadsheet would evaluate if it were written as a formula.
INJECTIONS = ("=1+2", "+3+4", "-5+6", "@SUM(7,8)", '=HYPERLINK("http://example.invalid","x")')


def fig(actual, target=None, status=None, numerator=None, denominator=None, to_date=None) -> Figure:
    """A figure as ``figures`` makes it; ``to_date`` is the target to date (the full target by default)."""
    percent = round(actual / target * 100) if actual is not None and target else None
    to_date = target if to_date is None else to_date
    judged = whole(actual * 100 / to_date) if actual is not None and to_date else None
    return Figure(
        actual,
        target,
        percent,
        status if target is not None else None,
        numerator,
        denominator,
        to_date,
        judged,
    )


def info(
    code,
    name,
    *,
    unit="number",
    result=("1", "outcome", "A result."),
    standard=None,
    baseline=0.0,
    targets=None,
    disaggregations=(),
    source_kind="trainings",
    definition=None,
) -> IndicatorInfo:
    return IndicatorInfo(
        code=code,
        name=name,
        definition=definition,
        unit=unit,
        category="Capacity building",
        result_code=result[0],
        result_level=result[1],
        result_statement=result[2],
        standard_indicator=standard,
        baseline=baseline,
        measure={"type": "count"},
        source_kind=source_kind,
        source_filter={},
        date_field=None,
        disaggregations=list(disaggregations),
        data_source=None,
        targets=dict(targets or {}),
    )


def year_quarters(year: Period, values: list) -> dict:
    return {q.code: v for q, v in zip(year.quarters(), values)}


KEC_INFO = ProgrammeInfo(
    code="KEC",
    title="Improving knowledge, enforcement and coordination in counter trafficking",
    short_title="Knowledge, enforcement and coordination",
    donor="USAID",
    award_number="AID-696-A-17-00001",
    partners=["UN Women", "UNICEF"],
    government_lead="MINIJUST (Ministry of Justice)",
    start_date=date(2017, 1, 1),
    end_date=date(2020, 6, 30),
    calendar=FISCAL,
)

R1 = ("1", "outcome", "Evidence on trafficking informs policy.")
R2 = ("2", "outcome", "The legal and policy framework is strengthened.")
R4 = ("4", "output", "Front-line actors have the skills to prevent trafficking.")


def kec_figures(narratives: dict | None = None, period: str = "FY2019Q3") -> ProgrammeFigures:
    """KEC for FY2019 Q3 (or another FY2019 quarter): a count behind, a policy ahead, a count with
    disaggregations on track, and a percent indicator."""
    narratives = narratives or {}
    quarter = parse(period)
    year = quarter.fiscal_year
    n = quarter.quarter

    def upto(values):
        return [v if i < n else None for i, v in enumerate(values)]

    k11 = IndicatorFigures(
        indicator=info(
            "KEC-1.1",
            "Number of studies on trafficking in persons published",
            result=R1,
            targets={"FY2019": 1, "LOP": 1},
            source_kind="research",
            definition="Studies published during the period.",
        ),
        quarter=fig(0),
        year_quarters=year_quarters(year, upto([0, 0, 0, 0])),
        year_to_date=fig(0, 1, BEHIND, to_date=0.7),
        lop_to_date=fig(0, 1, BEHIND, to_date=0.7),
        narrative=narratives.get("KEC-1.1"),
    )
    k21 = IndicatorFigures(
        indicator=info(
            "KEC-2.1",
            "Number of anti-trafficking laws, policies or procedures adopted",
            result=R2,
            standard="PS.5.2-23",
            targets={"FY2019": 1, "LOP": 3},
            source_kind="policies",
            disaggregations=["instrument_type"],
        ),
        quarter=fig(1),
        year_quarters=year_quarters(year, upto([0, 0, 1, 0])),
        year_to_date=fig(1, 1, AHEAD, to_date=0.7),
        lop_to_date=fig(2, 3, ON_TRACK, to_date=2.1),
        disaggregations=[
            CategoryFigures("instrument_type", "National action plan", fig(1), fig(1), fig(1)),
            CategoryFigures("instrument_type", "Law", fig(0), fig(0), fig(1)),
        ],
        narrative=narratives.get("KEC-2.1"),
    )
    k42 = IndicatorFigures(
        indicator=info(
            "KEC-4.2",
            "Number of people trained in the prevention of human trafficking",
            result=R4,
            standard="PS.5.3-15",
            targets={"FY2019": 400, "LOP": 1120},
            disaggregations=["sex", "target_group"],
        ),
        quarter=fig(120),
        year_quarters=year_quarters(year, upto([90, 100, 120, 0])),
        year_to_date=fig(310, 400, ON_TRACK, to_date=299.18),
        lop_to_date=fig(1234, 1120, AHEAD, to_date=872.5),
        disaggregations=[
            CategoryFigures("sex", "Female", fig(70), fig(180), fig(700)),
            CategoryFigures("sex", "Male", fig(50), fig(130), fig(534)),
            CategoryFigures("target_group", "Law enforcement", fig(120), fig(310), fig(1234)),
        ],
        narrative=narratives.get("KEC-4.2"),
    )
    k43 = IndicatorFigures(
        indicator=info(
            "KEC-4.3",
            "Percentage of trained participants who passed the post-training test",
            unit="percent",
            result=R4,
            baseline=None,
            targets={"FY2019": 80, "LOP": 80},
        ),
        quarter=fig(81.25, numerator=65, denominator=80),
        year_quarters=year_quarters(year, upto([75.0, 80.0, 81.25, 0])),
        year_to_date=fig(78.5, 80, ON_TRACK, 157, 200),
        lop_to_date=fig(76.0, 80, ON_TRACK, 380, 500),
        narrative=narratives.get("KEC-4.3"),
    )
    return ProgrammeFigures(
        programme=KEC_INFO,
        period=quarter,
        year=year,
        indicators=[k11, k21, k42, k43],
        data_as_of=datetime(2019, 7, 10, 9, 30),
    )


GIFT_INFO = ProgrammeInfo(
    code="GIFT",
    title="Joint Programme on counter trafficking in persons in Rwanda (UN.GIFT)",
    short_title="UN.GIFT joint programme",
    donor="UN.GIFT",
    award_number=None,
    partners=["IOM", "UNODC"],
    government_lead="Ministry of Gender and Women in Development",
    start_date=date(2011, 10, 1),
    end_date=date(2013, 3, 31),
    calendar=CALENDAR,
)


def gift_figures(period: str = "2012Q1") -> ProgrammeFigures:
    """GIFT on calendar quarters: LOP targets only, so the year columns stay empty."""
    quarter = parse(period, CALENDAR)
    year = quarter.fiscal_year
    g11 = IndicatorFigures(
        indicator=info(
            "GIFT-1.1",
            "Number of government and civil society stakeholders trained (objective 1)",
            result=("1", "outcome", "Stakeholders understand human trafficking."),
            targets={"LOP": 200},
            disaggregations=["sex"],
        ),
        quarter=fig(40),
        year_quarters=year_quarters(year, [40, None, None, None]),
        year_to_date=fig(40),
        lop_to_date=fig(65, 200, BEHIND),
        disaggregations=[
            CategoryFigures("sex", "Female", fig(25), fig(25), fig(40)),
            CategoryFigures("sex", "Male", fig(15), fig(15), fig(25)),
        ],
    )
    g41 = IndicatorFigures(
        indicator=info(
            "GIFT-4.1",
            "Victim referral mechanisms established (objective 4)",
            result=("4", "outcome", "Referral mechanisms are established."),
            targets={"LOP": 1},
            source_kind="policies",
        ),
        quarter=fig(0),
        year_quarters=year_quarters(year, [0, None, None, None]),
        year_to_date=fig(0),
        lop_to_date=fig(0, 1, BEHIND),
        narrative="SOPs drafted; validation in Q2.",
    )
    return ProgrammeFigures(
        programme=GIFT_INFO,
        period=quarter,
        year=year,
        indicators=[g11, g41],
        data_as_of=datetime(2012, 4, 5, 8, 0),
    )


PVR_INFO = ProgrammeInfo(
    code="PVR",
    title="Strengthening the identification and protection of victims of trafficking among refugees",
    short_title=None,
    donor="U.S. Department of State",
    award_number=None,
    partners=["UNHCR"],
    government_lead="MINIJUST (Ministry of Justice)",
    start_date=date(2018, 2, 1),
    end_date=date(2020, 6, 30),
    calendar=FISCAL,
)


def pvr_figures(period: str = "FY2019Q3") -> ProgrammeFigures:
    """PVR with one indicator measured from cases, so the report shows case counts (and only counts)."""
    quarter = parse(period)
    year = quarter.fiscal_year
    p31 = IndicatorFigures(
        indicator=info(
            "PVR-3.1",
            "Number of potential victims of trafficking identified",
            result=("3", "outcome", "Victims are identified, referred and assisted."),
            targets={"FY2019": 40, "LOP": 90},
            source_kind="cases",
            disaggregations=["sex"],
        ),
        quarter=fig(2),
        year_quarters=year_quarters(year, [10, 12, 2, None]),
        year_to_date=fig(24, 40, BEHIND),
        lop_to_date=fig(40, 90, BEHIND),
        disaggregations=[
            CategoryFigures("sex", "Female", fig(2), fig(20), fig(33)),
            CategoryFigures("sex", "Male", fig(0), fig(4), fig(7)),
        ],
        narrative="Fewer arrivals in the camps this quarter.",
    )
    return ProgrammeFigures(
        programme=PVR_INFO,
        period=quarter,
        year=year,
        indicators=[p31],
        data_as_of=datetime(2019, 7, 2, 14, 0),
    )


# --- stored rows -------------------------------------------------------------------------------------------


def add_upload(
    session,
    filename: str,
    *,
    by: str = "amina",
    at: datetime = datetime(2019, 7, 1, 10, 0),
    programme: str = "KEC",
):
    from indicators.store.models import Upload

    upload = Upload(
        filename=filename,
        sha256=hashlib.sha256(filename.encode()).hexdigest(),
        size=1000,
        uploaded_by=by,
        uploaded_at=at,
        programme_code=programme,
        kinds=[],
        counts={},
        outcome="stored",
    )
    session.add(upload)
    session.flush()
    return upload


def add_row(session, model, programme: str, upload, quarter: str, row: int, **values):
    """One stored activity row with its provenance (sheet and row of the upload it came from), its
    per-quarter sums refreshed as every writer of records must."""
    from sqlalchemy import select

    from indicators.store.models import Programme
    from tests.builders import refresh_sums

    programme_id = session.scalar(select(Programme.id).where(Programme.code == programme))
    record = model(
        programme_id=programme_id,
        quarter=quarter,
        upload_id=upload.id if upload else None,
        source_sheet="Sheet1",
        source_row=row,
        row_hash=hashlib.sha256(f"{model.__name__}{quarter}{row}{values}".encode()).hexdigest(),
        **values,
    )
    session.add(record)
    session.flush()
    refresh_sums(session, record)
    return record


def by_quarter(programme_figures, fetch) -> dict:
    """Every quarter's figures from the programme's first to the report quarter, keyed by quarter code, as
    ``figures_by_quarter`` gives them: ``fetch(quarter)`` for each earlier quarter, in order."""
    from indicators.periods import quarters_between

    info = programme_figures.programme
    return {
        quarter.code: programme_figures if quarter == programme_figures.period else fetch(quarter)
        for quarter in quarters_between(info.start_date, programme_figures.period.end, info.calendar)
    }
