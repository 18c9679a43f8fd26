"""The logframe editor's widgets: the Indicator page's form (targets, baseline, definition, reference-sheet fields,
reason and comment) and the banner a page shows after a save. The rules and the saving are
``indicators.programmes.logframe``'s; the pages' callbacks only pass the form on.

Every field has a label and, when the server refuses a value, a message right under it; nothing typed is lost
when a save is refused (the callback marks the fields, it never redraws them).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from indicators.i18n import _, translated
from indicators.numbers import rounded
from indicators.programmes import history, logframe

TARGET = "indicator-edit-target"  # pattern: {"type": TARGET, "key": "target:FY2019"}
FIELD = "indicator-edit-field"  # pattern: {"type": FIELD, "key": "definition" | "sheet:rationale" ...}
FEEDBACK = "indicator-edit-feedback"  # pattern: {"type": FEEDBACK, "key": ...}


def reason_options() -> list[dict]:
    """The reasons for a change, in the language of the request (the stored value stays English)."""
    return [{"label": _(reason), "value": reason} for reason in history.REASONS]


LONG = {
    "definition",
    "sheet:rationale",
    "sheet:collection_method",
    "sheet:target_rationale",
    "sheet:data_quality.limitations",
    "sheet:data_quality.mitigation",
}


def _input(key: str, label: str, value, *, pattern: str = FIELD, help: str | None = None, kind: str = "text"):
    component = dbc.Textarea if key in LONG else dbc.Input
    extra = {"rows": 3} if key in LONG else {"type": kind}
    control_id = {"type": pattern, "key": key}
    return html.Div(
        [
            dbc.Label(label, html_for=dom_id(control_id), className="small mb-1"),
            component(id=control_id, value="" if value is None else str(value), **extra),
            dbc.FormFeedback(id={"type": FEEDBACK, "key": key}, type="invalid"),
            dbc.FormText(help) if help else None,
        ],
        className="mb-2",
    )


def dom_id(pattern_id: dict) -> str:
    """The DOM id Dash gives a pattern-matching id (keys sorted, JSON without spaces), for a label's ``for``."""
    import json

    return json.dumps(pattern_id, sort_keys=True, separators=(",", ":"))


def indicator_form(ind, signed_years: set[str]) -> dbc.Card:
    """The editor of one indicator, filled with what the store holds. Its body ends with the Save button and
    the answer under it (``dashboard.indicator`` puts the draft's note just above them)."""
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(_("Edit {code}").format(code=ind.code), className="h6 mb-0")),
            dbc.CardBody(
                [
                    html.P(
                        _(
                            "Change the targets (blank: no target), the baseline, the definition or the reference sheet; "
                            "say why. Every change is kept with who made it, when and why."
                        ),
                        className="small",
                    ),
                    html.H3(_("Targets"), className="h6"),
                    _target_fields(ind, signed_years),
                    html.H3(_("Definition"), className="h6 mt-2"),
                    *_definition_fields(ind),
                    _sheet_fields(ind.reference_sheet or {}),
                    html.H3(_("Why"), className="h6 mt-2"),
                    _why_fields(),
                    dbc.Button(
                        _("Save changes to {code}").format(code=ind.code),
                        id="indicator-edit-save",
                        color="primary",
                        n_clicks=0,
                    ),
                    html.Div(id="indicator-edit-result", className="mt-2", role="status"),
                ]
            ),
        ],
        className="shadow-sm mb-4",
        id="indicator-editor",
    )


def _target_fields(ind, signed_years: set[str]) -> dbc.Row:
    """One field per year's target; a year holding a signed-off quarter says its kept reports stay."""
    unit = "%" if ind.unit == "percent" else ""
    targets = {t.period: t.value for t in ind.targets}
    return dbc.Row(
        [
            dbc.Col(
                _input(
                    f"target:{period}",
                    (_("{period} target (%)") if unit else _("{period} target")).format(period=period),
                    rounded(targets.get(period), ind.unit),
                    pattern=TARGET,
                    help=_("signed off: kept reports stay as they are") if period in signed_years else None,
                ),
                xs=6,
                md=3,
            )
            for period in logframe.years(ind)
        ],
        className="g-2",
    )


def _definition_fields(ind) -> list:
    """The baseline, the standard indicator, the data source, the name and the precise definition."""
    unit = "%" if ind.unit == "percent" else ""
    return [
        dbc.Row(
            [
                dbc.Col(
                    _input(
                        "baseline",
                        _("Baseline (%)") if unit else _("Baseline"),
                        rounded(ind.baseline, ind.unit),
                    ),
                    md=3,
                ),
                dbc.Col(_input("standard_indicator", _("Standard indicator"), ind.standard_indicator), md=3),
                dbc.Col(_input("data_source", _("Data source"), ind.data_source), md=6),
            ],
            className="g-2",
        ),
        _input("name", _("Name"), ind.name),
        _input("definition", _("Precise definition"), ind.definition),
    ]


