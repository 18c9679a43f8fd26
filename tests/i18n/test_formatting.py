"""Numbers and dates are written by Babel the language's way; the rounding stays the one rule (half up)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from indicators import i18n
from indicators.numbers import format_percent, format_value
from indicators.periods import parse
from indicators.report import day_in_words

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    "code, number, percent, whole, half_up, nothing",
    [
        ("en", "1,234.5", "81.3%", "92%", "266.7", "–"),
        ("fr", f"1{NNBSP}234,5", f"81,3{NBSP}%", f"92{NBSP}%", "266,7", "–"),
    ],
)
def test_numbers(code, number, percent, whole, half_up, nothing):
    with i18n.speaking(code):
        assert format_value(1234.5) == number
        assert format_value(81.25, "percent") == percent  # half up, as before: 81.25 → 81.3
        assert format_percent(91.5) == whole  # 91.5 → 92
        assert format_value(266.65) == half_up
        assert format_value(None) == nothing
        assert format_value(1120) == ("1,120" if code == "en" else f"1{NNBSP}120")


@pytest.mark.parametrize(
    "code, day, quarter, year",
    [
        (
            "en",
            "1 April 2019",
            "FY2019 Q3: 1 April – 30 June 2019",
            "FY2019: 1 October 2018 – 30 September 2019",
        ),
        (
            "fr",
            "1 avril 2019",
            f"AF2019 T3{NBSP}: 1 avril – 30 juin 2019",
            f"AF2019{NBSP}: 1 octobre 2018 – 30 septembre 2019",
        ),
    ],
)
def test_dates(code, day, quarter, year):
    with i18n.speaking(code):
        assert day_in_words(date(2019, 4, 1)) == day
        assert parse("FY2019Q3").label() == quarter
        assert parse("FY2019").label() == year
        assert parse("FY2019Q3").label(short=True) == quarter.split(":")[0].rstrip(NBSP)


def test_the_language_follows_the_environment_as_gettext_programs_do():
    assert i18n.from_environment({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert i18n.from_environment({"LANGUAGE": "rw:fr", "LANG": "en_GB.UTF-8"}) == "fr"  # first available
    assert i18n.from_environment({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}) == "en"
    assert i18n.from_environment({"LANG": "sw_KE.UTF-8"}) == "en"  # no catalogue: English
    assert i18n.from_environment({}) == "en"


def test_browser_preferences_pick_the_first_available_language():
    assert i18n.best_match([("fr-FR", 1.0), ("en", 0.5)]) == "fr"
    assert i18n.best_match([("rw", 1.0), ("fr", 0.8), ("en", 0.5)]) == "fr"
    assert i18n.best_match([("de", 1.0)]) is None


def test_a_message_is_english_where_kept_and_translated_where_shown():
    from indicators.access.throttle import locked_message

    message = locked_message(datetime(2020, 1, 1, 10, 12), datetime(2020, 1, 1, 10, 0), "from this address")
    assert str(message) == "Too many failed sign-ins from this address: try again in 12 minutes."
    with i18n.speaking("fr"):
        assert str(message) == "Too many failed sign-ins from this address: try again in 12 minutes."
        said = f"Trop d’échecs de connexion depuis cette adresse{NBSP}: réessayez dans 12 minutes."
        assert message.translated() == said
