"""The Programme page's two views of the logframe for one quarter: the tree (goal, results, their indicators
and status) and the IPTT, with the columns of the donor workbook's Indicators sheet (DOMAIN §8)."""

from __future__ import annotations

from dash import dcc, html

from dashboard._components import format_actual, format_number, format_percent, href, status_badge
from indicators.i18n import N_, _
from indicators.status import TARGET_TO_DATE


class ids:
    iptt = "programme-iptt"


LEVEL_LABELS = {"goal": N_("Goal"), "outcome": N_("Outcome"), "output": N_("Output")}


def logframe_tree(results, indicator_figures, period_code: str) -> html.Div:
    """The goal on top, its results below it side by side, each with its indicators and their status."""
    by_result: dict[str, list] = {}
    for item in indicator_figures:
        by_result.setdefault(item.indicator.result_code, []).append(item)
    goals = [r for r in results if r.level == "goal"]
    others = [r for r in results if r.level != "goal"]
    return html.Div(
        [
            html.Div(
                [_result_node(r, by_result.get(r.code, []), period_code) for r in goals],
                className="tree-goals",
            ),
            html.Div(
                [
                    html.Div(_result_node(r, by_result.get(r.code, []), period_code), className="col")
                    for r in others
                ],
                className=f"row row-cols-1 row-cols-md-2 row-cols-xl-{min(max(len(others), 1), 5)} g-3 tree-results",
            ),
        ],
        className="logframe-tree",
    )


def _result_node(res, items, period_code: str) -> html.Div:
    label = _(LEVEL_LABELS.get(res.level, res.level.title())) + (
        "" if res.level == "goal" else f" {res.code}"
    )
    return html.Div(
        [
            html.Div(
                [
                    html.Span(label, className=f"level level-{res.level}"),
                    html.Span(_(res.category), className="tree-category") if res.category else None,
                ],
                className="d-flex justify-content-between align-items-baseline gap-2",
            ),
            html.P(res.statement, className="result-statement"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Div(
                                [
                                    dcc.Link(
                                        item.indicator.code,
                                        href=href("/indicator", code=item.indicator.code, period=period_code),
                                        className="fw-semibold",
                                    ),
                                    status_badge(item.status, small=True),
                                ],
                                className="d-flex justify-content-between align-items-center gap-2",
                            ),
                            html.Div(item.indicator.name, className="indicator-name"),
                        ],
                        className="tree-indicator",
                    )
                    for item in items
                ],
                className="list-unstyled mb-0",
            )
            if items
            else None,
        ],
        className=f"tree-node tree-{res.level} h-100",
        id=f"programme-result-{res.code}",
    )


IPTT_COLUMNS = (
    N_("No."),
    N_("Indicator"),
    N_("Standard indicator"),
    N_("Unit"),
    N_("Baseline"),
    N_("{y} target"),
    N_("Q1"),
    N_("Q2"),
    N_("Q3"),
    N_("Q4"),
    N_("{y} actual to date"),
    N_("% of {y} target"),
    N_("LOP target"),
    N_("LOP actual to date"),
    N_("% of LOP target"),
    N_("Target to date"),
    N_("% of target to date"),
    N_("Status"),
    N_("Deviation narrative"),
)


def iptt_table(result, year_label: str = "FY") -> html.Div:
    """The IPTT: result rows in bold, one row per indicator, the columns of the donor workbook."""
    header = html.Thead(html.Tr([html.Th(_(c).format(y=year_label), scope="col") for c in IPTT_COLUMNS]))
    rows = []
    current = None
    for item in result.indicators:
        info = item.indicator
        if info.result_code != current:
            current = info.result_code
            label = (
                _("{level} {code}:").format(
                    level=_(LEVEL_LABELS.get(info.result_level, info.result_level)), code=info.result_code
                )
                + " "
            )
            rows.append(
                html.Tr(
                    html.Th(label + info.result_statement, colSpan=len(IPTT_COLUMNS), scope="rowgroup"),
                    className="iptt-result",
                )
            )
        unit = info.unit
        quarters = [
            item.withheld_quarters.get(code) or (format_number(q, unit) if q is not None else "")
            for code, q in list(item.year_quarters.items())[:4]
        ]
        quarters += [""] * (4 - len(quarters))
        narrative = (item.narrative or "").strip()
        link = href("/indicator", code=info.code, period=result.period.code)
        rows.append(
            html.Tr(
                [
                    html.Td(dcc.Link(info.code, href=link), className="text-nowrap"),
                    html.Td(dcc.Link(info.name, href=link, className="text-reset"), className="iptt-name"),
                    html.Td(info.standard_indicator or "–", className="text-nowrap"),
                    html.Td("%" if unit == "percent" else _("Number")),
                    html.Td(format_number(info.baseline, unit), className="num"),
                    html.Td(format_number(item.year_to_date.target, unit), className="num"),
                    *[html.Td(q, className="num") for q in quarters],
                    html.Td(format_actual(item.year_to_date, unit), className="num fw-semibold"),
                    html.Td(format_percent(item.year_to_date.percent_of_target), className="num"),
                    html.Td(format_number(item.lop_to_date.target, unit), className="num"),
                    html.Td(format_actual(item.lop_to_date, unit), className="num fw-semibold"),
                    html.Td(format_percent(item.lop_to_date.percent_of_target), className="num"),
                    html.Td(_target_to_date(item), className="num", title=_(TARGET_TO_DATE)),
                    html.Td(format_percent(item.judged.percent_of_target_to_date), className="num"),
                    html.Td(status_badge(item.status, small=True), className="text-nowrap"),
                    html.Td(
                        narrative
                        or (
                            html.Span(_("Narrative needed"), className="text-warning-emphasis small")
                            if item.needs_narrative
                            else ""
                        ),
                        className="iptt-narrative",
                    ),
                ],
                id=f"programme-row-{info.code}",
            )
        )
    return html.Div(
        html.Table([header, html.Tbody(rows)], className="table table-sm table-hover iptt mb-0", id=ids.iptt),
        className="table-responsive",
    )


def _target_to_date(item) -> list:
    """The target the row's status is judged against, and whose: the year's, or the LOP's without one."""
    judged = item.judged
    if judged.target_to_date is None:
        return ["–"]
    whose = _("LOP") if judged is item.lop_to_date else ""
    kind = _("milestone") if item.indicator.milestone else ""
    note = " · ".join(w for w in (whose, kind) if w)
    return [format_number(judged.target_to_date, item.indicator.unit)] + (
        [html.Div(note, className="small text-muted")] if note else []
    )
