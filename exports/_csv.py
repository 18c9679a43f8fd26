"""CSV cells no spreadsheet runs as formulas, whichever separator it splits on (``,`` or, in French and Rwandan
locales, ``;``): an apostrophe goes before a ``=``, ``+``, ``-`` or ``@`` that starts a text or follows a comma,
semicolon, tab or line break (quotes and spaces may come between), so that any cell a reader cuts out of it
starts with the apostrophe (``Training;=1+1;x`` is written ``Training;'=1+1;x``). Numbers are left as they are.
"""

from __future__ import annotations

import re

_FORMULA_AT = re.compile(r"(^|[,;\t\r\n])(?=[\"' ]*[=+\-@])")


def defused(text: str) -> str:
    """A text as a CSV cell that starts no formula (see the module)."""
    return _FORMULA_AT.sub(r"\1'", text)
