"""SQL pieces the measures share (``indicators.figures.measures``, ``indicators.figures.entered``), so that two
measures asking the same question ask it in the same words.

- Text is compared trimmed and case-insensitively (``norm``); a name that identifies a thing (an instrument, a
  study's title) also ignores every space inside it (``squeezed``), so "Law  on TIP" and "law on tip" are one.
- The first occurrence of a thing (``first_occurrence``) numbers the rows of each thing in order and keeps row 1:
  the quarter an instrument first reached a stage, or the latest entry of a directly entered figure (ordered
  newest first). Every measure that counts a thing once uses it.
- Aggregates are floats (``row_count``, ``summed``); a measure with no denominator selects ``no_denominator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Select, cast, func, null, select
from sqlalchemy.sql.elements import ColumnElement

NTH = "nth"  # the label of a row's number within its thing
_SPACES = (" ", "\t", "\n", "\r", "\u00a0")


def norm(column: Any) -> ColumnElement[Any]:
    """A text column compared trimmed and case-insensitively."""
    return func.lower(func.trim(column))


def squeezed(column: Any) -> ColumnElement[Any]:
    """A name compared ignoring case and every space in it."""
    key: ColumnElement[Any] = func.lower(column)
    for space in _SPACES:
        key = func.replace(key, space, "")
    return key


def first_occurrence(
    columns: Sequence[Any], *, partition_by: Sequence[Any], order_by: Sequence[Any], where: Sequence[Any]
) -> Select[*tuple[Any, ...]]:
    """``columns`` of the rows meeting ``where``, each numbered (``NTH``) within its thing (``partition_by``) in
    ``order_by`` order: keep ``NTH == 1`` (``first``) for the first occurrence of each thing."""
    numbered = func.row_number().over(partition_by=list(partition_by), order_by=list(order_by))
    return select(*columns, numbered.label(NTH)).where(*where)


def first(numbered: Any) -> ColumnElement[bool]:
    """The condition keeping each thing's first occurrence, on a subquery or CTE of ``first_occurrence``."""
    return numbered.c[NTH] == 1


def row_count() -> ColumnElement[float]:
    return cast(func.count(), Float)


def summed(expression: Any) -> ColumnElement[float]:
    return cast(func.sum(expression), Float)


def no_denominator() -> ColumnElement[float]:
    return cast(null(), Float)
