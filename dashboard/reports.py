"""Reports: a programme, a quarter and a format (``exports.formats``), then the donor file through
``indicators.reporting.reporting.report_file``; indicators
more than 15% off without a narrative are listed first. ``/reports?programme=KEC&period=FY2019Q3&format=iptt``.

Every choice changes the URL and the page is drawn again from it, so what the page shows, the URL and the
target of each button agree; each button names its target ("Download KEC · FY2019 Q3 · IPTT", "Sign off
KEC · FY2019 Q3") and its confirmation repeats what was done. A button pressed while the page is still
being redrawn for a new choice does nothing and says so.

Once the report is sent, a manager signs the quarter off: the report in the programme's own format is made
and kept with the sign-off (``indicators.figures.signoff``), and from then on downloading that quarter in that
format serves the kept file byte for byte, whatever data arrive later. Indicators off target without a
narrative are listed at sign-off and must be acknowledged (kept in the audit trail). Every download is
audited.

A manager or an administrator may reopen a signed-off quarter with a reason; the report sent stays kept as its
version, listed with every other version (each downloadable byte for byte), and signing off again keeps the
next. "What changed since it was sent" lists every figure that differs from the latest version
(``dashboard._report_versions``); the Logframe and Indicator pages link to it (``#reports-changes``).

The page lays out its cards from ``dashboard._reports_choice`` (programme, quarter, format, download),
``dashboard._reports_quarter`` (the quarter's statuses, the narratives missing), ``dashboard._reports_signoff``,
``dashboard._report_versions`` and ``dashboard._quarter_sections``; its callbacks are here (the sign-off's and
the reopen's answers are drawn by their cards' modules). Every sentence is marked whole for translation
(``indicators.i18n``), values put in by name."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import _quarter_sections as written
from dashboard import _queries
from dashboard import _report_versions as sent
from dashboard import _reports_choice as choice
from dashboard import _reports_quarter as shown
from dashboard import _reports_signoff as signing
from dashboard._access import EDITORS, SIGNERS, STAFF, can, require_programme, require_role, role
from dashboard._components import (
    current_username,
    first,
    format_datetime,
    href,
    not_found,
    page_header,
    page_title,
    query_string,
    read_session,
    safe_layout,
    seen_figures,
    settings,
    store,
    visible_programme_codes,
)
from dashboard._queries import default_quarter, first_programme, parse_quarter
from exports.formats import FORMATS, short_name
from indicators.access import audit
from indicators.figures import signoff
from indicators.i18n import N_, _, format_decimal, said, translated
from indicators.periods import Period
from indicators.reporting import changes

dash.register_page(
    __name__,
    path="/reports",
    title=page_title(N_("Reports")),
    name=N_("Reports"),
    order=30,
    scope={"programme": "programme"},
)


class ids:
    url = "reports-url"
    programme = choice.ids.programme
    quarter = choice.ids.quarter
    format = choice.ids.format
    download = choice.ids.download
    file = "reports-file"
    flagged = shown.ids.flagged
    state = "reports-state"
    done = choice.ids.done
    heading = shown.ids.heading
    signoff = signing.ids.signoff
    signoff_confirm = signing.ids.signoff_confirm
    signoff_acknowledge = signing.ids.signoff_acknowledge
    signoff_button = signing.ids.signoff_button
    signoff_result = signing.ids.signoff_result


# Drawn only while the quarter shown can still be signed off: listed for Dash's callback check (see _access).
CALLBACK_COMPONENTS = [
    dbc.Checkbox(id=ids.signoff_confirm),
    dbc.Checkbox(id=ids.signoff_acknowledge),
    dbc.Button(id=ids.signoff_button),
    html.Div(id=ids.signoff_result),
    dbc.Textarea(id=sent.ids.reopen_reason),
    dbc.Button(id=sent.ids.reopen_button),
    html.Div(id=sent.ids.reopen_result),
    html.Div(id=sent.ids.version_done),
    dbc.Button(id={"type": sent.ids.version, "version": 0}),
] + written.CALLBACK_COMPONENTS


def target_words(code: str, quarter, fmt: str | None = None) -> str:
    """What a button acts on, as it and its confirmation say it: ``KEC · FY2019 Q3 · IPTT`` (``KEC · PIRS``
    for a format about the programme, not one quarter)."""
    if fmt in FORMATS and FORMATS[fmt].scope == "programme":
        return f"{code} · {translated(short_name(fmt))}"
    words = f"{code} · {quarter.label(short=True)}"
    return words + (f" · {translated(short_name(fmt))}" if fmt else "")


@safe_layout
def layout(programme=None, period=None, format=None, **_query):
    with read_session() as session:
        visible = visible_programme_codes(session)
        code = (first(programme) or first_programme(session, visible)).strip().upper()
        prog = _queries.programme(session, code)
        if prog is None or prog.code not in visible:
            return not_found(
                _("There is no programme with the code “{code}”.").format(code=code)
                if code
                else _("No programme is loaded.")
            )
        quarter = parse_quarter(prog, first(period)) or default_quarter(prog)
        fmt = first(format) if first(format) in FORMATS else prog.report_format
        result = seen_figures(session, prog.code, quarter)
        signed = signoff.signed_report(session, prog.code, quarter.code)
        closed = signoff.closures(session, prog.id, {quarter.code}).get(quarter.code)
        versions = signoff.versions(session, prog.code, quarter.code)
        # The version sent keeps exact figures: compared with what a donor reads (small counts withheld),
        # every withheld cell would "differ". A donor is told how many figures differ, never their values.
        comparison = (
            changes.compare(
                session, prog.code, quarter, pf=result if can(STAFF) else None, explain=can(STAFF)
            )
            if versions
            else None
        )
        sections_card = (
            written.card(session, prog.code, quarter, target_words(prog.code, quarter))
            if can(STAFF)
            else None
        )
    kept = signed is not None and signed.report_format == fmt
    filename = signed.report_filename if kept else FORMATS[fmt].filename(prog.code, quarter.code)
    flagged = [i for i in result.indicators if i.needs_narrative]
    state = {
        "programme": prog.code,
        "period": quarter.code,
        "format": fmt,
        "flagged": [i.indicator.code for i in flagged],
    }
    what = target_words(prog.code, quarter)
    return html.Div(
        [
            dcc.Location(id=ids.url, refresh="callback-nav"),
            dcc.Store(id=ids.state, data=state),
            dcc.Download(id=ids.file),
            dcc.Download(id=sent.ids.version_file),
            page_header(
                _("Quarterly reports"),
                _("The donor's tables for one quarter, from the same figures as the screens."),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        choice.card(
                            prog, quarter, fmt, visible, target_words(prog.code, quarter, fmt), filename, kept
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            shown.summary_card(prog, quarter, result),
                            signing.card(prog, quarter, what, signed, closed, flagged, comparison),
                            sent.changes_card(comparison),
                            sent.versions_card(versions),
                            shown.flagged_card(flagged, quarter) if can(STAFF) else None,
                            sections_card,
                        ],
                        lg=7,
                    ),
                ]
            ),
        ]
    )


@callback(
    Output(ids.url, "search"),
    Input(ids.programme, "value"),
    Input(ids.quarter, "value"),
    Input(ids.format, "value"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def choose(programme, period, fmt, state):
    """Each choice changes the URL and the page follows; a new programme starts at its default quarter."""
    state = state or {}
    with read_session() as session:
        programme = require_programme(session, programme)
    if programme != state.get("programme"):
        return query_string(programme=programme)
    wanted = {"programme": programme, "period": period, "format": fmt}
    if wanted == {k: state.get(k) for k in wanted}:
        raise dash.exceptions.PreventUpdate
    return query_string(**wanted)


def _asked(session, state) -> tuple[str, Period, str | None]:
    """The programme (one the user may see), quarter and format the page shows, normalised."""
    state = state if isinstance(state, dict) else {}
    code = require_programme(session, state.get("programme"))
    prog = _queries.programme(session, code)
    quarter = parse_quarter(prog, state.get("period")) if prog is not None else None
    if quarter is None:
        raise dash.exceptions.PreventUpdate
    fmt = state.get("format") if state.get("format") in FORMATS else None
    return code, quarter, fmt


def _moving(state, chosen: dict) -> str | None:
    """What the selectors show when the page has not been redrawn for them yet (else None)."""
    state = state if isinstance(state, dict) else {}
    moved = {k: v for k, v in chosen.items() if v is not None and v != state.get(k)}
    return " · ".join(str(v) for v in moved.values()) or None


@callback(
    Output(ids.file, "data"),
    Output(ids.done, "children"),
    Input(ids.download, "n_clicks"),
    State(ids.state, "data"),
    State(ids.programme, "value"),
    State(ids.quarter, "value"),
    State(ids.format, "value"),
    prevent_initial_call=True,
)
def download(n_clicks, state, chosen_programme, chosen_period, chosen_format):
    """The report file the page shows; for a signed-off quarter in the format signed off, the very file kept."""
    from indicators.reporting.reporting import report_file

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    moving = _moving(state, {"programme": chosen_programme, "period": chosen_period, "format": chosen_format})
    if moving:
        return dash.no_update, html.Span(
            _("Nothing downloaded: the page is changing to {target}. Try again.").format(target=moving),
            className="text-danger",
        )
    with read_session() as session:
        code, quarter, fmt = _asked(session, state)
        signed = signoff.signed_report(session, code, quarter.code)
        kept = signed is not None and signed.report_format == (fmt or signed.report_format)
        if kept:
            data, fmt, name = signed.report, signed.report_format, signed.report_filename
        else:
            why = FORMATS[fmt or _queries.programme(session, code).report_format].unavailable()
            if why:
                return dash.no_update, html.Span(
                    _("Nothing downloaded: {reason}.").format(reason=translated(why)), className="text-danger"
                )
            data, fmt = report_file(
                session,
                code,
                quarter.code,
                FORMATS,
                fmt,
                small_cell=settings().small_cell,
                donor=role() == "donor",
                prepared_by=current_username(),
            )
            name = FORMATS[fmt].filename(code, quarter.code)
    with store().begin() as session:
        audit.record(
            session,
            current_username(),
            "report-downloaded",
            f"{code} {quarter.code}",
            format=fmt,
            filename=name,
            bytes=len(data),
            signed_copy=kept,
        )
    said = (
        _("Downloaded {what}: {file} ({size} bytes, the copy kept at sign-off).")
        if kept
        else _("Downloaded {what}: {file} ({size} bytes).")
    )
    return dcc.send_bytes(data, name, type=FORMATS[fmt].media_type if fmt in FORMATS else None), html.Span(
        said.format(what=target_words(code, quarter, fmt), file=name, size=_bytes(data)),
        className="text-success",
        id="reports-downloaded",
    )


@callback(
    Output(ids.signoff_result, "children"),
    Output(ids.signoff_button, "disabled"),
    Input(ids.signoff_button, "n_clicks"),
    State(ids.signoff_confirm, "value"),
    State(ids.signoff_acknowledge, "value"),
    State(ids.state, "data"),
    State(ids.programme, "value"),
    State(ids.quarter, "value"),
    prevent_initial_call=True,
)
def sign_off(n_clicks, confirmed, acknowledged, state, chosen_programme, chosen_period):
    """A manager signs off the quarter the page shows: the report in the donor's default format is made and
    kept with it (as the quarter's next version, with the figures it was made from). Indicators off target
    without a narrative must have been acknowledged."""
    from indicators.reporting.reporting import make_file

    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(SIGNERS, "sign-off")
    moving = _moving(state, {"programme": chosen_programme, "period": chosen_period})
    if moving:
        return _refusal(
            _("Nothing signed off: the page is changing to {target}. Check it, then sign off.").format(
                target=moving
            )
        ), False
    with store().begin() as session:
        code, quarter, _fmt = _asked(session, state)
        what = target_words(code, quarter)
        if not confirmed:
            return _refusal(
                _("Tick the box once the {what} report has been sent, then sign off {what}.").format(
                    what=what
                )
            ), False
        fmt = _queries.programme(session, code).report_format
        shown_flags = list((state or {}).get("flagged") or [])
        why = FORMATS[fmt].unavailable()
        if why:
            return _refusal(
                _("{what} was not signed off: {reason}.").format(what=what, reason=translated(why))
            ), False
        try:
            made = make_file(
                session,
                code,
                quarter.code,
                FORMATS,
                fmt,
                small_cell=settings().small_cell,
                signing_by=current_username(),
            )
            fmt = made.format
            record = signoff.sign_off(
                session,
                code,
                quarter.code,
                current_username(),
                made.data,
                fmt,
                FORMATS[fmt].filename(code, quarter.code),
                acknowledged=shown_flags if acknowledged else (),
                figures=made.figures,
                changed=made.changed,
            )
        except signoff.SignOffError as exc:
            return _refusal(
                _("{what} was not signed off: {reason}.").format(what=what, reason=said(exc))
            ), False
        when = format_datetime(record.signed_at)
    return signing.done(record, what, when, made.changed, shown_flags if acknowledged else []), True


@callback(
    Output(written.ids.result, "children"),
    Input(written.ids.save, "n_clicks"),
    *[State(written.text_id(key), "value") for key in written.SECTIONS],
    State(ids.state, "data"),
    State(ids.programme, "value"),
    State(ids.quarter, "value"),
    prevent_initial_call=True,
)
def save_sections(n_clicks, *values):
    """A manager or an administrator saves the quarter's report sections (``dashboard._quarter_sections``)."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(EDITORS, "quarter sections")
    count = len(written.SECTIONS)
    return written.save(values[:count], *values[count:])


def _refusal(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="warning", className="py-2 small mb-0")


def _bytes(data: bytes) -> str:
    """A file's size in bytes, grouped the reader's way: 12,345 / 12 345."""
    return format_decimal(len(data), "#,##0")


@callback(
    Output(sent.ids.reopen_result, "children"),
    Output(sent.ids.reopen_button, "disabled"),
    Input(sent.ids.reopen_button, "n_clicks"),
    State(sent.ids.reopen_reason, "value"),
    State(ids.state, "data"),
    State(ids.programme, "value"),
    State(ids.quarter, "value"),
    prevent_initial_call=True,
)
def reopen(n_clicks, reason, state, chosen_programme, chosen_period):
    """A manager or an administrator reopens the quarter the page shows, with a reason; the report sent stays
    kept as its version."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    require_role(signoff.REOPENERS, "reopen")
    moving = _moving(state, {"programme": chosen_programme, "period": chosen_period})
    if moving:
        return _refusal(
            _("Nothing reopened: the page is changing to {target}. Check it, then reopen.").format(
                target=moving
            )
        ), False
    with store().begin() as session:
        code, quarter, _fmt = _asked(session, state)
        what = target_words(code, quarter)
        if not (reason or "").strip():
            return _refusal(
                _("Write why {what} is reopened (the donor's request, the mistake), then reopen it.").format(
                    what=what
                )
            ), False
        try:
            record = signoff.reopen(session, code, quarter.code, current_username(), reason)
        except signoff.SignOffError as exc:
            return _refusal(
                _("{what} was not reopened: {reason}.").format(what=what, reason=said(exc))
            ), False
        version, when = record.version, format_datetime(record.reopened_at)
    return sent.reopened(what, when, version, href("/reports", programme=code, period=quarter.code)), True


@callback(
    Output(sent.ids.version_file, "data"),
    Output(sent.ids.version_done, "children"),
    Input({"type": sent.ids.version, "version": ALL}, "n_clicks"),
    State(ids.state, "data"),
    prevent_initial_call=True,
)
def download_version(clicks, state):
    """One version of the quarter's report as it was sent, byte for byte."""
    if not ctx.triggered_id or not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    number = ctx.triggered_id.get("version")
    with read_session() as session:
        code, quarter, _fmt = _asked(session, state)
        kept = next((v for v in signoff.versions(session, code, quarter.code) if v.version == number), None)
        if kept is None:
            return dash.no_update, html.Span(
                _("{programme} {quarter} has no version {version}.").format(
                    programme=code, quarter=quarter.code, version=number
                ),
                className="text-danger",
            )
        data, fmt, sha = kept.report, kept.report_format, kept.report_sha256
        stem, dot, extension = kept.report_filename.rpartition(".")
        name = f"{stem}_v{number}{dot}{extension}" if dot else f"{kept.report_filename}_v{number}"
    with store().begin() as session:
        audit.record(
            session,
            current_username(),
            "report-downloaded",
            f"{code} {quarter.code}",
            format=fmt,
            filename=name,
            bytes=len(data),
            signed_copy=True,
            version=number,
        )
    return dcc.send_bytes(data, name, type=FORMATS[fmt].media_type if fmt in FORMATS else None), html.Span(
        _("Downloaded version {version} of {what} as sent: {file} ({size} bytes, SHA-256 {digest}…).").format(
            version=number, what=target_words(code, quarter), file=name, size=_bytes(data), digest=sha[:12]
        ),
        className="text-success",
        id="reports-version-downloaded",
    )
