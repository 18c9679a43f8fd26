"""Cross-field rules a sheet kind declares (DOMAIN §4), each run over a whole batch column by column.

A rule reads typed columns, reports problems on the cell that is wrong (the total, not the parts; the end
date, not the start) and may fill a derived column (a result's indicator id and quarter). The case sheets'
own rules are in ``importers.case_rules``. Cells that already failed their type hold ``Bad`` and are skipped.
Rules that need the store (unique references, stages moving forward) live in ``importers.storing``.
"""

from __future__ import annotations

from datetime import date

from importers.table import Bad, Batch, Context, ok
from indicators import periods
from indicators.numbers import plain
from indicators.vocabulary import CAMPS, DISAGGREGATIONS

BAD = Bad("")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def shown(value) -> str | None:
    """A stored value as a form shows it and a correction's log keeps it: dates as dd/mm/yyyy, numbers as
    the reports write them, lists joined by semicolons, blank as None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return day(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain(value)
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


class Rule:
    def check(self, batch: Batch, ctx: Context) -> None:
        raise NotImplementedError


class SumEquals(Rule):
    """An optional total column must equal the sum of its parts."""

    def __init__(self, total: str, parts: tuple[str, ...], what: str):
        self.total, self.parts, self.what = total, parts, what

    def check(self, batch, ctx):
        if self.total not in batch.letters:
            return
        first, second = (batch.columns[p] for p in self.parts)  # female + male
        for i, (total, a, b) in enumerate(zip(batch.columns[self.total], first, second)):
            if total is None or total.__class__ is Bad or a.__class__ is Bad or b.__class__ is Bad:
                continue
            if total != (a or 0) + (b or 0):
                batch.error(self.total, i, total, f"{self.what} = {(a or 0) + (b or 0)}")


class AtMost(Rule):
    """A figure may not exceed the sum of other figures (passed ≤ participants, under 18 ≤ reached)."""

    def __init__(self, field: str, parts: tuple[str, ...], what: str):
        self.field, self.parts, self.what = field, parts, what

    def check(self, batch, ctx):
        first, second = (batch.columns[p] for p in self.parts)  # female + male
        for i, (value, a, b) in enumerate(zip(batch.columns[self.field], first, second)):
            if value is None or value.__class__ is Bad or a.__class__ is Bad or b.__class__ is Bad:
                continue
            if value > (a or 0) + (b or 0):
                batch.error(self.field, i, value, f"at most the {self.what} ({(a or 0) + (b or 0)})")


class NotBefore(Rule):
    """A later date of a row may not come before an earlier one (end ≥ start, referral ≥ identified)."""

    def __init__(self, field: str, other: str, what: str):
        self.field, self.other, self.what = field, other, what

    def check(self, batch, ctx):
        pairs = list(zip(batch.columns[self.field], batch.columns[self.other]))
        # Dates repeat: judge each distinct pair once, then find the rows of the wrong ones.
        wrong = {pair for pair in set(pairs) if ok(pair[0]) and ok(pair[1]) and pair[0] < pair[1]}
        if not wrong:
            return
        for i, pair in enumerate(pairs):
            if pair in wrong:
                batch.error(self.field, i, pair[0], f"a date on or after the {self.what} ({day(pair[1])})")


class InPeriod(Rule):
    """A date inside the row's programme period and not in the future (the future check alone when
    ``programme_period`` is False)."""

    def __init__(self, field: str, programme_period: bool = True):
        self.field, self.programme_period = field, programme_period

    def check(self, batch, ctx):
        values, programmes = batch.columns[self.field], batch.columns["programme"]
        today = ctx.today
        # Dates repeat: check each (date, programme) pair once, then find the rows of the wrong ones.
        wrong = set()
        for value, programme in set(zip(values, programmes)):
            if value is None or value.__class__ is Bad:
                continue
            if value > today or (
                self.programme_period
                and ok(programme)
                and not (programme.start_date <= value <= programme.end_date)
            ):
                wrong.add((value, programme))
        if not wrong:
            return
        for i, (value, programme) in enumerate(zip(values, programmes)):
            if (value, programme) not in wrong:
                continue
            if value > today:
                batch.error(self.field, i, value, f"a date not in the future (today is {day(today)})")
            elif (
                self.programme_period
                and ok(programme)
                and not (programme.start_date <= value <= programme.end_date)
            ):
                batch.error(
                    self.field,
                    i,
                    value,
                    f"a date within {programme.code}'s period "
                    f"({day(programme.start_date)} – {day(programme.end_date)})",
                )


class RequiredWhen(Rule):
    """A field required when another holds a given value (the camp, when the setting is Refugee camp)."""

    def __init__(self, field: str, when: str, value: str, what: str):
        self.field, self.when, self.value, self.what = field, when, value, what

    def check(self, batch, ctx):
        present = self.field in batch.letters
        values = batch.columns[self.field]
        for i, (value, condition) in enumerate(zip(values, batch.columns[self.when])):
            if condition == self.value and value is None:
                if present:
                    batch.error(self.field, i, None, f"{self.what} (the {self.when} is {self.value})")
                else:
                    batch.error(
                        self.when, i, condition, f"a column naming {self.what} beside this {self.when}"
                    )


class CampInDistrict(Rule):
    """A refugee camp's district must be the row's district."""

    def __init__(self, camp: str = "camp", district: str = "district"):
        self.camp, self.district = camp, district

    def check(self, batch, ctx):
        for i, (camp, district) in enumerate(zip(batch.columns[self.camp], batch.columns[self.district])):
            if ok(camp) and ok(district) and CAMPS[camp] != district:
                batch.error(
                    self.district, i, district, f"{CAMPS[camp]} ({camp} camp is in {CAMPS[camp]} district)"
                )


class SumColumns(Rule):
    """A sheet recognised as a kind but lacking every count column an indicator of that kind adds up
    (female and male participants, say) is refused, naming the columns: stored, its rows would count 0.
    A blank cell in a present column is still 0."""

    def check(self, batch: Batch, ctx: Context) -> None:
        programmes = {p.code for p in batch.columns.get("programme", ()) if ok(p)} or set(ctx.programmes)
        needed: dict[tuple[str, ...], list[str]] = {}
        for indicator in ctx.indicators.values():
            if indicator.source_kind != batch.layout.kind or indicator.programme not in programmes:
                continue
            if indicator.sum_columns and not any(c in batch.letters for c in indicator.sum_columns):
                needed.setdefault(indicator.sum_columns, []).append(indicator.code)
        for columns, codes in needed.items():
            labels = [batch.layout.column_label(c) for c in columns]
            batch.sheet_error(
                str(batch.header_row),
                "",
                f"a column headed {' or '.join(repr(label) for label in labels)} in the header row: "
                f"{', '.join(sorted(codes))} add{'s' if len(codes) == 1 else ''} up "
                f"{' and '.join(labels)}, so without {'it' if len(labels) == 1 else 'them'} every row would "
                "count 0 (a blank cell is still 0)",
            )


class IndicatorOfProgramme(Rule):
    """A results row's indicator code must exist and belong to the row's programme; gives ``indicator_id``."""

    def check(self, batch, ctx):
        ids = []
        for i, (code, programme) in enumerate(zip(batch.columns["indicator"], batch.columns["programme"])):
            indicator = ctx.indicators.get(code) if ok(code) else None
            if code.__class__ is Bad:
                ids.append(BAD)
            elif indicator is None:
                codes = sorted(
                    c
                    for c, ind in ctx.indicators.items()
                    if not ok(programme) or ind.programme == programme.code
                )
                shown = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
                owner = f"of {programme.code} " if ok(programme) else ""
                batch.error("indicator", i, code, f"an indicator code {owner}({shown})")
                ids.append(BAD)
            elif ok(programme) and indicator.programme != programme.code:
                batch.error(
                    "indicator",
                    i,
                    code,
                    f"an indicator of {programme.code} ({code} belongs to {indicator.programme})",
                )
                ids.append(BAD)
            else:
                ids.append(indicator.id)
        batch.columns["indicator_id"] = ids


class PeriodOfProgramme(Rule):
    """A results row's period: a reporting quarter of its programme that has begun; gives ``quarter``."""

    def check(self, batch, ctx):
        quarters = []
        for i, (text, programme) in enumerate(zip(batch.columns["period"], batch.columns["programme"])):
            if not ok(text) or not ok(programme):
                quarters.append(BAD)
                continue
            valid = periods.quarters_between(programme.start_date, programme.end_date, programme.calendar)
            expected = (
                f"a reporting quarter of {programme.code}, {valid[0].code} to {valid[-1].code}"
                if valid
                else f"a reporting quarter of {programme.code}"
            )
            try:
                period = periods.parse(text, programme.calendar)
            except periods.PeriodError:
                period = None
            if period is None or period.kind != "quarter" or period not in valid:
                batch.error("period", i, text, expected)
                quarters.append(BAD)
            elif period.start > ctx.today:
                batch.error("period", i, text, f"a quarter that has begun (today is {day(ctx.today)})")
                quarters.append(BAD)
            else:
                quarters.append(period.code)
        batch.columns["quarter"] = quarters


