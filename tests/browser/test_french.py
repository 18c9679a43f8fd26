"""The dashboard in French, as a francophone officer's Chromium shows it: the browser set to French
(``--lang=fr-FR`` and its Accept-Language preference) and, for a user who chose it in the navbar, kept with
the user. Every page says ``lang="fr"``, shows no English navigation word, passes axe-core and keeps a clean
console; the Upload page's problems keep their cells and say the rest in French."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import PASSWORD, accessibility_problems, ensure_user
from tests.browser.test_dashboard import PAGES, settled, wait_for
from tests.conftest import chromium_options, console_problems

pytestmark = pytest.mark.browser
# The navigation's English words and the pages' English headings, none of which a French page may show.
ENGLISH = (
    "Portfolio",
    "Logframes",
    "Activities",
    "Upload",
    "Direct results",
    "Reports",
    "Data quality",
    "Victims profile",
    "Audit trail",
    "Accounts",
    "Account",
    "Sign out",
    "Something went wrong",
    "Not found",
    "Back to the portfolio",
    "Status:",
    "On track",
    "Behind",
    "Ahead",
)


@pytest.fixture(scope="module")
def french_browser():
    """A second headless Chromium whose user speaks French."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = chromium_options()
    options.add_argument("--lang=fr-FR")
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def french_site(french_browser, shipped_server, shipped_store):
    ensure_user(shipped_store, "aline", "manager")
    browser = french_browser
    browser.get(shipped_server + "/login")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"  # Accept-Language
    assert browser.find_element(By.ID, "login-submit").text == "Se connecter"
    browser.find_element(By.ID, "login-username").send_keys("aline")
    browser.find_element(By.ID, "login-password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "nav-user"))
    browser.get_log("browser")
    return shipped_server


def page_language(driver) -> str:
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def english_words(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


@pytest.mark.parametrize("name, path, ready", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_in_french(french_browser, french_site, name, path, ready):
    browser = french_browser
    browser.get(french_site + path)
    if ready:
        wait_for(browser, ready, timeout=40)
    else:
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".not-found"))
    settled(browser)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    nav = browser.find_element(By.CSS_SELECTOR, ".navbar-iom").text
    assert "Portefeuille" in nav and "Se déconnecter" in nav
    body = browser.find_element(By.TAG_NAME, "body").text
    assert english_words(body) == [], f"{name}: English on a French page"
    assert " · ctmonitor" in browser.title and not english_words(browser.title)
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"fr-{name}.png"))
    assert accessibility_problems(browser) == []
    assert console_problems(browser) == []


def test_the_status_words_and_numbers_are_french(french_browser, french_site):
    browser = french_browser
    browser.get(french_site + "/programme?code=KEC&period=FY2019Q3")
    wait_for(browser, "programme-iptt", timeout=40)
    settled(browser)
    text = browser.find_element(By.ID, "programme-iptt").text
    assert re.search(r"En avance|Dans les temps|En retard", text)
    assert "Cible DVP" in text and "AF2019 T3" in browser.find_element(By.ID, "programme-iptt-heading").text
    assert re.search(r"\d{1,3}\u202f\d{3}", text), "thousands are grouped with a narrow space"


def test_the_upload_page_says_the_importer_problems_in_french(french_browser, french_site, tmp_path):
    bad = tmp_path / "formations.csv"
    bad.write_text(
        "Reference,Project,Start date,District,Target group,Topic,Female participants,"
        "Male participants\nFR-T001,KEC,12/03/2019,Gasabo,Police,Identification,douze,9\n",
        encoding="utf-8",
    )
    browser = french_browser
    browser.get(french_site + "/upload")
    wait_for(browser, "upload-file")
    settled(browser)
    browser.find_element(By.CSS_SELECTOR, "#upload-file input[type=file]").send_keys(str(bad))
    errors = WebDriverWait(browser, 60).until(EC.presence_of_element_located((By.ID, "upload-errors")))
    settled(browser)
    assert "douze" in errors.text
    assert "un nombre entier ≥ 0" in errors.text  # the cell stays as the file names it, the words are French
    headings = [th.text for th in errors.find_elements(By.TAG_NAME, "th")]
    assert headings == ["Feuille", "Cellule", "Valeur trouvée", "Attendu"]
    assert console_problems(browser) == []


def test_a_user_chooses_english_in_the_navbar_and_keeps_it(french_browser, french_site, shipped_store):
    from sqlalchemy import select

    from indicators.store.models import User

    browser = french_browser
    browser.get(french_site + "/")
    wait_for(browser, "home-cards")
    browser.find_element(By.ID, "nav-language").find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.ID, "nav-language-en"))).click()
    WebDriverWait(browser, 20).until(lambda d: page_language(d) == "en")
    wait_for(browser, "home-cards")
    assert "Portfolio" in browser.find_element(By.CSS_SELECTOR, ".navbar-iom").text
    with shipped_store.Session() as session:
        assert session.scalar(select(User.language).where(User.username == "aline")) == "en"
    # back to French for the other tests of this module (the browser still asks for French)
    browser.find_element(By.ID, "nav-language").find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.ID, "nav-language-fr"))).click()
    WebDriverWait(browser, 20).until(lambda d: page_language(d) == "fr")


SHOTS = Path("/tmp/shots")
