"""The small-count rule: cells under the threshold withheld, one more where a lone one could be worked out
from the total, zeros shown; the threshold read once from CTMONITOR_SMALL_CELL."""

import pytest

from indicators.disclosure import suppress, suppress_rows
from indicators.settings import Settings


def texts(shown):
    return {k: s.text for k, s in shown.items()}


def test_a_lone_small_cell_takes_the_next_smallest_with_it():
    shown = suppress({"Burundi": 40, "DR Congo": 9, "Rwanda": 7, "Uganda": 1})
    assert texts(shown) == {"Burundi": "40", "DR Congo": "9", "Rwanda": "*", "Uganda": "<5"}
    assert shown["Rwanda"].value is None and shown["Rwanda"].complementary


def test_two_small_cells_need_no_complement_and_zeros_are_shown():
    assert texts(suppress({"Female": 12, "Male": 3, "Unknown": 2, "Other": 0})) == {
        "Female": "12", "Male": "<5", "Unknown": "<5", "Other": "0"}


def test_a_lone_small_cell_beside_zeros_takes_a_zero_with_it():
    assert texts(suppress({"Female": 3, "Male": 0, "Unknown": 0})) == {"Female": "<5", "Male": "*", "Unknown": "0"}


def test_other_thresholds_and_none():
    assert texts(suppress({"a": 9, "b": 12, "c": 30}, 10)) == {"a": "<10", "b": "*", "c": "30"}
    assert texts(suppress({"a": 1, "b": 2}, 0)) == {"a": "1", "b": "2"}


def test_rows_are_suppressed_within_their_own_group():
    rows = [("sex", 2), ("sex", 30), ("age", 16), ("age", 16)]
    assert [s.text for s in suppress_rows(rows, lambda r: r[0], lambda r: r[1])] == ["<5", "*", "16", "16"]


def test_the_threshold_comes_from_the_environment(tmp_path):
    assert Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path)}).small_cell == 5
    assert Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SMALL_CELL": "10"}).small_cell == 10
    with pytest.raises(SystemExit, match="CTMONITOR_SMALL_CELL must be a whole number"):
        Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SMALL_CELL": "five"})
