"""Data quality: what to check before the figures go to a donor (the Data quality page lays these out).

- Quarters without data: per indicator counted from records (not a milestone, which is rare by nature), the
  quarters so far in which nothing was recorded.
- Outliers (the M&E officer checks the row, nothing is changed): a training with more than three times the
  programme's median attendance, or none at all; more participants passing the post-test than attended; more
  children than people reached; a percentage indicator above 100% in a quarter. The record rules run in SQL
  (the median from a histogram of attendances); at most ``OUTLIER_LIMIT`` offending rows of each kind are
  listed per programme and the rest counted. What they find is stored per programme and kind, refreshed by
  every write of those records (``indicators.figures.aggregates`` calls ``refresh_stored``), so the page reads it.
- Uploads with warnings or refused, with their first problem as the importer wrote it.
- Disaggregation gaps: life-of-project figures falling in an Unknown category.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from indicators import numbers
from indicators.figures import cached
from indicators.figures import outlier_words as words
from indicators.figures.figures import ProgrammeFigures, figures
from indicators.figures.queries import SeriesPoint, indicator_series
from indicators.numbers import format_value
from indicators.periods import Period
from indicators.store import kinds
from indicators.store.models import Awareness, Programme, Training, Upload

MEDIAN_FACTOR = 3
OUTLIER_LIMIT = 200  # rows listed per kind and programme; the rest are counted


@dataclass(frozen=True)
class Gap:
    programme: str
    indicator: str
    name: str
    empty: tuple[str, ...]  # the quarters without data
    elapsed: int  # quarters so far


@dataclass(frozen=True)
class Outlier:
    """A record, or an indicator's quarter, breaking an outlier rule: which rule (``outlier_words.WHY``) and
    what was found, as plain values (the store keeps them so); said in the language of the moment by
    ``record``, ``value``, ``why`` and ``source``."""

    programme: str
    quarter: str
    rule: str
    facts: dict[str, Any]

    @property
    def record(self) -> str:
        """The record as its listing names it: "Training T-12", "Training of 2 July 2019 in Huye", or an
        indicator's quarter: "KEC-4.3 (indicator)"."""
        return words.record(self.facts)

    @property
    def value(self) -> str:
        """What was found, in words: "500 participants"."""
        return words.value(self.rule, self.facts)

    @property
    def why(self) -> str:
        return words.why(self.rule, self.facts)

    @property
    def source(self) -> str:
        """File · sheet row, or the sums a percentage came from."""
        return words.source(self.facts)


@dataclass(frozen=True)
class FlaggedUpload:
    when: datetime
    file: str
    by: str
    outcome: str
    errors: int
    warnings: int
    first: str  # the first problem, as the importer wrote it


@dataclass(frozen=True)
class UnknownShare:
    programme: str
    indicator: str
    name: str
    disaggregation: str
    unknown: str  # the life-of-project figure in Unknown, as shown
    share: str  # of the total, "–" for a percentage


@dataclass(frozen=True)
class Checks:
    """One programme's checks as of a report quarter."""

    gaps: list[Gap]
    outliers: list[Outlier]
    more_outliers: int  # offending records beyond those listed
    unknowns: list[UnknownShare]


def programme_checks(session: Session, programme: Programme, quarter: Period) -> Checks:
    """Every check of one programme through ``quarter`` (the indicators' series read once)."""
    result = figures(session, programme.code, quarter)
    series = quarterly_series(session, result, quarter)
    found, more = stored_outliers(session, programme)
    return Checks(
        missing_quarters(programme, result, series),
        found + ratio_outliers(programme, result, series),
        more,
        unknown_categories(programme, result),
    )


def quarterly_series(
    session: Session, result: ProgrammeFigures, quarter: Period
) -> dict[str, list[SeriesPoint]]:
    """Indicator code -> its quarters so far, read once for the checks that need them: every indicator
    counted from records (not milestones) and every percentage."""
    return {
        item.indicator.code: indicator_series(session, item.indicator.code, through=quarter)
        for item in result.indicators
        if not item.indicator.milestone or item.indicator.unit == "percent"
    }


def missing_quarters(programme: Programme, result: ProgrammeFigures, series_of: dict) -> list[Gap]:
    """Per indicator counted from records (not milestones), the quarters so far in which nothing was recorded."""
    gaps = []
    for item in result.indicators:
        info = item.indicator
        if info.milestone:
            continue
        series = series_of[info.code]
        empty = tuple(point.quarter for point in series if not point.actual)
        if empty:
            gaps.append(Gap(programme.code, info.code, info.name, empty, len(series)))
    return gaps


