"""Programme definition files (``programmes/*.yaml``): validation and idempotent loading into the store.

A file describes one programme: its phases, logframe results, indicators, baselines and targets. Loading
upserts by code, so running it twice changes nothing and an edited target is updated in place; activity
records are never touched. A malformed file is refused with the file, the key and the problem.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators import periods, vocabulary
from indicators.figures.measures import MEASURES
from indicators.programmes import history
from indicators.programmes.publishing import IatiDef
from indicators.programmes.reference_sheet import ReferenceSheetDef
from indicators.store import kinds
from indicators.store.models import Indicator, Phase, Programme, Result, Target


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
    def _complete(self) -> MeasureDef:
        MEASURES[self.type].check(self.model_dump())
        return self


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
    """``results[2].indicators[0].targets.FY2019`` written with indicator codes where they help."""
    parts, node = [], raw
    for step in loc:
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


def load_directory(
    session: Session,
    directory: Path,
    formats=None,
    user: str = "programme file",
    from_file: bool = False,
    differences: list[str] | None = None,
) -> list[str]:
    """Validate every ``*.yaml`` in the folder first (``report_format`` against ``formats``, when given), then
    upsert them all; returns the programme codes. Changes to existing indicators' targets and definitions go
    into their change log as ``user``'s; values edited in the browser are kept (and listed in
    ``differences``) unless ``from_file``."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        raise DefinitionError(f"{directory}: no programme definition files (*.yaml)")
    definitions = [(path, read_file(path, formats)) for path in files]
    codes = [d.code for _, d in definitions]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{directory}: the same programme code appears in two files")
    return [
        upsert(
            session,
            definition,
            source_file=path.name,
            user=user,
            from_file=from_file,
            differences=differences,
        ).code
        for path, definition in definitions
    ]


def upsert(
    session: Session,
    definition: ProgrammeDef,
    source_file: str | None = None,
    user: str = "programme file",
    from_file: bool = False,
    differences: list[str] | None = None,
) -> Programme:
    """Load one definition. A value edited in the browser since (the latest change of it in the indicator's
    change log is a browser edit, and the store still holds it) is kept and reported in ``differences``
    unless ``from_file``, which takes every value from the file."""
    differences = [] if differences is None else differences
    with session.no_autoflush:
        programme = _upsert(session, definition, source_file, user, from_file, differences)
    session.flush()
    return programme


def _upsert(
    session: Session,
    definition: ProgrammeDef,
    source_file: str | None,
    user: str,
    from_file: bool,
    differences: list[str],
) -> Programme:
    programme = session.scalar(select(Programme).where(Programme.code == definition.code))
    if programme is None:
        programme = Programme(code=definition.code)
        session.add(programme)
    fields = definition.model_dump(exclude={"phases", "results", "iati"}) | {
        "iati": definition.iati.model_dump(mode="json", exclude_none=True)
    }
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
        _assign(
            result,
            dict(
                level=result_def.level,
                category=result_def.category,
                statement=result_def.statement,
                description=result_def.description,
                sort_order=r_order,
            ),
        )
        for indicator_def in result_def.indicators:
            order += 1
            indicator = indicators.pop(indicator_def.code, None)
            if indicator is None:
                indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_def.code))
                if indicator is not None and indicator.programme_id != programme.id:
                    raise DefinitionError(
                        f"indicator code {indicator_def.code} already belongs to another programme"
                    )
            if indicator is None:
                indicator = Indicator(code=indicator_def.code)
                programme.indicators.append(indicator)
            else:
                indicator_def = _keep_browser_edits(session, indicator, indicator_def, from_file, differences)
                _log_changes(session, indicator, indicator_def, user)
            _assign(
                indicator,
                dict(
                    result=result,
                    name=indicator_def.name,
                    definition=indicator_def.definition,
                    unit=indicator_def.unit,
                    category=result_def.category,
                    source_kind=indicator_def.source.kind,
                    source_filter=indicator_def.source.filter,
                    measure=indicator_def.measure.model_dump(exclude_defaults=True, exclude_none=True)
                    | {"type": indicator_def.measure.type},
                    date_field=indicator_def.date_field,
                    disaggregations=indicator_def.disaggregations,
                    baseline=indicator_def.baseline,
                    standard_indicator=indicator_def.standard_indicator,
                    data_source=indicator_def.data_source,
                    sort_order=order,
                    reference_sheet=indicator_def.reference_sheet.model_dump(mode="json", exclude_none=True),
                ),
            )
            _sync_targets(indicator, indicator_def.targets)
            history.restore(session, indicator, [c.model_dump() for c in indicator_def.change_log])
    # Indicators dropped from the file are removed with their targets; activity records stay.
    for stale in indicators.values():
        session.delete(stale)
    return programme


