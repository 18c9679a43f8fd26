"""Countries as caseworkers write them, and where a place of exploitation lies (DOMAIN §4 and §7).

A country is found from its ISO 3166 name, official or common name, alpha-2 or alpha-3 code (pycountry), its
French, Kinyarwanda and Swahili names (pycountry's translations), the labels of IOM's HTCDS template
("Congo, Democratic Republic of the", "Korea, Republic of", "Holy See"), the forms derived from an inverted
ISO name ("Democratic Republic of the Congo") and the short forms people write in Rwanda (DRC, RDC,
Congolese, Tanzania). A derived form that two countries share ("Korea", "Virgin Islands") means neither.

``REGION_OF_COUNTRY`` places every ISO 3166 country in one destination region; ``CITIES`` names the cities of
this corridor (the Gulf, East and Southern Africa) that caseworkers write instead of a country.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

from importers.matching import key

# Readable names stored for a country where ISO 3166's is long or not the one people use.
READABLE = {
    "CD": "DR Congo",
    "RU": "Russia",
    "PS": "Palestine",
    "TR": "Turkey",
    "CI": "Côte d'Ivoire",
    "KR": "South Korea",
    "KP": "North Korea",
    "VA": "Holy See",
}
LOCAL_FORMS = {
    "CD": (
        "DRC",
        "DR Congo",
        "D.R. Congo",
        "RDC",
        "R.D.C.",
        "Congo DR",
        "Congo (DRC)",
        "Congo DRC",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "DR of Congo",
        "Congo-Kinshasa",
        "Congo Kinshasa",
        "Congo (Kinshasa)",
        "Zaire",
        "Congolese",
        "Congolese (DRC)",
        "RD Congo",
        "République démocratique du Congo",
        "Rep. Dem. du Congo",
        "Congolais",
        "Congolaise",
        "Umukongomani",
        "Abanyekongo",
    ),
    "CG": (
        "Congo-Brazzaville",
        "Congo Brazzaville",
        "Congo (Brazzaville)",
        "Republic of Congo",
        "Republic of the Congo",
        "Congo Republic",
    ),
    "TZ": ("Tanzania", "United Republic of Tanzania", "Tanzanian", "Tanzanie", "Tanzaniya", "Tanzanien"),
    "BI": ("Burundian", "Burundais", "Burundaise", "Umurundi", "Abarundi"),
    "RW": ("Rwandan", "Rwandese", "Rwandais", "Rwandaise", "Umunyarwanda", "Abanyarwanda"),
    "UG": ("Ugandan", "Ougandais", "Ougandaise", "Umugande"),
    "KE": ("Kenyan", "Kenyan national", "Kenyane"),
    "SS": ("South Sudanese",),
    "SD": ("Sudanese",),
    "ET": ("Ethiopian",),
    "ER": ("Eritrean",),
    "SO": ("Somali", "Somalian"),
    "ZA": ("South African", "RSA"),
    "GB": ("UK", "Britain", "Great Britain", "England", "British"),
    "US": ("USA", "U.S.A.", "United States of America", "America", "American"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "SA": ("KSA", "Saudi", "Saudi Arabian"),
    "KR": ("South Korea", "Republic of Korea"),
    "KP": ("North Korea",),
    "VA": ("Vatican", "Vatican City"),
    "OM": ("Omani",),
    "QA": ("Qatari",),
}
# What a sheet writes for "not known"; "NA" is Namibia's code, but in a sheet it means "not available".
UNKNOWN_WORDS = frozenset(
    key(w)
    for w in (
        "unknown",
        "not known",
        "n/a",
        "none",
        "-",
        "?",
        "unk",
        "stateless",
        "inconnu",
        "ntibizwi",
        "not recorded",
        "nonspecified",
    )
)
# Written forms that name two countries in the region's usage ("Kongo" is DR Congo in speech, the Republic of
# the Congo in ISO's Kinyarwanda list): an error that shows the value, never a guess.
AMBIGUOUS = frozenset(key(w) for w in ("Kongo", "Korea", "Congo Republic Democratic"))
TRANSLATIONS = ("fr", "rw", "sw")  # Rwanda's working languages and the region's lingua franca


def _derived(name: str) -> set[str]:
    """Forms of an ISO name: "Congo, Democratic Republic of the" gives "Democratic Republic of the Congo";
    "Holy See (Vatican City State)" gives "Holy See"; "Bolivia, Plurinational State of" gives "Bolivia"."""
    forms = set()
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if plain and plain != name:
        forms.add(plain)
    for text in (name, plain):
        if "," in text:
            head, tail = (part.strip() for part in text.split(",", 1))
            forms.add(f"{tail} {head}")
            forms.add(head)
            if tail.lower().startswith("the "):  # ISO's "Congo, The Democratic Republic of the"
                forms.add(f"{head}, {tail[4:]}")
    return forms


def _index() -> tuple[dict[str, str], dict[str, str]]:
    """key → alpha-2 for every written form, and alpha-2 → the readable name stored."""
    exact: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    readable: dict[str, str] = {}
    translators = []
    for language in TRANSLATIONS:
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:  # a pycountry build without that language
            continue
    countries = list(pycountry.countries)
    for country in countries:
        code = country.alpha_2
        readable[code] = READABLE.get(code) or getattr(country, "common_name", None) or country.name
        names = [country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)]
        for word in (*names, code, country.alpha_3, readable[code], *LOCAL_FORMS.get(code, ())):
            if word:
                exact.setdefault(key(word), code)
        for name in filter(None, names):
            for form in _derived(name):
                derived.setdefault(key(form), set()).add(code)
    # Translations come after every English form, so an English name always wins a clash.
    for translator in translators:
        for country in countries:
            for name in (country.name, getattr(country, "official_name", None)):
                if not name:
                    continue
                translated = translator.gettext(name)
                for form in (translated, *_derived(translated)):
                    if len(key(form)) >= 4:
                        derived.setdefault(key(form), set()).add(country.alpha_2)
    index = dict(exact)
    for form, codes in derived.items():
        if len(codes) == 1 and form not in index:
            index[form] = next(iter(codes))
    for word in UNKNOWN_WORDS | AMBIGUOUS:
        index.pop(word, None)
    return index, readable


COUNTRY_CODES, READABLE_NAMES = _index()
ALPHA2 = {name: code for code, name in READABLE_NAMES.items()}  # readable name → alpha-2


@lru_cache(maxsize=4096)
def country(text: str) -> str | None:
    """The alpha-2 code of a written country, or None; ``"Unknown"`` words give ``"??"``."""
    if text.strip() == "NA":  # Namibia's code as ISO writes it; "N/A", "n/a" and "na" mean not available
        return "NA"
    k = key(text)
    if k in UNKNOWN_WORDS:
        return "??"
    return COUNTRY_CODES.get(k)


def nationality(text: str) -> str | None:
    """``'BI'``, ``'bdi'``, ``'Burundian'`` → ``'Burundi'``; ``'DRC'`` → ``'DR Congo'``; unknown words →
    ``'Unknown'``; anything else → None."""
    code = country(text)
    if code == "??":
        return "Unknown"
    return READABLE_NAMES.get(code) if code else None


def nationality_in(text: str) -> str | None:
    """The first country of a multi-select cell ("Burundi; Rwanda"), where a label may itself hold a comma
    ("Congo, Democratic Republic of the"): the longest run of comma-separated parts that names a country."""
    whole = nationality(text)
    if whole is not None:
        return whole
    first = re.split(r"[;\n|]", text)[0]
    parts = [p.strip() for p in first.split(",")]
    for end in range(len(parts), 0, -1):
        found = nationality(", ".join(parts[:end]))
        if found is not None:
            return found
    return None


# -- destination regions -------------------------------------------------------------------------------------

# Every ISO 3166 country in one destination region (DOMAIN §4's list); a test checks none is missing.
_REGIONS = {
    "Middle East": "SA AE OM QA KW BH LB JO IQ YE SY IL PS IR",
    "East Africa": "RW BI CD UG KE TZ SS ET SO ER DJ SD",
    "Southern Africa": "ZA MZ MW ZM ZW BW NA LS SZ AO MG MU KM SC RE YT",
    "West Asia": "TR AM AZ GE CY",
    "Europe": "AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK NO PL PT "
    "RO RU SM RS SK SI ES SE CH UA GB VA AX FO GI GG IM JE SJ",
    "Other": "AF AG AI AQ AR AS AU AW BB BD BF BJ BL BM BN BO BQ BR BS BT BV BZ CA CC CF CG CI CK CL CM CN CO "
    "CR CU CV CW CX DM DO DZ EC EG EH FJ FK FM GA GD GF GH GL GM GN GP GQ GS GT GU GW GY HK HM HN HT ID IN IO "
    "JM JP KG KH KI KN KP KR KY KZ LA LC LK LR LY MA MF MH ML MM MN MO MP MQ MR MS MV MX MY NC NE NF NG NI NP "
    "NR NU NZ PA PE PF PG PH PK PM PN PR PW PY SB SG SH SL SN SR ST SV SX TC TD TF TG TH TJ TK TL TM TN TO TT "
    "TV TW UM US UY UZ VC VE VG VI VN VU WF WS",
}
REGION_OF_COUNTRY = {code: region for region, codes in _REGIONS.items() for code in codes.split()}

# Cities of the corridor, by country: where victims identified in Rwanda were taken or headed.
_CITIES = {
    "SA": "Riyadh, Jeddah, Jiddah, Mecca, Makkah, Medina, Dammam, Khobar, Al Khobar, Taif, Abha, Tabuk, Buraidah",
    "AE": "Dubai, Abu Dhabi, Sharjah, Ajman, Al Ain, Ras Al Khaimah, Fujairah",
    "OM": "Muscat, Salalah, Sohar, Nizwa, Sur",
    "QA": "Doha, Al Wakrah, Al Rayyan",
    "KW": "Kuwait City, Hawalli, Al Ahmadi, Farwaniya",
    "BH": "Manama, Muharraq, Riffa",
    "LB": "Beirut, Tripoli, Sidon",
    "JO": "Amman, Zarqa, Irbid, Aqaba",
    "IQ": "Baghdad, Erbil, Basra, Sulaymaniyah",
    "YE": "Sanaa, Aden",
    "UG": "Kampala, Entebbe, Mbarara, Kabale, Gulu, Jinja, Kisoro, Mbale, Masaka",
    "KE": "Nairobi, Mombasa, Kisumu, Nakuru, Eldoret, Malindi, Busia, Malaba",
    "TZ": "Dar es Salaam, Dar-es-Salaam, Arusha, Dodoma, Mwanza, Kigoma, Zanzibar, Moshi, Tanga, Rusumo",
    "CD": "Goma, Bukavu, Kinshasa, Lubumbashi, Uvira, Kisangani, Butembo, Beni, Kolwezi",
    "BI": "Bujumbura, Gitega, Ngozi, Kirundo, Muyinga",
    "RW": "Kigali, Gisenyi, Cyangugu, Musanze, Ruhengeri, Huye, Butare, Nyagatare, Rubavu, Rusizi",
    "SS": "Juba, Wau, Malakal",
    "ET": "Addis Ababa, Dire Dawa",
    "SD": "Khartoum, Omdurman, Port Sudan",
    "SO": "Mogadishu, Hargeisa",
    "DJ": "Djibouti City",
    "ER": "Asmara",
    "ZA": "Johannesburg, Joburg, Pretoria, Cape Town, Durban, Port Elizabeth, Gqeberha, Bloemfontein, Soweto",
    "MZ": "Maputo, Beira, Nampula",
    "MW": "Lilongwe, Blantyre, Mzuzu",
    "ZM": "Lusaka, Ndola, Kitwe, Livingstone",
    "ZW": "Harare, Bulawayo",
    "BW": "Gaborone, Francistown",
    "NA": "Windhoek",
    "AO": "Luanda",
    "MG": "Antananarivo",
    "TR": "Istanbul, Ankara, Izmir, Antalya",
    "IN": "New Delhi, Delhi, Mumbai, Bombay, Chennai",
    "CN": "Guangzhou, Beijing, Shanghai, Yiwu",
    "MY": "Kuala Lumpur",
    "TH": "Bangkok",
    "CG": "Brazzaville, Pointe-Noire",
}
CITIES = {key(city): code for code, names in _CITIES.items() for city in names.split(", ")}
_PLACE_SPLIT = re.compile(r"\s*(?:[,;/|()]|\s-\s|\bin\b|\bnear\b)\s*")


@lru_cache(maxsize=4096)
def place(text: str) -> str | None:
    """The alpha-2 code of a place written as a country or a known city ("Riyadh", "Muscat, Oman",
    "Kampala, Uganda", "Goma (DRC)"); the country wins over a city it disagrees with; None if none is known."""
    code = country(text)
    if code and code != "??":
        return code
    if key(text) in CITIES:
        return CITIES[key(text)]
    countries, cities = [], []
    for part in _PLACE_SPLIT.split(text):
        if not key(part):
            continue
        found = country(part)
        if found and found != "??":
            countries.append(found)
        elif key(part) in CITIES:
            cities.append(CITIES[key(part)])
    if countries:
        return countries[-1]  # "Muscat, Oman": the country comes last
    return cities[0] if cities else None
