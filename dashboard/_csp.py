"""The Content-Security-Policy every answer carries: as strict as Dash allows, nothing from another origin.

Each allowance beyond ``'self'`` and why (README, "Security" repeats this):

- ``script-src 'self'`` plus the SHA-256 of each inline script Dash writes into its page (the renderer's
  start-up line and any clientside callback), from ``Dash.csp_hashes``: no other inline script, no
  ``eval``, no script from elsewhere.
- ``style-src 'self' 'unsafe-inline'``: Dash's components set style attributes and the dropdowns and Plotly
  insert ``<style>`` elements as they draw; styles cannot run code.
- ``img-src 'self' data:``: Bootstrap's and Plotly's icons are ``data:`` images.
- ``frame-ancestors 'none'``, ``form-action 'self'``, ``base-uri 'self'``, ``object-src 'none'``: no framing by
  another site, forms post here only, no ``<base>`` rewriting links, no plugins.
"""

from __future__ import annotations

FIXED = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_CACHE_KEY = "_ctmonitor_csp"


def policy(app) -> str:
    """The header's value for ``app`` (a Dash app; None outside one: no inline script is allowed then).
    Worked out once per app: its inline scripts are all defined when its pages are imported."""
    cached = getattr(app, _CACHE_KEY, None)
    if cached:
        return cached
    hashes = list(dict.fromkeys(app.csp_hashes("sha256"))) if app is not None else []
    directives = dict(FIXED, **{"script-src": " ".join(["'self'", *hashes])})
    value = "; ".join(f"{name} {sources}" for name, sources in directives.items())
    if app is not None:
        setattr(app, _CACHE_KEY, value)
    return value
