"""The Activities page's correction panel: one record opened from the grid (``?record=trainings:12``), its values
in a form, a reason and a comment, and two actions that name the record: save the correction, or void the
record. The rules are the importer's (``importers.corrections``); this module only draws the form and passes
it on; the callbacks are the Activities page's (``dashboard.activities``).

A refused correction marks each field with the importer's message under it and keeps what was typed (the
callback never redraws the form); a saved one draws the page again from its URL, with a banner saying what
changed, the record's provenance (the upload it came from) and every correction made to it since.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard._components import format_datetime
from dashboard._editor import dom_id
from indicators.i18n import _

FIELD = "activities-correction-field"  # pattern: {"type": FIELD, "field": "female"}
FEEDBACK = "activities-correction-feedback"  # pattern: {"type": FEEDBACK, "field": "female"}


class ids:
    open = "activities-correct"
    panel = "activities-correction-panel"
    reason = "activities-correction-reason"
    comment = "activities-correction-comment"
    save = "activities-correction-save"
    void = "activities-correction-void"
    result = "activities-correction-result"
    record = "activities-correction-record"  # Store: {"key": "trainings:12", "programme": "KEC"}
    saved = "activities-correction-saved"


def parse_key(key) -> tuple[str, int] | None:
    """``trainings:12`` -> ("trainings", 12); None for anything else."""
    try:
        kind, number = str(key).split(":", 1)
        return kind, int(number)
    except (TypeError, ValueError):
        return None


def title(spec, record) -> str:
    """How actions name the record: ``Training #12 · Huye · 02/07/2019``."""
    from importers.rules import shown

    line = spec.line(record)
    parts = [f"{spec.label} #{record.id}", line.district, shown(line.date)]
    return " · ".join(p for p in parts if p)


def panel(session, key, codes: list[str]):
    """The correction form of one record (None when the key names no record the user may correct)."""
    from importers import corrections
    from indicators import kinds, records
    from indicators.models import Programme, Upload

    parsed = parse_key(key)
    if parsed is None:
        return None
    kind, record_id = parsed
    try:
        columns = corrections.editable(kind)
        record = corrections.load(session, kind, record_id)
    except corrections.NotCorrectable as exc:
        return dbc.Alert(f"This record cannot be corrected: {exc}.", color="warning", id=ids.panel)
    programme = session.get(Programme, record.programme_id).code
    if programme not in codes:
        return None
    spec = kinds.kind(kind)
    values = corrections.form_values(record, kind)
    upload = session.get(Upload, record.upload_id) if record.upload_id else None
    name = title(spec, record)
    fields = [dbc.Col(_field(column, values.get(column.field)), xs=12, sm=6, lg=3) for column in columns]
    return dbc.Card([
        dbc.CardHeader(html.H2(f"Correct {programme} · {name}", className="h6 mb-0")),
        dbc.CardBody([
            html.P(_provenance(record, upload), className="small text-muted", id="activities-correction-provenance"),
            html.P(_("Change a value, or void the record, and say why: the same checks as an upload apply, and the "
                   "change is kept with the record, who made it and when. A later upload of the same workbook "
                   "will not undo it without asking."), className="small"),
            dbc.Row(fields, className="g-2"),
            dbc.Row([
                dbc.Col([dbc.Label(_("Reason"), html_for=ids.reason, className="small mb-1"),
                         dbc.Select(id=ids.reason, options=[{"label": r, "value": r} for r in corrections.REASONS],
                                    placeholder=_("Choose a reason")),
                         dbc.FormFeedback(_("Choose a reason."), type="invalid")], md=4),
                dbc.Col([dbc.Label(_("Comment"), html_for=ids.comment, className="small mb-1"),
                         dbc.Input(id=ids.comment, placeholder=_("What was wrong, and the source of the right value")),
                         dbc.FormFeedback(_("Say what was wrong: the comment is kept with the correction."),
                                          type="invalid")], md=8),
            ], className="g-2 mt-1"),
            html.Div([
                dbc.Button(f"Save correction for {name}", id=ids.save, color="primary", className="me-2"),
                dbc.Button(f"Void {name}", id=ids.void, color="danger", outline=True),
            ], className="mt-3"),
            dcc.Loading(html.Div(id=ids.result, className="mt-2", role="status"), type="dot"),
            _history(records.corrections_of(session, kind, record.id), {c.field: c.label for c in columns}),
        ]),
        dcc.Store(id=ids.record, data={"key": f"{kind}:{record.id}", "programme": programme}),
    ], className="shadow-sm mb-3", id=ids.panel)