def record_outliers(session: Session, programme: Programme) -> tuple[list[Outlier], int]:
    """The training and awareness rows breaking an outlier rule, found in SQL now (at most ``OUTLIER_LIMIT``
    of each kind), and how many offending rows were left out. The pages read ``stored_outliers``."""
    out, more = [], 0
    for rule in _RULES.values():
        found, left_out = rule(session, programme)
        out += found
        more += left_out
    return out, more


def stored_outliers(session: Session, programme: Programme) -> tuple[list[Outlier], int]:
    """``record_outliers`` as the last write of the programme's records left them in the store
    (``refresh_stored``); computed now for a kind never stored (a store from before they were kept)."""
    out, more = [], 0
    for kind, rule in _RULES.items():
        stored = cached.load(session, programme.id, f"outliers:{kind}")
        if stored is None or not all("facts" in o for o in stored["found"]):  # none, or kept as words before
            found, left_out = rule(session, programme)
        else:
            found, left_out = [Outlier(**o) for o in stored["found"]], stored["more"]
        out += found
        more += left_out
    return out, more


def kept_as_words(session: Session, programme_id: int) -> bool:
    """Whether the programme's stored outliers are in the form kept before they said themselves in the
    reader's language (words, no facts): ``ctmonitor init`` stores them anew, so pages never recount them."""
    for kind in _RULES:
        stored = cached.load(session, programme_id, f"outliers:{kind}")
        if stored is not None and not all("facts" in o for o in stored["found"]):
            return True
    return False


def refresh_stored(session: Session, programme_id: int, kind: str) -> None:
    """Store the outliers of a programme's rows of ``kind`` anew, after a write of them (in its transaction)."""
    rule = _RULES.get(kind)
    if rule is None:
        return
    found, more = rule(session, session.get_one(Programme, programme_id))
    cached.save(
        session, programme_id, f"outliers:{kind}", {"found": [asdict(o) for o in found], "more": more}
    )


def _training_outliers(session: Session, programme: Programme) -> tuple[list[Outlier], int]:
    """The median attendance from a histogram of sizes (few distinct values), then only the offending rows."""
    size = Training.female + Training.male
    over_passed = and_(Training.passed_post_test.is_not(None), Training.passed_post_test > size)
    histogram = session.execute(
        select(size, func.count(), func.sum(case((over_passed, 1), else_=0)))
        .where(_programme_rows(Training, programme.id))
        .group_by(size)
        .order_by(size)
    ).all()
    median = median_of({value: n for value, n, _ in histogram})
    out, more = [], 0
    # the rows are read only when the histogram shows some break a rule
    if any(
        (median and value > MEDIAN_FACTOR * median) or value == 0 or passed for value, _, passed in histogram
    ):
        too_big = size > MEDIAN_FACTOR * median if median else false()
        trainings, more = _offending(session, Training, programme.id, or_(too_big, size == 0, over_passed))
        for t, filename in trainings:
            n = t.female + t.male
            if median and n > MEDIAN_FACTOR * median:
                # the median as the page says it, whole: 12.5 is 12, as "{:.0f}" rounds it
                crowded = {"participants": n, "factor": MEDIAN_FACTOR, "median": round(median)}
                out.append(_outlier(programme, "crowded", t, filename, crowded))
            elif n == 0:
                out.append(_outlier(programme, "empty", t, filename, {"participants": 0}))
            if t.passed_post_test is not None and t.passed_post_test > n:
                passed = {"passed": t.passed_post_test, "participants": n}
                out.append(_outlier(programme, "passed", t, filename, passed))
    return out, more


def _awareness_outliers(session: Session, programme: Programme) -> tuple[list[Outlier], int]:
    awareness, more = _offending(
        session,
        Awareness,
        programme.id,
        and_(Awareness.under_18.is_not(None), Awareness.under_18 > Awareness.female + Awareness.male),
    )
    return [
        _outlier(programme, "children", a, filename, {"children": a.under_18, "reached": a.female + a.male})
        for a, filename in awareness
    ], more


# The sheet kinds the outlier rules read, in the order their findings are listed.
_RULES = {"trainings": _training_outliers, "awareness": _awareness_outliers}


