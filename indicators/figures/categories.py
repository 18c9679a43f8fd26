"""Disaggregation categories: the closed lists' own spellings and order, Unknown last, and the names people type.

A stored value falls in the closed list's spelling whatever its case or spacing; an open disaggregation
(nationality) keeps the value itself; a blank falls in ``Unknown``. Reports list categories in vocabulary
order, other values alphabetically after them, Unknown last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indicators import vocabulary
from indicators.figures.measures import UNKNOWN

# Closed lists, in the order reports show them; other disaggregations (nationality) are open.
CLOSED_LISTS: dict[str, tuple[str, ...]] = {
    "sex": vocabulary.SEXES,
    "target_group": vocabulary.TARGET_GROUPS,
    "setting": vocabulary.SETTINGS,
    "camp": tuple(vocabulary.CAMPS),
    "age_group": vocabulary.AGE_GROUPS,
    "instrument_type": vocabulary.INSTRUMENT_TYPES,
    "district": vocabulary.DISTRICTS,
}


def canonical(disaggregation: str, raw: str | None) -> str:
    """The category a stored value falls in: the closed list's spelling, the value itself, or Unknown."""
    text = (raw or "").strip()
    if not text:
        return UNKNOWN
    for value in CLOSED_LISTS.get(disaggregation, ()):
        if value.casefold() == text.casefold():
            return value
    return UNKNOWN if text.casefold() == UNKNOWN.casefold() else text


def order_categories(disaggregation: str, categories: Iterable[str]) -> list[str]:
    """Closed lists in vocabulary order, other values alphabetically after them, Unknown last."""
    order = {value: i for i, value in enumerate(CLOSED_LISTS.get(disaggregation, ()))}
    return sorted(set(categories), key=lambda c: (c == UNKNOWN, order.get(c, len(order)), c.casefold()))


def disaggregation_name(text: str | None) -> str:
    """``Sex``, ``sex``, ``Target group``, ``target-group`` -> the disaggregation's name; blank -> total."""
    cleaned = re.sub(r"[\s\-]+", "_", (text or "").strip().lower())
    for name, label in vocabulary.DISAGGREGATIONS.items():
        if cleaned in (name, re.sub(r"\s+", "_", label.lower())):
            return name
    return cleaned
