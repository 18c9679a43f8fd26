"""What makes a password unusable: too short, common or breached, the user's own name, or too few characters.

The list of common and breached passwords is shipped with ctmonitor (``wordlists/``, the 100,000 most frequent
passwords of a public breach corpus, see its README): it is read offline, once per process, when a password
is first set. A listed password is refused in any letter case. The user's name is refused inside the
password (letters and digits compared, case ignored), as is any part of it of four characters or more
(``claire.uwase`` refuses ``Uwase2024!``), and a password much like the name.
"""

from __future__ import annotations

import functools
import gzip
import re
from difflib import SequenceMatcher
from pathlib import Path

from indicators.i18n import N_, Message

MIN_LENGTH = 10
MIN_DIFFERENT = 5  # different characters: "1111111111" and "abababababab" are refused
COMMON = Path(__file__).resolve().parent / "wordlists" / "common-passwords-100000.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The listed passwords long enough to be chosen at all, lower-cased (the rest fail on length)."""
    with gzip.open(COMMON, "rt", encoding="utf-8", errors="replace") as lines:
        return frozenset(word for line in lines if len(word := line.strip().lower()) >= MIN_LENGTH)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be used (by ``username``), or None. Said so it completes "Refused: …"."""
    if len(password) < MIN_LENGTH:
        return Message(N_("the password must have at least {count} characters"), count=MIN_LENGTH)
    if len(set(password)) < MIN_DIFFERENT:
        return Message(
            N_("the password must have at least {count} different characters"), count=MIN_DIFFERENT
        )
    if password.strip().lower() in common_passwords():
        return Message(
            N_(
                "the password is one of the most common passwords, which are guessed first; choose "
                "another (a few unrelated words make a strong one)"
            )
        )
    if username and _like_name(password, username):
        return Message(N_("the password must not contain or resemble the user name"))
    return None


def _like_name(password: str, username: str) -> bool:
    word, name = _letters(password), _letters(username)
    if len(name) >= 3 and name in word:
        return True
    parts = [part for part in re.split(r"[\W_\d]+", username.lower()) if len(part) >= 4]
    if any(part in word for part in parts):
        return True
    return bool(name) and SequenceMatcher(None, word, name).ratio() >= 0.7
