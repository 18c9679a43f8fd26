"""The Direct results page's form and list: a field per column of the results sheet (each with the importer's
message under it when refused), the numerator and denominator shown for a percentage only, and the grid of
every entry. The callbacks are the page's (``dashboard.results``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard._components import data_grid, empty_state
from indicators.i18n import N_, _

FIELDS = ("indicator", "period", "value", "numerator", "denominator", "disaggregation", "comment")
# The upload an entry is stored as is named so (``{ENTRY_FILE}.csv``) in English, whatever the language of the
# one who entered it; pages show the name in the reader's language (``upload_name``).
ENTRY_FILE = N_("entered in the browser")
RECOMPUTED = N_(
    "A percentage may be entered as its numerator and denominator (33 of 40 respondents) instead of a "
    "value: the year to date and the life of project are then recomputed from the summed parts (33 of "
    "40 and 10 of 20 give 43 of 60, 71.7%), never averaged. A percentage entered as a value alone is "
    "taken as entered: a year or the life of project shows its own entry, else, unless every quarter "
    "has its parts, the latest quarter's."
)


class ids:
    programme = "results-programme"
    indicator = "results-indicator"
    period = "results-period"
    value = "results-value"
    numerator = "results-numerator"
    denominator = "results-denominator"
    disaggregation = "results-disaggregation"
    comment = "results-comment"
    enter = "results-enter"
    outcome = "results-outcome"
    entries = "results-entries"
    state = "results-state"
    parts = "results-parts"


def upload_name(filename: str) -> str:
    """An upload's file name as shown: a figure entered on this page reads as such in the reader's language."""
    return f"{_(ENTRY_FILE)}.csv" if filename == f"{ENTRY_FILE}.csv" else filename


def feedback_id(name: str) -> str:
    return f"results-{name}-feedback"


ENTRY_COLUMNS = [
    {"field": "indicator", "headerName": N_("Indicator")},
    {"field": "period", "headerName": N_("Quarter")},
    {"field": "category", "headerName": N_("Disaggregation")},
    {"field": "value", "headerName": N_("Value")},
    {"field": "parts", "headerName": N_("Of")},
    {"field": "comment", "headerName": N_("Comment")},
    {"field": "by", "headerName": N_("Entered by")},
    {"field": "at", "headerName": N_("When (UTC)"), "sort": "desc"},
    {"field": "source", "headerName": N_("From")},
]


def parts_style(code, units: dict) -> dict:
    """Numerator and denominator are for percentages: hidden while a number indicator is chosen."""
    return {} if units.get(code) == "percent" else {"display": "none"}


def enter_label(indicator, period) -> str:
    """The button names what it enters: ``Enter the result for KEC-6.1 · FY2019Q3``."""
    if not indicator:
        return _("Enter the result")
    return (
        _("Enter the result for {indicator} · {period}") if period else _("Enter the result for {indicator}")
    ).format(indicator=indicator, period=period)


def _field(label, id, control, md, help=None):
    return dbc.Col(
        [
            dbc.Label(label, html_for=id, className="small mb-1"),
            control,
            dbc.FormFeedback(id=feedback_id(id.removeprefix("results-")), type="invalid"),
            dbc.FormText(help) if help else None,
        ],
        md=md,
        className="mb-2",
    )


def programme_switch(codes: list[str], chosen: str):
    """A button per programme with directly entered indicators, when there are several."""
    return (
        html.Div(
            [
                dbc.Button(
                    c,
                    href=f"/results?programme={c}",
                    color="primary",
                    outline=c != chosen,
                    size="sm",
                    className="me-1",
                )
                for c in codes
            ],
            className="mb-3",
        )
        if len(codes) > 1
        else None
    )


def figure_row(options: list[dict], indicators: list, quarters: list) -> dbc.Row:
    """The indicator, the quarter and the value."""
    return dbc.Row(
        [
            _field(
                _("Indicator"),
                ids.indicator,
                dbc.Select(id=ids.indicator, options=options, value=indicators[0].code),
                md=6,
            ),
            _field(
                _("Quarter"),
                ids.period,
                dbc.Select(
                    id=ids.period,
                    value=None,
                    placeholder=_("Choose a quarter"),
                    options=[{"label": q.label(), "value": q.code} for q in reversed(quarters)],
                ),
                md=3,
            ),
            _field(
                _("Value"),
                ids.value,
                dbc.Input(
                    id=ids.value,
                    type="text",
                    inputMode="decimal",
                    placeholder=_("a number (percentages 0–100)"),
                ),
                md=3,
            ),
        ],
        className="g-2",
    )


def parts_row(code: str, units: dict) -> dbc.Row:
    """A percentage's numerator and denominator, shown while a percentage indicator is chosen."""
    return dbc.Row(
        [
            _field(
                _("Numerator"),
                ids.numerator,
                dbc.Input(id=ids.numerator, type="text", inputMode="decimal", placeholder=_("e.g. 33")),
                md=3,
                help=_("how many met the criterion"),
            ),
            _field(
                _("Denominator"),
                ids.denominator,
                dbc.Input(id=ids.denominator, type="text", inputMode="decimal", placeholder=_("e.g. 40")),
                md=3,
                help=_("out of how many"),
            ),
            dbc.Col(html.P(_(RECOMPUTED), className="small text-muted mb-2"), md=6),
        ],
        className="g-2",
        id=ids.parts,
        style=parts_style(code, units),
    )


def note_row() -> dbc.Row:
    """The category the figure is for (blank for the total), and where it comes from."""
    return dbc.Row(
        [
            _field(
                _("Disaggregation"),
                ids.disaggregation,
                dbc.Input(id=ids.disaggregation, placeholder=_("blank for the total, or e.g. sex=Female")),
                md=4,
                help=_("blank for the total, or a category of the indicator's disaggregation: sex=Female"),
            ),
            _field(
                _("Comment"),
                ids.comment,
                dbc.Input(id=ids.comment, placeholder=_("where the figure comes from")),
                md=8,
            ),
        ],
        className="g-2",
    )


def entries_card(chosen: str, rows: list[dict]) -> dbc.Card:
    """The results entered for the programme, with who entered each and when."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Results entered for {code}").format(code=chosen), className="h6 mb-0")),
            dbc.CardBody(
                entries_grid(rows) if rows else empty_state(_("No result entered yet.")), id="results-list"
            ),
        ],
        className="shadow-sm mb-4",
    )


def entries_grid(rows: list[dict]):
    """Every result entered, the latest first."""
    return data_grid(
        ids.entries,
        rows,
        ENTRY_COLUMNS,
        flexible=("comment",),
        page_size=20,
        empty=_("No result entered yet."),
        height=None,
    )
