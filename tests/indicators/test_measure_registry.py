"""Each measure owns everything about it: every registered measure's words, flags and definition schema (table
-driven over the registry), and a throw-away measure registered at run time that programme files, the reference
sheets, the report, the maps and the milestone rules follow without any other file knowing of it."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar, Literal

import pytest
import yaml
from pydantic import Field, ValidationError
from sqlalchemy import and_, case, func, select

from indicators.figures import places
from indicators.figures.figures import figures, is_milestone
from indicators.figures.measure_sql import no_denominator, summed
from indicators.figures.measures import (
    MEASURES,
    Measure,
    MeasureDefinition,
    MeasureError,
    definition_schema,
    measure,
    parse_definition,
    register,
)
from indicators.programmes.definition_models import DefinitionError, read_file
from indicators.reporting import pirs
from indicators.store import kinds
from indicators.store.models import Indicator
from tests.builders import TEST_PROGRAMME, make_programme, make_training


def line(report, code):
    return next(f for f in report.indicators if f.indicator.code == code)


# --- every registered measure owns its words, flags and schema ----------------------------------------------------

# What the domain says of each measure (DOMAIN §6): the words its calculation must use (the columns named as
# the sheet heads them), whether a district has a share of it (a map), and whether it is a milestone (counted
# once when reached, judged against its full target).
DOMAIN = {
    "count": ("Number of rows of the Meetings sheet", "Number of records", True, False),
    "sum": ("Female reached + Male reached", "Sum of female + male", True, False),
    "stage": ("Number of distinct Title values", "Distinct titles reaching Published", False, True),
    "ratio": (
        "(Passed post-test) ÷ (Female participants + Male participants) × 100",
        "Σ passed_post_test ÷ Σ female + male",
        False,
        False,
    ),
}


def _fields(schema) -> set[str]:
    return set(schema.model_fields) - {"type"}


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_every_registered_measure_owns_its_words_flags_and_schema(name):
    """Table-driven over the registry: a measure added without its row in ``DOMAIN`` fails here."""
    cls = MEASURES[name]
    calculation, described, mappable, milestone = DOMAIN[name]
    built = measure(cls.example, kind=cls.example_kind)
    assert type(built) is cls
    words = built.calculation(kinds.kind(cls.example_kind))
    assert calculation in words and words.strip().lower() != name and "_" not in words, words
    assert described in built.describe() and built.describe().strip().lower() != name
    assert (cls.mappable, cls.milestone) == (mappable, milestone)
    assert is_milestone(cls.example) is milestone
    # its schema accepts its example, by itself and through the union of every measure's
    assert isinstance(parse_definition(cls.example), cls.schema)
    assert isinstance(definition_schema().validate_python(cls.example), cls.schema)
    # and refuses a field it does not have, another measure's included, at that field's key
    others = set().union(*(_fields(m.schema) for m in MEASURES.values())) - _fields(cls.schema)
    for wrong in sorted(others | {"colour"}):
        with pytest.raises(ValidationError) as caught:
            parse_definition(cls.example | {wrong: ["female"]})
        assert [(e["loc"][-1], e["type"]) for e in caught.value.errors()] == [(wrong, "extra_forbidden")]
    for needed in sorted(_fields(cls.schema)):
        with pytest.raises(ValidationError) as caught:
            parse_definition({k: v for k, v in cls.example.items() if k != needed})
        assert [(e["loc"][-1], e["type"]) for e in caught.value.errors()] == [(needed, "missing")]


def test_the_domain_table_covers_every_registered_measure():
    assert set(DOMAIN) == set(MEASURES)


def test_an_unknown_measure_is_refused_at_its_type_naming_the_known_ones():
    with pytest.raises(ValidationError) as caught:
        parse_definition({"type": "median", "columns": ["female"]})
    (error,) = caught.value.errors()
    assert error["loc"] == ("type",) and "'count', 'sum', 'stage' or 'ratio'" in error["msg"]
    with pytest.raises(MeasureError, match="unknown measure 'median'; known: count, sum, stage, ratio"):
        measure({"type": "median"}, code="KEC-9.9")
    assert is_milestone({"type": "median"}) is False


def test_a_measure_without_words_is_refused_instead_of_showing_its_key():
    class Silent(Measure):
        name = "silent"

    with pytest.raises(NotImplementedError, match="silent measure does not say how it is calculated"):
        Silent().calculation(kinds.kind("trainings"))
    with pytest.raises(NotImplementedError, match="silent measure does not say how it is measured"):
        Silent().describe()


def test_a_schema_must_name_its_own_measure():
    class Misnamed(Measure):
        name = "misnamed"
        schema = MEASURES["sum"].schema

    with pytest.raises(TypeError, match="schema must be typed Literal\\['misnamed'\\]"):
        register(Misnamed)
    assert "misnamed" not in MEASURES


# --- a measure added at run time, in its own place ---------------------------------------------------------------


class MixedDefinition(MeasureDefinition):
    type: Literal["mixed"]
    columns: list[str] = Field(min_length=2)


@dataclass(frozen=True)
class Mixed(Measure):
    """Rows where every one of its columns is above 0: trainings attended by both women and men."""

    each: tuple[str, ...] = ()
    name: ClassVar[str] = "mixed"
    schema: ClassVar[type[MeasureDefinition]] = MixedDefinition
    example: ClassVar[dict] = {"type": "mixed", "columns": ["female", "male"]}
    example_kind: ClassVar[str] = "trainings"
    mappable: ClassVar[bool] = True
    whole: ClassVar[bool] = True
    from_history: ClassVar[bool] = True  # not a sum of column totals: recomputed from its rows

    @classmethod
    def of(cls, definition):
        return cls(tuple(definition.columns))

    def describe(self):
        return f"Rows with {' and '.join(self.each)} all above zero"

    def calculation(self, sheet):
        named = " and ".join(sheet.header(c) for c in self.each)
        return f"Number of rows of the {sheet.sheet} sheet in the period with {named} all above zero"

    def aggregates(self, scan):
        above = and_(*[func.coalesce(scan.column(c, "measure column"), 0) > 0 for c in self.each])
        return summed(case((above, 1), else_=0)), no_denominator()


MIXED_INDICATOR = {
    "code": "MIX-1.1",
    "name": "Number of trainings attended by both women and men",
    "unit": "number",
    "source": {"kind": "trainings"},
    "measure": {"type": "mixed", "columns": ["female", "male"]},
    "disaggregations": ["target_group"],
    "targets": {"FY2019": 4, "LOP": 8},
}
MIXED_RESULTS = [
    {
        "code": "1",
        "level": "output",
        "category": "Capacity building",
        "statement": "Officials are trained.",
        "indicators": [MIXED_INDICATOR],
    }
]


def _programme_file(folder, measure_definition) -> Path:
    indicator = MIXED_INDICATOR | {"measure": measure_definition}
    data = TEST_PROGRAMME | {"code": "MIX", "results": [MIXED_RESULTS[0] | {"indicators": [indicator]}]}
    path = folder / "mix.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_measure_registered_at_run_time_is_taken_in_everywhere(db, tmp_path, monkeypatch):
    """A throw-away measure, defined and registered here alone: the programme file's schema takes it in, the
    reference sheet and the report print its own words, the map and the milestone rules ask it; no other file
    knows of it."""
    with pytest.raises(
        DefinitionError, match=r"measure\.type: Input should be 'count', 'sum', 'stage' or 'ratio'"
    ):
        read_file(_programme_file(tmp_path, {"type": "mixed", "columns": ["female", "male"]}))
    register(Mixed)
    try:
        # the union of the programme file's measures follows the registry, with the same clear messages
        assert isinstance(
            read_file(_programme_file(tmp_path, Mixed.example)).results[0].indicators[0].measure,
            MixedDefinition,
        )
        for wrong, message in [
            ({"type": "mixed", "columns": ["female"]}, "measure.columns: List should have at least 2 items"),
            (
                {"type": "mixed", "columns": ["female", "male"], "stage": "Adopted"},
                "measure.stage: Extra inputs",
            ),
            ({"type": "median"}, "measure.type: Input should be 'count', 'sum', 'stage', 'ratio' or 'mixed'"),
        ]:
            with pytest.raises(DefinitionError) as caught:
                read_file(_programme_file(tmp_path, wrong))
            assert str(caught.value).startswith(
                "mix.yaml: results[1].indicators[MIX-1.1]."
            ) and message in str(caught.value), caught.value
        make_programme(db, code="MIX", results=MIXED_RESULTS)
        indicator = db.scalar(select(Indicator).where(Indicator.code == "MIX-1.1"))
        assert indicator.measure == {"type": "mixed", "columns": ["female", "male"]}
        for female, male, district in [(3, 2, "Musanze"), (5, 0, "Musanze"), (0, 4, "Huye"), (1, 1, "Huye")]:
            make_training(db, "MIX", start_date=date(2019, 5, 2), female=female, male=male, district=district)
        mix = line(figures(db, "MIX", "FY2019Q3"), "MIX-1.1")
        assert mix.quarter.actual == 2  # 3 + 2 and 1 + 1; the trainings of women only or men only are not
        # its words, in the report and on its reference sheet, never its key
        assert mix.indicator.measure_words == "Rows with female and male all above zero"
        assert pirs.calculation(indicator).startswith(
            "Number of rows of the Trainings sheet in the period with Female participants and Male participants "
            "all above zero."
        )
        # its flags: the map and the milestone rules ask the measure
        assert places.mappable(indicator) and places.mappable(mix.indicator)
        assert {d: p.value for d, p in places.by_district(db, "MIX-1.1", "FY2019Q3").items()} == {
            "Musanze": 1,
            "Huye": 1,
        }
        assert is_milestone(indicator.measure) is False and mix.indicator.milestone is False
        monkeypatch.setattr(Mixed, "mappable", False)
        monkeypatch.setattr(Mixed, "milestone", True)
        assert not places.mappable(indicator) and places.by_district(db, "MIX-1.1", "FY2019Q3") == {}
        assert is_milestone(indicator.measure) and mix.indicator.milestone
    finally:
        MEASURES.pop("mixed", None)
    with pytest.raises(MeasureError, match="unknown measure 'mixed'"):
        measure(indicator.measure, code="MIX-1.1")
