"""The Indicator page's records: the rows an indicator counts, each with its upload, sheet and row, in a grid;
case records shown as what was counted, never who."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard._components import category_name, data_grid, href
from dashboard._results_form import upload_name
from indicators.i18n import N_, _, ngettext
from indicators.store import kinds

RECORD_LIMIT = 500


def _people(kind: str) -> bool:
    """A kind of one row per person (cases): its records are never shown row by row to a donor."""
    return kinds.known(kind) and kinds.kind(kind).sensitive


class ids:
    records = "indicator-records"
    records_scope = "indicator-records-scope"
    records_note = "indicator-records-note"


def records_card(records, info, quarter, programme_code: str) -> dbc.Card:
    """The records an indicator counts, each with its upload, sheet and row (``None``: withheld)."""
    if records is None:
        if _people(info.source_kind):
            text: list[str | Component] = [
                _(
                    "Case records are one row per person: they are shown to IOM staff only. The figures above "
                    "show them as totals."
                )
            ]
        else:
            text = [
                _("The quarter's activities behind these figures are listed in the"),
                " ",
                dcc.Link(
                    _("{programme} · {quarter} report").format(
                        programme=programme_code, quarter=quarter.label(short=True)
                    ),
                    href=href("/reports", programme=programme_code, period=quarter.code),
                ),
                " ",
                _("(its Activities sheet)."),
            ]
        return dbc.Card(
            [
                dbc.CardHeader(html.H2(_("Records that feed this indicator"), className="h6 mb-0")),
                dbc.CardBody(
                    html.P(text, className="small text-muted mb-0", id="indicator-records-withheld")
                ),
            ],
            className="shadow-sm mb-4",
        )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.Div(
                    [
                        html.H2(_("Records that feed this indicator"), className="h6 mb-0"),
                        dbc.RadioItems(
                            id=ids.records_scope,
                            options=[
                                {"label": quarter.label(short=True), "value": "quarter"},
                                {"label": _("All quarters"), "value": "all"},
                            ],
                            value="quarter",
                            inline=True,
                            className="small",
                        ),
                    ],
                    className="d-flex flex-wrap justify-content-between align-items-center gap-2",
                )
            ),
            dbc.CardBody(
                [
                    html.P(records_note(records), id=ids.records_note, className="small text-muted"),
                    records_grid(records, info.source_kind),
                ]
            ),
        ],
        className="shadow-sm mb-4",
    )


# Record columns worth showing, in order; the rest (ids, hashes, timestamps) stay out of the grid.
RECORD_FIRST = ("reference", "counted_in")
RECORD_LAST = (
    "value",
    "numerator",
    "denominator",
    "upload_filename",
    "uploaded_at",
    "uploaded_by",
    "source_sheet",
    "source_row",
)
RECORD_HIDDEN = {
    "id",
    "programme_id",
    "upload_id",
    "created_at",
    "updated_at",
    "row_hash",
    "quarter",
    "indicator_id",
}
# Cases are people: the indicator page shows what was counted, never who (no code, age, origin or dates).
CASE_SHOWN = (
    "counted_in",
    "sex",
    "age_group",
    "status",
    "value",
    "upload_filename",
    "uploaded_at",
    "source_sheet",
    "source_row",
)


def records(session, ind, quarter_code: str | None) -> list[dict]:
    from indicators.figures.queries import feeding_records

    rows = feeding_records(session, ind.code, quarter=quarter_code, limit=RECORD_LIMIT + 1)
    if not rows:
        return []
    if _people(ind.source_kind):
        keys = [k for k in CASE_SHOWN if k in rows[0]]
    else:
        middle = [
            k for k in rows[0] if k not in RECORD_HIDDEN and k not in RECORD_FIRST and k not in RECORD_LAST
        ]
        keys = [k for k in RECORD_FIRST if k in rows[0]] + middle + [k for k in RECORD_LAST if k in rows[0]]
    return [{k: _shown(k, row.get(k)) for k in keys} for row in rows]


def _shown(column: str, value):
    """A record's value as the grid shows it: a vocabulary word and the name of a figure entered in the
    browser in the reader's language, the rest as stored."""
    if column in CATEGORY_COLUMNS and isinstance(value, str):
        return category_name(value)
    if column == "upload_filename" and isinstance(value, str):
        return upload_name(value)
    return _plain(value)


def _plain(value):
    if hasattr(value, "hour"):
        return value.isoformat(sep=" ", timespec="minutes")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return value


def records_note(records: list[dict]) -> str:
    if len(records) > RECORD_LIMIT:
        return _("The first {limit} records; the Activities page lists them all.").format(limit=RECORD_LIMIT)
    return ngettext(
        "{count} record; each with the upload, sheet and row it came from.",
        "{count} records; each with the upload, sheet and row it came from.",
        len(records),
    ).format(count=len(records))


# A column's heading as it always read in English (its name, capitalised), shown in the reader's language
# (``data_grid`` translates each heading); a column not named here reads as its name.
RECORD_HEADERS = {
    "counted_in": N_("Counted in"),
    "upload_filename": N_("Upload file"),
    "uploaded_at": N_("Uploaded"),
    "uploaded_by": N_("By"),
    "source_sheet": N_("Sheet"),
    "source_row": N_("Row"),
    "value": N_("Counts"),
    "passed_post_test": N_("Passed post-test"),
    "instrument_type": N_("Type"),
    "under_18": N_("Under 18"),
    "reference": N_("Reference"),
    "numerator": N_("Numerator"),
    "denominator": N_("Denominator"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "date": N_("Date"),
    "district": N_("District"),
    "target_group": N_("Target group"),
    "topic": N_("Topic"),
    "female": N_("Female"),
    "male": N_("Male"),
    "partner": N_("Partner"),
    "setting": N_("Setting"),
    "camp": N_("Camp"),
    "activity": N_("Activity"),
    "instrument": N_("Instrument"),
    "stage": N_("Stage"),
    "lead_institution": N_("Lead institution"),
    "body": N_("Body"),
    "participants": N_("Participants"),
    "institutions": N_("Institutions"),
    "decisions": N_("Decisions"),
    "title": N_("Title"),
    "disaggregation": N_("Disaggregation"),
    "category": N_("Category"),
    "comment": N_("Comment"),
    "sex": N_("Sex"),
    "age_group": N_("Age group"),
    "status": N_("Status"),
}
# Columns holding a word of the programme's vocabulary (a sex, a target group, a stage): shown in the reader's
# language where the catalogue knows it.
CATEGORY_COLUMNS = ("sex", "age_group", "status", "target_group", "setting", "instrument_type", "stage")


def records_grid(records: list[dict], kind: str) -> dag.AgGrid:
    keys = list(records[0]) if records else list(RECORD_FIRST + RECORD_LAST)
    columns = [
        {
            "field": k,
            "headerName": RECORD_HEADERS.get(k) or k.replace("_", " ").capitalize(),
            **(
                {"type": "numericColumn"}
                if k in ("value", "numerator", "denominator", "female", "male", "source_row")
                else {}
            ),
        }
        for k in keys
    ]
    return data_grid(
        ids.records,
        records[:RECORD_LIMIT],
        columns,
        flexible=("topic", "activity", "instrument", "title", "comment"),
        page_size=20,
        height=None,
        empty=_("No record counts in this quarter."),
    )


# --- pieces ----------------------------------------------------------------------------------------
