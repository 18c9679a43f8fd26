"""In Chromium: plotly.js is fetched only by the pages that draw charts, it is the basic bundle the app serves,
and that bundle draws what the pages need (bars, lines, and filled polygons on plain axes, as a district map
is drawn); AG Grid's library is fetched only by the pages that draw grids, once a grid nears the screen, and
the grids are drawn with it; no page fetches Babel's polyfill or DataTable's library."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import _delivery
from tests.browser.conftest import ensure_user, sign_in
from tests.conftest import console_problems

pytestmark = pytest.mark.browser

PAGES = [  # page, an element present once drawn, whether it draws charts
    ("/", "home-card-GIFT", False),
    ("/activities?programme=PVR", "activities-grid", False),
    ("/reports?programme=KEC&period=FY2019Q3", "reports-flagged", False),
    ("/indicator?code=KEC-4.2&period=FY2019Q3", "indicator-chart", True),
    ("/victims", "victims-nationality", True),
]
GRID_PAGES = [  # page, an element present once drawn, whether it draws a grid
    ("/", "#home-card-GIFT", False),
    ("/victims", "#victims-nationality .main-svg", False),
    ("/activities?programme=KEC&quarter=FY2019Q3", "#activities-grid", True),
    ("/upload", "#upload-history", True),
    ("/audit", "#audit-grid", True),
]


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    ensure_user(shipped_store, "claire", "manager")
    sign_in(browser, shipped_server, "claire")
    browser.get_log("browser")
    return shipped_server


def fetched(browser) -> list[str]:
    return browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def drawn(browser, element_id: str, charts: bool) -> None:
    def ready(driver):
        if not driver.find_elements(By.ID, element_id):
            return False
        if driver.find_elements(By.CSS_SELECTOR, '[data-dash-is-loading="true"]'):
            return False
        return not charts or bool(driver.find_elements(By.CSS_SELECTOR, ".dash-graph .main-svg"))

    WebDriverWait(browser, 30).until(ready)


@pytest.mark.parametrize("path, marker, charts", PAGES, ids=[p[0] for p in PAGES])
def test_plotly_is_fetched_only_by_pages_that_draw_charts(browser, site, path, marker, charts):
    browser.get(site + path)
    drawn(browser, marker, charts)
    plotly = [url for url in fetched(browser) if "plotly" in url]
    if charts:
        assert plotly == [site + _delivery.PLOTLY_URL]
        assert browser.execute_script("return !!window.Plotly") is True
    else:
        assert plotly == [] and browser.execute_script("return !!window.Plotly") is False
    assert console_problems(browser) == []
    assert [u for u in fetched(browser) if "polyfill" in u or "/dash_table/" in u] == []


def test_the_served_plotly_is_the_basic_bundle_and_draws_filled_polygons(browser, site):
    from plotly.offline import get_plotlyjs_version

    browser.get(site + "/indicator?code=KEC-4.2&period=FY2019Q3")
    drawn(browser, "indicator-chart", True)
    traces = browser.execute_script("return Object.keys(Plotly.PlotSchema.get().traces).sort()")
    assert traces == sorted(_delivery.PLOTLY_TRACES)
    assert browser.execute_script("return Plotly.version") == get_plotlyjs_version()
    # A district as a closed outline filled on plain axes: how a map is drawn without plotly's geo traces.
    filled = browser.execute_script("""
        const div = document.createElement('div');
        div.style.width = '300px'; div.style.height = '300px';
        document.body.appendChild(div);
        return Plotly.newPlot(div, [{type: 'scatter', mode: 'lines', fill: 'toself',
                                     x: [0, 2, 2, 1, 0, 0], y: [0, 0, 2, 3, 2, 0]}],
                              {xaxis: {visible: false}, yaxis: {visible: false, scaleanchor: 'x'}})
          .then(() => div.querySelectorAll('.scatterlayer .js-fill').length);
    """)
    assert filled == 1
    assert console_problems(browser) == []


@pytest.mark.parametrize("path, marker, grid", GRID_PAGES, ids=[p[0] for p in GRID_PAGES])
def test_the_grid_library_is_fetched_only_by_pages_that_draw_grids(browser, site, path, marker, grid):
    """And a grid page draws its rows with it: the demo data set has rows on every grid page."""
    browser.get(site + "/login")  # a fresh document: nothing of the page before is kept
    browser.get(site + path)
    shown = f"{marker} .ag-cell" if grid else marker
    WebDriverWait(browser, 30).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, shown)
            and not d.find_elements(By.CSS_SELECTOR, '[data-dash-is-loading="true"]')
        )
    )
    library = [url for url in fetched(browser) if "/dash_ag_grid/" in url]
    if grid:
        assert any(re.search(r"/dash_ag_grid\.v\w+m\d+\.min\.js$", url) for url in library), library
        assert len(library) == len(set(library)), library  # asked for from the head or on the way: once
        assert all(cell.text for cell in browser.find_elements(By.CSS_SELECTOR, f"{marker} .ag-cell")[:3])
    else:
        assert (
            library == [] and browser.execute_script("return !!document.querySelector('.ag-root')") is False
        )
    assert console_problems(browser) == []


@pytest.mark.parametrize(
    "path, grid",
    [
        ("/indicator?code=KEC-4.2&period=FY2019Q3", "indicator-records"),
        ("/programme?code=KEC&period=FY2019Q3", "programme-targets-grid"),
    ],
)
def test_a_grid_further_down_is_fetched_when_the_user_scrolls_to_it(browser, site, path, grid):
    """The first screen (the chart, the IPTT) arrives without AG Grid's half megabyte; the grid holds its
    place, and scrolling to it fetches the library and draws its rows."""
    browser.get(site + "/login")
    browser.get(site + path)
    browser.execute_script("window.scrollTo(0, 0)")
    drawn(browser, grid, charts=True)
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    place = browser.find_element(By.ID, grid)
    assert "ct-grid-waiting" in place.get_attribute("class") and place.get_attribute("aria-busy") == "true"
    assert place.size["height"] > 0  # the page does not jump when the grid arrives
    assert [url for url in fetched(browser) if "/dash_ag_grid/" in url] == []
    assert browser.execute_script("return typeof regeneratorRuntime") == "object"  # for Dash's lazy parts
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", place)
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#{grid} .ag-cell"))
    assert any(re.search(r"/dash_ag_grid\.v\w+m\d+\.min\.js$", u) for u in fetched(browser))
    assert all(cell.text for cell in browser.find_elements(By.CSS_SELECTOR, f"#{grid} .ag-cell")[:3])
    assert not browser.find_elements(By.CSS_SELECTOR, ".ct-grid-waiting")
    assert console_problems(browser) == []
