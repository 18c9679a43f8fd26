"""How typed words are matched to the canonical lists: insensitive to case, spacing, punctuation and accents.

``key("Rusizi ")`` and ``key("RUSIZI")`` are the same key. A ``Vocabulary`` maps the keys of its canonical
values and of their synonyms (DOMAIN §4) to the canonical spelling and can suggest the closest value for a
typo. Nationalities go through ISO 3166 (pycountry: name, official and common name, alpha-2, alpha-3)
plus the short forms people write in Rwanda, and are stored as a readable country name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import pycountry

from indicators import vocabulary as v

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Lower case, accents dropped, everything but letters and digits removed."""
    if text.isascii():
        return _NOT_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


class Vocabulary:
    """A closed list with synonyms; ``lookup`` gives the canonical value or None."""

    def __init__(
        self,
        name: str,
        values,
        synonyms: dict[str, tuple[str, ...]] | None = None,
        noise: tuple[str, ...] = (),
    ):
        self.name = name
        self.values = tuple(values)
        self._noise = tuple(sorted({key(word) for word in noise}, key=len, reverse=True))
        self._keys: dict[str, str] = {}
        for value in self.values:
            self._add(value, value)
        for canonical, words in (synonyms or {}).items():
            if canonical not in self.values:
                raise ValueError(f"{self.name}: synonyms given for {canonical!r}, which is not a value")
            for word in words:
                self._add(word, canonical)

    def _add(self, word: str, canonical: str) -> None:
        k = key(word)
        existing = self._keys.setdefault(k, canonical)
        if existing != canonical:
            raise ValueError(f"{self.name}: {word!r} would mean both {existing!r} and {canonical!r}")
        stripped = self._strip_noise(k)
        if stripped and stripped != k:
            self._keys.setdefault(stripped, canonical)

    def _strip_noise(self, k: str) -> str:
        for word in self._noise:
            if word and word in k and k != word:
                k = k.replace(word, "")
        return k

    def lookup(self, text: str) -> str | None:
        k = key(text)
        found = self._keys.get(k)
        if found is None and self._noise:
            found = self._keys.get(self._strip_noise(k))
        return found

    def suggest(self, text: str) -> str | None:
        """The closest canonical value to a typo, for a "did you mean" hint."""
        k = self._strip_noise(key(text))
        close = difflib.get_close_matches(k, list(self._keys), n=1, cutoff=0.75)
        return self._keys[close[0]] if close else None

    def expected(self, limit: int = 12) -> str:
        """``one of Community, Refugee camp, …`` for a problem's expected text."""
        shown = ", ".join(self.values[:limit])
        more = ", …" if len(self.values) > limit else ""
        return f"one of {shown}{more}"


DISTRICTS = Vocabulary("district", v.DISTRICTS, noise=("district", "akarere"))
CAMPS = Vocabulary("refugee camp", v.CAMPS, noise=("refugee", "refugees", "camp", "camps", "transit"))
# A case's location: a district or a refugee camp.
LOCATIONS = Vocabulary(
    "location", tuple(v.DISTRICTS) + tuple(v.CAMPS), noise=("district", "refugee", "camp", "camps")
)

