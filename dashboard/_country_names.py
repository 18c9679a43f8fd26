"""Countries on screen in the reader's language; the store keeps their English names (exports, IATI and the API
use them as they are).

A country is stored by the name the importer gives it (``importers.countries``: ISO 3166's common or short
name, or a readable one: "DR Congo", "Russia"), or by ISO 3166's own name in older stores ("Congo, The
Democratic Republic of the"). Its alpha-2 code is found back from either, and its name in the reader's language
read from pycountry's own translations of ISO 3166 (the catalogues the importer reads French, Kinyarwanda and
Swahili names from), except where Rwanda says it shorter (``SHORT``: "DR Congo", "RD Congo" in French).
"""

from __future__ import annotations

import functools
import gettext

import pycountry

from importers.countries import ALPHA2, READABLE
from indicators import i18n
from indicators.i18n import N_, _

# Countries as people in Rwanda name them, shorter than ISO 3166 does, by alpha-2 code.
SHORT = {"CD": N_("DR Congo"), "TZ": N_("Tanzania"), "CG": N_("Congo-Brazzaville")}
# The same by ISO 3166's name, as a store may hold it.
SHORT_NAMES = {c.name: SHORT[c.alpha_2] for c in pycountry.countries if c.alpha_2 in SHORT}


@functools.cache
def _codes() -> dict[str, str]:
    """Stored name → alpha-2: ISO 3166's names of each country, and the readable names the importer stores."""
    found: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        ):
            if name:
                found.setdefault(name, country.alpha_2)
    return found | ALPHA2


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations | None:
    """pycountry's translations of ISO 3166 country names into ``language``; None where it has none."""
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


@functools.cache
def _translated(code: str, language: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    catalogue = _catalogue(language)
    if country is None or catalogue is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    translated = catalogue.gettext(name)
    if code in READABLE and READABLE[code] != name:  # stored shorter than ISO's name ("Russia")
        if translated == name:  # which the catalogue does not translate: shown as stored
            return None
        translated = translated.split(", ")[0].split(" (")[0]  # "Russie", not "Russie, Fédération de"
    return translated.replace("'", "’")


def country_name(stored: str) -> str | None:
    """A stored country in the language of the moment ("Uganda": "Ouganda" in French, "DR Congo": "RD Congo");
    None when ``stored`` names no country, or in English (shown as stored)."""
    code = _codes().get(stored)
    language = i18n.language()
    if code is None or language == i18n.SOURCE:
        return None
    if code in SHORT:
        return _(SHORT[code])
    return _translated(code, language)