def _sheet_fields(sheet: dict) -> html.Details:
    """The rest of the reference sheet (PIRS), folded; opened by the save when one of its values is refused."""
    quality = sheet.get("data_quality") or {}
    return html.Details(
        [
            html.Summary(_("Reference sheet (PIRS)"), className="small fw-semibold mb-2"),
            _input("sheet:rationale", _("Rationale"), sheet.get("rationale")),
            _input("sheet:collection_method", _("Method of collection"), sheet.get("collection_method")),
            dbc.Row(
                [
                    dbc.Col(_input("sheet:frequency", _("Frequency"), sheet.get("frequency")), md=6),
                    dbc.Col(_input("sheet:responsible", _("Responsible"), sheet.get("responsible")), md=6),
                    dbc.Col(
                        _input(
                            "sheet:baseline_date", _("Baseline date (yyyy-mm-dd)"), sheet.get("baseline_date")
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        _input(
                            "sheet:data_quality.last_assessment",
                            _("Last data quality assessment (yyyy-mm-dd)"),
                            quality.get("last_assessment"),
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            _input("sheet:target_rationale", _("Rationale for the targets"), sheet.get("target_rationale")),
            _input("sheet:data_quality.limitations", _("Known limitations"), quality.get("limitations")),
            _input("sheet:data_quality.mitigation", _("Mitigation"), quality.get("mitigation")),
        ],
        className="mb-2",
        id="indicator-edit-sheet",
    )


def _why_fields() -> dbc.Row:
    """The reason for the change (one of ``history.REASONS``) and its comment, each with its message."""
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [
                        dbc.Label(_("Reason"), html_for="indicator-edit-reason", className="small mb-1"),
                        dbc.Select(
                            id="indicator-edit-reason",
                            options=reason_options(),
                            placeholder=_("Choose a reason"),
                        ),
                        dbc.FormFeedback(id={"type": FEEDBACK, "key": "reason"}, type="invalid"),
                    ],
                    className="mb-2",
                ),
                md=4,
            ),
            dbc.Col(
                html.Div(
                    [
                        dbc.Label(_("Comment"), html_for="indicator-edit-comment", className="small mb-1"),
                        dbc.Input(
                            id="indicator-edit-comment",
                            placeholder=_("e.g. award modification 3, 12 June 2019"),
                        ),
                        dbc.FormFeedback(id={"type": FEEDBACK, "key": "comment"}, type="invalid"),
                    ],
                    className="mb-2",
                ),
                md=8,
            ),
        ],
        className="g-2",
    )


def split(keys_values: list[tuple[dict, str]]) -> tuple[dict, dict, dict]:
    """The form's inputs as ``logframe.edit`` takes them: targets, values, reference sheet."""
    targets, values, sheet = {}, {}, {}
    for pattern_id, value in keys_values:
        key = pattern_id["key"]
        if key.startswith("target:"):
            targets[key.split(":", 1)[1]] = value
        elif key.startswith("sheet:"):
            sheet[key.split(":", 1)[1]] = value
        else:
            values[key] = value
    return targets, values, sheet


def problem_key(problem: str) -> str:
    """A refusal's field, as the form names it: ``target:FY2019``, ``sheet:rationale``, ``definition``."""
    if (
        problem.startswith("target:")
        or problem in ("reason", "comment")
        or problem in logframe.TEXT_FIELDS
        or problem == "baseline"
    ):
        return problem
    return f"sheet:{problem}"


def saved_banner(session, event_id, codes: set[str]) -> dbc.Alert | None:
    """After a save: what it changed (the audit entries from ``event_id`` on, for these indicators)."""
    from sqlalchemy import select

    from indicators.store.models import AuditEvent

    try:
        first = int(event_id)
    except (TypeError, ValueError):
        return None
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.id >= first, AuditEvent.action == "indicator-edited", AuditEvent.target.in_(codes))
        .order_by(AuditEvent.id)
    ).all()
    if not events:
        return None
    lines = [html.Li(f"{e.target}: " + "; ".join(e.detail.get("changes", []))) for e in events]
    signed = sorted({s for e in events for s in e.detail.get("signed_off") or []})
    detail = events[0].detail
    return dbc.Alert(
        [
            html.Strong(
                _("Saved by {user}: {reason} — {comment}").format(
                    user=events[0].username,
                    reason=translated(detail.get("reason")),
                    comment=detail.get("comment"),
                )
            ),
            html.Ul(lines, className="mb-1 small"),
            html.P(
                _(
                    "Signed off before this change: {quarters}. The reports kept at sign-off are unaffected."
                ).format(quarters=", ".join(signed)),
                className="small mb-0",
            )
            if signed
            else None,
        ],
        color="success",
        dismissable=True,
        className="py-2",
        id="edit-saved",
    )
