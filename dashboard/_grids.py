"""The app's grids and dropdowns (re-exported by ``dashboard._components``): AG Grid's columns fitted to their
content, its own words and ``dcc.Dropdown``'s in the language of the request."""

from __future__ import annotations

from dash import dcc

from indicators import i18n
from indicators.i18n import N_, _


def fit_columns(columns: list[dict], *, flexible=(), text_width: int = 300) -> tuple[list[dict], dict]:
    """A grid's column settings: every column as wide as its heading and its values, measured by the grid
    itself once drawn (AG Grid's ``autoSizeStrategy``), so references, indicator codes and file names show
    whole; the ``flexible`` columns (free text) get a reading width, wrap, and grow their row. The grid then
    scrolls sideways only when the columns together are wider than the screen. Returns the
    column definitions and the grid option: ``columns, options = fit_columns(...)``."""
    defs, fixed = [], []
    for column in columns:
        column = {k: v for k, v in column.items() if k not in ("width", "flex")}
        for said in ("headerName", "headerTooltip"):  # marked with N_ where the columns are defined
            if said in column:
                column[said] = _(column[said])
        if column["field"] in flexible:
            heading = len(str(column.get("headerName", column["field"])))
            # a fixed width (AG Grid will not autosize some columns and flex others): the text wraps within it
            column.update(
                width=max(text_width, 40 + 9 * heading), minWidth=160, wrapText=True, autoHeight=True
            )
        else:
            fixed.append(column["field"])
        defs.append(column)
    return defs, {"autoSizeStrategy": {"type": "fitCellContents", "colIds": fixed, "skipHeader": False}}


def data_grid(
    id: str,
    rows: list[dict],
    columns: list[dict],
    *,
    flexible=(),
    text_width: int = 300,
    page_size: int = 50,
    empty: str,
    height: str | None = "600px",
    row_id: str | None = None,
    **options,
):
    """The app's grid: sortable, filterable, resizable columns fitted by ``fit_columns``, paginated, with a
    sentence for no rows; ``height=None`` grows with its rows; ``row_id``: the field that identifies a row
    (kept selected across redraws)."""
    import dash_ag_grid as dag

    defs, sizing = fit_columns(columns, flexible=flexible, text_width=text_width)
    grid_options = {
        **sizing,
        "pagination": True,
        "paginationPageSize": page_size,
        "animateRows": False,
        "localeText": {**grid_locale_text(), "noRowsToShow": empty},
        **options,
    }
    if height is None:
        grid_options["domLayout"] = "autoHeight"
    return dag.AgGrid(
        id=id,
        rowData=rows,
        columnDefs=defs,
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=grid_options,
        className="ct-grid",
        **({"getRowId": f"params.data.{row_id}"} if row_id else {}),
        style={"height": height} if height else None,
    )


# AG Grid's own words (pagination, filters, menus), in the language of the request.
GRID_TEXT = {
    "page": N_("Page"),
    "of": N_("of"),
    "to": N_("to"),
    "more": N_("more"),
    "firstPage": N_("First page"),
    "previousPage": N_("Previous page"),
    "nextPage": N_("Next page"),
    "lastPage": N_("Last page"),
    "pageSizeSelectorLabel": N_("Page size:"),
    "ariaPageSizeSelectorLabel": N_("Page size"),
    "pageLastRowUnknown": N_("?"),
    "loadingOoo": N_("Loading…"),
    "noRowsToShow": N_("No rows to show"),
    "filterOoo": N_("Filter…"),
    "searchOoo": N_("Search…"),
    "selectAll": N_("(Select all)"),
    "blanks": N_("(Blanks)"),
    "equals": N_("Equals"),
    "notEqual": N_("Does not equal"),
    "contains": N_("Contains"),
    "notContains": N_("Does not contain"),
    "startsWith": N_("Begins with"),
    "endsWith": N_("Ends with"),
    "blank": N_("Blank"),
    "notBlank": N_("Not blank"),
    "lessThan": N_("Less than"),
    "greaterThan": N_("Greater than"),
    "lessThanOrEqual": N_("Less than or equal to"),
    "greaterThanOrEqual": N_("Greater than or equal to"),
    "inRange": N_("Between"),
    "inRangeStart": N_("From"),
    "inRangeEnd": N_("To"),
    "before": N_("Before"),
    "after": N_("After"),
    "andCondition": N_("AND"),
    "orCondition": N_("OR"),
    "applyFilter": N_("Apply"),
    "resetFilter": N_("Reset"),
    "clearFilter": N_("Clear"),
    "cancelFilter": N_("Cancel"),
    "dateFormatOoo": N_("yyyy-mm-dd"),
    "ariaFilterInput": N_("Filter input"),
    "ariaFilterValue": N_("Filter value"),
    "ariaFilteringOperator": N_("Filtering operator"),
    "ariaColumn": N_("Column"),
    "ariaRowSelect": N_("Press Space to select this row"),
    "ariaRowDeselect": N_("Press Space to deselect this row"),
    "ariaChecked": N_("checked"),
    "ariaUnchecked": N_("unchecked"),
    "ariaIndeterminate": N_("indeterminate"),
    "ariaRowSelectAll": N_("Press Space to toggle all rows selection"),
    "ariaSearch": N_("Search"),
    "ariaMenuColumn": N_("Press Alt Down to open column menu"),
    "ariaFilterMenuOpen": N_("Open filter menu"),
    "ariaSortableColumn": N_("Press Enter to sort"),
    "ariaColumnFiltered": N_("Column filtered"),
    "ariaRowPageSize": N_("Rows per page"),
    "ariaLabelColumnMenu": N_("Column menu"),
    "ariaLabelDialog": N_("Dialog"),
    "ariaFilterColumnsInput": N_("Filter columns input"),
    "ariaHidden": N_("hidden"),
    "ariaVisible": N_("visible"),
    "ariaInputEditor": N_("Input editor"),
    "ariaDateFilterInput": N_("Date filter input"),
    "ariaPageSizeSelector": N_("Page size"),
    "ariaPaginationPanel": N_("Pagination"),
}
# dcc.Dropdown's own words.
DROPDOWN_TEXT = {
    "select_all": N_("Select all"),
    "deselect_all": N_("Deselect all"),
    "selected_count": N_("{num_selected} selected"),
    "search": N_("Search"),
    "clear_search": N_("Clear search"),
    "clear_selection": N_("Clear selection"),
    "no_options_found": N_("No options found"),
}


def grid_locale_text() -> dict[str, str]:
    """AG Grid's own words in the language of the request (its English stays its own)."""
    return {} if i18n.language() == i18n.SOURCE else {key: _(text) for key, text in GRID_TEXT.items()}


def dropdown_labels() -> dict[str, str]:
    """dcc.Dropdown's own words (select all, search, no options found) in the language of the request."""
    return {key: _(text) for key, text in DROPDOWN_TEXT.items()}


def dropdown(**props):
    """dcc.Dropdown with its own words in the language of the request."""
    return dcc.Dropdown(labels=dropdown_labels(), **props)
