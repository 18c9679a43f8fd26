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
from indicators.i18n import _, said, translated

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
        return _cannot(_("This record cannot be corrected: {why}."), exc)
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
            dbc.CardHeader(
                html.H2(
                    _("Correct {programme} · {record}").format(programme=programme, record=name),
                    className="h6 mb-0",
                )
            ),
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
                        label=_("correction of {record}").format(record=name),
                        href=href("/activities", record=f"{kind}:{record.id}"),
                    ),
                    _actions(name),
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


def _cannot(sentence: str, exc: Exception) -> dbc.Alert:
    """Why this record opens no form: the sentence, with the importer's reason in it."""
    return dbc.Alert(sentence.format(why=said(exc)), color="warning", id=ids.panel)


def _actions(name: str) -> html.Div:
    """The two buttons of a correction, each naming the record it acts on."""
    return html.Div(
        [
            dbc.Button(
                _("Save correction for {record}").format(record=name),
                id=ids.save,
                color="primary",
                className="me-2",
            ),
            dbc.Button(_("Void {record}").format(record=name), id=ids.void, color="danger", outline=True),
        ],
        className="mt-3",
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
                        options=[{"label": _(r), "value": r} for r in reasons],
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
            options=[{"label": _("(blank)"), "value": ""}] * (not column.required)
            + [{"label": c, "value": c} for c in choices],
        )
    else:
        placeholder = _("dd/mm/yyyy") if isinstance(column.type, t.Date) else None
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
    """Where the record came from: the file, sheet and row, who uploaded it and when."""
    where = {"sheet": record.source_sheet, "row": record.source_row}
    if upload is None:
        return (
            _("Stored from sheet {sheet}, row {row} (the upload is no longer on record).")
            if record.source_sheet
            else _("Stored from no sheet (the upload is no longer on record).")
        ).format(**where)
    return (
        _("From {file}, sheet {sheet}, row {row}, uploaded by {user} on {when} UTC.")
        if record.source_sheet
        else _("From {file}, no sheet, uploaded by {user} on {when} UTC.")
    ).format(file=upload.filename, user=upload.uploaded_by, when=format_datetime(upload.uploaded_at), **where)


def _history(entries, labels: dict[str, str]) -> html.Div | None:
    if not entries:
        return None
    items = [html.Li(_history_line(entry, labels)) for entry in reversed(entries)]
    return html.Div(
        [html.H3(_("Corrections"), className="h6 mt-3"), html.Ul(items, className="small mb-0")],
        id="activities-correction-history",
    )


def _change(field: str, before, after) -> str:
    """``Female participants: 23 → 25``, a blank value said so."""
    return _("{field}: {before} → {after}").format(
        field=field, before=before or _("blank"), after=after or _("blank")
    )


def _history_line(entry, labels: dict[str, str]) -> str:
    """One correction of the record: when, who, what changed, why, and what became of it since."""
    if entry.field == "void":
        change = _("voided ({why})").format(why=entry.old_value)
    elif entry.field == "restore":
        change = _("restored")
    else:
        change = _change(labels.get(entry.field, entry.field), entry.old_value, entry.new_value)
    why = _("{reason}: {comment}").format(reason=translated(entry.reason), comment=entry.comment or "")
    line = f"{format_datetime(entry.corrected_at)} · {entry.corrected_by} · {change} · {why}"
    if entry.superseded_at and entry.field == "void" and entry.superseded_upload_id is None:
        line += " — " + _("restored by {user} on {when}").format(
            user=entry.superseded_by, when=format_datetime(entry.superseded_at)
        )
    elif entry.superseded_at:
        line += " — " + _("the file's value was chosen on a later upload by {user}").format(
            user=entry.superseded_by
        )
    return line


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
    restored = event.action == "record-restored"
    if restored:
        what = [
            html.Li(
                _(
                    "{record} restored: it counts again in the figures of {quarter} (voided by {user}: {reason})."
                ).format(
                    record=event.target,
                    quarter=detail.get("quarter"),
                    user=detail.get("voided_by"),
                    reason=translated(detail.get("void_reason")),
                )
            )
        ]
    elif "voided" in detail:
        what = [
            html.Li(
                _(
                    "{record} voided: it no longer counts in any figure. “Show voided” lists it, to restore it."
                ).format(record=event.target)
            )
        ]
    else:
        what = [
            html.Li(_change(label, old, new)) for label, (old, new) in (detail.get("changes") or {}).items()
        ]
    heading = (
        _("{record} · restored by {user} ({quarter}): {reason} — {comment}")
        if restored
        else _("{record} · corrected by {user} ({quarter}): {reason} — {comment}")
    )
    return dbc.Alert(
        [
            html.Strong(
                heading.format(
                    record=event.target,
                    user=event.username,
                    quarter=detail.get("quarter"),
                    reason=translated(detail.get("reason")),
                    comment=detail.get("comment"),
                )
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
        return _cannot(_("This record cannot be restored: {why}."), exc)
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
            dbc.CardHeader(
                html.H2(
                    _("Restore {programme} · {record}").format(programme=programme, record=name),
                    className="h6 mb-0",
                )
            ),
            dbc.CardBody(
                [
                    html.P(
                        [
                            html.Strong(
                                _("Voided by {user} on {when} UTC:").format(
                                    user=entry.corrected_by, when=format_datetime(entry.corrected_at)
                                )
                                + " "
                            ),
                            f"{translated(entry.reason)}" + (f" — {entry.comment}" if entry.comment else ""),
                        ],
                        className="small",
                        id="activities-restore-why",
                    ),
                    html.P(_provenance(entry, upload), className="small text-muted"),
                    html.Dl(kept, className="facts small mb-2", id="activities-restore-values"),
                    html.P(
                        _(
                            "Restoring stores this {kind} again as it was, checked as an upload of it would be today; "
                            "it counts again in the figures, and the restore is kept with who, when and why."
                        ).format(kind=_(spec.label).lower()),
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
                    dbc.Button(
                        _("Restore {record}").format(record=name),
                        id=ids.restore,
                        color="primary",
                        className="mt-3",
                    ),
                    dcc.Loading(html.Div(id=ids.restore_result, className="mt-2", role="status"), type="dot"),
                ]
            ),
            dcc.Store(id=ids.voided, data={"void": entry.id, "programme": programme}),
        ],
        className="shadow-sm mb-3",
        id=ids.panel,
    )
