"""Programme definition files (``programmes/*.yaml``): validation and idempotent loading into the store.

A file describes one programme: its phases, logframe results, indicators, baselines and targets. Loading
upserts by code, so running it twice changes nothing and an edited target is updated in place; activity
records are never touched. A malformed file is refused with the file, the key and the problem.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import kinds, periods, vocabulary
from indicators.measures import MEASURES
from indicators.models import Indicator, Phase, Programme, Result, Target


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


class MeasureDef(_Strict):
    type: Literal[tuple(MEASURES)]  # type: ignore[valid-type]
    columns: list[str] = Field(default_factory=list)
    field: str | None = None
    stage: str | None = None
    numerator: list[str] = Field(default_factory=list)
    denominator: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> "MeasureDef":
        MEASURES[self.type].check(self.model_dump())
        return self


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

    @field_validator("disaggregations")
    @classmethod
    def _known_disaggregations(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in vocabulary.DISAGGREGATIONS]
        if unknown:
            raise ValueError(f"unknown disaggregation {unknown[0]!r}; known: {', '.join(vocabulary.DISAGGREGATIONS)}")
        return value


class ResultDef(_Strict):
    code: str
    level: Literal[vocabulary.LEVELS]  # type: ignore[valid-type]
    category: Literal[vocabulary.CATEGORIES] | None = None  # type: ignore[valid-type]
    statement: str
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
        default_factory=dict)
    # the programme the Victims profile opens on when the link names none
    victims_default: bool = False
    phases: list[PhaseDef] = Field(default_factory=list)
    results: list[ResultDef]

    @model_validator(mode="after")
    def _consistent(self) -> "ProgrammeDef":
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
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
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DefinitionError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path.name}: expected a mapping of programme keys at the top level")
    try:
        definition = ProgrammeDef.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _key_path(raw, first["loc"])
        value = f" (found {first['input']!r})" if "input" in first and not isinstance(first["input"], dict) else ""
        more = f"; and {exc.error_count() - 1} more problem(s)" if exc.error_count() > 1 else ""
        raise DefinitionError(f"{path.name}: {key or 'top level'}: {first['msg']}{value}{more}") from None
    if formats is not None and definition.report_format not in formats:
        raise DefinitionError(f"{path.name}: report_format: {definition.report_format!r} is not a report format; "
                              f"known: {', '.join(sorted(formats))}")
    return definition


def _key_path(raw: Any, loc: tuple) -> str:
    """``results[2].indicators[0].targets.FY2019`` written with indicator codes where they help."""
    parts, node = [], raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict) and "code" in node[step]:
                label = f"[{node[step]['code']}]"
            parts.append(label)
        else:
            parts.append(f".{step}" if parts else str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)


def load_directory(session: Session, directory: Path, formats=None) -> list[str]:
    """Validate every ``*.yaml`` in the folder first (``report_format`` against ``formats``, when given), then
    upsert them all; returns the programme codes."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise DefinitionError(f"{directory}: no programme definition files (*.yaml)")
    definitions = [(path, read_file(path, formats)) for path in files]
    codes = [d.code for _, d in definitions]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{directory}: the same programme code appears in two files")
    return [upsert(session, definition, source_file=path.name).code for path, definition in definitions]


def upsert(session: Session, definition: ProgrammeDef, source_file: str | None = None) -> Programme:
    with session.no_autoflush:
        programme = _upsert(session, definition, source_file)
    session.flush()
    return programme


def _upsert(session: Session, definition: ProgrammeDef, source_file: str | None) -> Programme:
    programme = session.scalar(select(Programme).where(Programme.code == definition.code))
    if programme is None:
        programme = Programme(code=definition.code)
        session.add(programme)
    fields = definition.model_dump(exclude={"phases", "results"})
    _assign(programme, fields)
    if programme.source_file != source_file:
        programme.source_file = source_file

    phases = {p.name: p for p in programme.phases}
    for phase_def in definition.phases:
        phase = phases.pop(phase_def.name, None)
        if phase is None:
            phase = Phase(name=phase_def.name)
            programme.phases.append(phase)
        _assign(phase, phase_def.model_dump())
    for stale in phases.values():
        programme.phases.remove(stale)

    results = {r.code: r for r in programme.results}
    indicators = {i.code: i for i in programme.indicators}
    order = 0
    for r_order, result_def in enumerate(definition.results):
        result = results.get(result_def.code)
        if result is None:
            result = Result(code=result_def.code)
            programme.results.append(result)
        _assign(result, dict(level=result_def.level, category=result_def.category,
                             statement=result_def.statement, sort_order=r_order))
        for indicator_def in result_def.indicators:
            order += 1
            indicator = indicators.pop(indicator_def.code, None)
            if indicator is None:
                indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_def.code))
                if indicator is not None and indicator.programme_id != programme.id:
                    raise DefinitionError(f"indicator code {indicator_def.code} already belongs to another programme")
            if indicator is None:
                indicator = Indicator(code=indicator_def.code)
                programme.indicators.append(indicator)
            _assign(indicator, dict(
                result=result, name=indicator_def.name, definition=indicator_def.definition,
                unit=indicator_def.unit, category=result_def.category, source_kind=indicator_def.source.kind,
                source_filter=indicator_def.source.filter,
                measure=indicator_def.measure.model_dump(exclude_defaults=True, exclude_none=True) | {
                    "type": indicator_def.measure.type},
                date_field=indicator_def.date_field, disaggregations=indicator_def.disaggregations,
                baseline=indicator_def.baseline, standard_indicator=indicator_def.standard_indicator,
                data_source=indicator_def.data_source, sort_order=order,
            ))
            _sync_targets(indicator, indicator_def.targets)
    # Indicators dropped from the file are removed with their targets; activity records stay.
    for stale in indicators.values():
        session.delete(stale)
    return programme


def _sync_targets(indicator: Indicator, wanted: dict[str, float]) -> None:
    existing = {t.period: t for t in indicator.targets}
    for period, value in wanted.items():
        target = existing.pop(period, None)
        if target is None:
            indicator.targets.append(Target(period=period, value=float(value)))
        elif target.value != float(value):
            target.value = float(value)
    for stale in existing.values():
        indicator.targets.remove(stale)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    """Set only what differs, so an unchanged file leaves rows untouched."""
    for key, value in values.items():
        if getattr(obj, key, None) != value:
            setattr(obj, key, value)
