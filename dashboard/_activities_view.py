"""The Activities page's view: its filters (programme, kind, quarter, district, a search, the voided records),
the sentence counting what the grid shows, and the grid's columns. The callbacks are the page's
(``dashboard.activities``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard import _correction
from dashboard._activities_csv import NUMERIC
from dashboard._components import dropdown, format_number
from dashboard._records import COLUMNS, HEADERS, district_options
from indicators.i18n import N_, _, ngettext
from indicators.store import kinds


class ids:
    url = "activities-url"
    programme = "activities-programme"
    kind = "activities-kind"
    quarter = "activities-quarter"
    district = "activities-district"
    grid = "activities-grid"
    count = "activities-count"
    csv = "activities-csv"
    download = "activities-download"
    filters = "activities-filters"
    state = "activities-state"
    search = "activities-search"
    search_go = "activities-search-go"
    voided = "activities-voided"


def filters_card(visible, chosen, kind, quarters, quarter, prog, district, search, voided) -> dbc.Card:
    """The filters as the URL set them: programme, kind, quarter (once a programme is chosen), district, the
    search and the switch to the voided records."""
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Row(
                    [
                        _filter(
                            _("Programme"),
                            ids.programme,
                            [{"label": c, "value": c} for c in visible],
                            chosen,
                            _("All programmes"),
                        ),
                        _filter(
                            _("Kind"),
                            ids.kind,
                            [{"label": _(s.label), "value": s.key} for s in kinds.listed()],
                            kind,
                            _("All kinds"),
                        ),
                        _filter(
                            _("Quarter"),
                            ids.quarter,
                            quarters,
                            quarter,
                            _("All quarters") if prog else _("Choose a programme first"),
                            disabled=not prog,
                        ),
                        _filter(
                            _("District"),
                            ids.district,
                            [{"label": d, "value": d} for d in district_options()],
                            district,
                            _("All districts"),
                        ),
                    ],
                    className="g-2",
                ),
                _search_row(search, voided),
            ]
        ),
        className="shadow-sm mb-3",
        id=ids.filters,
    )


def _search_row(search: str | None, voided) -> dbc.Row:
    """Find a record by its reference or words of its fields; or list the voided records instead."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Find a record"), html_for=ids.search, className="small text-muted mb-1"),
                    dbc.InputGroup(
                        [
                            dbc.Input(
                                id=ids.search,
                                value=search or "",
                                type="search",
                                debounce=True,
                                placeholder=_(
                                    "Its reference (KEC-TR-021) or words of its fields (Huye, radio)"
                                ),
                            ),
                            dbc.Button(
                                _("Find"), id=ids.search_go, color="secondary", outline=True, n_clicks=0
                            ),
                        ],
                        size="sm",
                    ),
                ],
                xs=12,
                lg=6,
            ),
            dbc.Col(
                dbc.Switch(
                    id=ids.voided, value=bool(voided), label=_("Show voided records"), className="small mb-1"
                ),
                xs=12,
                lg=3,
                className="d-flex align-items-end",
            ),
        ],
        className="g-2 mt-1",
    )


def _filter(label, id, options, value, placeholder, disabled=False):
    return dbc.Col(
        [
            dbc.Label(label, html_for=id, className="small text-muted mb-1"),
            dropdown(
                id=id,
                options=options,
                value=value,
                placeholder=placeholder,
                disabled=disabled,
                clearable=True,
            ),
        ],
        xs=12,
        sm=6,
        lg=3,
    )


def column_defs(voided=False) -> list[dict]:
    defs = []
    shown = list(COLUMNS)  # the CSV keeps "Corrected" last; the grid shows it beside the reference
    shown.insert(shown.index("reference") + 1, shown.pop(shown.index("corrected")))
    for key in shown:
        col = {"field": key, "headerName": N_("Voided") if voided and key == "corrected" else HEADERS[key]}
        if key in NUMERIC:
            col.update(type="numericColumn", filter="agNumberColumnFilter")
        if key == "kind":
            col["pinned"] = "left"
        defs.append(col)
    return defs


def _count_text(shown: int, total: int, filters: dict) -> str:
    voided = filters.get("voided")
    found = " " + _("matching “{search}”").format(search=filters["search"]) if filters.get("search") else ""
    if total > shown:
        return (
            _(
                "Showing {shown} of {total} voided records{found}, the latest quarter and the latest upload "
                "first; narrow the filters to see the rest (the grid sorts what it shows by any column)."
            )
            if voided
            else _(
                "Showing {shown} of {total} records{found}, the latest quarter and the latest upload first; "
                "narrow the filters to see the rest (the grid sorts what it shows by any column)."
            )
        ).format(shown=format_number(shown), total=format_number(total), found=found)
    text = (
        ngettext("{count} voided record{found}.", "{count} voided records{found}.", total)
        if voided
        else ngettext("{count} record{found}.", "{count} records{found}.", total)
    ).format(count=format_number(total), found=found)
    if voided:
        text += " " + _("They count in no figure until restored: select one and restore it, with a reason.")
    return text


def empty_text(filters: dict) -> str:
    if filters.get("voided"):
        return _("No voided record matches these filters.")
    return (
        _("No record matches these filters and this search.")
        if filters.get("search")
        else _("No record matches these filters.")
    )


def toolbar(shown: int, total: int, filters: dict) -> html.Div:
    """What the grid shows, in words, and the button that opens the selected record (to correct, or to restore)."""
    voided = filters.get("voided")
    return html.Div(
        [
            html.P(
                _count_text(shown, total, filters), id=ids.count, className="small text-muted mb-0 me-auto"
            ),
            dbc.Button(
                _("Restore the selected record") if voided else _("Correct the selected record"),
                id=_correction.ids.open,
                color="secondary",
                outline=True,
                size="sm",
                disabled=True,
                title=_("Select a row (its box, or Space on the keyboard), then open it to restore it")
                if voided
                else _(
                    "Select a row (its box, or Space on the keyboard), then open it to correct or void it"
                ),
            ),
        ],
        className="d-flex align-items-center mb-2",
    )
