"""Cell value types: each turns one non-blank cell into a Python value or raises ``Invalid(expected)``.

Cells arrive as calamine gives them (str, float, int, bool, date, datetime) or as CSV text. Integers may
be typed as text (``" 12 "``, ``"12.0"``, ``"1,200"``); dates may be Excel dates, ``dd/mm/yyyy`` text (day
first, as Rwanda writes), ISO ``yyyy-mm-dd`` or ``13 August 2018``. Text is kept as typed (stripped): a value
starting with ``=``, ``+``, ``-`` or ``@`` is plain text here, never a formula.
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date, datetime, timedelta

from importers import countries, matching
from indicators import vocabulary
from indicators.i18n import N_, Message


class Invalid(Exception):
    """A cell that does not hold what its column expects."""

    def __init__(self, expected: str):
        super().__init__(expected)
        self.expected = expected


class ValueType:
    expected = N_("a value")
    choices: tuple[str, ...] = ()  # offered as a drop-down list in templates
    free_text = False  # a case sheet never shows such a column's values (``Layout.identifying``)

    def parse(self, value):
        raise NotImplementedError

    def listed(self, text: str) -> bool:
        """Whether the whole text is a value of a closed list (a name or synonym, a date): only such text of a
        case sheet is ever repeated (in the dry run's notes of what was read through a synonym)."""
        return False


def display(value) -> str:
    """A cell value as the user sees it in their sheet, for problems."""
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value).strip()
    return text if len(text) <= 80 else text[:77] + "…"


class Text(ValueType):
    free_text = True

    def __init__(self, max_length: int = 2000):
        self.max_length = max_length
        self.expected = Message(N_("text of at most {count} characters"), count=max_length)

    def parse(self, value):
        if value.__class__ is str:
            text = value.strip().replace("\x00", "")
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, (date, datetime)):
            text = value.isoformat()
        else:
            text = str(value).strip()
        if len(text) > self.max_length:
            raise Invalid(self.expected)
        return text


_THOUSANDS = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+$")


class Integer(ValueType):
    def __init__(self, maximum: int | None = None, expected: str | None = None):
        self.maximum = maximum
        self.expected = expected or (
            N_("a whole number ≥ 0")
            if maximum is None
            else Message(N_("a whole number from 0 to {maximum}"), maximum=maximum)
        )

    def parse(self, value):
        if value.__class__ is float:
            if not value.is_integer():
                raise Invalid(self.expected)
            number = int(value)
        elif value.__class__ is int:
            number = value
        elif value.__class__ is str:
            text = value.strip()
            if text.isdigit():
                number = int(text)
            elif _THOUSANDS.match(text):
                number = int(re.sub(r"\D", "", text))
            else:
                try:
                    number_f = float(text)
                except ValueError:
                    raise Invalid(self.expected) from None
                if not number_f.is_integer():
                    raise Invalid(self.expected)
                number = int(number_f)
        else:
            raise Invalid(self.expected)
        if number < 0 or (self.maximum is not None and number > self.maximum):
            raise Invalid(self.expected)
        return number


