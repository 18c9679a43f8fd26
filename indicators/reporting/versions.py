"""Versions of a quarter's report as sent: the figures each was made from, kept as data, and what differs now.

Each sign-off keeps, beside the file sent, the quarter's results rows: the machine-readable results of DOMAIN §8
(``programme,indicator,period,disaggregation,category,actual,target``: the quarter, the year to date and the
life of project to date, each total then every category), as text rounded as every report rounds
(``indicators.numbers.plain``). Comparing those rows with the same rows made now says, figure by figure, what
is no longer as sent: never by reading a workbook back. The CSV export writes these very rows
(``exports.results_csv``), so "as sent" is what the donor's CSV said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indicators.i18n import N_, Message
from indicators.report import COLUMNS, Report, Revision, figure_rows, label
from indicators.store.models import SignOff

_INDICATOR, _PERIOD, _DISAGGREGATION, _CATEGORY, _ACTUAL, _TARGET = range(1, 7)
# a figure as sent → now, by field (``Difference.change``)
_CHANGES = {"actual": N_("actual {before} → {after}"), "target": N_("target {before} → {after}")}


def kept_figures(report: Report) -> dict:
    """What a sign-off keeps of the figures: ``{"columns": [...], "rows": [[...], ...]}`` (JSON)."""
    return {"columns": list(COLUMNS), "rows": [list(row) for row in figure_rows(report)]}


@dataclass(frozen=True)
class Difference:
    """One figure that is no longer as sent: its actual or its target."""

    indicator: str
    period: str  # FY2019Q3, FY2019 (year to date) or LOP (to date)
    disaggregation: str  # "" for the total
    category: str
    field: str  # actual | target
    as_sent: str | None  # the value as text, None where the figure was not in the report
    now: str | None

    @property
    def split(self) -> Message:
        """``Sex: Female``, or ``total`` (a ``Message``: in the reader's language where a page shows it)."""
        if not self.disaggregation:
            return Message(N_("total"))
        return Message(
            N_("{disaggregation}: {category}"),
            disaggregation=Message(label(self.disaggregation)),
            category=Message(self.category),  # a sex, a target group… in the reader's language where known
        )

    @property
    def where(self) -> str:
        """``KEC-4.2 · FY2019Q3 · Sex: Female`` (``… · total``)."""
        return f"{self.indicator} · {self.period} · {self.split}"

    @property
    def change(self) -> Message:
        """``actual 45 → 52`` (``–`` for a figure not in one of the two; a ``Message``, as ``split``)."""
        return Message(_CHANGES[self.field], before=self.as_sent or "–", after=self.now or "–")

    def text(self) -> str:
        """``KEC-4.2 · FY2019 · total: target 400 → 450``."""
        return f"{self.where}: {self.change}"


# a figure's indicator, period, disaggregation and category; its actual and target as text
_FigureKey = tuple[str, str, str, str]
_Values = tuple[str | None, str | None]


def compare(kept: dict[str, Any] | None, now: Sequence[Sequence[str]]) -> list[Difference]:
    """Every figure whose actual or target differs between ``kept`` (``kept_figures``) and the rows ``now``
    (``figure_rows``), in the order of the report now (figures gone since at the end of their indicator)."""
    if not kept:
        return []
    columns = list(kept.get("columns") or COLUMNS)
    at = {name: columns.index(name) for name in COLUMNS if name in columns}
    sent: dict[_FigureKey, _Values] = {}
    for row in kept.get("rows") or []:
        key: _FigureKey = (
            row[at["indicator"]],
            row[at["period"]],
            row[at["disaggregation"]],
            row[at["category"]],
        )
        sent[key] = (row[at["actual"]], row[at["target"]])
    out: list[Difference] = []
    seen: set[_FigureKey] = set()
    for row in now:
        key = (row[_INDICATOR], row[_PERIOD], row[_DISAGGREGATION], row[_CATEGORY])
        seen.add(key)
        before = sent.get(key, (None, None))
        out += _differences(key, before, (row[_ACTUAL], row[_TARGET]))
    for key, before in sent.items():
        if key not in seen:
            out += _differences(key, before, (None, None))
    order = {code: n for n, code in enumerate(dict.fromkeys(d.indicator for d in out))}
    return sorted(out, key=lambda d: order[d.indicator])


def _differences(key: _FigureKey, before: _Values, after: _Values) -> list[Difference]:
    return [
        Difference(*key, field, old or None, new or None)
        for field, old, new in zip(("actual", "target"), before, after)
        if (old or None) != (new or None)
    ]


def changed_indicators(differences: list[Difference]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(d.indicator for d in differences))


def revision(record: SignOff | None, report: Report) -> Revision | None:
    """What a report made now re-issues: for a quarter whose latest kept version ``record`` was reopened, that
    version and the indicators whose figures differ from it; None for a quarter never signed off, or whose
    sign-off is in force (its report as sent is the one served)."""
    if record is None or record.in_force:
        return None
    changed = changed_indicators(compare(record.figures, figure_rows(report))) if record.figures else None
    return Revision(
        replaces=record.version,
        replaces_signed_at=record.signed_at,
        replaces_sha256=record.report_sha256,
        changed=changed,
        reason=record.reopen_reason,
    )
