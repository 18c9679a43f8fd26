"""How every figure is rounded and written, the same on screen, in the workbooks, the CSV and IATI.

The rule: round half up (81.25 → 81.3, 0.5 → 1), once, from the exact value.
- A percent indicator's value (0–100) keeps one decimal: 81.25 is 81.3%.
- A count keeps none when it is whole; a value that is not whole (a pro-rated target to date, a sum of
  entered decimals) keeps one decimal: 266.67 is 266.7.
- Percent of target is a whole number (the figures round it once, then band it; see ``indicators.figures.figures``).

``rounded`` gives the number every output stores; ``format_value`` and ``format_percent`` the text the
screens show, written by Babel the way the language of the moment writes numbers (``indicators.i18n``:
``1,234.5`` and ``81.3%`` in English, ``1 234,5`` and ``81,3 %`` in French); only the writing changes. Binary floats are read through their shortest decimal form, so 81.25 (exact in binary) and
0.1 + 0.2 round as a person would expect.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from indicators import i18n

PERCENT = "percent"
ONE_DECIMAL = Decimal("0.1")
WHOLE = Decimal(1)


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def exact(value) -> Fraction:
    """A figure as the exact fraction the figures compute with (a float through its shortest decimal form)."""
    return value if isinstance(value, Fraction) else Fraction(repr(float(value)))


def rounded(value, unit: str = "number") -> int | float | None:
    """The value as every output stores it: a whole number as ``int``, else one decimal as ``float``."""
    if value is None:
        return None
    exact = _decimal(value)
    if exact.is_nan():
        return None
    if unit != PERCENT and exact == exact.to_integral_value():
        return int(exact)
    shown = exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return int(shown) if unit != PERCENT and shown == shown.to_integral_value() else float(shown)


def whole(value) -> int | None:
    """Half up to a whole number (84.5 → 85)."""
    if value is None:
        return None
    if isinstance(value, Fraction):  # exact: the figures' ratios
        return math.floor(value + Fraction(1, 2))
    return int(_decimal(value).quantize(WHOLE, rounding=ROUND_HALF_UP))


def format_value(value, unit: str = "number") -> str:
    """A figure as the screens show it: ``1,120``, ``266.7``, ``81.3%``, ``80%``; ``–`` for nothing."""
    shown = rounded(value, unit)
    if shown is None:
        return "–"
    if unit == PERCENT:
        return i18n.format_percent(shown)
    return i18n.format_decimal(shown)


def format_percent(value) -> str:
    """Percent of target, a whole number: ``92%``; ``–`` for none."""
    shown = whole(value)
    return "–" if shown is None else i18n.format_percent(shown)


def plain(value, unit: str = "number") -> str:
    """The value as a machine-readable text (CSV, IATI): ``81.3``, ``1120``; empty for nothing."""
    shown = rounded(value, unit)
    if shown is None:
        return ""
    if isinstance(shown, float) and shown.is_integer():
        return str(int(shown))
    return str(shown)
