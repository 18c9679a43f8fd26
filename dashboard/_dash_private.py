"""Every private name of Dash (and of Werkzeug's proxies) the dashboard relies on, in one place.

Dash keeps what ``dash.callback`` registers in module-level lists (``dash._callback``) and hands them to the
first app that sets up; ctmonitor builds several apps in one process (tests build one per store), so it takes
them once and gives them to every app (``app.create_app``), which writes them into the app's own private lists.
Flask-Login's ``current_user`` is a Werkzeug ``LocalProxy``; the user object behind it is read with the proxy's
``_get_current_object``. A component library lists its scripts in its module's ``_js_dist`` (Dash reads it for
every page; ``dashboard._delivery`` rewrites dash-ag-grid's entry so pages without a grid skip it, and
DataTable's, which no page draws), and Dash lists the renderer's own dependencies (its polyfill among them,
which ``dashboard._delivery`` leaves out) in ``dash._dash_renderer._js_dist_dependencies``.
``pyproject.toml`` pins Dash, dash-ag-grid and Werkzeug below their next minor release, and
``tests/dashboard/test_dash_private.py`` fails when any of these moves or changes shape.
"""

from __future__ import annotations

from typing import Any


def take_registered_callbacks() -> tuple[dict, list, list]:
    """What ``dash.callback`` registered so far (callback map, callback list, inline scripts), emptied from
    Dash's module-level registry so that no app takes them by itself."""
    import dash._callback as registered

    taken = (
        dict(registered.GLOBAL_CALLBACK_MAP),
        list(registered.GLOBAL_CALLBACK_LIST),
        list(registered.GLOBAL_INLINE_SCRIPTS),
    )
    registered.GLOBAL_CALLBACK_MAP.clear()
    registered.GLOBAL_CALLBACK_LIST.clear()
    registered.GLOBAL_INLINE_SCRIPTS.clear()
    return taken


def give_callbacks(app: Any, callbacks: dict, callback_list: list, inline_scripts: list) -> None:
    """Make ``app`` answer the callbacks taken by ``take_registered_callbacks``."""
    app.callback_map.update(callbacks)
    app._callback_list.extend(callback_list)
    app._inline_scripts.extend(inline_scripts)


def component_scripts(library: Any) -> list[dict[str, Any]]:
    """The script entries a Dash component library (its imported module) gives Dash to write into every page;
    changing an entry's ``attributes`` changes the page's tag for it."""
    scripts: list[dict[str, Any]] = library._js_dist
    return scripts


def renderer_dependencies() -> list[dict[str, Any]]:
    """The scripts Dash writes into every page before any component library (its polyfill, React, ReactDOM,
    PropTypes), as entries like a library's ``_js_dist``: ``relative_package_path`` and ``external_url`` each
    hold a list per bundle (``prod``, ``dev``)."""
    import dash._dash_renderer as renderer

    scripts: list[dict[str, Any]] = renderer._js_dist_dependencies
    return scripts


def proxied(proxy: Any) -> Any:
    """The object a Werkzeug ``LocalProxy`` (``flask_login.current_user``) stands for in this request."""
    return proxy._get_current_object()
