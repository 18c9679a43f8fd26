"""Possible duplicates on the Data quality page, in Chromium on the demo data: an officer sees the pair an upload
found but no merge; a manager merges it (a reason is required), the page says so, the pair is gone and PVR-3.1
counts one person fewer; both with a clean console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import accessibility_problems, ensure_user, sign_in
from tests.browser.test_controls import text_of, until_text, wait
from tests.browser.test_dashboard import click, settled, wait_for
from tests.conftest import console_problems
from tests.dashboard.case_pairs import possible_duplicate, victims

pytestmark = pytest.mark.browser


def _open(browser, base: str, username: str, role: str, store) -> None:
    ensure_user(store, username, role)
    sign_in(browser, base, username)
    browser.get_log("browser")
    browser.get(base + "/quality?programme=PVR")
    wait_for(browser, "quality-duplicates")
    settled(browser)


def test_a_manager_merges_a_possible_duplicate_an_officer_only_sees(browser, shipped_server, shipped_store):
    with possible_duplicate(shipped_store) as pair:
        listed = f"#{pair.older.case} and #{pair.newer.case}"
        before = victims(shipped_store)
        _open(browser, shipped_server, "amina", "officer", shipped_store)
        shown = text_of(browser, "quality-duplicates")
        assert listed in shown and "14 November 2019" in shown and "Mahama" in shown
        assert "A programme manager or administrator merges" in shown and "Gloriose" not in shown
        assert browser.find_elements(By.ID, "quality-merge") == []
        assert console_problems(browser) == []

        _open(browser, shipped_server, "claire", "manager", shipped_store)
        Select(browser.find_element(By.ID, "quality-merge-pair")).select_by_value(
            f"PVR:{pair.older.case}:{pair.newer.case}"
        )
        click(browser, browser.find_element(By.ID, "quality-merge"))  # no reason yet: refused, nothing merged
        until_text(browser, "quality-merge-result", "Nothing merged: a reason for the merge")
        assert victims(shipped_store) == before
        reason = browser.find_element(By.ID, "quality-merge-reason")
        reason.send_keys("the same woman: her birth year was found")
        click(browser, browser.find_element(By.ID, "quality-merge"))
        wait(browser, lambda d: "merged=" in d.current_url)
        until_text(
            browser,
            "quality-merged",
            f"Merged by claire: PVR case #{pair.older.case} ← case #{pair.newer.case}",
        )
        settled(browser)
        assert listed not in text_of(browser, "quality-duplicates")
        assert victims(shipped_store) == before - 1
        assert accessibility_problems(browser) == []
        assert console_problems(browser) == []
