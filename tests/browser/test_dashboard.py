"""Every page in headless Chromium on the demo data set, and the main flows: choose a quarter, open an
indicator, dry-run and commit an upload, download a report. The console stays clean, nothing is fetched
from anywhere but the app, and a screenshot of each page at 1366×768 goes to /tmp/shots/."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.conftest import console_problems

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")

PAGES = [
    ("portfolio", "/", "home-card-GIFT"),
    ("programme", "/programme?code=KEC&period=FY2019Q3", "programme-iptt"),
    ("indicator", "/indicator?code=KEC-4.2&period=FY2019Q3", "indicator-records"),
    ("indicator-percent", "/indicator?code=KEC-4.3&period=FY2019Q3", "indicator-chart"),
    ("activities", "/activities?programme=PVR", "activities-grid"),
    ("upload", "/upload", "upload-history"),
    ("reports", "/reports?programme=KEC&period=FY2019Q3", "reports-flagged"),
    ("quality", "/quality", "quality-outliers"),
    ("victims", "/victims", "victims-nationality"),
    ("audit", "/audit", "audit-grid"),
    ("account", "/account", "account-token-create"),
    ("results", "/results", "results-none"),
    ("not-found", "/programme?code=NOPE", None),
    ("no-such-page", "/no/such/page", None),
]


@pytest.fixture(scope="module")
def site(browser, shipped_server, shipped_store):
    """The served app on the seeded store, signed in as a programme manager through the sign-in form, in a
    1366×768 window (put back as it was afterwards)."""
    size = browser.get_window_size()
    browser.set_window_size(1366, 768)
    ensure_user(shipped_store, "claire", "manager")
    sign_in(browser, shipped_server, "claire")
    browser.get_log("browser")  # start with an empty console
    yield shipped_server
    browser.set_window_size(size["width"], size["height"])


def wait_for(browser, element_id, timeout=20):
    return WebDriverWait(browser, timeout).until(EC.presence_of_element_located((By.ID, element_id)))


def settled(browser, timeout=20):
    """No Dash callback or loading spinner still running."""
    WebDriverWait(browser, timeout).until(
        lambda d: d.execute_script("return !document.querySelector('[data-dash-is-loading=\"true\"]')")
    )
    time.sleep(0.3)


def grids_drawn(browser, timeout=30):
    """Scroll to every grid still holding its place (AG Grid's library is fetched once a grid nears the
    screen: dashboard/assets/lazy-grid.js), as a user reading down the page does, until each is drawn."""
    deadline = time.monotonic() + timeout
    scroll = (
        "const w = document.querySelector('.ct-grid-waiting');"
        "w && w.scrollIntoView({block: 'center'}); return w && w.id"
    )
    while (waiting := browser.execute_script(scroll)) is not None:  # in one step: a grid may arrive meanwhile
        if time.monotonic() > deadline:
            raise TimeoutError(f"a grid was not drawn: {waiting}")
        time.sleep(0.2)
    settled(browser)


def shoot(browser, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def click(browser, element, timeout=10):
    """Scroll the element to the middle of the window first: the driver does not, and clicks elsewhere. While
    something still covers it (a drop-down menu closing, a spinner, the page settling after a redraw) wait and
    try again, as a user would, rather than fail on the first try."""
    deadline = time.monotonic() + timeout
    while True:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.2)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def local_only(browser, base):
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [u for u in urls if not u.startswith(base) and not u.startswith("data:")]


@pytest.mark.parametrize("name, path, marker", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_with_a_clean_console(browser, site, name, path, marker):
    browser.get(site + path)
    if marker:
        wait_for(browser, marker)
    else:
        WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".not-found")))
    settled(browser)
    grids_drawn(browser)  # the whole page is checked, its grids further down too
    browser.execute_script("window.scrollTo(0, 0)")
    shoot(browser, name)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Something went wrong" not in text and "Traceback" not in text
    assert local_only(browser, site) == []
    assert console_problems(browser) == []
    assert accessibility_problems(browser) == []


def test_opening_an_indicator_from_the_iptt(browser, site):
    browser.get(site + "/programme?code=KEC&period=FY2019Q3")
    wait_for(browser, "programme-iptt")
    settled(browser)
    click(browser, browser.find_element(By.CSS_SELECTOR, "#programme-row-KEC-4\\.2 td a"))
    WebDriverWait(browser, 20).until(lambda d: "/indicator?code=KEC-4.2&period=FY2019Q3" in d.current_url)
    wait_for(browser, "indicator-chart")
    WebDriverWait(browser, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#indicator-chart .main-svg"))
    )
    settled(browser)
    assert "Number of people trained" in browser.find_element(By.TAG_NAME, "h1").text
    grids_drawn(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#indicator-records .ag-row")
    # plotly draws with no logo and no request outside the app
    assert not browser.find_elements(By.CSS_SELECTOR, "#indicator-chart .modebar-btn--logo")
    assert local_only(browser, site) == []
    assert console_problems(browser) == []


def test_writing_a_narrative(browser, site, shipped_store):
    from indicators.reporting.narratives import get_narrative, set_narrative

    browser.get(site + "/indicator?code=KEC-5.2&period=FY2019Q3")
    box = wait_for(browser, "indicator-narrative")
    settled(browser)
    box.clear()
    box.send_keys("Events postponed during the national census.")
    click(browser, browser.find_element(By.ID, "indicator-save"))
    WebDriverWait(browser, 20).until(
        lambda d: (
            "Saved the narrative for KEC-5.2 · FY2019 Q3" in d.find_element(By.ID, "indicator-saved").text
        )
    )
    with shipped_store.begin() as session:
        assert get_narrative(session, "KEC-5.2", "FY2019Q3") == "Events postponed during the national census."
        set_narrative(session, "KEC-5.2", "FY2019Q3", "", "test")
    assert console_problems(browser) == []


def _trainings_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(
        "Reference,Project,Start date,District,Target group,Topic,Female participants,"
        "Male participants\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    return path


def _choose_file(browser, path: Path):
    field = browser.find_element(By.CSS_SELECTOR, "#upload-file input[type=file]")
    field.send_keys(str(path))


def test_a_workbook_with_errors_is_shown_and_cannot_be_committed(browser, site, tmp_path):
    bad = _trainings_csv(
        tmp_path / "trainings_bad.csv",
        ["BR-T001,KEC,12/03/2019,Gasabo,Police,Identification of victims,twelve,9"],
    )
    browser.get(site + "/upload")
    wait_for(browser, "upload-file")
    settled(browser)
    _choose_file(browser, bad)
    errors = WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.ID, "upload-errors")))
    settled(browser)
    assert "twelve" in errors.text
    assert "header in row 1 · 1 row" in browser.find_element(By.ID, "upload-sheets").text
    commit = browser.find_element(By.ID, "upload-commit")
    assert commit.get_attribute("disabled") is not None
    # and it looks disabled: grey, not the green of a button that can be pressed
    assert commit.value_of_css_property("background-color") == "rgba(233, 236, 239, 1)"
    shoot(browser, "upload-errors")
    assert console_problems(browser) == []


def test_dry_run_then_commit_an_upload(browser, site, tmp_path):
    good = _trainings_csv(
        tmp_path / "trainings_browser.csv",
        [
            "BR-T001,KEC,12/03/2019,Gasabo,Police,Identification of victims,12,9",
            "BR-T002,KEC,2019-04-20,Musanze,Teachers,Referral of victims,14,6",
        ],
    )
    browser.get(site + "/upload")
    wait_for(browser, "upload-file")
    settled(browser)
    _choose_file(browser, good)
    verdict = WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.ID, "upload-verdict")))
    settled(browser)
    assert "ready to store" in verdict.text, verdict.text
    assert "Nothing has been stored yet" in verdict.text
    assert "trainings" in browser.find_element(By.ID, "upload-counts").text
    # the rows as understood, and what was read through a synonym
    understood = browser.find_element(By.ID, "upload-sheets").text
    assert "header in row 1 · 2 rows" in understood
    assert "Target group: Police → Law enforcement" in understood
    assert "Target group: Teachers → School leaders and teachers" in understood
    assert "Start date: 12/03/2019 → 12 March 2019" in understood
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#upload-sheets .preview-table tbody td")]
    assert "12 March 2019" in cells and "Law enforcement" in cells and "20 April 2019" in cells
    shoot(browser, "upload-dry-run")
    commit = browser.find_element(By.ID, "upload-commit")
    assert commit.get_attribute("disabled") is None
    click(browser, commit)
    WebDriverWait(browser, 60).until(
        lambda d: "Stored trainings_browser.csv" in d.find_element(By.ID, "upload-result").text
    )
    settled(browser)
    WebDriverWait(browser, 20).until(
        lambda d: "trainings_browser.csv" in d.find_element(By.ID, "upload-history").text
    )
    shoot(browser, "upload-committed")
    assert console_problems(browser) == []


def test_downloading_a_report(browser, site, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(site + "/reports?programme=KEC&period=FY2019Q3&format=csv")
    wait_for(browser, "reports-flagged")
    settled(browser)
    click(browser, browser.find_element(By.ID, "reports-download"))
    target = downloads / "KEC_FY2019Q3_csv.csv"
    WebDriverWait(browser, 30).until(lambda d: target.exists() and target.stat().st_size > 0)
    assert target.read_text(encoding="utf-8").startswith(
        "programme,indicator,period,disaggregation,category,actual,target"
    )
    WebDriverWait(browser, 20).until(
        lambda d: (
            "Downloaded KEC · FY2019 Q3 · CSV: KEC_FY2019Q3_csv.csv"
            in d.find_element(By.ID, "reports-done").text
        )
    )
    assert console_problems(browser) == []


def test_activities_csv_download(browser, site, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.get(site + "/activities?programme=KEC&kind=trainings")
    wait_for(browser, "activities-grid")
    settled(browser)
    click(browser, browser.find_element(By.ID, "activities-csv"))
    target = downloads / "activities_KEC_trainings.csv"
    WebDriverWait(browser, 30).until(lambda d: target.exists() and target.stat().st_size > 0)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert rows[0][:3] == ["Kind", "Programme", "Reference"] and len(rows) > 5
    assert all(row[1] == "KEC" for row in rows[1:])
    assert console_problems(browser) == []


def test_phone_width_menu_opens(browser, site):
    browser.set_window_size(390, 844)
    try:
        browser.get(site + "/")
        wait_for(browser, "home-card-KEC")
        settled(browser)
        reports_link = (By.CSS_SELECTOR, "#nav-collapse a.nav-link[href='/reports']")
        assert not browser.find_element(*reports_link).is_displayed()
        browser.find_element(By.ID, "nav-toggler").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_element(*reports_link).is_displayed())
        time.sleep(0.4)
        shoot(browser, "phone-portfolio")
        assert console_problems(browser) == []
    finally:
        browser.set_window_size(1366, 768)


def test_a_count_of_a_few_is_ticked_at_whole_numbers(browser, site):
    """KEC-1.1 counts studies published, one in the demo data: its quarter chart reads 0 and 1 on its value
    axis, never a fraction of a study."""
    browser.get(site + "/indicator?code=KEC-1.1&period=FY2020Q3")
    WebDriverWait(browser, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#indicator-chart .main-svg"))
    )
    settled(browser)
    ticks = [
        t.get_attribute("textContent")
        for t in browser.find_elements(By.CSS_SELECTOR, "#indicator-chart .ytick text")
    ]
    assert "1" in ticks and all(tick.isdigit() for tick in ticks), ticks
    assert console_problems(browser) == []
