"""f) Every page as a browser loads it, on the demo data set: bytes over the wire and the time until its content
is drawn, cold (empty cache) and warm (the page visited before), on localhost and over an emulated field link
(2 Mbit/s down, 1 Mbit/s up, 150 ms latency: Chromium's own network emulation).

Bounds: cold ≤ 1.25 MB (goal 0.8 MB), warm ≤ 200 kB; over the field link drawn ≤ 8 s cold (goal 4 s) and
≤ 2 s warm. A page without a chart or a grid is some 300 kB cold, a chart adds 0.33 MB (plotly.js's basic
bundle) and a grid 0.5 MB (AG Grid's library and its chunk), fetched once a grid comes near the screen: a
page's cold visit is its first screen, as a user opening it sees it. The pages whose grid is further down
(``BELOW``) are then scrolled to it, and what the whole page cost is reported too (not bounded: the user
asked for it by scrolling). On
localhost the time is compared with the sign-in page's (a plain form, drawn the same way): a slower or busier
machine slows both. Bytes are what Chromium received (compressed bodies and headers: CDP's encodedDataLength);
"drawn" is when the page's content is in place (its marker elements, every chart drawn, no callback running),
timed inside the page from the start of the navigation.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks._report import line
from benchmarks._serving import BENCH_PASSWORD, BENCH_USER, ensure_user

SIGN_IN = "/login"
# page -> CSS selectors that are all present once its content is drawn
PAGES = {
    "/": ["#home-card-GIFT"],
    "/programme?code=KEC&period=FY2019Q3": ["#programme-iptt"],
    "/indicator?code=KEC-4.2&period=FY2019Q3": ["#indicator-chart .main-svg"],
    "/activities?programme=KEC&quarter=FY2019Q3": ["#activities-grid .ag-cell"],
    "/upload": ["#upload-history .ag-cell"],
    "/reports?programme=KEC&period=FY2019Q3": ["#reports-flagged"],
    "/quality?programme=KEC": ["#quality-outliers"],
    "/victims": ["#victims-nationality .main-svg"],
    "/audit": ["#audit-grid .ag-cell"],
}
# page -> its grid further down the page, drawn once the user scrolls to it
BELOW = {
    "/programme?code=KEC&period=FY2019Q3": "#programme-targets-grid .ag-cell",
    "/indicator?code=KEC-4.2&period=FY2019Q3": "#indicator-records .ag-cell",
}
LOCAL = None
FIELD = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 2_000_000 / 8,
    "uploadThroughput": 1_000_000 / 8,
}
COLD_BYTES, COLD_GOAL, WARM_BYTES = 1_250_000, 800_000, 200_000
FIELD_COLD, FIELD_COLD_GOAL, FIELD_WARM = 8.0, 4.0, 2.0
# A page on localhost as a multiple of the sign-in page's time (80-170 ms here). A Dash page boots an
# application the form does not (the renderer, then its layout, the page, the page's data: three round
# trips at least) and the chart pages run plotly.js on top: 3-16x here, quiet or busy. With the full
# plotly.js the Indicator page took 4.6 s, about 30x.
LOCAL_RATIO = 20.0
LOCAL_RUNS, SIGN_IN_RUNS = 3, 7  # medians; the sign-in page takes a tenth of a second, so more of it

# Runs in every document before its own scripts: notes when the content is drawn (the frame after the
# markers appear with no Dash callback running and every graph drawn).
WATCH = """
(() => {
  const markers = %s[location.pathname + location.search] || %s[location.pathname];
  if (!markers) return;
  const drawn = () => markers.every(s => document.querySelector(s))
    && !document.querySelector('[data-dash-is-loading="true"]')
    && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));
  const check = () => drawn() ? requestAnimationFrame(() => { window.__drawnAt = performance.now(); })
                              : setTimeout(check, 10);
  check();
})();
"""


def demo_settings(folder: Path):
    """A store with the programmes and ``ctmonitor demo``'s data set, stored through the importer."""
    from importers import demo
    from indicators.programmes import definitions
    from indicators.store import migrate
    from indicators.store.db import Store
    from indicators.store.settings import Settings

    settings = Settings.for_tests(folder)
    store = Store(settings)
    migrate.upgrade(store.engine)
    with store.begin() as session:
        definitions.load_directory(session, settings.programmes_dir)
    with store.begin() as session:
        demo.load(session, settings)
    ensure_user(store)
    store.dispose()
    return settings


