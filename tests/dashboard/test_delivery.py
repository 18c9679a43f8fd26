"""What travels to the browser: compressed HTML, JSON, scripts and stylesheets; versioned files cached for a
year and the rest checked each time; plotly.js's basic bundle, of the plotly package's own plotly.js version,
drawing every chart the pages make."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import flask_compress.flask_compress
import pytest

from dashboard import _delivery
from tests.auth.conftest import PASSWORD, open_page, sign_in

ENCODINGS = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture(scope="module")
def client(demo_app, demo_store):
    """A test client signed in through the form as a programme manager."""
    from sqlalchemy import select

    from indicators.access import accounts
    from indicators.store.models import User

    with demo_store.begin() as session:
        if session.scalar(select(User.id).where(User.username == "mira")) is None:
            accounts.add_user(session, "mira", PASSWORD, "manager")
    client = demo_app.server.test_client()
    assert sign_in(client, "mira").status_code == 302
    return client


def scripts_and_styles(index_html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', index_html)


def fetch(client, path: str, encoding: str | None = None, **headers):
    if encoding:
        headers["Accept-Encoding"] = encoding
    return client.get(path, headers=headers)


def test_the_page_the_layout_and_the_dependencies_are_compressed(client):
    for path in ("/programme?code=KEC", "/_dash-layout", "/_dash-dependencies"):
        plain = fetch(client, path)
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers  # asked for none: none
        for encoding, decompress in ENCODINGS.items():
            packed = fetch(client, path, f"{encoding}, identity;q=0.5")
            assert packed.headers["Content-Encoding"] == encoding
            assert "Accept-Encoding" in packed.headers["Vary"]
            body = decompress(packed.get_data())
            assert len(packed.get_data()) < len(body) / 2
            if path == "/programme?code=KEC":  # the page carries a one-time token: compare what it loads
                assert scripts_and_styles(body.decode()) == scripts_and_styles(plain.get_data(as_text=True))
            else:
                assert json.loads(body) == plain.get_json()


def test_a_callback_answer_is_compressed(client):
    plain = open_page(client, "/programme?code=KEC&period=FY2019Q3")
    client.environ_base["HTTP_ACCEPT_ENCODING"] = "br"
    try:
        packed = open_page(client, "/programme?code=KEC&period=FY2019Q3")
    finally:
        del client.environ_base["HTTP_ACCEPT_ENCODING"]
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
    assert json.loads(brotli.decompress(packed.get_data())) == plain.get_json()
    assert "programme-iptt" in plain.get_data(as_text=True)


def test_compressed_answers_keep_the_security_headers_and_are_not_cached(client):
    packed = fetch(client, "/_dash-layout", "br")
    assert packed.headers["Content-Encoding"] == "br"
    assert packed.headers["Cache-Control"] == "no-store"
    assert packed.headers["X-Frame-Options"] == "DENY"
    assert packed.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in packed.headers["Content-Security-Policy"]


def test_every_script_and_stylesheet_of_a_page_is_compressed_and_kept_for_a_year(client):
    files = scripts_and_styles(fetch(client, "/").get_data(as_text=True))
    assert any("/_dash-component-suites/dash/dcc/" in f for f in files)
    assert any(f.startswith("/assets/00-bootstrap.min.css?m=") for f in files)
    for path in files:
        plain = fetch(client, path)
        packed = fetch(client, path, "gzip, deflate, br, zstd")  # what Chromium asks for
        assert packed.status_code == 200, path
        assert packed.headers["Content-Encoding"] == "br", path
        assert brotli.decompress(packed.get_data()) == plain.get_data(), path
        cache = packed.cache_control
        assert (cache.max_age, cache.public, cache.immutable, cache.no_cache) == (
            31536000,
            True,
            True,
            None,
        ), path


@pytest.mark.parametrize("name", ["dash_renderer", "00-bootstrap.min.css", "lazy-grid.js"])
def test_the_suites_and_assets_are_compressed_once_then_as_tightly_as_brotli_goes_and_kept(
    client, demo_app, monkeypatch, name
):
    """The first answer is compressed quickly; a thread then compresses the file as tightly as brotli goes,
    every later answer is that one, without compressing again, and it is kept in the data folder, where a
    worker starting afresh finds it. So for a package's script and for the app's own assets."""
    # this worker's first answer for the file: no earlier app of the test process has compressed it
    monkeypatch.setattr(_delivery, "_PACKED", {})
    path = next(f for f in scripts_and_styles(fetch(client, "/").get_data(as_text=True)) if name in f)
    plain = fetch(client, path).get_data()
    fetch(client, path, "br")
    _delivery.settle()
    monkeypatch.setattr(
        flask_compress.flask_compress, "_compress_data", lambda *a: pytest.fail("compressed twice")
    )
    tight = fetch(client, path, "br").get_data()
    assert tight == fetch(client, path, "br").get_data()
    assert brotli.decompress(tight) == plain
    assert len(tight) < len(brotli.compress(plain, quality=_delivery.FAST["br"]))
    assert tight == brotli.compress(plain, quality=_delivery.TIGHT["br"])

    folder = demo_app.server.extensions["ctmonitor.settings"].data_dir / "compressed"
    key = f"br;{_delivery._package_file(path.partition('?')[0])}"  # the address, as Flask gives it
    monkeypatch.setattr(_delivery, "_PACKED", {})  # a worker starting afresh
    assert _delivery.PackedCache(folder).get(key) == tight
    assert _delivery.PackedCache(None).get("br;") is None  # an answer that is not a package's file


def test_the_grid_library_is_written_into_pages_as_a_tag_the_browser_does_not_run(client):
    """AG Grid's library is fetched by the pages that draw a grid (assets/lazy-grid.js), from its tag's
    versioned address; no page runs it from its own tag."""
    page = fetch(client, "/").get_data(as_text=True)
    tags = [t for t in re.findall(r"<script[^>]*>", page) if "dash_ag_grid" in t]
    assert len(tags) == 1, tags
    assert 'type="text/plain"' in tags[0] and f'{_delivery.LAZY_ATTRIBUTE}="dash_ag_grid"' in tags[0]
    address = re.search(r'src="([^"]+)"', tags[0]).group(1)
    assert re.search(r"/dash_ag_grid\.v[\w]+m\d+\.min\.js$", address)
    assert fetch(client, address).cache_control.max_age == 31536000
    assert any(f.startswith("/assets/lazy-grid.js?m=") for f in scripts_and_styles(page))


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/dcc/async-graph.js",  # loaded on demand by Dash's Graph: no version in its name
        "/assets/app.css",  # the sign-in page's stylesheet address
        _delivery.PLOTLY_URL,
    ],
)
def test_files_without_a_version_in_their_address_are_checked_each_time(client, path):
    first = fetch(client, path, "br")
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    assert first.cache_control.no_cache and not first.cache_control.max_age
    again = fetch(client, path, "br", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()


def test_plotly_is_the_basic_bundle_of_the_plotly_package_own_version(client):
    from plotly.offline import get_plotlyjs_version

    bundle = _delivery.PLOTLY_BUNDLE.read_bytes()
    version = re.search(rb"plotly\.js \(basic - minified\) v([\d.]+)", bundle[:300])
    assert version, "assets/vendor/plotly-basic.min.js is not plotly.js's basic bundle"
    assert version.group(1).decode() == get_plotlyjs_version(), (
        "plotly was upgraded: put plotly.js-basic-dist-min of the matching version in dashboard/assets/vendor"
    )
    served = fetch(client, _delivery.PLOTLY_URL)
    assert served.status_code == 200 and served.get_data() == bundle
    assert served.mimetype == "application/javascript"


def test_every_chart_the_pages_draw_is_a_trace_type_of_the_basic_bundle():
    """And each is a valid Plotly figure: they are written as plain JSON, which ``go.Figure`` checks."""
    import plotly.graph_objects as go

    from dashboard import _charts, _map

    rows = [
        {"quarter": "FY2019Q1", "target": 10, "actual": 8, "cumulative": 8, "lop_target_to_date": 9},
        {"quarter": "FY2019Q2", "target": 10, "actual": 12, "cumulative": 20, "lop_target_to_date": 18},
    ]
    figures = [
        _charts.quarter_chart(rows, "number"),
        _charts.quarter_chart(rows, "percent"),
        _charts.cumulative_chart(rows, "number", 100),
        _charts.cumulative_chart(rows, "percent", None),
        _charts.category_chart(
            ["Female", "Male"], [1, 2], [3, 4], [5, 6], "number", quarter_label="Q", year_label="FY"
        ),
        _charts.share_chart(["Burundi", "Rwanda"], [60.0, None]),
        _map.district_map({"Huye": 12, "Kirehe": 3}, what="victims", withheld={"Kirehe": "<5 victims"}),
    ]
    drawn = {trace.type for figure in figures for trace in go.Figure(figure).data}  # raises if one is invalid
    assert drawn and drawn <= set(_delivery.PLOTLY_TRACES)


def test_nothing_is_compressed_for_a_client_that_asks_for_no_encoding(client):
    answer = fetch(client, "/_dash-dependencies", "identity")
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert answer.get_json()


def test_compression_comes_after_every_other_hook_so_they_see_bodies_as_written(client, demo_app):
    """A hook registered early in the app's setup, as the sign-in guard's are (one adding a nonce to the
    page's scripts, say), still reads the page as written."""
    from flask import request

    seen = []

    def probe(response):
        if request.headers.get("X-Probe"):
            seen.append((response.headers.get("Content-Encoding"), response.get_data()[:15]))
        return response

    hooks = demo_app.server.after_request_funcs[None]
    hooks.insert(1, probe)  # registered right after the app's first hook (Flask runs them last first)
    try:
        packed = client.get("/programme?code=KEC", headers={"Accept-Encoding": "br", "X-Probe": "1"})
    finally:
        hooks.remove(probe)
    assert seen == [(None, b"<!DOCTYPE html>")]
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.get_data()).startswith(b"<!DOCTYPE html>")


