"""What the JSON API answers (``dashboard._api``): pydantic models, which are also the OpenAPI document's
schemas. Whole numbers are written as integers (a target of 1120, not 1120.0); times are ISO 8601 with their
offset (UTC)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator


def _whole(value):
    """A float that is a whole number, as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ProgrammeSummary(BaseModel):
    code: str
    title: str
    short_title: str | None
    donor: str
    award_number: str | None
    partners: list[str]
    government_lead: str | None
    start_date: date
    end_date: date
    calendar: str  # fiscal (US federal fiscal year) or calendar
    url: str


class ProgrammeList(BaseModel):
    programmes: list[ProgrammeSummary]


Number = Annotated[int | float, BeforeValidator(_whole)]


class Target(BaseModel):
    period: str  # FY2019, 2012 or LOP
    value: Number


class IndicatorDefinition(BaseModel):
    code: str
    name: str
    definition: str | None
    unit: str  # number or percent
    category: str
    standard_indicator: str | None
    baseline: Number | None
    source: str  # the sheet kind counted: trainings, awareness, ...
    measure: str  # count, sum, stage or ratio
    disaggregations: list[str]
    targets: list[Target]


class ResultDefinition(BaseModel):
    code: str
    level: str  # goal, outcome or output
    category: str | None
    statement: str
    indicators: list[IndicatorDefinition]


class ProgrammeDetail(ProgrammeSummary):
    quarters: list[str]
    results: list[ResultDefinition]


class FigureRow(BaseModel):
    programme: str
    indicator: str
    period: str  # the quarter (FY2019Q3), the year to date (FY2019) or LOP to date
    disaggregation: str  # empty for the total
    category: str
    actual: Number | None  # null when withheld from this token's account (see ``withheld``)
    target: Number | None
    # for a donor's token, a victim count withheld: "<5" (fewer than 5 people) or "*" (withheld so that a small
    # count cannot be worked out); categories of victims are given for the life of project only
    withheld: str | None = None
    period_start: date  # the first and last day the figure covers (the year and LOP: to date)
    period_end: date
    unit: str  # number or percent
    indicator_title: str


class Figures(BaseModel):
    programme: str
    period: str
    figures: list[FigureRow]


class ActivityRecord(BaseModel):
    kind: str
    programme: str
    reference: str | None
    quarter: str
    date: str | None
    district: str | None
    description: str | None
    detail: str | None
    female: int | None
    male: int | None
    total: Number | None
    upload: str | None
    uploaded_at: AwareDatetime | None  # ISO 8601 with its offset (UTC)
    sheet: str | None
    row: int | None


class Activities(BaseModel):
    programme: str
    quarter: str
    total: int  # records of the quarter in all
    activities: list[ActivityRecord]  # at most 10,000


class Index(BaseModel):
    """What the API is and where its routes are described."""

    name: str
    version: str
    openapi: str  # the OpenAPI document's address
    routes: list[str]


class DistrictFigure(BaseModel):
    district: str
    code: str  # Rwanda's district code, as in the map's boundaries
    value: Number | None  # null when withheld from this token's account (see ``withheld``)
    withheld: str | None = None  # "<5" or "*" (victims, for a donor's token)


class Districts(BaseModel):
    programme: str
    indicator: str  # an indicator counted from activities that name a district, or "victims"
    period: str | None  # the report quarter (none for victims, counted to date)
    span: str  # quarter, year (to date) or lop (to date)
    districts: list[DistrictFigure]  # districts with nothing are left out
    unknown_place: Number | None = None  # victims identified where no district can be read
