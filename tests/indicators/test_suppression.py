"""Cell suppression over linked tables: every count from 1 to threshold − 1 withheld, others withheld until no
withheld count can be narrowed down (``indicators.protection.suppression``); the threshold read once from
CTMONITOR_SMALL_CELL."""

import pytest

from indicators.protection.suppression import COMPLEMENTARY, PRIMARY, Tables, audit, failures, protect
from indicators.store.settings import Settings


def one_group(counts: dict[str, int]) -> tuple[Tables, dict[str, int], int]:
    """Categories adding up to a shown total: one variable each, the total their sum."""
    t = Tables()
    variables = {name: t.variable(n) for name, n in counts.items()}
    cells = {name: t.cell([v]) for name, v in variables.items()}
    total = t.cell(list(variables.values()))
    return t, cells, total


def test_a_lone_small_cell_takes_another_with_it_and_the_attacker_learns_nothing():
    t, cells, total = one_group({"Burundi": 40, "DR Congo": 9, "Rwanda": 7, "Uganda": 1})
    labels = protect(t, 5)
    assert labels[cells["Uganda"]] == PRIMARY
    assert total not in labels  # the total stays: another category is withheld instead
    complementary = [name for name, cell in cells.items() if labels.get(cell) == COMPLEMENTARY]
    assert complementary  # one alone would be total minus the others
    uganda = next(f for f in audit(t, labels, 5) if f.cell == cells["Uganda"])
    assert (uganda.low, uganda.high) == (1, 4)  # anywhere its label allows
    assert failures(t, labels, 5) == []


def test_shown_as_they_are_without_a_small_count_and_zeros_are_shown():
    t, _cells, _ = one_group({"Female": 12, "Male": 30, "Unknown": 0})
    assert protect(t, 5) == {}


def test_cell_by_cell_withholding_is_found_out_by_the_auditor():
    """The old rule (one small cell and the next smallest withheld) pins the small one when the shown total
    and a second disaggregation of the same people are published beside it."""
    t = Tables()
    female, male = t.variable(16), t.variable(4)
    child, adult = t.variable(2), t.variable(18)
    t.add_up([child, adult], [female, male])
    cells = {
        "female": t.cell([female]),
        "male": t.cell([male]),
        "child": t.cell([child]),
        "adult": t.cell([adult]),
        "total": t.cell([female, male]),
    }
    naive = {
        cells["male"]: PRIMARY,
        cells["female"]: COMPLEMENTARY,
        cells["child"]: PRIMARY,
        cells["adult"]: COMPLEMENTARY,
    }
    pinned = failures(t, naive, 5)
    assert {f.cell for f in pinned} >= {cells["female"]}  # 20 − (1..4): known within 3, not 5
    assert failures(t, protect(t, 5), 5) == []


def test_a_small_sum_of_small_counts_is_not_labelled_small():
    """Two quarters of 1 and 3 and their year of 4: three "<5" labels would tell the attacker each quarter is
    at most 3; the year is withheld without saying it is small."""
    t = Tables()
    q1, q2 = t.variable(1), t.variable(3)
    c1, c2, year = t.cell([q1]), t.cell([q2]), t.cell([q1, q2])
    naive = {c1: PRIMARY, c2: PRIMARY, year: PRIMARY}
    assert failures(t, naive, 5)
    labels = protect(t, 5)
    assert labels[year] == COMPLEMENTARY and labels[c1] == labels[c2] == PRIMARY
    assert failures(t, labels, 5) == []


def test_other_thresholds():
    t, cells, _ = one_group({"a": 9, "b": 12, "c": 30})
    labels = protect(t, 10)
    assert labels[cells["a"]] == PRIMARY and failures(t, labels, 10) == []


def test_the_threshold_comes_from_the_environment(tmp_path):
    assert Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path)}).small_cell == 5
    assert (
        Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SMALL_CELL": "10"}).small_cell
        == 10
    )
    with pytest.raises(SystemExit, match="CTMONITOR_SMALL_CELL must be a whole number"):
        Settings.from_env({"CTMONITOR_DATA_DIR": str(tmp_path), "CTMONITOR_SMALL_CELL": "five"})
