"""Loading programme definitions (``programmes/*.yaml``, read by ``indicators.programmes.definition_models``)
into the store, idempotently, and writing the store's back as a file.

Loading upserts by code, so running it twice changes nothing and an edited target is updated in place;
activity records are never touched. A value edited in the browser since is kept unless the file is to win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.figures.measures import parse_definition
from indicators.programmes import history
from indicators.programmes.definition_models import (
    ChangeDef,
    DefinitionError,
    IndicatorDef,
    MeasureDef,
    PhaseDef,
    ProgrammeDef,
    ResultDef,
    SourceDef,
    read_file,
)
from indicators.programmes.publishing import IatiDef
from indicators.programmes.reference_sheet import ReferenceSheetDef
from indicators.store.models import Indicator, Phase, Programme, Result, Target

# the models and the reader are importable from here too, where loading's callers look for them
__all__ = [
    "ChangeDef",
    "DefinitionError",
    "IatiDef",
    "IndicatorDef",
    "MeasureDef",
    "PhaseDef",
    "ProgrammeDef",
    "ResultDef",
    "SourceDef",
    "from_store",
    "load_directory",
    "read_file",
    "to_yaml",
    "upsert",
]


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
    _sync_phases(programme, definition.phases)
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
            {
                "level": result_def.level,
                "category": result_def.category,
                "statement": result_def.statement,
                "description": result_def.description,
                "sort_order": r_order,
            },
        )
        for indicator_def in result_def.indicators:
            order += 1
            loaded = _Loaded(session, programme, result, result_def, user, from_file, differences)
            loaded.indicator(indicators.pop(indicator_def.code, None), indicator_def, order)
    # Indicators dropped from the file are removed with their targets; activity records stay.
    for stale in indicators.values():
        session.delete(stale)
    return programme


def _sync_phases(programme: Programme, wanted: list[PhaseDef]) -> None:
    phases = {p.name: p for p in programme.phases}
    for phase_def in wanted:
        phase = phases.pop(phase_def.name, None)
        if phase is None:
            phase = Phase(name=phase_def.name)
            programme.phases.append(phase)
        _assign(phase, phase_def.model_dump())
    for stale in phases.values():
        programme.phases.remove(stale)


class _Loaded:
    """One result's indicators being loaded into a programme."""

    def __init__(
        self,
        session: Session,
        programme: Programme,
        result: Result,
        result_def: ResultDef,
        user: str,
        from_file: bool,
        differences: list[str],
    ):
        self.session, self.programme, self.result, self.result_def = session, programme, result, result_def
        self.user, self.from_file, self.differences = user, from_file, differences

    def indicator(self, indicator: Indicator | None, indicator_def: IndicatorDef, order: int) -> None:
        """Create or update one indicator (its stored row, when it has one, is ``indicator``)."""
        session = self.session
        if indicator is None:
            indicator = session.scalar(select(Indicator).where(Indicator.code == indicator_def.code))
            if indicator is not None and indicator.programme_id != self.programme.id:
                raise DefinitionError(
                    f"indicator code {indicator_def.code} already belongs to another programme"
                )
        if indicator is None:
            indicator = Indicator(code=indicator_def.code)
            self.programme.indicators.append(indicator)
        else:
            indicator_def = _keep_browser_edits(
                session, indicator, indicator_def, self.from_file, self.differences
            )
            _log_changes(session, indicator, indicator_def, self.user)
        _assign(
            indicator,
            {
                "result": self.result,
                "name": indicator_def.name,
                "definition": indicator_def.definition,
                "unit": indicator_def.unit,
                "category": self.result_def.category,
                "source_kind": indicator_def.source.kind,
                "source_filter": indicator_def.source.filter,
                "measure": indicator_def.measure.model_dump(exclude_defaults=True, exclude_none=True)
                | {"type": indicator_def.measure.type},
                "date_field": indicator_def.date_field,
                "disaggregations": indicator_def.disaggregations,
                "baseline": indicator_def.baseline,
                "standard_indicator": indicator_def.standard_indicator,
                "data_source": indicator_def.data_source,
                "sort_order": order,
                "reference_sheet": indicator_def.reference_sheet.model_dump(mode="json", exclude_none=True),
            },
        )
        _sync_targets(indicator, indicator_def.targets)
        history.restore(session, indicator, [c.model_dump() for c in indicator_def.change_log])


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
        when = period or ""  # a target's period (a target change always has one)
        if field == "target":
            ours, theirs = (
                history.text(indicator.target_for(when)),
                history.text(definition.targets.get(when)),
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
            stored = indicator.target_for(when)
            if stored is None:
                targets.pop(when, None)
            else:
                targets[when] = stored
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


def _dig(tree: Any, path: list[str]) -> Any:
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
            measure = parse_definition(dict(indicator.measure or {}))
            indicators.append(
                IndicatorDef(
                    code=indicator.code,
                    name=indicator.name,
                    definition=indicator.definition,
                    unit=indicator.unit,
                    source=SourceDef(kind=indicator.source_kind, filter=dict(indicator.source_filter or {})),
                    measure=measure,
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
        calendar=_calendar(programme),
        currency=programme.currency,
        description=programme.description,
        report_format=programme.report_format,
        organisation_types=dict(programme.organisation_types or {}),
        victims_default=bool(programme.victims_default),
        iati=IatiDef.model_validate(programme.iati or {}),
        phases=phases,
        results=results,
    )


def _calendar(programme: Programme) -> Literal["fiscal", "calendar"]:
    if programme.calendar == "fiscal":
        return "fiscal"
    if programme.calendar == "calendar":
        return "calendar"
    raise DefinitionError(f"{programme.code}: the store holds an unknown calendar {programme.calendar!r}")


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
