"""The organisation a case was referred to, kept without the person who received it (DOMAIN §4).

Caseworkers type the receiving organisation followed by a caseworker's name and phone number ("Isange OSC -
Mrs Immaculee N. 0788300411"). What is kept:

1. a known service provider, when the text starts with one of its names (its canonical name is stored);
2. else the text before the first phone number, e-mail address, title (Mr, Mrs, Dr, Mme, ...) or contact
   word (tel, contact, c/o, attn), cut at the first separator (" - ", comma, bracket, slash), when what is
   left names an organisation (a word such as Centre, Hospital, Police, NGO, Ministry, or a short acronym);
3. else nothing: the cell may hold a person's name alone. The referral still counts; a warning says which
   cells were not kept, never what they held.
"""

from __future__ import annotations

import re

from importers.matching import key

PROVIDERS = {
    "Isange One Stop Centre": ("Isange", "Isange OSC", "Isange One Stop Center", "IOSC", "One Stop Centre",
                               "One Stop Center"),
    "UNHCR protection unit": ("UNHCR protection", "UNHCR protection office", "UNHCR PSN", "HCR protection"),
    "UNHCR": ("HCR", "United Nations High Commissioner for Refugees", "UN Refugee Agency"),
    "IOM": ("OIM", "International Organization for Migration", "International Organisation for Migration"),
    "Rwanda Investigation Bureau": ("RIB",),
    "Rwanda National Police": ("RNP", "Police", "Polisi", "Police station"),
    "DGIE": ("Immigration", "Directorate General of Immigration and Emigration", "Migration office"),
    "MIGEPROF": ("Ministry of Gender and Family Promotion",),
    "MINEMA": ("Ministry in charge of Emergency Management", "MIDIMAR"),
    "MINIJUST": ("Ministry of Justice",),
    "NCDA": ("National Child Development Agency", "NCD Agency"),
    "NPPA": ("National Public Prosecution Authority", "Prosecution"),
    "Legal Aid Forum": ("LAF",),
    "Haguruka": (),
    "Never Again Rwanda": (),
    "Caritas Rwanda": ("Caritas",),
    "Save the Children": (),
    "Plan International": ("Plan Rwanda",),
    "World Vision": (),
    "Alight": ("American Refugee Committee", "ARC Rwanda"),
    "Prison Fellowship Rwanda": (),
    "ARCT Ruhuka": ("Ruhuka",),
    "AVEGA Agahozo": ("AVEGA",),
    "Maison Shalom": (),
    "Red Cross": ("Rwanda Red Cross", "Croix-Rouge", "Croix Rouge", "ICRC"),
    "UNICEF": (),
    "UN Women": (),
    "Health centre": ("Health center", "Centre de santé", "Ikigo nderabuzima"),
    "Hospital": ("Hôpital", "Ibitaro"),
    "Safe house": ("Shelter",),
}
_WORDS = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(k for k in (key(w) for w in _WORDS.findall(text)) if k)


# Longest names first: "UNHCR protection unit" before "UNHCR".
_PROVIDER_WORDS = sorted(
    ((_words(name), canonical) for canonical, names in PROVIDERS.items() for name in (canonical, *names)),
    key=lambda pair: -len(pair[0]),
)
_PHONE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*")
_CUE = re.compile(
    r"(?:^|[\s,;:(\-–/])(?:mr|mrs|ms|miss|dr|mme|mlle|madame|monsieur|sr|sister|fr|father|pastor|rev|hon|"
    r"tel|tél|phone|mob|mobile|cell|contact|contacts|c/o|attn|att|focal\s+person|case\s*worker|"
    r"caseworker|officer|received\s+by|handled\s+by|with)\b\.?",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s+[-–—]\s+|[,;(\[/|:]")
_ORGANISATION_WORDS = frozenset(
    key(w)
    for w in (
        "centre", "center", "unit", "office", "police", "hospital", "clinic", "health", "ministry", "foundation",
        "organisation", "organization", "association", "agency", "bureau", "commission", "council", "committee",
        "service", "services", "shelter", "project", "programme", "program", "network", "forum", "initiative",
        "trust", "church", "mission", "ngo", "court", "prosecution", "embassy", "consulate", "camp", "school",
        "university", "cooperative", "union", "cross", "crescent", "international", "rwanda", "refugee",
        "refugees", "protection", "legal", "aid", "desk", "department", "directorate", "station", "safe", "house",
        "home", "district", "sector", "hôpital", "ministère", "centre", "santé", "ibitaro", "ikigo", "akarere",
        "umurenge", "un", "unit", "osc", "gbv", "one", "stop",
    )
)
_ACRONYM = re.compile(r"[A-Z][A-Z&.\-]{1,5}")


def known_provider(text: str) -> str | None:
    return _provider(_words(text))[0]


def _provider(words: tuple[str, ...]) -> tuple[str | None, int]:
    """The provider the words start with, and how many of the words its name takes."""
    for name, canonical in _PROVIDER_WORDS:
        if words[: len(name)] == name:
            return canonical, len(name)
    return None, 0


def organisation(text: str) -> tuple[str | None, bool]:
    """(what is kept, whether anything was cut); ``(None, True)`` when nothing can be kept safely."""
    text = " ".join(str(text).split())
    if not text:
        return None, False
    words = _words(text)
    provider, used = _provider(words)
    if provider is not None:
        return provider, used < len(words)
    cut = len(text)
    for pattern in (_PHONE, _EMAIL, _CUE):
        match = pattern.search(text)
        if match:
            cut = min(cut, match.start())
    head = text[:cut]
    head = _SEPARATOR.split(head, maxsplit=1)[0].strip(" -–—.,;:")
    if head and _names_an_organisation(head):
        return head[:200], head != text
    return None, True


def _names_an_organisation(text: str) -> bool:
    if known_provider(text) is not None:
        return True
    if any(word in _ORGANISATION_WORDS for word in _words(text)):
        return True
    return bool(_ACRONYM.fullmatch(text.strip()))
