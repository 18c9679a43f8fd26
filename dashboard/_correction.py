"""The Activities page's correction panel: one record opened from the grid (``?record=trainings:12``), its values
in a form, a reason and a comment, and two actions that name the record: save the correction, or void the
record. A voided record (listed with "Show voided", ``?record=void:7``: the void's number) opens in a restore
panel instead: what the void kept, who voided it and why, and a reason and a comment to restore it. The rules
are the importer's (``importers.corrections``, ``importers.restoring``); this module only draws the forms and
passes them on; the callbacks are the Activities page's (``dashboard.activities``).

A refused correction marks each field with the importer's message under it and keeps what was typed (the
callback never redraws the form); a saved one draws the page again from its URL, with a banner saying what
changed, the record's provenance (the upload it came from) and every correction made to it since.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import _drafts
from dashboard._components import current_username, format_datetime, href
from dashboard._editor import dom_id
from indicators.i18n import _

FIELD = "activities-correction-field"  # pattern: {"type": FIELD, "field": "female"}
FEEDBACK = "activities-correction-feedback"  # pattern: {"type": FEEDBACK, "field": "female"}
DRAFT = "activities-correction"  # the form whose draft is kept in the browser (dashboard._drafts)


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
    restore = "activities-restore"
    restore_reason = "activities-restore-reason"
    restore_comment = "activities-restore-comment"
    restore_result = "activities-restore-result"
    voided = "activities-restore-record"  # Store: {"void": 7, "programme": "KEC"}


def parse_key(key) -> tuple[str, int] | None:
    """``trainings:12`` -> ("trainings", 12); None for anything else."""
    try:
        kind, number = str(key).split(":", 1)
        return kind, int(number)
    except (TypeError, ValueError):
        return None


def title(spec, record) -> str:
    """How actions name the record: ``Training KEC-TR-021``, or ``Training of 2 July 2019 in Huye``."""
    from indicators.store.records import name_of

    return name_of(spec, record)


def panel(session, key, codes: list[str]):
    """The correction form of one record (None when the key names no record the user may correct)."""
    from importers import corrections
    from indicators.store import kinds, records
    from indicators.store.models import Programme, Upload

    parsed = parse_key(key)
    if parsed is None:
        return None
    kind, record_id = parsed
    if kind == "void":
        return restore_panel(session, record_id, codes)
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
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(f"Correct {programme} · {name}", className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _provenance(record, upload),
                        className="small text-muted",
                        id="activities-correction-provenance",
                    ),
                    html.P(
                        _(
                            "Change a value, or void the record, and say why: the same checks as an upload apply, and the "
                            "change is kept with the record, who made it and when. A later upload of the same workbook "
                            "will not undo it without asking."
                        ),
                        className="small",
                    ),
                    dbc.Row(fields, className="g-2"),
                    why_row(
                        ids.reason,
                        ids.comment,
                        corrections.REASONS,
                        placeholder=_("What was wrong, and the source of the right value"),
                        missing=_("Say what was wrong: the comment is kept with the correction."),
                        class_name="g-2 mt-1",
                    ),
                    _drafts.parts(
                        DRAFT,
                        user=current_username(),
                        key=f"correction|{kind}:{record.id}",
                        label=f"correction of {name}",
                        href=href("/activities", record=f"{kind}:{record.id}"),
                    ),
                    html.Div(
                        [
                            dbc.Button(
                                f"Save correction for {name}", id=ids.save, color="primary", className="me-2"
                            ),
                            dbc.Button(f"Void {name}", id=ids.void, color="danger", outline=True),
                        ],
                        className="mt-3",
                    ),
                    dcc.Loading(html.Div(id=ids.result, className="mt-2", role="status"), type="dot"),
                    _history(
                        records.corrections_of(session, kind, record.id), {c.field: c.label for c in columns}
                    ),
                ]
            ),
            dcc.Store(id=ids.record, data={"key": f"{kind}:{record.id}", "programme": programme}),
        ],
        className="shadow-sm mb-3",
        id=ids.panel,
    )


def why_row(
    reason_id: str,
    comment_id: str,
    reasons: Iterable[str],
    *,
    placeholder: str,
    missing: str,
    class_name: str,
) -> dbc.Row:
    """The reason (chosen from a list) and the comment that a correction, a void or a restore must give, each
    marked with what is missing when refused."""
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(_("Reason"), html_for=reason_id, className="small mb-1"),
                    dbc.Select(
                        id=reason_id,
                        options=[{"label": r, "value": r} for r in reasons],
                        placeholder=_("Choose a reason"),
                    ),
                    dbc.FormFeedback(_("Choose a reason."), type="invalid"),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(_("Comment"), html_for=comment_id, className="small mb-1"),
                    dbc.Input(id=comment_id, placeholder=placeholder),
                    dbc.FormFeedback(missing, type="invalid"),
                ],
                md=8,
            ),
        ],
        className=class_name,
    )


def _field(column, value):
    from importers import values as t

    control_id = {"type": FIELD, "field": column.field}
    if isinstance(column.type, t.Choice) and not isinstance(column.type, t.Choices):
        choices = list(column.type.choices)
        if value and value not in choices:
            choices.insert(0, value)
        control = dbc.Select(
            id=control_id,
            value=value or "",
            options=[{"label": "(blank)", "value": ""}] * (not column.required)
            + [{"label": c, "value": c} for c in choices],
        )
    else:
        placeholder = "dd/mm/yyyy" if isinstance(column.type, t.Date) else None
        control = dbc.Input(
            id=control_id,
            value=value or "",
            type="text",
            placeholder=placeholder,
            inputmode="numeric" if isinstance(column.type, t.Integer) else None,
        )
    return html.Div(
        [
            dbc.Label(column.label, html_for=dom_id(control_id), className="small mb-1"),
            control,
            dbc.FormFeedback(id={"type": FEEDBACK, "field": column.field}, type="invalid"),
        ],
        className="mb-1",
    )


def _provenance(record, upload) -> str:
    where = f"sheet {record.source_sheet}, row {record.source_row}" if record.source_sheet else "no sheet"
    if upload is None:
        return f"Stored from {where} (the upload is no longer on record)."
    return (
        f"From {upload.filename}, {where}, uploaded by {upload.uploaded_by} on "
        f"{format_datetime(upload.uploaded_at)} UTC."
    )


def _history(entries, labels: dict[str, str]) -> html.Div | None:
    if not entries:
        return None
    items = []
    for entry in reversed(entries):
        change = {"void": f"voided ({entry.old_value})", "restore": "restored"}.get(entry.field) or (
            f"{labels.get(entry.field, entry.field)}: {entry.old_value or 'blank'} → {entry.new_value or 'blank'}"
        )
        later = ""
        if entry.superseded_at and entry.field == "void" and entry.superseded_upload_id is None:
            later = f" — restored by {entry.superseded_by} on {format_datetime(entry.superseded_at)}"
        elif entry.superseded_at:
            later = f" — the file's value was chosen on a later upload by {entry.superseded_by}"
        items.append(
            html.Li(
                f"{format_datetime(entry.corrected_at)} · {entry.corrected_by} · {change} · "
                f"{entry.reason}: {entry.comment or ''}{later}"
            )
        )
    return html.Div(
        [html.H3(_("Corrections"), className="h6 mt-3"), html.Ul(items, className="small mb-0")],
        id="activities-correction-history",
    )


def saved_banner(session, event_id) -> dbc.Alert | None:
    """After a correction: what it changed, from its audit entry (``?saved=<event id>``)."""
    from indicators.store.models import AuditEvent

    try:
        event = session.get(AuditEvent, int(event_id))
    except (TypeError, ValueError):
        return None
    if event is None or event.action not in ("record-corrected", "record-restored"):
        return None
    detail = event.detail or {}
    verb = "Restored" if event.action == "record-restored" else "Corrected"
    if event.action == "record-restored":
        what = [
            html.Li(
                f"{event.target} restored: it counts again in the figures of {detail.get('quarter')} "
                f"(voided by {detail.get('voided_by')}: {detail.get('void_reason')})."
            )
        ]
    elif "voided" in detail:
        what = [
            html.Li(
                f"{event.target} voided: it no longer counts in any figure. “Show voided” lists it, to "
                "restore it."
            )
        ]
    else:
        what = [
            html.Li(f"{label}: {old or 'blank'} → {new or 'blank'}")
            for label, (old, new) in (detail.get("changes") or {}).items()
        ]
    return dbc.Alert(
        [
            html.Strong(
                f"{event.target} · {verb.lower()} by {event.username} ({detail.get('quarter')}): "
                f"{detail.get('reason')} — {detail.get('comment')}"
            ),
            html.Ul(what, className="mb-0 small"),
        ],
        color="success",
        dismissable=True,
        className="py-2",
        id=ids.saved,
    )


def restore_panel(session, void_id, codes: list[str]):
    """A voided record as the void kept it, and the form that restores it (None when the user may not see
    its programme)."""
    from importers import corrections, restoring
    from indicators.store import kinds, records
    from indicators.store.models import Programme, Upload

    try:
        entry = restoring.void_entry(session, void_id)
    except corrections.NotCorrectable as exc:
        return dbc.Alert(f"This record cannot be restored: {exc}.", color="warning", id=ids.panel)
    programme = session.get(Programme, entry.programme_id).code
    if programme not in codes:
        return None
    spec = kinds.kind(entry.kind)
    name = records.correction_name(session, entry)
    labels = {c.field: c.label for c in corrections.editable(entry.kind)}
    kept = [html.Div([html.Dt(labels.get(k, k)), html.Dd(v)]) for k, v in (entry.snapshot or {}).items() if v]
    upload = session.get(Upload, entry.upload_id) if entry.upload_id else None
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(f"Restore {programme} · {name}", className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        [
                            html.Strong(
                                f"Voided by {entry.corrected_by} on {format_datetime(entry.corrected_at)} UTC: "
                            ),
                            f"{entry.reason}" + (f" — {entry.comment}" if entry.comment else ""),
                        ],
                        className="small",
                        id="activities-restore-why",
                    ),
                    html.P(_provenance(entry, upload), className="small text-muted"),
                    html.Dl(kept, className="facts small mb-2", id="activities-restore-values"),
                    html.P(
                        f"Restoring stores this {spec.label.lower()} again as it was, checked as an upload of it would be "
                        "today; it counts again in the figures, and the restore is kept with who, when and why.",
                        className="small",
                    ),
                    why_row(
                        ids.restore_reason,
                        ids.restore_comment,
                        restoring.REASONS,
                        placeholder=_("Why it counts after all, and the source"),
                        missing=_("Say why: the comment is kept with the record."),
                        class_name="g-2",
                    ),
                    dbc.Button(f"Restore {name}", id=ids.restore, color="primary", className="mt-3"),
                    dcc.Loading(html.Div(id=ids.restore_result, className="mt-2", role="status"), type="dot"),
                ]
            ),
            dcc.Store(id=ids.voided, data={"void": entry.id, "programme": programme}),
        ],
        className="shadow-sm mb-3",
        id=ids.panel,
    )