def test_no_page_carries_babels_polyfill_or_datatables_library(client):
    """Left out of every page (browsers the app supports have what the polyfill adds); the one part of it Dash
    calls, regeneratorRuntime, is an asset of the app's own, and it comes before Dash's renderer runs."""
    page = fetch(client, "/").get_data(as_text=True)
    tags = re.findall(r"<script[^>]*>", page)
    running = [re.search(r'src="([^"]+)"', t).group(1) for t in tags if "src=" in t and "text/plain" not in t]
    assert not [f for f in running if "polyfill" in f or "/dash_table/" in f]
    runtime = next(i for i, f in enumerate(running) if f.startswith("/assets/regenerator-runtime.min.js"))
    assert runtime < next(i for i, f in enumerate(running) if "dash_renderer" in f)
    table_tags = [t for t in re.findall(r"<script[^>]*>", page) if "/dash_table/" in t]
    assert table_tags and all('type="text/plain"' in t for t in table_tags)


def test_scripts_and_stylesheets_go_without_the_content_security_policy_which_governs_documents(client):
    files = scripts_and_styles(fetch(client, "/").get_data(as_text=True))
    for path in files:
        answer = fetch(client, path, "br")
        assert "Content-Security-Policy" not in answer.headers, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
    for path in ("/", "/_dash-layout", "/login", "/assets/favicon.ico"):
        assert "frame-ancestors 'none'" in fetch(client, path).headers["Content-Security-Policy"], path


