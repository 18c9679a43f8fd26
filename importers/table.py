"""The typed rows of one sheet, held column by column, and what the checks need to know about the store.

A ``Batch`` is what reading a sheet produces and what the checks and the storing layer consume: one list
of typed values per field (a cell that failed its type holds a ``Bad``), the sheet row number of every
record and the column letter of every field, so each problem can name its cell. The demo data builds
batches directly from typed values and goes through the same checks and storing code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from importers.report import HIDDEN, Problem
from importers.values import display
from indicators.access.pseudonyms import KeyProblem
from indicators.programmes.providers import SHIPPED_CATALOGUE, Catalogue

if TYPE_CHECKING:
    from importers.kinds import Layout


_CONTACT = re.compile(r"@|\d[\d\s().\-/]{5,}\d")


def looks_like_contact(text: str) -> bool:
    """A phone or document number or an e-mail address typed into the wrong column of a case sheet."""
    return bool(_CONTACT.search(text)) and not _DATE_LIKE.fullmatch(text.strip())


_DATE_LIKE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


class Bad:
    """A cell that could not be read; checks that involve it are skipped (its problem is already reported)."""

    __slots__ = ("expected",)

    def __init__(self, expected: str):
        self.expected = expected

    def __repr__(self) -> str:
        return f"Bad({self.expected!r})"


def ok(value) -> bool:
    return value is not None and value.__class__ is not Bad


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Batch:
    layout: Layout
    sheet: str
    rows: list[int]  # the sheet row number (1-based) of each record
    columns: dict[str, list]  # field -> one value per record
    letters: dict[str, str] = field(default_factory=dict)  # field -> column letter in the sheet
    header_row: int = 1
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # field -> (text as typed, value understood) where they differ: what the dry run lists as read through a
    # synonym (never for a column whose values may not be shown)
    understood: dict[str, list] = field(default_factory=dict)
    replaced: int = 0  # KoboToolbox/ODK submissions left out: an edit later in the export replaces them

    def __len__(self) -> int:
        return len(self.rows)

    def cell(self, field_name: str, index: int) -> str:
        letter = self.letters.get(field_name, "")
        return f"{letter}{self.rows[index]}"

    def shown(self, value, field_name: str | None = None) -> str:
        """A value as a problem may repeat it: never one of a case sheet's identifying fields."""
        if value is None:
            return ""
        if self.layout.identifying(field_name):
            return HIDDEN
        text = "; ".join(value) if isinstance(value, list) else display(value)
        return HIDDEN if self.layout.sensitive and looks_like_contact(text) else text

    def error(self, field_name: str, index: int, value, expected: str) -> None:
        self.problems.append(
            Problem(self.sheet, self.cell(field_name, index), self.shown(value, field_name), expected)
        )

    def sheet_error(self, cell: str, value: str, expected: str) -> None:
        self.problems.append(Problem(self.sheet, cell, value, expected))

    def warn(self, cell: str, value: str, expected: str) -> None:
        self.warnings.append(Problem(self.sheet, cell, value, expected))


@dataclass(frozen=True, eq=False)  # one per programme and import: compared and hashed by identity
class ProgrammeRef:
    id: int
    code: str
    start_date: date
    end_date: date
    calendar: str


@dataclass(frozen=True)
class IndicatorRef:
    id: int
    code: str
    programme: str
    disaggregations: tuple[str, ...]
    source_kind: str
    # Count columns the indicator adds up (a sum's columns): a sheet of its kind must have one of them.
    sum_columns: tuple[str, ...] = ()
    unit: str = "number"


@dataclass
class Context:
    """What the checks know beyond the sheet: programmes, indicators, the project named, today, the known
    service providers, and how to get the key of case pseudonyms (``keys``, asked only when a case sheet is
    read: ``indicators.access.pseudonyms.for_cases``, which raises ``KeyProblem`` for a missing or other key)."""

    programmes: dict[str, ProgrammeRef]
    indicators: dict[str, IndicatorRef]
    programme: str | None
    today: date
    keys: Callable[[], bytes] | None = None
    providers: Catalogue = SHIPPED_CATALOGUE
    _key: bytes | KeyProblem | None = field(default=None, repr=False)

    def pseudonym_key(self) -> bytes:
        """The key case pseudonyms are made with (``KeyProblem`` when there is none to use), asked once."""
        if self._key is None:
            try:
                if self.keys is None:
                    raise KeyProblem("case sheets cannot be read here: no pseudonym key was given")
                self._key = self.keys()
            except KeyProblem as problem:
                self._key = problem
        if isinstance(self._key, KeyProblem):
            raise self._key
        return self._key

    @property
    def key_used(self) -> bytes | None:
        """The key, if a case sheet asked for it and it could be used."""
        return self._key if isinstance(self._key, bytes) else None