def _field(column, value):
    from importers import values as t

    control_id = {"type": FIELD, "field": column.field}
    if isinstance(column.type, t.Choice) and not isinstance(column.type, t.Choices):
        choices = list(column.type.choices)
        if value and value not in choices:
            choices.insert(0, value)
        control = dbc.Select(id=control_id, value=value or "", options=[{"label": "(blank)", "value": ""}] * (
            not column.required) + [{"label": c, "value": c} for c in choices])
    else:
        placeholder = "dd/mm/yyyy" if isinstance(column.type, t.Date) else None
        control = dbc.Input(id=control_id, value=value or "", type="text", placeholder=placeholder,
                            inputmode="numeric" if isinstance(column.type, t.Integer) else None)
    return html.Div([
        dbc.Label(column.label, html_for=dom_id(control_id), className="small mb-1"),
        control,
        dbc.FormFeedback(id={"type": FEEDBACK, "field": column.field}, type="invalid"),
    ], className="mb-1")



def _provenance(record, upload) -> str:
    where = f"sheet {record.source_sheet}, row {record.source_row}" if record.source_sheet else "no sheet"
    if upload is None:
        return f"Stored from {where} (the upload is no longer on record)."
    return (f"From {upload.filename}, {where}, uploaded by {upload.uploaded_by} on "
            f"{format_datetime(upload.uploaded_at)} UTC.")


def _history(entries, labels: dict[str, str]) -> html.Div | None:
    if not entries:
        return None
    items = []
    for entry in reversed(entries):
        change = (f"voided ({entry.old_value})" if entry.field == "void"
                  else f"{labels.get(entry.field, entry.field)}: {entry.old_value or 'blank'} → "
                       f"{entry.new_value or 'blank'}")
        later = (f" — the file's value was chosen on a later upload by {entry.superseded_by}"
                 if entry.superseded_at else "")
        items.append(html.Li(f"{format_datetime(entry.corrected_at)} · {entry.corrected_by} · {change} · "
                             f"{entry.reason}: {entry.comment or ''}{later}"))
    return html.Div([html.H3(_("Corrections"), className="h6 mt-3"), html.Ul(items, className="small mb-0")],
                    id="activities-correction-history")


def saved_banner(session, event_id) -> dbc.Alert | None:
    """After a correction: what it changed, from its audit entry (``?saved=<event id>``)."""
    from indicators.models import AuditEvent

    try:
        event = session.get(AuditEvent, int(event_id))
    except (TypeError, ValueError):
        return None
    if event is None or event.action != "record-corrected":
        return None
    detail = event.detail or {}
    if "voided" in detail:
        what = [html.Li(f"{event.target} voided: it no longer counts in any figure.")]
    else:
        what = [html.Li(f"{label}: {old or 'blank'} → {new or 'blank'}")
                for label, (old, new) in (detail.get("changes") or {}).items()]
    return dbc.Alert([
        html.Strong(f"Corrected by {event.username} ({detail.get('quarter')}): {detail.get('reason')} — "
                    f"{detail.get('comment')}"),
        html.Ul(what, className="mb-0 small"),
    ], color="success", dismissable=True, className="py-2", id=ids.saved)
