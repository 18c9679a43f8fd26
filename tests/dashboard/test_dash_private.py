"""The private names of Dash and Werkzeug that ``dashboard._dash_private`` wraps still exist and behave as used: a
callback registered with ``dash.callback`` lands in Dash's module-level registry, is taken from it (leaving it
empty) and is answered by an app given it; a LocalProxy gives the object it stands for. The installed Dash is one
``pyproject.toml`` allows, and the bound stops below the next minor release."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import dash
from werkzeug.local import LocalProxy

from dashboard import _dash_private

PYPROJECT = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
)


def _bound(package: str) -> tuple[str, str]:
    spec = next(
        d for d in PYPROJECT["project"]["dependencies"] if re.match(rf"{package}\b", d, re.IGNORECASE)
    )
    low, high = re.fullmatch(
        rf"{package}>=([\d.]+),<([\d.]+)", spec.split(";")[0].strip(), re.IGNORECASE
    ).groups()
    return low, high


def test_a_callback_is_taken_from_dashs_registry_and_given_to_an_app():
    import dash._callback as registered

    before = _dash_private.take_registered_callbacks()  # whatever an earlier import left
    try:

        @dash.callback(dash.Output("private-test-out", "children"), dash.Input("private-test-in", "value"))
        def echo(value):
            return value

        assert "private-test-out.children" in registered.GLOBAL_CALLBACK_MAP
        callbacks, callback_list, scripts = _dash_private.take_registered_callbacks()
        assert "private-test-out.children" in callbacks
        assert any(c["output"] == "private-test-out.children" for c in callback_list)
        assert isinstance(scripts, list)
        assert not registered.GLOBAL_CALLBACK_MAP and not registered.GLOBAL_CALLBACK_LIST

        app = dash.Dash(__name__)
        assert isinstance(app._callback_list, list) and isinstance(app._inline_scripts, list)
        _dash_private.give_callbacks(app, callbacks, callback_list, scripts)
        assert app.callback_map["private-test-out.children"]["callback"].__wrapped__ is echo
        assert any(c["output"] == "private-test-out.children" for c in app._callback_list)
    finally:
        registered.GLOBAL_CALLBACK_MAP.update(before[0])
        registered.GLOBAL_CALLBACK_LIST.extend(before[1])
        registered.GLOBAL_INLINE_SCRIPTS.extend(before[2])


def test_a_local_proxy_gives_the_object_it_stands_for():
    target = object()
    assert _dash_private.proxied(LocalProxy(lambda: target)) is target


def test_dash_and_werkzeug_are_pinned_below_their_next_minor_release_and_installed_within():
    for package in ("dash", "dash-ag-grid", "Werkzeug"):
        low, high = _bound(package)
        installed = tuple(int(p) for p in version(package).split(".")[:2])
        assert tuple(int(p) for p in low.split(".")[:2]) <= installed < tuple(int(p) for p in high.split("."))
        assert int(high.split(".")[1]) == int(low.split(".")[1]) + 1, f"{package}: one minor release"


def test_a_component_library_lists_its_scripts_as_dash_reads_them():
    import dash_ag_grid

    scripts = _dash_private.component_scripts(dash_ag_grid)
    packages = [s.get("relative_package_path") for s in scripts]
    assert "dash_ag_grid.min.js" in packages  # the library dashboard._delivery defers
    assert all(isinstance(s, dict) and s.get("namespace") == "dash_ag_grid" for s in scripts)
    assert scripts is dash_ag_grid._js_dist  # the very list Dash reads, not a copy: changes reach the page


def test_the_renderers_dependencies_are_listed_per_bundle_as_dash_reads_them():
    import dash._dash_renderer

    entries = _dash_private.renderer_dependencies()
    assert entries is dash._dash_renderer._js_dist_dependencies  # the very list Dash reads
    files = [f for e in entries for f in e["relative_package_path"]["prod"]]
    assert any(f.startswith("deps/react@") for f in files) and any(
        f.startswith("deps/react-dom@") for f in files
    )
    # dashboard._delivery edits both bundles' lists of files, and the addresses beside them
    assert all({"prod", "dev"} <= set(e["relative_package_path"]) for e in entries)
    assert all(isinstance(e["external_url"]["prod"], list) for e in entries)