# Bootstrap's components that assets/vendor/bootstrap.scss leaves out, with the dbc components drawing them
LEFT_OUT = {
    "accordion": "Accordion",
    "btn-group": "ButtonGroup",
    "pagination": "Pagination",
    "list-group": "ListGroup",
    "toast": "Toast",
    "modal": "Modal",
    "tooltip": "Tooltip",
    "popover": "Popover",
    "carousel": "Carousel",
    "offcanvas": "Offcanvas",
    "placeholder": "Placeholder",
}


def test_the_pages_draw_none_of_the_bootstrap_components_its_stylesheet_leaves_out():
    """Were a page to start drawing one, it would come out unstyled: add its import back to
    assets/vendor/bootstrap.scss and rebuild the stylesheet (README)."""
    from pathlib import Path

    folder = Path(_delivery.__file__).parent
    css = (folder / "assets" / "00-bootstrap.min.css").read_text(encoding="utf-8")
    for kept in ("card", "alert", "btn", "table", "navbar", "dropdown-menu", "breadcrumb", "badge"):
        assert f".{kept}{{" in css, kept
    for kept in ("progress", "spinner-border", "form-control", "form-select", "form-check", "input-group"):
        assert f".{kept}" in css, kept
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*.py")}
    for prefix, component in LEFT_OUT.items():
        assert not re.search(rf"(?:^|\}})\.{prefix}[{{:-]", css), prefix  # no rule of its own
        for name, source in sources.items():
            assert not re.search(rf"\bdbc\.{component}\b", source), (name, component)
            named = re.findall(r"className\s*=\s*f?[\"']([^\"']*)", source)
            classes = {c for text in named for c in text.split()}
            assert not [c for c in classes if c == prefix or c.startswith(prefix + "-")], (name, prefix)


def test_a_page_whose_first_screen_is_a_grid_asks_for_the_grid_library_from_its_head(client):
    """Beside the page's other scripts, from the address its lazy tag names, with the chunk it loads; a page
    whose grid is further down, or which has none, does not."""
    page = fetch(client, "/audit", Accept="text/html").get_data(as_text=True)
    head = page.split("</head>", 1)[0]
    preloads = re.findall(r'<link rel="preload" as="script" href="([^"]+)">', head)
    tags = re.findall(r"<script[^>]*>", page)
    tag = next(t for t in tags if f'{_delivery.LAZY_ATTRIBUTE}="dash_ag_grid"' in t)
    assert preloads == [
        re.search(r'src="([^"]+)"', tag).group(1),
        "/_dash-component-suites/dash_ag_grid/" + _delivery.GRID_CHUNK,
    ]
    assert fetch(client, preloads[1]).status_code == 200  # the chunk is where the library will ask for it
    for path in ("/", "/programme?code=KEC&period=FY2019Q3", "/indicator?code=KEC-4.2&period=FY2019Q3"):
        assert 'rel="preload"' not in fetch(client, path, Accept="text/html").get_data(as_text=True), path
