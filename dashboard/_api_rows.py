"""The JSON API's values from the store's rows: an indicator's definition with its targets, a record's field and a
CSV cell, each as JSON wants it (dates ISO 8601, times with their offset, numbers as numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dashboard._api_models import IndicatorDefinition, Target


def indicator_definition(ind) -> IndicatorDefinition:
    return IndicatorDefinition(
        code=ind.code,
        name=ind.name,
        definition=ind.definition,
        unit=ind.unit,
        category=ind.category,
        standard_indicator=ind.standard_indicator,
        baseline=ind.baseline,
        source=ind.source_kind,
        measure=(ind.measure or {}).get("type", ""),
        disaggregations=list(ind.disaggregations or []),
        targets=[
            Target(period=t.period, value=t.value)
            for t in sorted(ind.targets, key=lambda t: (t.period == "LOP", t.period))
        ],
    )


def json_value(key: str, value):
    """A record's field as JSON wants it: dates ISO 8601, the upload's time with its offset (stored in UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if key == "uploaded_at" and isinstance(value, str) and value:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.isoformat() if isinstance(value, date) else value


def json_number(text: str) -> int | float | None:
    """A CSV cell as a JSON number: ``81.3`` and ``1120`` as they are, empty or a withheld label as null."""
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else value