class DisaggregationOfIndicator(Rule):
    """``sex=Female`` must name one of the indicator's disaggregations; splits into two stored columns."""

    def check(self, batch, ctx):
        names, categories = [], []
        by_id = {ind.id: ind for ind in ctx.indicators.values()}
        for i, (value, indicator_id) in enumerate(
            zip(batch.columns["disaggregation"], batch.columns["indicator_id"])
        ):
            if value is None:
                names.append("")
                categories.append("")
                continue
            if value.__class__ is Bad:
                names.append(BAD)
                categories.append(BAD)
                continue
            name, category = value
            indicator = by_id.get(indicator_id)
            if indicator is not None and name not in indicator.disaggregations:
                allowed = ", ".join(indicator.disaggregations) or "none"
                batch.error(
                    "disaggregation",
                    i,
                    f"{name}={category}",
                    f"a disaggregation of {indicator.code} ({allowed}) or a blank cell for the total",
                )
            names.append(name)
            categories.append(category)
        batch.columns["disaggregation"] = names
        batch.columns["category"] = categories


class PercentParts(Rule):
    """A results row's value, or for a percentage its numerator and denominator (33 of 40): both given, the
    numerator at most the denominator, which is above 0; the value is then their ratio × 100 (a value typed
    beside them must agree with it, to one decimal). A number indicator takes a value, never parts."""

    def check(self, batch, ctx):
        by_id = {ind.id: ind for ind in ctx.indicators.values()}
        values = batch.columns["value"]
        for i, (value, top, base, indicator_id) in enumerate(
            zip(
                values,
                batch.columns["numerator"],
                batch.columns["denominator"],
                batch.columns["indicator_id"],
            )
        ):
            if Bad in (value.__class__, top.__class__, base.__class__):
                continue
            indicator = by_id.get(indicator_id)
            if top is None and base is None:
                if value is None:
                    batch.error(
                        "value",
                        i,
                        value,
                        "a number (for a percentage: a value, or its numerator and denominator)",
                    )
                continue
            if indicator is not None and indicator.unit != "percent":
                batch.error(
                    "numerator" if top is not None else "denominator",
                    i,
                    top if top is not None else base,
                    f"a blank cell: {indicator.code} is a number, entered as a value; numerator and "
                    "denominator are for percentages",
                )
            elif top is None or base is None:
                missing = "numerator" if top is None else "denominator"
                batch.error(
                    missing,
                    i,
                    None,
                    f"the {missing} beside the "
                    f"{'denominator' if top is None else 'numerator'} (33 of 40: "
                    f"{'33' if top is None else '40'})",
                )
            elif base <= 0:
                batch.error("denominator", i, base, "a number above 0 (out of how many)")
            elif not 0 <= top <= base:
                batch.error("numerator", i, top, f"a number from 0 to the denominator ({plain(base)})")
            elif value is not None and plain(value, "percent") != plain(top * 100 / base, "percent"):
                batch.error(
                    "value",
                    i,
                    value,
                    f"{plain(top * 100 / base, 'percent')} ({plain(top)} of {plain(base)}), or a blank cell",
                )
            else:
                values[i] = top * 100 / base


__all__ = [
    "DISAGGREGATIONS",
    "AtMost",
    "CampInDistrict",
    "DisaggregationOfIndicator",
    "InPeriod",
    "IndicatorOfProgramme",
    "NotBefore",
    "PercentParts",
    "PeriodOfProgramme",
    "RequiredWhen",
    "Rule",
    "SumColumns",
    "SumEquals",
]