class Number(ValueType):
    expected = N_("a number")

    def parse(self, value):
        if value.__class__ in (float, int):
            number = float(value)
        elif value.__class__ is str:
            text = value.strip().rstrip("%").strip()
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
                text = text.replace(",", "")
            elif text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")  # 81,25 written the French way
            try:
                number = float(text)
            except ValueError:
                raise Invalid(self.expected) from None
        else:
            raise Invalid(self.expected)
        if not math.isfinite(number):
            raise Invalid(self.expected)
        return number


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTHS = {
    name[:3].lower(): number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
_MONTHS.update({"sept": 9})
_EXCEL_EPOCH = date(1899, 12, 30)


class Date(ValueType):
    expected = N_("a date (dd/mm/yyyy)")

    def listed(self, text: str) -> bool:
        try:
            self.parse(text)  # every form read is a date and nothing else
        except Invalid:
            return False
        return True

    def parse(self, value):
        cls = value.__class__
        if cls is date:
            return value
        if cls is datetime:
            return value.date()
        if cls is float or cls is int:
            # A date cell that lost its format shows its serial number; accept plausible ones (2000–2099).
            if 36526 <= value < 73051 and float(value).is_integer():
                return _EXCEL_EPOCH + timedelta(days=int(value))
            raise Invalid(self.expected)
        if cls is not str:
            raise Invalid(self.expected)
        text = value.strip()
        try:
            match = _DMY.match(text)
            if match:
                day, month, year = (int(g) for g in match.groups())
                if len(match.group(3)) == 2:
                    year += 2000
                return date(year, month, day)
            match = _YMD.match(text)
            if match:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            match = _DAY_MONTH_YEAR.match(text)
            if match:
                return date(int(match.group(3)), _month(match.group(2)), int(match.group(1)))
            match = _MONTH_DAY_YEAR.match(text)
            if match:
                return date(int(match.group(3)), _month(match.group(1)), int(match.group(2)))
        except ValueError:
            pass
        raise Invalid(self.expected)


def _month(name: str) -> int:
    number = _MONTHS.get(name[:4].lower()) or _MONTHS.get(name[:3].lower())
    if number is None:
        raise ValueError(name)
    return number


class Choice(ValueType):
    """One value of a closed list, by its name or a synonym; a typo gets a "did you mean" hint."""

    def __init__(self, vocabulary_: matching.Vocabulary, expected: str | None = None, suggest: bool = True):
        self.vocabulary = vocabulary_
        self.choices = vocabulary_.values
        self.expected = expected or vocabulary_.expected()
        self.suggest = suggest

    def parse(self, value):
        text = value if value.__class__ is str else display(value)
        found = self.vocabulary.lookup(text)
        if found is None:
            raise Invalid(self._with_hint(text))
        return found

    def _with_hint(self, text: str) -> str:
        hint = self.vocabulary.suggest(text) if self.suggest else None
        return (
            Message(N_("{expected} (did you mean {hint}?)"), expected=self.expected, hint=hint)
            if hint
            else self.expected
        )

    def listed(self, text: str) -> bool:
        return self.vocabulary.lookup(text) is not None


class Choices(Choice):
    """Several values of a closed list in one cell, separated by ``;`` (or ``,``); stored as a list.

    A part may carry a qualifier in brackets ("Sexual exploitation (prostitution)") or join two values with
    a slash ("Forced labour/Domestic work"); a KoboToolbox or ODK select-multiple answer is its choices'
    codes separated by spaces ("forced_labour domestic_servitude")."""

    SEPARATORS = re.compile(r"\s*[;,\n]\s*")
    _BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")

    def __init__(self, vocabulary_: matching.Vocabulary):
        super().__init__(
            vocabulary_,
            Message(N_("one or several of {values}, separated by ';'"), values=", ".join(vocabulary_.values)),
        )

    def parse(self, value) -> list[str]:
        text = value if value.__class__ is str else display(value)
        found: list[str] = []
        for part in self.SEPARATORS.split(text.strip()):
            if not part:
                continue
            values = self._read(part)
            if values is None:  # the part is not quoted: it may be anything typed into a case sheet
                hint = self.vocabulary.suggest(part)
                raise Invalid(
                    Message(
                        N_("{expected}; a part of the cell is not one (did you mean {hint}?)"),
                        expected=self.expected,
                        hint=hint,
                    )
                    if hint
                    else Message(N_("{expected}; a part of the cell is not one"), expected=self.expected)
                )
            found.extend(v for v in values if v not in found)
        return found

    def listed(self, text: str) -> bool:
        parts = [part for part in self.SEPARATORS.split(text.strip()) if part]
        return bool(parts) and all(self.vocabulary.lookup(part) is not None for part in parts)

    def _read(self, part: str) -> list[str] | None:
        lookup = self.vocabulary.lookup
        whole = lookup(part)
        if whole is not None:
            return [whole]
        bare = self._BRACKETS.sub(" ", part).strip()
        if bare and bare != part and (found := lookup(bare)) is not None:
            return [found]
        for separator in ("/", " "):  # two values joined by a slash; Kobo's space-separated codes
            pieces = [piece for piece in bare.split(separator) if piece.strip()]
            if len(pieces) > 1:
                values = [value for piece in pieces if (value := lookup(piece))]
                if len(values) == len(pieces):
                    return values
        return None


UNPLACED = "\x00unplaced"  # a free-text place no table knows: Unknown, counted in a warning by the rule


class Nationality(ValueType):
    """A country name, ISO 3166 alpha-2 or alpha-3 code, HTCDS label or local form, stored as a readable name.

    HTCDS citizenship is a multi-select: the first country listed is taken (a label's own comma, as in
    "Congo, Democratic Republic of the", is not a separator)."""

    expected = N_("a country name or ISO 3166 code (e.g. Burundi, BI, BDI, DRC)")

    def __init__(self, first_of_several: bool = False):
        self.first_of_several = first_of_several

    def parse(self, value):
        text = value if value.__class__ is str else display(value)
        found = countries.nationality_in(text) if self.first_of_several else countries.nationality(text)
        if found is None:
            close = difflib.get_close_matches(
                matching.key(text), list(countries.COUNTRY_CODES), n=1, cutoff=0.8
            )
            hint = countries.READABLE_NAMES[countries.COUNTRY_CODES[close[0]]] if close else None
            raise Invalid(
                Message(N_("{expected} (did you mean {hint}?)"), expected=self.expected, hint=hint)
                if hint
                else self.expected
            )
        return found

    def listed(self, text: str) -> bool:
        return countries.nationality(text) is not None


class Region(ValueType):
    """A destination region, or a country or corridor city turned into its region."""

    choices = vocabulary.DESTINATION_REGIONS

    def __init__(self, lenient: bool = False):
        self.lenient = lenient  # HTCDS "location of exploitation" is free text: unknown places become Unknown
        self.expected = matching.REGIONS.expected() + ", a country or a city"

    def parse(self, value):
        text = value if value.__class__ is str else display(value)
        found = region(text)
        if found is None:
            if self.lenient:
                return UNPLACED
            raise Invalid(self.expected)
        return found

    def listed(self, text: str) -> bool:
        return (
            matching.REGIONS.lookup(text) is not None
            or countries.country(text) is not None
            or matching.key(text) in countries.CITIES
        )


def region(text: str) -> str | None:
    """``Middle East``, ``Oman``, ``Riyadh``, ``Kampala, Uganda`` → their destination region; None if unknown."""
    found = matching.REGIONS.lookup(text)
    if found:
        return found
    code = countries.place(text)
    if code == "??":
        return "Unknown"
    return countries.REGION_OF_COUNTRY.get(code) if code else None


class Code(ValueType):
    """A short code typed by hand (project, indicator, period): trimmed and upper-cased."""

    free_text = True  # until it is found among the known codes, it may hold anything

    def __init__(self, expected: str, max_length: int = 30):
        self.expected = expected
        self.max_length = max_length

    def parse(self, value):
        text = display(value).strip().upper()
        if not text or len(text) > self.max_length:
            raise Invalid(self.expected)
        return text


_DISAGGREGATION_NAMES = {matching.key(name): name for name in vocabulary.DISAGGREGATIONS} | {
    matching.key(label): name for name, label in vocabulary.DISAGGREGATIONS.items()
}
_CATEGORIES = {
    "sex": matching.SEXES,
    "target_group": matching.TARGET_GROUPS,
    "setting": matching.SETTINGS,
    "camp": matching.CAMPS,
    "age_group": matching.AGE_GROUPS,
    "instrument_type": matching.INSTRUMENT_TYPES,
    "district": matching.DISTRICTS,
}


class Disaggregation(ValueType):
    """``sex=Female`` (or ``Sex: Female``) → ``("sex", "Female")``; the category is matched to its list."""

    expected = "a disaggregation such as sex=Female or target_group=Media (blank for the total)"

    def parse(self, value):
        match = re.match(r"^\s*([^=:]+?)\s*[=:]\s*(.+?)\s*$", display(value))
        if not match:
            raise Invalid(self.expected)
        name, category = match.groups()
        field = _DISAGGREGATION_NAMES.get(matching.key(name))
        if field is None:
            raise Invalid(f"a disaggregation named {', '.join(vocabulary.DISAGGREGATIONS)}, as in sex=Female")
        if field == "nationality":
            found = countries.nationality(category)
        elif field in _CATEGORIES:
            found = _CATEGORIES[field].lookup(category)
        else:
            found = category.strip()
        if found is None:
            raise Invalid(f"a {vocabulary.DISAGGREGATIONS[field].lower()} after '{name}='")
        return (field, found)
