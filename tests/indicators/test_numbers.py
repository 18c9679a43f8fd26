"""The one rounding rule: half up, once, one decimal for percentages and for values that are not whole."""

from fractions import Fraction

import pytest

from indicators.numbers import format_percent, format_value, plain, rounded, whole


@pytest.mark.parametrize(
    "value, unit, stored, shown, text",
    [
        (81.25, "percent", 81.3, "81.3%", "81.3"),  # Python's own round() and f-strings give 81.2
        (80, "percent", 80.0, "80%", "80"),
        (67.75, "percent", 67.8, "67.8%", "67.8"),
        (0.05, "percent", 0.1, "0.1%", "0.1"),
        (1120, "number", 1120, "1,120", "1120"),
        (1120.0, "number", 1120, "1,120", "1120"),
        (266.65, "number", 266.7, "266.7", "266.7"),
        (Fraction(400 * 273, 365), "number", 299.2, "299.2", "299.2"),
        (2.25, "number", 2.3, "2.3", "2.3"),
        (None, "number", None, "–", ""),
    ],
)
def test_every_output_rounds_half_up_once(value, unit, stored, shown, text):
    assert rounded(value, unit) == stored
    assert format_value(value, unit) == shown
    assert plain(value, unit) == text


def test_whole_numbers_stay_integers_so_a_workbook_shows_no_decimals():
    assert isinstance(rounded(12.0), int) and isinstance(rounded(Fraction(24, 2)), int)
    assert rounded(0.96) == 1.0 and isinstance(rounded(0.96), int)  # 0.96 rounds to a whole 1.0


def test_percent_of_target_is_a_whole_number_half_up():
    assert [whole(x) for x in (84.5, 84.49, Fraction(169, 2), 16.5)] == [85, 84, 85, 17]
    assert format_percent(91.5) == "92%" and format_percent(None) == "–"
