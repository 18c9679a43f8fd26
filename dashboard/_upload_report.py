"""The Upload page's account of an import, dry run or committed: the verdict, what the rows would become per
kind, the rows corrected in the browser since (to keep or overwrite), each sheet as understood, then every
error and warning with its sheet, cell, value and what was expected."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard._components import aria, format_number
from dashboard._preview import sheets_understood
from dashboard._upload_panels import ids
from importers.report import COUNT_WORDS
from indicators.i18n import _, ngettext, translated

SHOWN_PROBLEMS = 500  # errors or warnings listed; the rest are counted
COUNT_KEYS = ("new", "updated", "unchanged", "skipped")


def _problem_table(problems, id) -> html.Div:
    shown = list(problems)[:SHOWN_PROBLEMS]
    rows = [
        html.Tr(
            [
                html.Td(_get(p, "sheet")),
                html.Td(_get(p, "cell"), className="text-nowrap"),
                html.Td(_text(_get(p, "value")), className="problem-value"),
                html.Td(translated(_get(p, "expected") or "")),
            ]
        )
        for p in shown
    ]
    more = len(problems) - len(shown)
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(_("Sheet")),
                                    html.Th(_("Cell")),
                                    html.Th(_("Value found")),
                                    html.Th(_("Expected")),
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="table table-sm table-striped mb-0 problems",
                    id=id,
                ),
                className="table-responsive problems-box",
                tabIndex=0,
                role="region",
                **aria(label=_("Errors (scrolls)") if "error" in id else _("Warnings (scrolls)")),
            ),
            html.P(
                _("… and {count} more.").format(count=format_number(more)), className="small text-muted mt-1"
            )
            if more > 0
            else None,
        ]
    )


def _get(problem, name):
    return problem.get(name) if isinstance(problem, dict) else getattr(problem, name, None)


def _text(value) -> str:
    return "" if value is None else str(value)


def counts_table(counts: dict, read: dict | None = None, *, refused: bool = False) -> html.Table | None:
    """What the rows would become (new, updated, unchanged, skipped), or, for a file with errors, how many rows
    were read and how many have errors (nothing of it can be stored)."""
    if refused and read:
        return html.Table(
            [
                html.Thead(
                    html.Tr(
                        [
                            html.Th(_("Kind")),
                            html.Th(_("Rows read"), className="num"),
                            html.Th(_("Rows with errors"), className="num"),
                        ]
                    )
                ),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(kind),
                                html.Td(format_number(n.get("rows", 0)), className="num"),
                                html.Td(format_number(n.get("with_errors", 0)), className="num"),
                            ]
                        )
                        for kind, n in read.items()
                    ]
                ),
            ],
            className="table table-sm mb-3 counts-table",
            id="upload-counts",
        )
    if not counts:
        return None
    return html.Table(
        [
            html.Thead(
                html.Tr(
                    [html.Th(_("Kind"))]
                    + [html.Th(_(COUNT_WORDS[k]).capitalize(), className="num") for k in COUNT_KEYS]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [html.Td(kind)]
                        + [
                            html.Td(format_number((numbers or {}).get(k, 0)), className="num")
                            for k in COUNT_KEYS
                        ]
                    )
                    for kind, numbers in counts.items()
                ]
            ),
        ],
        className="table table-sm mb-3 counts-table",
        id="upload-counts",
    )


def render_report(report, *, committed: bool) -> html.Div:
    """An import report as the page shows it: the verdict, counts per kind, each sheet as understood (the
    dry run), errors, warnings."""
    errors, warnings = list(report.errors or []), list(report.warnings or [])
    kinds = ", ".join(report.kinds or []) or _("no recognised sheet")
    whom = getattr(report, "for_whom", "") if getattr(report, "programmes", None) else ""
    if committed:
        colour = {"stored": "success", "unchanged": "info"}.get(report.outcome, "danger")
        text = report.outcome_text
    elif errors:
        read = report.read_text() if getattr(report, "read", None) else ""
        colour, text = (
            "danger",
            ngettext(
                "{count} error in {file}{read}: nothing can be stored until they are fixed.",
                "{count} errors in {file}{read}: nothing can be stored until they are fixed.",
                len(errors),
            ).format(
                count=format_number(len(errors)), file=report.filename, read=f" ({read})" if read else ""
            ),
        )
    elif not report.ok:
        colour, text = "danger", _("{file} cannot be stored.").format(file=report.filename)
    else:
        again = (
            " " + _("This very file was stored before: committing it again stores only what differs.")
            if getattr(report, "stored_before", False)
            else ""
        )
        ready = (
            _("{file} is ready to store for {whom} ({kinds}). Nothing has been stored yet.")
            if whom
            else _("{file} is ready to store ({kinds}). Nothing has been stored yet.")
        )
        colour, text = "success", ready.format(file=report.filename, whom=whom, kinds=kinds) + again
    return html.Div(
        [
            dbc.Alert(text, color=colour, className="py-2", id="upload-verdict"),
            html.Div(
                counts_table(report.counts or {}, getattr(report, "read", None), refused=bool(errors)),
                id=ids.counts,
            ),
            conflicts_section(list(getattr(report, "conflicts", None) or []), committed=committed),
            None if committed else sheets_understood(report.sheets),
            html.Div(
                [
                    html.H3(
                        _("Errors ({count})").format(count=format_number(len(errors))),
                        className="h6 text-danger",
                    ),
                    _problem_table(errors, "upload-errors"),
                ],
                className="mb-3",
            )
            if errors
            else None,
            html.Div(
                [
                    html.H3(
                        _("Warnings ({count})").format(count=format_number(len(warnings))),
                        className="h6 text-warning-emphasis",
                    ),
                    _problem_table(warnings, "upload-warnings"),
                ],
                className="mb-3",
            )
            if warnings
            else None,
        ]
    )


def conflicts_section(conflicts, *, committed: bool) -> html.Div | None:
    """Rows of the file that would undo a correction made in the browser since: listed with who corrected
    what and why; before the commit, each can be switched to the file's value (the correction is kept
    otherwise)."""
    if not conflicts:
        return None
    title = html.H3(
        _("Corrected in the browser since ({count})").format(count=format_number(len(conflicts))),
        className="h6 text-warning-emphasis",
    )
    if committed:
        return html.Div(
            [title, html.Ul([html.Li(str(c)) for c in conflicts], className="small")],
            className="mb-3",
            id="upload-conflicts",
        )
    return html.Div(
        [
            title,
            html.P(
                _(
                    "These rows were corrected (or voided) on the Activities page after they were uploaded. The "
                    "corrections are kept unless you tick a row to take the file's value instead."
                ),
                className="small",
            ),
            dbc.Checklist(
                id={"type": ids.file_values, "kind": "choice"},
                className="small",
                options=[{"label": str(c).rsplit("; ", 1)[0], "value": c.key} for c in conflicts],
                value=[],
            ),
        ],
        className="mb-3",
        id="upload-conflicts",
    )


def first_error(report) -> str | None:
    """Where the first error is and what was expected (no cell value: it may come from a case sheet)."""
    errors = list(report.errors or [])
    if not errors:
        return None
    first = errors[0]
    where = f"{_get(first, 'sheet') or ''}!{_get(first, 'cell') or ''}"
    return f"{where}: expected {_get(first, 'expected') or ''}"[:300]
