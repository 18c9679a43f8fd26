"""The sheet kinds, one ``KindSpec`` each (written beside their models in ``indicators.store.models.activity``).

Everything that depends on what kinds there are reads them here: the importer's layouts, the measures, the
per-quarter sums, templates, the report and the pages. A new kind is its model and spec, its migration and
its importer layout.
"""

from __future__ import annotations

from indicators.store.models.activity import KINDS
from indicators.store.models.kind import KindSpec, Line, Stages, Summary

__all__ = [
    "KEYS",
    "KINDS",
    "KindSpec",
    "Line",
    "Stages",
    "Summary",
    "by_table",
    "in_report",
    "kind",
    "listed",
]

KEYS: tuple[str, ...] = tuple(spec.key for spec in KINDS)
_BY_KEY = {spec.key: spec for spec in KINDS}
_BY_TABLE = {spec.model.__tablename__: spec for spec in KINDS}


def kind(key: str) -> KindSpec:
    """The spec of a kind; ``KeyError`` naming the known kinds for anything else."""
    try:
        return _BY_KEY[key]
    except (KeyError, TypeError):
        raise KeyError(f"unknown sheet kind {key!r}; one of {', '.join(KEYS)}") from None


def known(key: object) -> bool:
    return key in _BY_KEY


def by_table(name: str) -> KindSpec | None:
    return _BY_TABLE.get(name)


def listed() -> tuple[KindSpec, ...]:
    """The kinds the Activities page lists, in its order (never cases: people are shown as aggregates)."""
    ordered = sorted((order, n) for n, spec in enumerate(KINDS) if (order := spec.list_order) is not None)
    return tuple(KINDS[n] for _, n in ordered)


def in_report() -> tuple[KindSpec, ...]:
    """The kinds the report's Activities annex lists, in its order."""
    return tuple(s for s in listed() if s.report_label is not None)