class Browser:
    """Headless Chromium whose network events (CDP, through the performance log) are added up per load."""

    def __init__(self, base: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--window-size=1366,900",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(
            service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
        )
        self.base = base
        self.driver.execute_cdp_cmd("Network.enable", {})
        markers = json.dumps({**PAGES, SIGN_IN: ["#login-submit"]})
        self.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH % (markers, markers)}
        )

    def link(self, conditions: dict | None) -> None:
        off = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", conditions or off)

    def load(self, path: str, cold: bool, timeout: float = 60) -> tuple[float, int]:
        """(seconds until drawn, bytes received) for one visit of ``path``."""
        self._events()  # forget what came before
        if cold:
            self.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        self.driver.get(self.base + path)
        deadline = time.monotonic() + timeout
        drawn = self._drawn(deadline)
        if drawn is None:
            raise TimeoutError(f"{path} was not drawn within {timeout:.0f} s")
        return drawn, self._received_when_quiet(deadline, self.base + path)

    def _drawn(self, deadline: float) -> float | None:
        """Seconds from the start of the navigation until the page noted its content drawn."""
        while time.monotonic() < deadline:
            drawn = self.driver.execute_script("return window.__drawnAt || null")
            if drawn is not None:
                return drawn / 1000
            time.sleep(0.05)
        return None

    def _received_when_quiet(self, deadline: float, url: str | None = None, quiet: float = 0.5) -> int:
        """Bytes of the requests the log shows from now on, once none of them is pending and no request has
        started or ended for a while: with ``url``, those of the visit (the document loaded from ``url``; a
        request the page before left unfinished is not the visit's); without, every one (what a scroll
        asked for)."""
        loader, owner, done, last = None, {}, {}, time.monotonic()
        while time.monotonic() < deadline:
            events = self._events()
            for method, params in events:
                if method == "Network.requestWillBeSent":
                    if (
                        url
                        and loader is None
                        and params.get("type") == "Document"
                        and params["request"]["url"] == url
                    ):
                        loader = params["loaderId"]
                    owner[params["requestId"]] = params.get("loaderId")
                elif method in ("Network.loadingFinished", "Network.loadingFailed"):
                    done[params["requestId"]] = params.get("encodedDataLength", 0)
            ours = [request for request, by in owner.items() if url is None or by == loader]
            if events:
                last = time.monotonic()
            elif (
                (url is None or loader) and time.monotonic() - last >= quiet and all(r in done for r in ours)
            ):
                return sum(done[r] for r in ours)
            time.sleep(0.1)
        raise TimeoutError(f"requests of {url or 'the scroll'} still pending")

    def _events(self) -> list[tuple[str, dict]]:
        out = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"].startswith("Network."):
                out.append((message["method"], message.get("params", {})))
        return out

    def sign_in(self) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(self.base + SIGN_IN)
        self.driver.find_element(By.ID, "login-username").send_keys(BENCH_USER)
        self.driver.find_element(By.ID, "login-password").send_keys(BENCH_PASSWORD)
        self.driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(self.driver, 30).until(lambda d: SIGN_IN not in d.current_url)
        self._drawn(time.monotonic() + 60)  # the page signing in leads to, left to finish

    def quit(self) -> None:
        self.driver.quit()


def measure(browser: Browser, path: str) -> dict:
    """Cold and warm visits of one page, on localhost (median of a few) and over the field link (once)."""
    out = {}
    for link, runs in (("local", SIGN_IN_RUNS if path == SIGN_IN else LOCAL_RUNS), ("field", 1)):
        browser.link(LOCAL if link == "local" else FIELD)
        for state in ("cold", "warm"):  # after a cold visit, the cache holds what a warm one needs
            visits = [browser.load(path, cold=state == "cold") for _ in range(runs)]
            out[link, state] = (statistics.median(v[0] for v in visits), max(v[1] for v in visits))
        if path in BELOW:
            out[link, "whole"] = scrolled(browser, path, BELOW[path])
    browser.link(LOCAL)
    return out


def scrolled(browser: Browser, path: str, grid: str, timeout: float = 60) -> tuple[float, int]:
    """(seconds from the scroll until the grid is drawn, bytes of the whole visit) for a cold visit of
    ``path`` scrolled to the end once its first screen is drawn."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, first = browser.load(path, cold=True)
    started = time.monotonic()
    browser.driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    WebDriverWait(browser.driver, timeout).until(lambda d: d.find_elements(By.CSS_SELECTOR, grid))
    took = time.monotonic() - started
    return took, first + browser._received_when_quiet(time.monotonic() + timeout)


def report(path: str, figures: dict, sign_in: dict) -> bool:
    ok = True
    for state in ("cold", "warm"):
        local, received = figures["local", state]
        field, _ = figures["field", state]
        ratio = local / sign_in["local", state][0]
        limit, field_limit = (COLD_BYTES, FIELD_COLD) if state == "cold" else (WARM_BYTES, FIELD_WARM)
        goal = f", goal {COLD_GOAL / 1000:,.0f}" if state == "cold" else ""
        field_goal = f", goal {FIELD_COLD_GOAL:.0f}" if state == "cold" else ""
        bounded = path != SIGN_IN
        ok &= line(
            f"f) {state} {path}",
            f"{received / 1000:,.0f} kB (≤ {limit / 1000:,.0f}{goal}); drawn at 2 Mbit/s {field:.1f} s "
            f"(≤ {field_limit:.0f}{field_goal}); localhost {local:.2f} s = {ratio:.1f}× sign-in"
            + (f" (≤ {LOCAL_RATIO:.0f}×)" if bounded else ""),
            received <= limit and field <= field_limit and (not bounded or ratio <= LOCAL_RATIO),
        )
    if ("field", "whole") in figures:
        took, received = figures["field", "whole"]
        line(
            f"f) cold {path}, scrolled to its grid",
            f"{received / 1000:,.0f} kB for the whole page; the grid drawn {took:.1f} s after the scroll at "
            "2 Mbit/s",
            True,
        )
    return ok


def warm_up(browser: Browser) -> None:
    """Visit every page once and let the server finish compressing the files of installed packages tightly,
    as a server does once per installation (it keeps them in its data folder): a first visitor after an
    upgrade receives them compressed quickly instead, some 12% larger."""
    from dashboard import _delivery

    for path in PAGES:
        browser.load(path, cold=True)
    _delivery.settle()


def main() -> int:
    import logging

    from werkzeug.serving import make_server

    from app import create_app
    from indicators.store.db import Store

    folder = Path(tempfile.mkdtemp(prefix="ctm-bench-load-"))
    settings = demo_settings(folder)
    store = Store(settings)
    app = create_app(settings, store=store)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Browser(f"http://127.0.0.1:{server.server_port}")
    ok = True
    try:
        sign_in = measure(browser, SIGN_IN)
        ok &= report(SIGN_IN, sign_in, sign_in)
        browser.sign_in()
        warm_up(browser)
        for path in PAGES:
            ok &= report(path, measure(browser, path), sign_in)
    finally:
        browser.quit()
        server.shutdown()
        store.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
