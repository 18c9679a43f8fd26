"""What a sheet kind is to the whole program, said once beside its model: ``KindSpec`` and its parts.

A kind's spec names its model and the date that attributes a row to a quarter, says how its records are named
on screen, in the report and in templates, whether they are listed or too sensitive to list, the order its
stages are reached in, and holds the one projection (``Line``) both the Activities grid and the report's
Activities annex lay out. The importer's column layout (``importers.kinds``) is the only other description.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table

    from indicators.store.models.base import Base


@dataclass(frozen=True)
class Line:
    """One record as a line of a listing: the Activities grid shows some of these fields, the report's
    Activities annex others (``detail`` is the grid's one-line text, ``notes`` the annex's)."""

    date: dt.date | None
    description: str | None = None
    end_date: dt.date | None = None
    district: str | None = None  # the grid's District column
    location: str | None = None  # the annex's Location (a camp named beside its district)
    group: str | None = None  # target group, setting, instrument type
    stage: str | None = None
    detail: str | None = None
    notes: str | None = None
    female: int | None = None
    male: int | None = None
    total: float | None = None


@dataclass(frozen=True)
class Stages:
    """Steps of one item (an instrument, a study) reach their stages in ``order``, each once, only forward;
    ``same`` names a column that should not differ between an item's steps (warned when it does)."""

    item: str
    order: tuple[str, ...]
    stage: str = "stage"
    date: str = "date"
    same: str | None = None


@dataclass(frozen=True)
class Summary:
    """How the report's annex counts a quarter too large to list: by ``place`` and ``group`` columns, with
    the people reached (female and male columns) or the sum of an ``attended`` column."""

    place: str | None
    group: str | None
    people: bool = False
    attended: str | None = None


@dataclass(frozen=True)
class KindSpec:
    key: str  # trainings: the sheet kind, as programme files and commands name it
    model: type[Base]  # an ActivityRecord too
    label: str  # a record on the Activities page and in upload counts: "Training"
    template_label: str  # the Upload page's template button: "Training"
    one_row_per: str  # the template's instructions: "One row per training."
    date: str | None  # the column that attributes a row to its quarter; None: the row gives its quarter
    line: Callable[[Any], Line] | None  # the one projection of a record (a row with the table's columns)
    report_label: str | None = None  # a record in the report's Activities annex; None: not in the annex
    list_order: int | None = None  # place on the Activities page and in the annex; None: never listed
    sensitive: bool = False  # one row per person: never listed, values never repeated, files never kept
    extra_quarters: tuple[tuple[str, str], ...] = ()  # (quarter column, date column) besides ``quarter``
    stages: Stages | None = None
    summary: Summary | None = None  # how the annex counts a quarter too large to list (None: by kind alone)
    sheet: str = ""  # the sheet as its template names it and its users know it: "Trainings"
    # column -> the header its sheet gives it ("female" -> "Female participants"): how a measure's calculation
    # names its columns. The importer's layout (``importers.kinds``) says the same; a test holds them together.
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def listed(self) -> bool:
        return self.list_order is not None

    @property
    def table(self) -> Table:
        return self.model.__table__

    def line_of(self, record: Any) -> Line:
        """A record (a row with the table's columns) as a line of a listing; a sensitive kind has no line."""
        if self.line is None:
            raise ValueError(f"{self.key} records are never listed")
        return self.line(record)

    def header(self, column: str) -> str:
        """A column as its sheet's users know it: ``female`` of trainings is "Female participants"."""
        return dict(self.headers).get(column) or column.replace("_", " ").capitalize()

    def quarter_columns(self) -> tuple[str, ...]:
        """Every stored quarter a record is attributed to (a case: also its referral's)."""
        return ("quarter", *(name for name, _ in self.extra_quarters))


def join(parts: Iterable[str | None], separator: str = "; ") -> str | None:
    """The parts that are there, joined; None when none is."""
    return separator.join(p for p in parts if p) or None


def people(female: int | None, male: int | None) -> tuple[int | None, int | None, int | None]:
    """(female, male, total) of a record that counts people; all None when neither is recorded."""
    if female is None and male is None:
        return None, None, None
    return female or 0, male or 0, (female or 0) + (male or 0)
