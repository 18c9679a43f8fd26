"""Languages: which one a request or a command speaks, its gettext catalogue, and Babel's way of writing
numbers and dates in it.

- Strings are written in English in the code and marked for gettext: ``_("Portfolio")`` where they are
  shown, ``N_("Portfolio")`` where they are defined before anyone reads them (a table of labels), then
  ``_(label)`` where shown. ``pybabel extract`` (see ``babel.cfg`` and README) collects them into
  ``indicators/locale/ctmonitor.pot``; each language's ``indicators/locale/<lang>/LC_MESSAGES/ctmonitor.po``
  holds its translations.
- The languages available are English (the code's own) and those with a catalogue: nothing here names them.
- The ``.mo`` files are compiled from the ``.po`` files when first needed, if missing or older than their
  ``.po`` (so a clean clone, ``pip install -e .`` and CI need no build step); where the package folder cannot
  be written, the compiled catalogue is kept in memory.
- The language of the moment is a context variable: the dashboard sets it for each request (the user's
  choice, else the browser's ``Accept-Language``), a command follows ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/
  ``LANG`` as gettext programs do, and ``speaking("en")`` sets it for a block (donor files are English).
  Nothing global changes with a request, so several users of one worker each get their own language.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

SOURCE = "en"  # the code's own language
DOMAIN = "ctmonitor"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str | None] = ContextVar("ctmonitor_language", default=None)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown, with ``_``."""
    return message


# --- which languages ---------------------------------------------------------------------------------------


@functools.cache
def available() -> tuple[str, ...]:
    """English, then every language with a catalogue under ``indicators/locale`` (by code)."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *(code for code in found if code != SOURCE))


def known(code: str | None) -> str | None:
    """``code`` (``fr``, ``fr_FR.UTF-8``, ``fr-BE``) as an available language, or None."""
    if not code:
        return None
    code = code.split(".")[0].split("@")[0].replace("-", "_")
    languages = available()
    for candidate in (code, code.split("_")[0].lower()):
        if candidate in languages:
            return candidate
    return None


def from_environment(environ=None) -> str:
    """The language a command speaks, as gettext programs choose it: ``LANGUAGE`` (a list, ``fr:en``) first,
    then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; English when none names an available language. ``C`` and
    ``POSIX`` are English."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if not value:
            continue
        if name != "LANGUAGE" and value.split(".")[0] in ("C", "POSIX"):
            return SOURCE
        for code in value.split(":"):
            found = known(code)
            if found:
                return found
    return SOURCE


def best_match(accepted: list[tuple[str, float]]) -> str | None:
    """The available language a browser prefers, from its ``Accept-Language`` entries (tag, quality)."""
    for tag, quality in sorted(accepted, key=lambda item: -item[1]):
        if quality <= 0:
            continue
        found = known(tag)
        if found:
            return found
    return None


def display_name(code: str) -> str:
    """A language's name in itself: English, Français, Ikinyarwanda, Kiswahili."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# --- the language of the moment -----------------------------------------------------------------------------


def language() -> str:
    """The language of this request or command."""
    return _current.get() or from_environment()


def set_language(code: str | None):
    """Set the language of the current context (a request); returns the token ``reset_language`` takes."""
    return _current.set(known(code) or SOURCE)


def reset_language(token) -> None:
    _current.reset(token)


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Everything inside speaks ``code``: ``with speaking("en"):`` for a donor's file."""
    token = set_language(code)
    try:
        yield
    finally:
        _current.reset(token)


# --- catalogues --------------------------------------------------------------------------------------------


@functools.cache
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a language (English: none, the strings are English already)."""
    if code == SOURCE or code not in available():
        return _gettext.NullTranslations()
    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        data = compile_catalogue(po)
        try:
            tmp = mo.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(mo)
        except OSError:  # an installation that cannot be written: the catalogue stays in memory
            return _gettext.GNUTranslations(io.BytesIO(data))
    with mo.open("rb") as handle:
        return _gettext.GNUTranslations(handle)


def compile_catalogue(po: Path) -> bytes:
    """A ``.po`` file compiled to ``.mo`` bytes by Babel (fuzzy entries left out, as ``msgfmt`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


def gettext(message: str) -> str:
    """``message`` in the language of the moment."""
    code = language()
    return message if code == SOURCE or not message else translations(code).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    code = language()
    if code == SOURCE:
        return singular if n == 1 else plural
    return translations(code).ngettext(singular, plural, n)


_ = gettext


class Message(str):
    """A sentence that is English wherever it is kept (the audit trail, logs) and says itself in the language
    of the moment where it is shown: ``str(m)`` is the English, ``m.translated()`` the reader's.

    ``Message(N_("Too many failed sign-ins: try again in {minutes} minutes."), minutes=12)``: the template is
    a marked string, its fields are values (a ``Message`` among them is translated too)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        text = str.__new__(cls, template.format(**params) if params else template)
        text.template, text.params = template, params
        return text

    def __reduce__(self):
        return (_message, (self.template, self.params))

    def translated(self) -> str:
        fields = {k: translated(v) if isinstance(v, Message) else v for k, v in self.params.items()}
        return _(self.template).format(**fields) if fields else _(self.template)


def _message(template: str, params: dict) -> Message:
    return Message(template, **params)


def translated(text) -> str:
    """A ``Message`` in the language of the moment; any other text looked up in the catalogue as it is."""
    if isinstance(text, Message):
        return text.translated()
    return _(text) if isinstance(text, str) else text


def said(exc: BaseException) -> str:
    """What an exception says, in the language of the moment where its message is a ``Message`` (a refusal
    raised below the pages); its text otherwise."""
    return translated(exc.args[0]) if exc.args and isinstance(exc.args[0], str) else str(exc)


# --- numbers and dates -------------------------------------------------------------------------------------


@functools.cache
def babel_locale(code: str | None = None):
    """Babel's locale for a language (the one of the moment by default)."""
    from babel import Locale

    return Locale.parse(code or language())


def format_decimal(value, pattern: str = "#,##0.#") -> str:
    """A number already rounded (``indicators.numbers``) written the language's way: 1,234.5 / 1 234,5."""
    from babel.numbers import format_decimal as babel_decimal

    return babel_decimal(value, format=pattern, locale=babel_locale(language()), decimal_quantization=False)


def format_percent(value, pattern: str = "#,##0.#") -> str:
    """A percentage (0–100, already rounded) with the language's sign and spacing: 81.3% / 81,3 %."""
    from babel.numbers import format_percent as babel_percent

    locale = babel_locale(language())
    spaced = locale.percent_formats[None].pattern.replace("#,##0", pattern, 1).split(";")[0]
    from decimal import Decimal

    return babel_percent(Decimal(str(value)) / 100, format=spaced, locale=locale, decimal_quantization=False)


def format_day(day, pattern: str = "d MMMM y") -> str:
    """A date in words: 1 April 2019 / 1 avril 2019."""
    from babel.dates import format_date

    return format_date(day, pattern, locale=babel_locale(language()))


def format_moment(moment, pattern: str = "d MMM y, HH:mm") -> str:
    """A date and time: 1 Apr 2019, 14:05 / 1 avr. 2019, 14:05."""
    from babel.dates import format_datetime

    return format_datetime(moment, pattern, locale=babel_locale(language()))


def format_list(items) -> str:
    """``a, b and c`` / ``a, b et c``."""
    from babel.lists import format_list as babel_list

    items = list(items)
    return babel_list(items, locale=babel_locale(language())) if items else ""