TARGET_GROUPS = Vocabulary(
    "target group",
    v.TARGET_GROUPS,
    {
        "Law enforcement": (
            "Police",
            "RIB",
            "Rwanda National Police",
            "RNP",
            "Rwanda Investigation Bureau",
            "Law enforcement officers",
            "Police officers",
        ),
        "Immigration officers": ("DGIE", "Immigration", "Border officials", "Immigration officials"),
        "Prosecutors and judges": ("NPPA", "Judiciary", "Prosecutors", "Judges", "Magistrates"),
        "Local government officials": (
            "Local government",
            "Local authorities",
            "Local leaders",
            "District officials",
            "Sector officials",
        ),
        "Civil society organisations": (
            "CSO",
            "CSOs",
            "NGO",
            "NGOs",
            "Civil society",
            "Civil society organizations",
        ),
        "School leaders and teachers": ("Teachers", "School leaders", "Head teachers"),
        "Refugee community leaders": ("Refugee leaders", "Community leaders", "Refugee committee"),
        "Humanitarian and camp staff": (
            "Camp staff",
            "UNHCR staff",
            "MINEMA staff",
            "Humanitarian staff",
            "Humanitarian workers",
            "MIDIMAR staff",
        ),
        "Social and health workers": (
            "Social workers",
            "Health workers",
            "Community health workers",
            "CHW",
            "Social workers and health workers",
        ),
        "Media": ("Journalists", "Press"),
        "Other": ("Others", "Mixed"),
    },
)
SETTINGS = Vocabulary(
    "setting",
    v.SETTINGS,
    {
        "Community": ("Community meeting", "Village", "Umudugudu", "Communities", "Umuganda"),
        "Refugee camp": ("Camp", "Refugee camps", "Refugee settlement"),
        "School": ("Schools", "University", "College"),
        "Border area": ("Border", "Border post", "Border crossing", "Border areas"),
        "Media": ("Radio", "TV", "Television", "Newspaper", "Social media"),
        "Other": ("Others",),
    },
)
INSTRUMENT_TYPES = Vocabulary(
    "instrument type",
    v.INSTRUMENT_TYPES,
    {
        "Law": ("Act", "Legislation", "Bill"),
        "Policy": ("Policies", "National policy"),
        "National action plan": ("NAP", "Action plan", "National plan of action", "Plan"),
        "Standard operating procedures": ("SOP", "SOPs", "Procedures", "Standard operating procedure"),
        "Regulation": ("Regulations", "Ministerial order", "Order", "Decree"),
        "Guidelines": ("Guideline", "Guidance", "Manual"),
        "Agreement": ("MoU", "Memorandum of understanding", "Bilateral agreement", "Convention", "Protocol"),
    },
)
POLICY_STAGES = Vocabulary(
    "stage",
    v.POLICY_STAGES,
    {
        "Drafted": ("Draft", "Drafting", "Draft ready"),
        "Validated": ("Validation", "Validated by stakeholders", "Reviewed"),
        "Adopted": (
            "Adoption",
            "Approved",
            "Passed",
            "Enacted",
            "Published in the Official Gazette",
            "Gazetted",
            "Signed",
        ),
    },
)
RESEARCH_STAGES = Vocabulary(
    "stage",
    v.RESEARCH_STAGES,
    {
        "Inception": ("Inception report", "Started", "Design", "Terms of reference", "ToR"),
        "Data collection": ("Fieldwork", "Field work", "Data gathering", "Collection"),
        "Validated": ("Validation", "Validation workshop", "Reviewed"),
        "Published": ("Publication", "Launched", "Released", "Final report"),
    },
)
SEXES = Vocabulary(
    "sex",
    v.SEXES,
    {
        "Female": ("F", "Woman", "Women", "Girl", "Feminine", "Femme", "Gore"),
        "Male": ("M", "Man", "Men", "Boy", "Masculine", "Homme", "Gabo"),
        # HTCDS v2.0 genders other than Feminine and Masculine are counted as Unknown.
        "Unknown": (
            "U",
            "Not known",
            "Not recorded",
            "Other",
            "TransgenderFeminine",
            "TransgenderMasculine",
            "NonConforming",
            "NonSpecifiedUnknown",
            "Non-specified / unknown",
            "Transgender feminine",
            "Transgender masculine",
            "Non conforming",
        ),
    },
)
AGE_GROUPS = Vocabulary(
    "age group",
    v.AGE_GROUPS,
    {
        "Child": ("Minor", "Under 18", "Below 18", "Children", "Juvenile"),
        "Adult": ("18 and over", "Over 18", "Adults", "Major"),
        "Unknown": ("Not known", "U"),
    },
)
STATUSES = Vocabulary(
    "trafficking status",
    v.TRAFFICKING_STATUSES,
    {
        "Possible victim": (
            "Possible victim of trafficking",
            "PossibleVictimOfTrafficking",
            "Potential victim",
            "Presumed victim",
            "Suspected victim",
            "Possible",
            "Potential",
            "Presumed",
        ),
        "Actual victim": (
            "Actual victim of trafficking",
            "ActualVictimOfTrafficking",
            "Confirmed victim",
            "Victim",
            "Actual",
            "Identified victim",
            "Victim of trafficking",
        ),
        "Not a victim": (
            "Not a victim of trafficking",
            "NotAVictimOfTrafficking",
            "Not victim",
            "No",
            "Non-victim",
        ),
    },
)
ASSISTANCE = Vocabulary(
    "assistance",
    v.ASSISTANCE,
    {
        "Shelter": ("Accommodation", "Safe house", "Housing"),
        "Medical": ("Medical care", "Health", "Health care", "Medical assistance"),
        "Psychosocial": (
            "Psycho-social",
            "Counselling",
            "Counseling",
            "Psychosocial support",
            "Mental health",
        ),
        "Legal": ("Legal aid", "Legal assistance", "Legal support"),
        "Return and reintegration": (
            "Return",
            "Reintegration",
            "Repatriation",
            "Family reunification",
            "Return & reintegration",
        ),
        "Livelihood": ("Livelihoods", "Income generation", "Vocational training", "Economic support"),
    },
)
EXPLOITATION_TYPES = Vocabulary(
    "exploitation type",
    (
        "Forced labour",
        "Sexual exploitation",
        "Child labour",
        "Forced marriage",
        "Servitude",
        "Forced military (by non-state actors)",
        "Organ removal",
        "Forced begging",
        "Forced adoption",
        "Surrogacy",
        "Other",
    ),
    {
        "Forced labour": ("Forced labor", "Labour exploitation", "Labor exploitation", "Labour", "Labor"),
        "Sexual exploitation": (
            "Sex exploitation",
            "Sexual",
            "Prostitution",
            "Commercial sexual exploitation",
        ),
        "Child labour": ("Child labor",),
        "Forced marriage": ("Early marriage", "Child marriage", "Marriage"),
        "Servitude": ("Domestic servitude", "Domestic work", "Domestic labour", "Housemaid"),
        "Forced military (by non-state actors)": (
            "Forced military",
            "ForcedMilitaryByNonStateActors",
            "Child soldiers",
            "Recruitment into armed groups",
        ),
        "Organ removal": ("Organ trafficking", "Organ harvesting", "Organs"),
        "Forced begging": ("Begging",),
        "Forced adoption": ("Adoption", "Illegal adoption"),
        "Other": ("Others",),
    },
)
REGIONS = Vocabulary(
    "destination region",
    v.DESTINATION_REGIONS,
    {
        "Middle East": ("Gulf", "Gulf states", "Gulf countries", "Arab countries", "Middle-East", "GCC"),
        "East Africa": ("EAC", "East African Community", "Eastern Africa", "Great Lakes"),
        "Southern Africa": ("SADC", "Southern African countries"),
        "West Asia": ("Western Asia",),
        "Europe": ("EU", "European Union"),
        "Other": ("Others", "Asia", "Americas", "North America", "West Africa", "Central Africa"),
        "Unknown": ("Not known", "N/A", "NA"),
    },
)

