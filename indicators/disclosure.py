"""Small counts of victims (DOMAIN §4): how a breakdown of case counts is shown to a donor or published.

The rule, applied to one group of categories that add up to a shown total (a disaggregation of one indicator
for one period, or one breakdown of the Victims profile):

- a category counting more than 0 and fewer than the threshold people (``CTMONITOR_SMALL_CELL``, 5 unless
  the deployment sets another) is withheld and shown as ``<5``;
- complementary suppression: when exactly one category of the group is withheld, the total would give it
  away (total minus the others), so the smallest other category is withheld too, the smallest above 0 if
  there is one, shown as ``*`` ("withheld so that a small count cannot be worked out");
- zeros are shown (a count of no one identifies no one); a threshold of 0 or 1 withholds nothing.

Programme staff see exact figures; so does the donor's quarterly workbook, which the award requires and whose
cover says it holds confidential small counts. What this cannot prevent: subtracting the figures of two
consecutive report quarters (or of a year and its quarters) may still narrow a withheld count down.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

DEFAULT_THRESHOLD = 5
COMPLEMENTARY = "*"
K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: ``value`` is the exact count, or None when withheld."""

    value: float | None
    text: str  # "12", "<5", "*", or "–" for no figure at all
    withheld: bool = False
    complementary: bool = False  # withheld only so that another cannot be worked out


def small_label(threshold: int) -> str:
    return f"<{threshold}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def suppress(counts: Mapping[K, float | None], threshold: int = DEFAULT_THRESHOLD, *,
             complementary: bool = True) -> dict[K, Shown]:
    """Each category's count as it may be shown (see the module's rule). ``complementary`` is off for a
    breakdown whose categories do not add up to its total (several exploitation types per victim)."""
    primary = {k for k, n in counts.items() if n is not None and 0 < n < threshold}
    secondary: set = set()
    if complementary and len(primary) == 1 and len(counts) > 1:
        others = [(n, i, k) for i, (k, n) in enumerate(counts.items()) if k not in primary and n is not None]
        if others:
            above = [entry for entry in others if entry[0] > 0]
            secondary.add(min(above or others)[2])
    shown = {}
    for k, n in counts.items():
        if n is None:
            shown[k] = Shown(None, "–")
        elif k in primary:
            shown[k] = Shown(None, small_label(threshold), withheld=True)
        elif k in secondary:
            shown[k] = Shown(None, COMPLEMENTARY, withheld=True, complementary=True)
        else:
            shown[k] = Shown(n, _number(n))
    return shown


def suppress_rows(rows: Iterable[R], group: Callable[[R], Hashable], count: Callable[[R], float | None],
                  threshold: int = DEFAULT_THRESHOLD) -> list[Shown]:
    """``suppress`` over a flat list of rows grouped by ``group`` (a disaggregation); one ``Shown`` per row,
    in the rows' order."""
    rows = list(rows)
    groups: dict[Hashable, dict[int, float | None]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(group(row), {})[index] = count(row)
    out: dict[int, Shown] = {}
    for counts in groups.values():
        out.update(suppress(counts, threshold))
    return [out[index] for index in range(len(rows))]


def exact(value: float | None) -> Shown:
    """A count shown as it is (staff, the donor's workbook)."""
    return Shown(None, "–") if value is None else Shown(value, _number(value))
