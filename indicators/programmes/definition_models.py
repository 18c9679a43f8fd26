"""What a programme definition file (``programmes/*.yaml``) may hold, and reading one: the models and
``read_file`` (``indicators.programmes.definitions`` loads them into the store).

A file describes one programme: its phases, logframe results, indicators, baselines and targets. A malformed
file is refused with the file, the key and the problem. An indicator's measure is validated by the union of the
registered measures' own schemas (``indicators.figures.measures``), chosen by its ``type``: each measure
accepts exactly its fields.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from indicators import periods, vocabulary
from indicators.figures.measures import MeasureField
from indicators.programmes.publishing import IatiDef
from indicators.programmes.reference_sheet import ReferenceSheetDef
from indicators.store import kinds


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date is reported with its key by validation."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class DefinitionError(ValueError):
    """A definition file that cannot be loaded; the message names the file, the key and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceDef(_Strict):
    kind: Literal[kinds.KEYS]  # type: ignore[valid-type]
    filter: dict[str, Any] = Field(default_factory=dict)


# one model per registered measure, chosen by ``type`` (``indicators.figures.measures.definition_schema``)
MeasureDef = MeasureField


class ChangeDef(_Strict):
    """One entry of an indicator's change log (``indicators.programmes.history``), as a programme file carries it."""

    field: str
    period: str | None = None
    old: str | None = None
    new: str | None = None
    reason: str
    comment: str | None = None
    by: str
    at: datetime


class IndicatorDef(_Strict):
    code: str
    name: str
    definition: str | None = None
    unit: Literal[vocabulary.UNITS]  # type: ignore[valid-type]
    source: SourceDef
    measure: MeasureDef
    date_field: str | None = None
    disaggregations: list[str] = Field(default_factory=list)
    baseline: float | None = None
    standard_indicator: str | None = None
    data_source: str | None = None
    targets: dict[str, float] = Field(default_factory=dict)
    reference_sheet: ReferenceSheetDef = Field(default_factory=ReferenceSheetDef)
    # the change log written by `programmes export`, restored by `init` (entries already stored are skipped)
    change_log: list[ChangeDef] = Field(default_factory=list)

    @field_validator("disaggregations")
    @classmethod
    def _known_disaggregations(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in vocabulary.DISAGGREGATIONS]
        if unknown:
            raise ValueError(
                f"unknown disaggregation {unknown[0]!r}; known: {', '.join(vocabulary.DISAGGREGATIONS)}"
            )
        return value


class ResultDef(_Strict):
    code: str
    level: Literal[vocabulary.LEVELS]  # type: ignore[valid-type]
    category: Literal[vocabulary.CATEGORIES] | None = None  # type: ignore[valid-type]
    statement: str
    description: str | None = None  # what the result covers, in a few sentences (IATI's result description)
    indicators: list[IndicatorDef] = Field(default_factory=list)

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: Any) -> str:
        return str(value)


class PhaseDef(_Strict):
    name: str
    start_date: date
    end_date: date
    budget: Decimal
    pledged: Decimal = Decimal(0)
    pledged_by: str | None = None


class ProgrammeDef(_Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,19}$")
    title: str
    short_title: str | None = None
    donor: str
    award_number: str | None = None
    partners: list[str] = Field(default_factory=list)
    government_lead: str | None = None
    start_date: date
    end_date: date
    calendar: Literal["fiscal", "calendar"]
    currency: str = "USD"
    description: str | None = None
    # the report format the donor is sent by default (a format's key; checked by ``ctmonitor init``)
    report_format: str = "iptt"
    # donor and partner name -> IATI organisation type (published in the IATI file)
    organisation_types: dict[str, Literal[tuple(vocabulary.IATI_ORGANISATION_TYPES)]] = Field(  # type: ignore[valid-type]
        default_factory=dict
    )
    # the programme the Victims profile opens on when the link names none
    victims_default: bool = False
    iati: IatiDef = Field(default_factory=IatiDef)
    phases: list[PhaseDef] = Field(default_factory=list)
    results: list[ResultDef]

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeDef:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        named = {self.donor, *self.partners}
        unknown = [name for name in self.iati.identifiers if name not in named]
        if unknown:
            raise ValueError(f"iati.identifiers: {unknown[0]!r} is neither the donor nor a partner")
        years = {p.code for p in periods.years_between(self.start_date, self.end_date, self.calendar)}
        codes = set()
        for result in self.results:
            for indicator in result.indicators:
                if indicator.code in codes:
                    raise ValueError(f"indicator code {indicator.code} appears twice")
                codes.add(indicator.code)
                if result.category is None:
                    raise ValueError(f"result {result.code} holds indicators but has no category")
                for key in indicator.targets:
                    if key != "LOP" and key not in years:
                        raise ValueError(
                            f"indicator {indicator.code}: target period {key!r} is not a reporting year of "
                            f"the programme ({', '.join(sorted(years))} or LOP)"
                        )
        return self


def read_file(path: Path, formats=None) -> ProgrammeDef:
    """Parse and validate one definition file, or raise ``DefinitionError`` naming file, key and problem.
    ``formats``, when given, are the report formats' keys ``report_format`` must be one of."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DefinitionError(
            f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path.name}: expected a mapping of programme keys at the top level")
    try:
        definition = ProgrammeDef.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _key_path(raw, first["loc"])
        value = (
            f" (found {first['input']!r})"
            if "input" in first and not isinstance(first["input"], dict)
            else ""
        )
        more = f"; and {exc.error_count() - 1} more problem(s)" if exc.error_count() > 1 else ""
        raise DefinitionError(f"{path.name}: {key or 'top level'}: {first['msg']}{value}{more}") from None
    if formats is not None and definition.report_format not in formats:
        raise DefinitionError(
            f"{path.name}: report_format: {definition.report_format!r} is not a report format; "
            f"known: {', '.join(sorted(formats))}"
        )
    return definition


def _key_path(raw: Any, loc: tuple) -> str:
    """``results[2].indicators[0].targets.FY2019`` written with indicator codes where they help. The measure
    chosen by ``type`` is not a key of the file: ``measure.columns``, not ``measure.sum.columns``."""
    parts, node = [], raw
    for step in loc:
        if isinstance(node, dict) and step not in node and step == node.get("type"):
            continue
        if isinstance(step, int):
            label = f"[{step}]"
            if (
                isinstance(node, list)
                and step < len(node)
                and isinstance(node[step], dict)
                and "code" in node[step]
            ):
                label = f"[{node[step]['code']}]"
            parts.append(label)
        else:
            parts.append(f".{step}" if parts else str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)
