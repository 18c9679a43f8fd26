"""How a sheet kind is described: its columns (header synonyms, value type, role) and the layout that holds them.

A column's ``role`` says what becomes of it: ``data`` is read and stored (unless ``stored`` is False, as
for a Total column that is only checked), ``transient`` is read, used by a rule and dropped (a birth date
becomes an age group), ``keyed`` is read in memory only to make a case's pseudonym (a person's names) and
dropped, ``identifier`` is a direct identifier recognised only so that it is never read, and ``ignored`` is
a known column the monitoring does not need. An ``identifying`` column's values are never repeated in a
problem. In case sheets, no free-text column's values are either, nor any cell that is not what its column
expects (an unknown country, an e-mail typed as an exploitation type): only values read as one of a closed
list (a nationality, a status, a date) are, unless they look like a phone number or an e-mail address.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from importers import matching
from importers import values as t
from importers.matching import key
from indicators.store.kinds import KindSpec, Stages
from indicators.store.models import ActivityRecord

if TYPE_CHECKING:
    from importers import rules as r

DATA, TRANSIENT, KEYED, IDENTIFIER, IGNORED = "data", "transient", "keyed", "identifier", "ignored"


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    synonyms: tuple[str, ...] = ()
    type: t.ValueType = dataclasses.field(default_factory=t.Text)
    required: bool = False  # every row needs a value
    column_required: bool | None = None  # the sheet needs the column (default: as ``required``)
    default: Any = None  # the value of a blank cell
    stored: bool = True
    role: str = DATA
    identifying: bool = False  # its values are never shown in a problem
    help: str = ""  # for the template's instructions
    width: int = 16  # template column width

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)

    @property
    def needs_column(self) -> bool:
        return self.required if self.column_required is None else self.column_required


@dataclass(frozen=True)
class Layout:
    """How one sheet kind's columns are read; what the kind is to the rest of the program is its ``spec``."""

    spec: KindSpec
    title: str  # the sheet name used in templates
    columns: tuple[Column, ...]
    rules: tuple[r.Rule, ...] = ()
    natural_key: tuple[str, ...] = ()  # what identifies a row that has no reference
    name_hints: tuple[str, ...] = ()  # words of sheet names that hint at this kind (tie-breaks only)
    known: tuple[str, ...] = ()  # further headers recognised and ignored (HTCDS fields not used)
    variant: str = ""  # a second layout of the same kind (HTCDS)
    derived: tuple[str, ...] = ()  # model columns its rules fill from what was read (a result's indicator id)
    # Lookups made from the columns once, in __post_init__: header key -> column, field -> column, and the
    # further known headers that are not also a column's.
    _index: dict[str, Column] = dataclasses.field(init=False, repr=False, compare=False)
    _fields: dict[str, Column] = dataclasses.field(init=False, repr=False, compare=False)
    _known: frozenset[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Column] = {}
        for column in self.columns:
            for header in column.headers:
                k = key(header)
                if index.setdefault(k, column) is not column:
                    raise ValueError(f"{self.title}: header {header!r} names two columns")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_fields", {c.field: c for c in self.columns})
        object.__setattr__(self, "_known", frozenset(key(h) for h in self.known) - set(index))

    @property
    def kind(self) -> str:
        return self.spec.key

    @property
    def model(self) -> type[ActivityRecord]:
        # every kind's table is an activity table (KindSpec types it as the declarative base)
        return cast("type[ActivityRecord]", self.spec.model)

    @property
    def date_field(self) -> str | None:
        """The date that attributes a row to its quarter (None: the row gives its quarter)."""
        return self.spec.date

    @property
    def extra_quarters(self) -> tuple[tuple[str, str], ...]:
        return self.spec.extra_quarters

    @property
    def sequence(self) -> Stages | None:
        return self.spec.stages

    @property
    def sensitive(self) -> bool:
        """Case data: values never repeated in problems, the file never kept."""
        return self.spec.sensitive

    def column_for(self, header_key: str) -> Column | None:
        return self._index.get(header_key)

    def column_label(self, field_name: str) -> str:
        column = self._fields.get(field_name)
        return column.label if column is not None else field_name

    def is_known(self, header_key: str) -> bool:
        return header_key in self._known

    @property
    def stored_fields(self) -> tuple[str, ...]:
        fields = [c.field for c in self.columns if c.role == DATA and c.stored and c.field not in _NOT_MODEL]
        return tuple(fields) + self.derived

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role in (DATA, TRANSIENT, KEYED))

    @property
    def keyed_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.role == KEYED)

    def identifying(self, field_name: str | None) -> bool:
        """Whether a field's values may never be shown: any of a case sheet's identifying, free-text or
        unknown fields."""
        if not self.sensitive:
            return False
        column = self._fields.get(field_name) if field_name is not None else None
        return (
            column is None
            or column.identifying
            or column.role in (KEYED, IDENTIFIER)
            or column.type.free_text
        )


# Columns read but not model attributes.
_NOT_MODEL = {"reference", "project", "indicator", "period", "disaggregation"}

# -- columns every kind shares -------------------------------------------------------------------------------

REFERENCE = Column(
    "reference",
    "Reference",
    ("Ref", "Ref.", "ID", "Activity ID", "Ref no", "Reference number"),
    t.Text(80),
    help="optional; your own key for the row, unique within the project. "
    "Upload the row again with the same reference to correct it.",
    width=12,
)
PROJECT = Column(
    "project",
    "Project",
    ("Project code", "Programme", "Program", "Project/Programme"),
    t.Code("a project code such as KEC, PVR or GIFT", 20),
    required=True,
    column_required=False,
    help="the project code (KEC, PVR, GIFT); may be left out when the upload names the project",
    width=10,
)
ROW_NUMBER = Column(
    "row_number",
    "No.",
    ("No", "N°", "Nº", "S/N", "SN", "Number", "Row", "Serial number"),
    t.Text(),
    stored=False,
    role=IGNORED,
)
DISTRICT = t.Choice(matching.DISTRICTS, "one of Rwanda's 30 districts")
