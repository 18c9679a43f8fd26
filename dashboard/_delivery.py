"""How the app reaches a browser over a field office's link: compressed answers, versioned files cached for a
year, and plotly.js's basic bundle (bar, pie, scatter) instead of the full one, for the pages that draw charts.

- Compression (Flask-Compress, brotli or gzip as the browser accepts): HTML, Dash's JSON (layout, dependencies,
  callback answers) and the JavaScript and CSS. The component suites are files of installed packages that do
  not change while the server runs, so each is compressed once per worker, not once per request.
- Caching: Dash names its component suites with their version (``dash_renderer.v4_4_1m1796191347.min.js``)
  and the assets with their modification time (``app.css?m=1796191264.3``): a new version is a new address,
  so those are kept for a year. Files asked for without a version (the chunks Dash's components load on
  demand, plotly.js, the sign-in page's stylesheets) are kept but checked with the server on every use (a
  304 answer of a few hundred bytes). Nothing else is cached (see ``dashboard._auth``).
- plotly.js: Dash's Graph loads it on demand, when a page first draws a chart, from ``PLOTLY_URL``; this
  module answers there with ``assets/vendor/plotly-basic.min.js`` (1.2 MB instead of 4.8 MB, the same
  plotly.js version as the plotly package's). Every chart ctmonitor draws must be one of ``PLOTLY_TRACES``;
  maps are drawn as filled scatter polygons on plain axes, which the basic bundle draws.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, Response, request
from flask_compress import Compress

ASSETS = Path(__file__).resolve().parent / "assets"
PLOTLY_BUNDLE = ASSETS / "vendor" / "plotly-basic.min.js"
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # what Dash's Graph asks for
PLOTLY_TRACES = ("bar", "pie", "scatter")  # the trace types of plotly.js's basic bundle
SUITES = "/_dash-component-suites/"
VERSIONED_QUERY = ("m", "v")  # assets?m=<modification time>, _favicon.ico?v=<Dash version>
YEAR = 365 * 24 * 3600


def init_app(server: Flask) -> None:
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],  # assets are streamed from their files
        COMPRESS_BR_LEVEL=5,  # 7% smaller than level 4 on the bundles, at about 1.5 ms per 100 kB of JSON
        COMPRESS_LEVEL=6,
        COMPRESS_CACHE_BACKEND=SuitesCache,
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


class SuitesCache:
    """Flask-Compress's cache of compressed answers, holding the component suites only (``_cache_key`` names
    nothing else): any other answer is compressed afresh, as it may differ per user and per request."""

    def __init__(self):
        self._compressed: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._compressed.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):  # "<encoding>;" + an empty key: not a component suite
            self._compressed[key] = value


def _cache_key(req) -> str:
    return req.path if req.path.startswith(SUITES) else ""


@functools.cache
def _plotly_bundle() -> tuple[bytes, str]:
    data = PLOTLY_BUNDLE.read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:32]


def _plotly() -> Response:
    data, etag = _plotly_bundle()
    response = Response(data, mimetype="application/javascript")
    response.set_etag(etag)
    return response.make_conditional(request)


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
