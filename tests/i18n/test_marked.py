"""Every sentence the dashboard's code writes for a reader is marked for translation: a phrase of three words
or more, written as a string in ``dashboard/``, sits inside ``_()``, ``N_()`` or ``ngettext()``. Sentences
added unmarked after the French catalogue was made reached French readers in English (the Reports page's
sign-off and versions, the corrections, the results form); this finds the next one before a reader does.

What is not a reader's text is told apart by where it is written: log and audit-trail calls, refusals whose
reason is recorded, component ids, class names and styles, hover templates, HTML and JavaScript; the few
other strings are listed with their reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
MARKS = {"_", "N_", "ngettext"}
# Calls whose text is recorded or logged in English, never shown as a sentence of the page.
RECORDED = {
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "record_refusal",
    "refuse",
    "Refused",
    "RuntimeError",
}
NOT_TEXT = {"className", "id", "style", "href", "type", "color", "hovertemplate", "pattern", "path"}
KNOWN = {
    # stored ISO 3166 names, the keys of the shortened labels
    "Congo, The Democratic Republic of the",
    "Tanzania, United Republic of",
}
SKIPPED_FILES = {
    "_forms.py",  # the sign-in pages' HTML: every word in it is passed through _()
    "_api.py",  # the JSON API answers in English, whatever the reader's language (README, Languages)
    "_openapi.py",  # its description
}


def _unmarked(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {
        node.body[0].value
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or node in docstrings:
            continue
        text = node.value
        if len(re.findall(r"[A-Za-z]{2,}", text)) < 3 or not re.search(r"[a-z] [a-z]", text):
            continue
        if re.search(r"<[a-z/!]|function\s*\(|=>", text) or text in KNOWN:
            continue  # markup and scripts
        if re.fullmatch(r"[a-z0-9 ]*-[a-z0-9 -]*", text):
            continue  # class names (``upload-drop active``) and audit targets (``two-step set-up``)
        if _exempt(node, parent):
            continue
        found.append(f"{path.name}:{node.lineno}: {text[:80]!r}")
    return found


def _exempt(node: ast.AST, parent: dict) -> bool:
    """Inside a marking call, a recording call, or a property that is no reader's text."""
    step = parent.get(node)
    while step is not None:
        if isinstance(step, ast.keyword) and step.arg in NOT_TEXT | {"reason"}:
            return True
        if isinstance(step, ast.Call):
            name = getattr(step.func, "id", None) or getattr(step.func, "attr", None)
            if name in MARKS or name in RECORDED:
                return True
        step = parent.get(step)
    return False


def test_every_sentence_a_page_writes_is_marked_for_translation():
    found = [
        hit
        for path in sorted(DASHBOARD.glob("*.py"))
        if path.name not in SKIPPED_FILES
        for hit in _unmarked(path)
    ]
    assert found == [], "mark these with _() where shown (or N_() where defined), then `make translations`"


def test_the_check_finds_an_unmarked_sentence(tmp_path):
    """The guard itself: a sentence written plainly into a component is found; the same sentence marked, a
    logged one and a class name are not."""
    page = tmp_path / "page.py"
    page.write_text(
        "from dash import html\n"
        "from indicators.i18n import _\n"
        "import logging\n"
        "def layout():\n"
        "    logging.getLogger().info('the page was drawn for nobody')\n"
        "    return html.Div([html.P('Nothing was signed off yet.'), html.P(_('Nothing was signed off yet.'))],\n"
        "                    className='small text-muted mb-0')\n"
    )
    assert _unmarked(page) == ["page.py:6: 'Nothing was signed off yet.'"]
