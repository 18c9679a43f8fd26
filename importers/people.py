"""What a case sheet says about a person, read without keeping the person: birth dates and ages as caseworkers
write them, the keyed pseudonym that recognises a case across uploads, and case codes that are really names.

Birth date (DOMAIN §4, HTCDS ``prs_Birthdate``): a full date, a month and year, a year alone (``2004``), an
approximate year (``~2005``, ``ca. 2005``, ``2005?``), a decade (``1990s``), an age in years (``17``, ``17 years``,
``17 ans``, ``imyaka 17``) or Unknown. Each is read as the span of days the person may have been born in
(an age: the span that gives that age on the date identified), so the age group is Child or Adult only
where the whole span agrees, and Unknown otherwise. Nothing written in the cell refuses the workbook.

The pseudonym is HMAC-SHA256, keyed with the installation's pseudonym key (``indicators.access.pseudonyms``, never
the session secret), over the person's name words (lower case, accents dropped, sorted, so the order of
first and second name does not matter), the birth date as written (normalised), sex and citizenship. It is
computed in memory while the sheet is read and stored in place of those fields; without the key it cannot
be recomputed from a guess. A case code is stored as a keyed pseudonym too; a code that is an e-mail
address, a phone number or a person's name is refused (``personal``).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from importers import matching
from importers.matching import key
from importers.values import Choice, Date, Invalid, ValueType, display

PSEUDONYM_PREFIX = "person:"

# -- birth dates ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Birth:
    """Where a birth date cell puts the person: born between ``earliest`` and ``latest``, or aged between
    ``youngest`` and ``oldest`` years on the date identified; ``written`` is the normalised form hashed into
    the pseudonym ("" when nothing is known)."""

    written: str = ""
    earliest: date | None = None
    latest: date | None = None
    youngest: int | None = None
    oldest: int | None = None
    unreadable: bool = False

    @property
    def known(self) -> bool:
        return bool(self.written)

    def age_group(self, at: date) -> str:
        """Child, Adult, or Unknown when the span straddles the 18th birthday (or nothing is known)."""
        if self.youngest is not None and self.oldest is not None:  # set together, as are the dates
            low, high = self.youngest, self.oldest
        elif self.earliest is not None and self.latest is not None:
            low, high = _age(self.latest, at), _age(self.earliest, at)
        else:
            return "Unknown"
        if high < 18:
            return "Child"
        if low >= 18:
            return "Adult"
        return "Unknown"

    def after(self, at: date) -> bool:
        """Born after the date identified, whatever the span: a mistake in the sheet."""
        return self.earliest is not None and self.earliest > at


UNKNOWN_BIRTH = Birth()
_UNKNOWN_WORDS = frozenset(
    key(w)
    for w in (
        "unknown",
        "not known",
        "n/a",
        "na",
        "?",
        "-",
        "none",
        "inconnu",
        "inconnue",
        "ntibizwi",
        "sijui",
        "not recorded",
        "no data",
        "nk",
        "unk",
        "xx/xx/xxxx",
    )
)
_APPROX = r"(?:~|±|\+/-|c\.?|ca\.?|circa|about|around|approx\.?|approximately|env\.?|environ|vers|abt\.?)"
_APPROX_YEAR = re.compile(
    rf"^{_APPROX}\s*(\d{{4}})$|^(\d{{4}})\s*(?:\?|\(approx\.?\)|approx\.?|est\.?|~)$", re.IGNORECASE
)
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})0'?s$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$|^(\d{4})[/.\-](\d{1,2})$")
_MONTH_NAME_YEAR = re.compile(r"^([A-Za-zéû]+)\.?,?\s+(\d{4})$")
_AGE = re.compile(
    rf"^(?:age[d:]?\s*)?({_APPROX}\s*)?(\d{{1,3}})\s*(?:years?(?: old)?|yrs?\.?|y\.?o\.?|y|ans|yo)?$"
    rf"|^(?:imyaka|umwaka)\s*({_APPROX}\s*)?(\d{{1,3}})$",
    re.IGNORECASE,
)
_MONTHS_FR = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE = Date()


def _age(born: date, at: date) -> int:
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


def _year_span(first: int, last: int, written: str) -> Birth:
    return Birth(written, date(first, 1, 1), date(last, 12, 31))


def _month(name: str) -> int | None:
    k = key(name)
    for number, month in enumerate(calendar.month_name):
        if month and (k == key(month) or (len(k) >= 3 and key(month).startswith(k))):
            return number
    return _MONTHS_FR.get(k)


def read_birth(value) -> Birth:
    """A birth date cell as a ``Birth``; never raises (an unreadable cell is ``unreadable``)."""
    cls = value.__class__
    if cls is datetime:
        value, cls = value.date(), date
    if cls is date:
        return Birth(f"d:{value.isoformat()}", value, value)
    if cls in (int, float):
        if not float(value).is_integer():
            return Birth(unreadable=True)
        number = int(value)
        if 0 <= number <= 120:
            return Birth(f"a:{number}", youngest=number, oldest=number)
        if 1900 <= number <= 2100:
            return _year_span(number, number, f"y:{number}")
        if 0 < number < 73051:  # a date cell that lost its format shows its serial number
            born = _EXCEL_EPOCH + timedelta(days=number)
            return Birth(f"d:{born.isoformat()}", born, born)
        return Birth(unreadable=True)
    text = display(value).strip()
    if key(text) in _UNKNOWN_WORDS or not key(text):
        return UNKNOWN_BIRTH
    try:
        born = _DATE.parse(text)
        return Birth(f"d:{born.isoformat()}", born, born)
    except Invalid:
        pass
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return _year_span(year, year, f"y:{year}") if 1900 <= year <= 2100 else Birth(unreadable=True)
    if match := _APPROX_YEAR.match(text):
        year = int(match.group(1) or match.group(2))
        return _year_span(year - 1, year + 1, f"~y:{year}")
    if match := _DECADE.match(text):
        decade = int(match.group(1)) * 10
        return _year_span(decade, decade + 9, f"s:{decade}")
    if match := _MONTH_YEAR.match(text):
        month, year = (
            (int(match.group(1)), int(match.group(2)))
            if match.group(1)
            else (int(match.group(4)), int(match.group(3)))
        )
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return Birth(f"m:{year}-{month:02d}", date(year, month, 1), date(year, month, last))
    if (match := _MONTH_NAME_YEAR.match(text)) and (named := _month(match.group(1))):
        year = int(match.group(2))
        last = calendar.monthrange(year, named)[1]
        return Birth(f"m:{year}-{named:02d}", date(year, named, 1), date(year, named, last))
    if match := _AGE.match(text):
        approximate = match.group(1) or match.group(3)
        years = int(match.group(2) or match.group(4))
        if years <= 120:
            if approximate:
                return Birth(f"~a:{years}", youngest=max(years - 1, 0), oldest=years + 1)
            return Birth(f"a:{years}", youngest=years, oldest=years)
    return Birth(unreadable=True)


class BirthDate(ValueType):
    """A birth date however it is written (see the module docstring); read, used and dropped."""

    expected = "a birth date, a year, an age in years or Unknown"

    def parse(self, value):
        return read_birth(value)


class AgeYears(ValueType):
    """An age in years: ``17``, ``17 years``, ``17 ans``; Unknown or a blank is no age."""

    expected = "an age in whole years from 0 to 120"

    def parse(self, value):
        if value.__class__ is str and key(value) in _UNKNOWN_WORDS:
            return None
        birth = read_birth(value)
        if birth.youngest is not None and birth.youngest == birth.oldest:
            return birth.youngest
        raise Invalid(self.expected)


_BAND = re.compile(r"^(\d{1,3})\s*(?:-{1,2}|–|to|à|a)\s*(\d{1,3})(?:\s*(?:years?|yrs?|ans))?$", re.IGNORECASE)
_OPEN_BAND = re.compile(r"^(\d{1,3})\s*(?:\+|and (?:over|above|older)|plus|or more|et plus)$", re.IGNORECASE)
_UNDER = re.compile(
    r"^(?:under|below|less than|moins de|<)\s*(\d{1,3})(?:\s*(?:years?|yrs?|ans))?$", re.IGNORECASE
)


class AgeGroupValue(Choice):
    """Child, Adult or Unknown, by name or synonym, or an age band (CTDC's ``0--8``, ``9--17``, ``18--20``,
    ``48+``; ``under 18``): a band wholly under 18 is Child, wholly 18 or over Adult, else Unknown."""

    def __init__(self):
        super().__init__(matching.AGE_GROUPS, "Child, Adult, Unknown or an age band such as 9--17 or 18--20")

    def parse(self, value):
        text = value if value.__class__ is str else display(value)
        found = self.vocabulary.lookup(text)
        if found is not None:
            return found
        text = text.strip()
        if match := _BAND.match(text):
            low, high = int(match.group(1)), int(match.group(2))
            if low <= high:
                return "Child" if high < 18 else ("Adult" if low >= 18 else "Unknown")
        if match := _OPEN_BAND.match(text):
            return "Adult" if int(match.group(1)) >= 18 else "Unknown"
        if match := _UNDER.match(text):
            return "Child" if int(match.group(1)) <= 18 else "Unknown"
        raise Invalid(self._with_hint(text))

    def listed(self, text: str) -> bool:
        try:
            self.parse(text)  # a name of the list or a band of numbers: nothing else is read
        except Invalid:
            return False
        return True


# -- the pseudonym -------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Titles written before a name are not part of it ("Mrs Uwase" and "Uwase" are the same person).
_TITLES = frozenset(key(w) for w in ("mr", "mrs", "ms", "miss", "mme", "mlle", "madame", "monsieur", "dr"))


def name_words(names) -> list[str]:
    """Every word of the name cells, normalised and sorted: the order and spelling of case do not matter."""
    words = []
    for name in names:
        if name is None or name.__class__ not in (str, int, float):
            continue
        words += [k for k in (key(w) for w in _WORD.findall(str(name))) if k and k not in _TITLES]
    return sorted(words)


def recognisable(words: list[str], birth: Birth | None) -> bool:
    """Enough to tell one person from another: two name words, or one with something of the birth date."""
    return len(words) >= 2 or (len(words) == 1 and birth is not None and birth.known)


def pseudonym(
    secret_key: bytes, words: list[str], birth: Birth | None, sex: str, citizenship: str, occurrence: int = 1
) -> str:
    """The case's key; ``occurrence`` tells apart people of one sheet alike in everything hashed (the second
    such row of a sheet is the same second case on every upload of it)."""
    fields = (" ".join(words), birth.written if birth else "", sex or "", citizenship or "")
    message = "\x1f".join(fields + ((f"#{occurrence}",) if occurrence > 1 else ()))
    digest = hmac.new(secret_key, message.encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:40]


def is_pseudonym(reference) -> bool:
    return isinstance(reference, str) and reference.startswith(PSEUDONYM_PREFIX)


_NAME_LIKE = re.compile(r"[^\W\d_]+(?:[\s'’.,\-]+[^\W\d_]+)*\.?")
# A year or a date written beside a name ("Aline Uwase 2019", "Uwase A. (12/03/2019)").
_DATED = re.compile(r"\(?\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-])?(?:19|20)\d{2}\b\)?")
_EMAIL = re.compile(r"\S@\S")
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-]*\d")
_YEAR_FIRST = re.compile(r"(?:19|20)\d{2}-\d+")


def looks_like_name(code: str) -> bool:
    """Letters and spaces only (``Aline Niyonsaba``, ``Jean-Bosco``), with or without a year or a date
    (``Aline Uwase 2019``): a name, not a code."""
    return bool(_NAME_LIKE.fullmatch(_DATED.sub(" ", code).strip(" ,;-–")))


def looks_like_phone(text: str) -> bool:
    """Nine digits or more in a run (spaces, dots, dashes or brackets between them), or eight after a ``+``;
    a year followed by a serial (``2019-000123``) is a code."""
    for run in _DIGIT_RUN.findall(text):
        digits = sum(c.isdigit() for c in run)
        if run.startswith("+") and digits >= 8:
            return True
        if digits >= 9 and not _YEAR_FIRST.fullmatch(run):
            return True
    return False


def personal(code: str) -> str | None:
    """What a case code looks like when it identifies someone ("an e-mail address", "a phone number", "a
    person's name"), or None for a pseudonymous code."""
    if _EMAIL.search(code):
        return "an e-mail address"
    if looks_like_phone(code):
        return "a phone number"
    if looks_like_name(code):
        return "a person's name"
    return None