# Destination region of a country (alpha-2) when a country is written instead of a region.
_REGION_OF_COUNTRY = {
    "Middle East": "SA AE OM QA KW BH LB JO IQ YE SY IL PS IR",
    "East Africa": "RW BI CD UG KE TZ SS ET SO ER DJ SD",
    "Southern Africa": "ZA MZ MW ZM ZW BW NA LS SZ AO MG MU",
    "West Asia": "TR AM AZ GE CY",
    "Europe": "AL AD AT BY BE BA BG HR CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK NO PL PT "
    "RO RU SM RS SK SI ES SE CH UA GB VA",
}
REGION_OF_COUNTRY = {code: region for region, codes in _REGION_OF_COUNTRY.items() for code in codes.split()}

# Readable names where ISO 3166's is long or not the one people use.
_READABLE = {"CD": "DR Congo", "RU": "Russia", "PS": "Palestine", "TR": "Turkey", "CI": "Côte d'Ivoire"}
_LOCAL_FORMS = {
    "CD": (
        "DRC",
        "DR Congo",
        "D.R. Congo",
        "RDC",
        "Congo DR",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "Congo-Kinshasa",
        "Congo Kinshasa",
        "Zaire",
        "Congolese",
        "Congolese (DRC)",
        "RD Congo",
    ),
    "CG": ("Congo-Brazzaville", "Congo Brazzaville", "Republic of Congo", "Republic of the Congo"),
    "TZ": ("Tanzania", "United Republic of Tanzania", "Tanzanian"),
    "BI": ("Burundian", "Burundais"),
    "RW": ("Rwandan", "Rwandese", "Rwandais", "Rwandaise"),
    "UG": ("Ugandan",),
    "KE": ("Kenyan",),
    "SS": ("South Sudanese",),
    "SD": ("Sudanese",),
    "ET": ("Ethiopian",),
    "ER": ("Eritrean",),
    "SO": ("Somali",),
    "ZA": ("South African",),
    "GB": ("UK", "Britain", "Great Britain", "England"),
    "US": ("USA", "United States of America", "America"),
    "AE": ("UAE", "Emirates", "Dubai"),
    "TR": ("Turkey",),
    "SA": ("KSA", "Saudi"),
}
UNKNOWN_WORDS = frozenset(
    key(w) for w in ("unknown", "not known", "n/a", "none", "-", "?", "unk", "stateless")
)


def _nationality_index() -> tuple[dict[str, str], dict[str, str]]:
    """key → readable name, and readable name → alpha-2."""
    index: dict[str, str] = {}
    alpha2: dict[str, str] = {}
    for country in pycountry.countries:
        readable = _READABLE.get(country.alpha_2) or getattr(country, "common_name", None) or country.name
        alpha2[readable] = country.alpha_2
        for word in (
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
            country.alpha_2,
            country.alpha_3,
            readable,
            *_LOCAL_FORMS.get(country.alpha_2, ()),
        ):
            if word:
                index.setdefault(key(word), readable)
    for word in UNKNOWN_WORDS:
        index.pop(word, None)  # "NA" is Namibia's code, but in a sheet it means "not available"
    return index, alpha2


NATIONALITIES, ALPHA2 = _nationality_index()


def nationality(text: str) -> str | None:
    """``'BI'``, ``'bdi'``, ``'Burundian'`` → ``'Burundi'``; ``'DRC'`` → ``'DR Congo'``; unknown → None."""
    k = key(text)
    if k in UNKNOWN_WORDS:
        return "Unknown"
    return NATIONALITIES.get(k)


def suggest_nationality(text: str) -> str | None:
    close = difflib.get_close_matches(key(text), list(NATIONALITIES), n=1, cutoff=0.75)
    return NATIONALITIES[close[0]] if close else None


def region(text: str) -> str | None:
    """A destination region, or the region of a country."""
    found = REGIONS.lookup(text)
    if found:
        return found
    country = NATIONALITIES.get(key(text))
    if country:
        return REGION_OF_COUNTRY.get(ALPHA2[country], "Other")
    return None