def median_of(histogram: dict[int, int]) -> float:
    """The median of values given as value -> how many times it occurs (as ``statistics.median`` would)."""
    count = sum(histogram.values())
    if not count:
        return 0
    middle = [(count - 1) // 2, count // 2]
    found, seen = [], 0
    for value in sorted(histogram):
        while middle and middle[0] < seen + histogram[value]:
            found.append(value)
            middle.pop(0)
        seen += histogram[value]
    return found[0] if found[0] == found[1] else (found[0] + found[1]) / 2


_Checked = TypeVar("_Checked", Training, Awareness)  # the kinds whose rows the outlier checks read


def _programme_rows(model: type[Training | Awareness], programme_id: int) -> ColumnElement[bool]:
    """The programme's rows, read by scanning the table: a programme holds a large share of it, and going
    through the programme index costs a lookup per row (SQLite's planner would take the index; an expression
    on the column keeps it from doing so). Awareness has an index covering its check, read alone instead."""
    if model is Awareness:
        return model.programme_id == programme_id
    return model.programme_id + 0 == programme_id


def _offending(
    session: Session, model: type[_Checked], programme_id: int, rule: ColumnElement[bool]
) -> tuple[Sequence[Row[_Checked, str]], int]:
    """The programme's rows of ``model`` breaking ``rule`` with their upload's file name (in stored order,
    at most ``OUTLIER_LIMIT``), and how many more there are."""
    where = (_programme_rows(model, programme_id), rule)
    rows = session.execute(
        select(model, Upload.filename)
        .outerjoin(Upload, Upload.id == model.upload_id)
        .where(*where)
        .order_by(model.id)
        .limit(OUTLIER_LIMIT)
    ).all()
    more = 0
    if len(rows) == OUTLIER_LIMIT:
        more = (session.scalar(select(func.count()).select_from(model).where(*where)) or 0) - OUTLIER_LIMIT
    return rows, more


def ratio_outliers(programme: Programme, result: ProgrammeFigures, series_of: dict) -> list[Outlier]:
    out = []
    for item in result.indicators:
        info = item.indicator
        if info.unit != "percent":
            continue
        for point in series_of[info.code]:
            if (point.actual or 0) > 100:
                parts = point.numerator is not None and point.denominator
                facts = {
                    "indicator": info.code,
                    "actual": point.actual,
                    # the sums as the page says them, whole ("{:,.0f}"); none for a value entered alone
                    "numerator": round(point.numerator) if parts else None,
                    "denominator": round(point.denominator) if parts else None,
                }
                out.append(Outlier(programme.code, point.quarter, "percentage", facts))
    return out


def _outlier(
    programme: Programme, rule: str, record: Training | Awareness, filename: str | None, found: dict[str, Any]
) -> Outlier:
    """An outlier of a stored record: ``found`` (what breaks the rule), the record as its listing names it
    (``indicators.store.records.name_of``: its kind and reference, else its day and district) and its source."""
    spec = kinds.by_table(record.__table__.name)
    line = spec.line_of(record) if spec is not None else None
    named = {
        "kind": spec.label if spec is not None else type(record).__name__,
        "reference": record.reference if spec is not None else f"#{record.id}",
        "day": line.date.isoformat() if line is not None and line.date else None,
        "district": line.district if line is not None else None,
    }
    source = {"file": filename, "sheet": record.source_sheet, "row": record.source_row}
    return Outlier(programme.code, record.quarter, rule, found | named | source)


def problem_uploads(session: Session, codes: list[str]) -> list[FlaggedUpload]:
    """The latest uploads (of these programmes, or of none in particular) refused or with warnings, newest first."""
    rows = session.scalars(
        select(Upload).where(Upload.outcome != "dry-run").order_by(Upload.uploaded_at.desc()).limit(500)
    ).all()
    out = []
    for u in rows:
        if u.programme_code and u.programme_code not in codes:
            continue
        if u.outcome != "refused" and not u.warnings:
            continue
        problems = (u.errors or []) + (u.warnings or [])  # the importer keeps each problem's text
        out.append(
            FlaggedUpload(
                u.uploaded_at,
                u.filename,
                u.uploaded_by,
                u.outcome,
                len(u.errors or []),
                len(u.warnings or []),
                str(problems[0]) if problems else "",
            )
        )
    return out


def unknown_categories(programme: Programme, result: ProgrammeFigures) -> list[UnknownShare]:
    out = []
    for item in result.indicators:
        unit = item.indicator.unit
        total = item.lop_to_date.actual or 0
        for cat in item.disaggregations:
            value = cat.lop_to_date.actual or 0
            if cat.category == "Unknown" and value:
                share = (
                    numbers.format_percent(100 * value / total)  # half up, as every output rounds
                    if total and unit != "percent"
                    else "–"
                )
                out.append(
                    UnknownShare(
                        programme.code,
                        item.indicator.code,
                        item.indicator.name,
                        cat.disaggregation.replace("_", " "),
                        format_value(value, unit),
                        share,
                    )
                )
    return out
