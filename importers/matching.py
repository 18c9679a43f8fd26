"""How typed words are matched to the canonical lists: insensitive to case, spacing, punctuation and accents.

``key("Rusizi ")`` and ``key("RUSIZI")`` are the same key. A ``Vocabulary`` maps the keys of its canonical
values and of their synonyms (DOMAIN §4) to the canonical spelling and can suggest the closest value for a
typo. Countries and places live in ``importers.countries``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from indicators import vocabulary as v
from indicators.i18n import N_, Message

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Lower case, accents dropped, everything but letters and digits removed."""
    if text.isascii():
        return _NOT_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def matchable(value):
    """A part of a natural key as rows are matched by it: text by its ``key``, anything else as it is."""
    return key(value) if isinstance(value, str) else value


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
        return Message(N_("one of {values}"), values=shown + more)


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
        # English, French and Kinyarwanda (DOMAIN §4), and HTCDS's genders.
        "Female": (
            "F",
            "Woman",
            "Women",
            "Girl",
            "Feminine",
            "Femme",
            "Féminin",
            "Féminine",
            "Fille",
            "Gore",
            "Umugore",
            "Umukobwa",
            "Female (F)",
        ),
        "Male": (
            "M",
            "Man",
            "Men",
            "Boy",
            "Masculine",
            "Homme",
            "Masculin",
            "Garçon",
            "Gabo",
            "Umugabo",
            "Umuhungu",
            "Male (M)",
        ),
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
        "Child": (
            "Minor",
            "Under 18",
            "Below 18",
            "Children",
            "Juvenile",
            "Less than 18",
            "0-17",
            "Enfant",
            "Mineur",
            "Mineure",
            "Moins de 18 ans",
            "Umwana",
            "Abana",
        ),
        "Adult": (
            "18 and over",
            "Over 18",
            "Adults",
            "Major",
            "18+",
            "18 and above",
            "Adulte",
            "Majeur",
            "Majeure",
            "Umuntu mukuru",
            "Mukuru",
        ),
        "Unknown": ("Not known", "U", "Inconnu", "Unknown age"),
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
            "PVoT",
            "PVT",
            "Potential victim of trafficking",
            "Presumed victim of trafficking",
            "Suspected victim of trafficking",
            "Victime potentielle",
            "Victime présumée",
            "Victime presumee de la traite",
            "Victime potentielle de la traite",
        ),
        "Actual victim": (
            "Actual victim of trafficking",
            "ActualVictimOfTrafficking",
            "Confirmed victim",
            "Victim",
            "Actual",
            "Identified victim",
            "Victim of trafficking",
            "VoT",
            "Confirmed victim of trafficking",
            "Victime",
            "Victime de la traite",
            "Victime avérée",
        ),
        "Not a victim": (
            "Not a victim of trafficking",
            "NotAVictimOfTrafficking",
            "Not victim",
            "No",
            "Non-victim",
            "Not a VoT",
            "Non victime",
            "Pas une victime",
            "Not trafficked",
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
    (  # stored in English; the screens show them in the reader's language
        N_("Forced labour"),
        N_("Sexual exploitation"),
        N_("Child labour"),
        N_("Forced marriage"),
        N_("Servitude"),
        N_("Forced military (by non-state actors)"),
        N_("Organ removal"),
        N_("Forced begging"),
        N_("Forced adoption"),
        N_("Surrogacy"),
        N_("Other"),
    ),
    {
        "Forced labour": (
            "Forced labor",
            "Labour exploitation",
            "Labor exploitation",
            "Labour",
            "Labor",
            "Travail forcé",
            "Exploitation par le travail",
            "Imirimo y'agahato",
            "Imirimo ivunanye",
        ),
        "Sexual exploitation": (
            "Sex exploitation",
            "Sexual",
            "Prostitution",
            "Commercial sexual exploitation",
            "Exploitation sexuelle",
            "Uburaya",
            "Ihohoterwa rishingiye ku gitsina",
        ),
        "Child labour": ("Child labor", "Travail des enfants"),
        "Forced marriage": (
            "Early marriage",
            "Child marriage",
            "Marriage",
            "Mariage forcé",
            "Gushyingirwa ku gahato",
        ),
        "Servitude": (
            "Domestic servitude",
            "Domestic work",
            "Domestic labour",
            "Housemaid",
            "Servitude domestique",
            "Travail domestique",
            "Ubucakara",
            "Umukozi wo mu rugo",
        ),
        "Forced military (by non-state actors)": (
            "Forced military",
            "ForcedMilitaryByNonStateActors",
            "Child soldiers",
            "Recruitment into armed groups",
        ),
        "Organ removal": ("Organ trafficking", "Organ harvesting", "Organs", "Prélèvement d'organes"),
        "Forced begging": ("Begging", "Mendicité forcée", "Mendicité"),
        "Forced adoption": ("Adoption", "Illegal adoption", "Adoption forcée"),
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
