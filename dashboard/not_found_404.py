"""Any path that is no page: a friendly card with the way back, never Dash's bare 404 heading."""

from __future__ import annotations

import dash

from dashboard._components import not_found, page_title
from indicators.i18n import N_, _

dash.register_page(__name__, path="/404", title=page_title(N_("Not found")), name=N_("Not found"))


def layout(**_query):
    return not_found(_("There is no page at this address. It may have been a link to an older version."))
