"""How the app reaches a browser over a field office's link: compressed answers, versioned files cached for a
year, plotly.js's basic bundle (bar, pie, scatter) instead of the full one for the pages that draw charts,
AG Grid's library only once a grid is about to be seen, and none of the scripts no page needs.

- Compression (Flask-Compress, brotli or gzip as the browser accepts): HTML, Dash's JSON (layout, dependencies,
  callback answers) and the JavaScript and CSS. The files of installed packages (Dash's component suites and
  plotly.js) and the app's assets do not change while the server runs: the first answer for one is
  compressed quickly (brotli 5, gzip 6) while a thread compresses it as tightly as the formats go (brotli 11,
  gzip 9: some 12% smaller, at seconds a megabyte); from then on every answer is that, kept in memory and in
  ``<data dir>/compressed``, so the next start and the other workers of the server have it at once
  (``PackedCache``).
- Caching: Dash names its component suites with their version (``dash_renderer.v4_4_1m1796191347.min.js``)
  and the assets with their modification time (``app.css?m=1796191264.3``): a new version is a new address,
  so those are kept for a year. Files asked for without a version (the chunks Dash's components load on
  demand, plotly.js, the sign-in page's stylesheets) are kept but checked with the server on every use (a
  304 answer of a few hundred bytes). Nothing else is cached (see ``dashboard._auth``).
- plotly.js: Dash's Graph loads it on demand, when a page first draws a chart, from ``PLOTLY_URL``; this
  module answers there with ``assets/vendor/plotly-basic.min.js`` (1.2 MB instead of 4.8 MB, the same
  plotly.js version as the plotly package's). Every chart ctmonitor draws must be one of ``PLOTLY_TRACES``;
  maps are drawn as filled scatter polygons on plain axes, which the basic bundle draws.
- AG Grid: dash-ag-grid's library (``GRID_BUNDLE``, 1.3 MB, 0.28 MB compressed, and a 0.2 MB chunk it loads)
  is one of the scripts Dash writes into every page. Here its tag gets ``type="text/plain"``, which a
  browser does not fetch, and ``assets/lazy-grid.js`` stands in for the library: a grid holds its place
  until it comes near the screen, then the library is fetched from the tag's address (versioned, so kept for
  a year) and the real grid drawn. Pages without a grid never fetch it, and a page whose grid is further
  down (the Programme page's targets, the Indicator page's records) draws its first screen without it; a
  page whose first screen is a grid (``grid_first``) asks for it from its head, with the page's scripts.
- Left out (``leave_out_unused_scripts``): Babel's polyfill, for browsers older than any the app supports,
  replaced by the one part of it Dash calls (``assets/regenerator-runtime.min.js``); DataTable's library,
  which no page draws. Bootstrap's stylesheet is built with only the components the pages draw
  (``assets/vendor/bootstrap.scss``).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import brotli
from flask import Flask, Request, Response, request
from flask_compress import Compress

ASSETS = Path(__file__).resolve().parent / "assets"
PLOTLY_BUNDLE = ASSETS / "vendor" / "plotly-basic.min.js"
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # what Dash's Graph asks for
PLOTLY_TRACES = ("bar", "pie", "scatter")  # the trace types of plotly.js's basic bundle
GRID_LIBRARY, GRID_BUNDLE = "dash_ag_grid", "dash_ag_grid.min.js"
GRID_CHUNK = "async-community.js"  # the chunk the library loads to draw a grid (AG Grid's community edition)
UNUSED_LIBRARIES = ("dash.dash_table",)  # written into every page by Dash, drawn by none (see below)
LAZY_ATTRIBUTE = "data-ctmonitor-lazy"  # assets/lazy-grid.js finds the library's tag by it
SUITES = "/_dash-component-suites/"
ASSETS_URL = "/assets/"
VERSIONED_QUERY = ("m", "v")  # assets?m=<modification time>, _favicon.ico?v=<Dash version>
YEAR = 365 * 24 * 3600
FAST = {"br": 5, "gzip": 6}  # 7% larger than brotli 11 per answer, but 1.5 ms per 100 kB of JSON
TIGHT = {"br": 11, "gzip": 9}  # for the files of installed packages, compressed once


def init_app(server: Flask) -> None:
    settings = server.extensions.get("ctmonitor.settings")
    folder = Path(settings.data_dir) / "compressed" if settings is not None else None
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],  # assets are streamed from their files
        COMPRESS_BR_LEVEL=FAST["br"],
        COMPRESS_LEVEL=FAST["gzip"],
        COMPRESS_CACHE_BACKEND=lambda: PackedCache(folder),
        COMPRESS_CACHE_KEY=_cache_key,
        # Answer "not modified" for an asset checked again (its ETag gets the encoding appended).
        COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static", "_dash_assets.static"],
        COMPRESS_REGISTER=False,
    )
    compress = Compress(server)
    # Flask runs after-request hooks last registered first: as the first, compression runs after all the
    # others, so a hook that reads or rewrites a body (a nonce for a script) sees it uncompressed.
    server.after_request_funcs.setdefault(None, []).insert(0, compress.after_request)
    server.add_url_rule(PLOTLY_URL, "plotly_basic", _plotly)
    server.after_request(_cache_headers)
    server.after_request(_whole_asset)
    defer_grid_library()
    leave_out_unused_scripts()


def grid_first(page_html: str, path: str, pages: Iterable[dict]) -> str:
    """The page with its grid library asked for from its head, beside the other scripts, when the page at
    ``path`` declares ``grid_first=True`` in ``register_page`` (its first screen is a grid): otherwise the
    library is only asked for once Dash has drawn the page and the grid, round trips later over a slow link.
    A preload only fetches: ``assets/lazy-grid.js`` still runs the library, from the same address."""
    if not any(page.get("grid_first") and page.get("path") == path for page in pages):
        return page_html
    tag = re.search(rf'<script[^>]*{LAZY_ATTRIBUTE}="{GRID_LIBRARY}"[^>]*>', page_html)
    source = re.search(r'src="([^"]+)"', tag.group(0)) if tag else None
    if source is None:
        return page_html
    library = source.group(1)
    links = "".join(
        f'<link rel="preload" as="script" href="{address}">'
        for address in (library, library.rsplit("/", 1)[0] + "/" + GRID_CHUNK)
    )
    return page_html.replace("</head>", links + "</head>", 1)


def leave_out_unused_scripts() -> None:
    """Leave out of every page two scripts Dash writes into all of them: Babel's polyfill (30 kB compressed),
    which supplies modern JavaScript to browsers older than any the app supports (a browser of 2020 or later
    has it all) and ``regeneratorRuntime``, the one part Dash's renderer and components call
    (``assets/regenerator-runtime.min.js`` supplies it, 2.5 kB); and DataTable's library (9 kB), which no
    page draws (``UNUSED_LIBRARIES``; a page drawing one again would fail in every browser test's console
    check)."""
    from dashboard._dash_private import component_scripts, renderer_dependencies

    for entry in renderer_dependencies():
        for field in ("relative_package_path", "external_url"):
            bundles: dict[str, list[str]] = entry.get(field) or {}
            for bundle, files in bundles.items():
                bundles[bundle] = [f for f in files if "polyfill" not in f]
    for name in UNUSED_LIBRARIES:
        for resource in component_scripts(importlib.import_module(name)):
            if not resource.get("async") and not resource.get("dynamic"):
                resource["attributes"] = {"type": "text/plain"}


def defer_grid_library() -> None:
    """Write dash-ag-grid's library into every page as a tag the browser does not run (see the module's
    docstring). dash-ag-grid lists its scripts in its module's ``_js_dist``, the list Dash reads for every
    component library; should that entry move, the app refuses to start rather than send the grid to every
    page again (tests/dashboard/test_delivery.py checks the page's tags)."""
    import dash_ag_grid

    from dashboard._dash_private import component_scripts

    for resource in component_scripts(dash_ag_grid):
        if resource.get("relative_package_path") == GRID_BUNDLE:
            resource["attributes"] = {"type": "text/plain", LAZY_ATTRIBUTE: GRID_LIBRARY}
            return
    raise RuntimeError(f"dash_ag_grid no longer lists {GRID_BUNDLE}: see dashboard/_delivery.py")


# Tightly compressed files, by identity (see _cache_key), for every app of the process: they are files of
# installed packages, the same for every user; the lock guards the set of files being compressed.
_PACKED: dict[str, bytes] = {}
_PACKING: dict[str, threading.Thread] = {}
_LOCK = threading.Lock()


class PackedCache:
    """Flask-Compress's cache of compressed answers, holding the files of installed packages only
    (``_cache_key`` names nothing else): any other answer is compressed afresh, as it may differ per user
    and per request. Flask-Compress stores its quick compression here; a thread then replaces it with the
    tight one, read from ``folder`` if an earlier run left it there, else made and left there."""

    def __init__(self, folder: Path | None):
        self._folder = folder

    def get(self, key: str) -> bytes | None:
        if key.endswith(";"):  # "<encoding>;" + an empty key: not a file of a package
            return None
        packed = _PACKED.get(key)
        if packed is None and self._folder is not None:
            try:
                packed = (self._folder / _file_name(key)).read_bytes()
            except OSError:
                return None
            _PACKED[key] = packed
        return packed

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with _LOCK:
            if key in _PACKED:
                return
            _PACKED[key] = value  # until the tight one is ready
            thread = threading.Thread(target=self._tighten, args=(key, value), daemon=True)
            _PACKING[key] = thread
        thread.start()

    def _tighten(self, key: str, quick: bytes) -> None:
        try:
            encoding = key.split(";", 1)[0]
            raw = brotli.decompress(quick) if encoding == "br" else gzip.decompress(quick)
            if encoding == "br":
                packed = brotli.compress(raw, quality=TIGHT["br"])
            else:
                packed = gzip.compress(raw, TIGHT["gzip"], mtime=0)
            if self._folder is not None:
                _write_atomically(self._folder / _file_name(key), packed)
            _PACKED[key] = packed
        finally:
            with _LOCK:
                _PACKING.pop(key, None)


def settle(timeout: float = 60.0) -> None:
    """Wait for the files being compressed tightly (a benchmark's warm-up; a test)."""
    with _LOCK:
        threads = list(_PACKING.values())
    for thread in threads:
        thread.join(timeout)


def _file_name(key: str) -> str:
    encoding, identity = key.split(";", 1)
    return f"{hashlib.sha256(identity.encode()).hexdigest()[:40]}.{encoding}"


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".packing-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)  # another worker writing the same file writes the same bytes
    except OSError:
        pass  # a read-only data folder: each worker keeps its own in memory


def _cache_key(req: Request) -> str:
    """What identifies a package file's or an asset's content: its address, the size and modification time of
    the file behind it (a package upgraded in place is a new key, even where the address carries no version)."""
    return _package_file(req.path) if req.path.startswith((SUITES, ASSETS_URL)) else ""


def _whole_asset(response: Response) -> Response:
    """An asset read whole rather than streamed from its file, so that it is compressed once, tightly, and kept
    (``PackedCache``) like the packages' files: Flask-Compress compresses a streamed answer afresh, quickly,
    every time (Bootstrap's stylesheet: 28 kB at brotli 5, 18 kB at 11). Assets are small files."""
    if request.path.startswith(ASSETS_URL) and response.status_code == 200 and response.is_streamed:
        response.direct_passthrough = False
        response.get_data()  # reads the file into the answer: no longer streamed
    return response


@functools.lru_cache(maxsize=256)
def _package_file(path: str) -> str:
    from dash.fingerprint import check_fingerprint

    if path == PLOTLY_URL:
        file = PLOTLY_BUNDLE
    elif path.startswith(ASSETS_URL):
        file = (ASSETS / path[len(ASSETS_URL) :]).resolve()
        if not file.is_relative_to(ASSETS):
            return ""
    else:
        package, _, rest = path[len(SUITES) :].partition("/")
        module = sys.modules.get(package)
        if module is None or module.__file__ is None:
            return ""
        file = Path(module.__file__).parent / check_fingerprint(rest)[0]
    try:
        stat = file.stat()
    except OSError:
        return ""
    return f"{path}@{stat.st_size}:{stat.st_mtime_ns}"


@functools.cache
def _plotly_bundle() -> tuple[bytes, str]:
    data = PLOTLY_BUNDLE.read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


def _plotly() -> Response:
    data, etag = _plotly_bundle()
    response = Response(data, mimetype="application/javascript")
    response.set_etag(etag)
    response.make_conditional(request)  # in place: a 304 without a body when the browser has it
    return response


def _cache_headers(response: Response) -> Response:
    path = request.path
    if not (path.startswith((SUITES, "/assets/")) or path == "/_favicon.ico") or response.status_code >= 400:
        return response
    cache = response.cache_control
    versioned = (
        (cache.max_age or 0) >= YEAR
        if path.startswith(SUITES)
        else any(request.args.get(name) for name in VERSIONED_QUERY)
    )
    if versioned:
        cache.no_cache = None
        cache.max_age = YEAR
        cache.public = True
        cache.immutable = True
    else:
        cache.max_age = None
        cache.no_cache = True
    return response