LOGGED_FIELDS = ("name", "definition", "baseline", "standard_indicator", "data_source")


def _keep_browser_edits(
    session: Session, indicator: Indicator, definition: IndicatorDef, from_file: bool, differences: list[str]
) -> IndicatorDef:
    """The file's definition of an indicator, but with the values edited in the browser (and still in the
    store) where the file differs from them, each difference written down; all of the file's with
    ``from_file``."""
    edited = history.browser_edits(session, indicator)
    if not edited:
        return definition
    targets = dict(definition.targets)
    plain_fields: dict = {}
    sheet = definition.reference_sheet.model_dump(mode="json", exclude_none=True)
    stored_sheet = dict(indicator.reference_sheet or {})
    for (field, period), change in edited.items():
        if field == "target":
            ours, theirs = (
                history.text(indicator.target_for(period)),
                history.text(definition.targets.get(period)),
            )
        elif field.startswith("reference_sheet."):
            path = field.split(".")[1:]
            ours = history.text(_dig(stored_sheet, path))
            theirs = history.text(_dig(sheet, path))
        else:
            ours, theirs = (
                history.text(getattr(indicator, field)),
                history.text(getattr(definition, field, None)),
            )
        if ours == theirs:
            continue
        what = history.what(change)
        verdict = (
            "took the file's (--from-file)"
            if from_file
            else "kept the store's; `ctmonitor init --from-file` takes the file's"
        )
        differences.append(
            f"{indicator.code} {what}: the file says {theirs or '–'}, the store {ours or '–'} (edited "
            f"in the browser by {change.changed_by} on {change.changed_at:%Y-%m-%d}, "
            f"{change.reason}): {verdict}"
        )
        if from_file:
            continue
        if field == "target":
            if ours is None:
                targets.pop(period, None)
            else:
                targets[period] = indicator.target_for(period)
        elif field.startswith("reference_sheet."):
            _place(sheet, field.split(".")[1:], _dig(stored_sheet, field.split(".")[1:]))
        else:
            plain_fields[field] = getattr(indicator, field)
    return definition.model_copy(
        update={
            **plain_fields,
            "targets": targets,
            "reference_sheet": ReferenceSheetDef.model_validate(sheet),
        }
    )


def _dig(tree: dict, path: list[str]):
    for key in path:
        tree = (tree or {}).get(key) if isinstance(tree, dict) else None
    return tree


def _place(tree: dict, path: list[str], value) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    if value is None:
        tree.pop(path[-1], None)
    else:
        tree[path[-1]] = value


def _log_changes(session: Session, indicator: Indicator, definition: IndicatorDef, user: str) -> None:
    """What a programme file changes in an indicator already stored, into its change log."""
    for field in LOGGED_FIELDS:
        history.record(
            session,
            indicator,
            field,
            getattr(indicator, field),
            getattr(definition, field),
            by=user,
            reason=history.FROM_FILE,
        )
    stored = {t.period: t.value for t in indicator.targets}
    for period in sorted(set(stored) | set(definition.targets), key=lambda p: (p == "LOP", p)):
        history.record(
            session,
            indicator,
            "target",
            stored.get(period),
            definition.targets.get(period),
            by=user,
            reason=history.FROM_FILE,
            period=period,
        )
    before = dict(indicator.reference_sheet or {})
    after = definition.reference_sheet.model_dump(mode="json", exclude_none=True)
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            for sub in sorted(set(old or {}) | set(new or {})):
                history.record(
                    session,
                    indicator,
                    f"reference_sheet.{key}.{sub}",
                    (old or {}).get(sub),
                    (new or {}).get(sub),
                    by=user,
                    reason=history.FROM_FILE,
                )
        else:
            history.record(
                session, indicator, f"reference_sheet.{key}", old, new, by=user, reason=history.FROM_FILE
            )


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


