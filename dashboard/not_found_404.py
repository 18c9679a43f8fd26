"""Any path that is no page: a friendly card with the way back, never Dash's bare 404 heading."""

from __future__ import annotations

import dash

from dashboard._components import not_found

dash.register_page(__name__, path="/404", title="Not found · ctmonitor", name="Not found")


def layout(**_query):
    return not_found("There is no page at this address. It may have been a link to an older version.")