def from_store(programme: Programme) -> ProgrammeDef:
    """The programme as a definition, as the store holds it now (browser edits included, and each indicator's
    change log): what ``ctmonitor programmes export`` writes, and what ``init`` on a fresh store loads back to
    the same logframe and history."""
    results = []
    for result in sorted(programme.results, key=lambda r: r.sort_order):
        indicators = []
        for indicator in sorted(result.indicators, key=lambda i: i.sort_order):
            measure = dict(indicator.measure or {})
            indicators.append(
                IndicatorDef(
                    code=indicator.code,
                    name=indicator.name,
                    definition=indicator.definition,
                    unit=indicator.unit,
                    source=SourceDef(kind=indicator.source_kind, filter=dict(indicator.source_filter or {})),
                    measure=MeasureDef.model_validate(measure),
                    date_field=indicator.date_field,
                    disaggregations=list(indicator.disaggregations or []),
                    baseline=indicator.baseline,
                    standard_indicator=indicator.standard_indicator,
                    data_source=indicator.data_source,
                    targets={
                        t.period: t.value
                        for t in sorted(indicator.targets, key=lambda t: (t.period == "LOP", t.period))
                    },
                    reference_sheet=ReferenceSheetDef.model_validate(indicator.reference_sheet or {}),
                    change_log=[ChangeDef.model_validate(entry) for entry in history.entries(indicator)],
                )
            )
        results.append(
            ResultDef(
                code=result.code,
                level=result.level,
                category=result.category,
                statement=result.statement,
                description=result.description,
                indicators=indicators,
            )
        )
    phases = [
        PhaseDef(
            name=p.name,
            start_date=p.start_date,
            end_date=p.end_date,
            budget=p.budget,
            pledged=p.pledged,
            pledged_by=p.pledged_by,
        )
        for p in sorted(programme.phases, key=lambda p: p.start_date)
    ]
    return ProgrammeDef(
        code=programme.code,
        title=programme.title,
        short_title=programme.short_title,
        donor=programme.donor,
        award_number=programme.award_number,
        partners=list(programme.partners or []),
        government_lead=programme.government_lead,
        start_date=programme.start_date,
        end_date=programme.end_date,
        calendar=programme.calendar,
        currency=programme.currency,
        description=programme.description,
        report_format=programme.report_format,
        organisation_types=dict(programme.organisation_types or {}),
        victims_default=bool(programme.victims_default),
        iati=IatiDef.model_validate(programme.iati or {}),
        phases=phases,
        results=results,
    )


def to_yaml(definition: ProgrammeDef, note: str | None = None) -> str:
    """A definition as a programme file (``read_file`` reads it back to the same definition)."""
    data = definition.model_dump(mode="json", exclude_none=True)
    for result in data["results"]:
        for indicator in result.get("indicators", []):
            for key in ("disaggregations", "targets", "change_log"):
                if not indicator.get(key):
                    indicator.pop(key, None)
            if not indicator["source"].get("filter"):
                indicator["source"].pop("filter", None)
            if not indicator["reference_sheet"].get("data_quality"):
                indicator["reference_sheet"].pop("data_quality", None)
            if not indicator["reference_sheet"]:
                indicator.pop("reference_sheet")
        if not result.get("indicators"):
            result.pop("indicators", None)
    iati = data.get("iati") or {}
    for key in ("identifiers", "sectors", "translations"):
        if not iati.get(key):
            iati.pop(key, None)
    if not iati.get("humanitarian"):
        iati.pop("humanitarian", None)
    for key in ("partners", "phases", "organisation_types", "iati"):
        if not data.get(key):
            data.pop(key, None)
    header = "".join(f"# {line}\n" for line in (note or "").splitlines())
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
