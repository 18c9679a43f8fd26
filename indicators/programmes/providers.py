"""The service providers a case may be referred to: the only referred organisations ever stored (DOMAIN §4).

Caseworkers type the receiving organisation followed by whoever received the person ("Isange OSC - Mrs
Immaculee N. 0788300411", "Mahama Health Centre Aline Uwase"), or a person or a house alone. Free text is
never stored: a referral is kept as the provider its text starts with (by its name or one of its other
names, case, accents and punctuation aside, the longest name first, after a leading "referred to"), stored
under the provider's own name, and otherwise as ``OTHER``. The referral counts either way.

The Rwanda providers are shipped here (``SHIPPED``); administrators add others, or other names of a shipped
one, with ``ctmonitor providers add`` (kept in the store, each addition in the audit trail).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.store.models import Provider

OTHER = "Other provider"
SHIPPED: dict[str, tuple[str, ...]] = {
    "Isange One Stop Centre": (
        "Isange",
        "Isange OSC",
        "Isange One Stop Center",
        "IOSC",
        "One Stop Centre",
        "One Stop Center",
    ),
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
    "Mahama Health Centre": ("Mahama Health Center", "Mahama HC"),
    "CARE Rwanda": ("CARE International", "CARE International Rwanda"),
    "ADEPE": ("Action pour le Développement du Peuple",),
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
# Words a caseworker may write before the organisation ("referred to Isange", "at the Health centre").
_LEADING = (("referred", "to"), ("referral", "to"), ("refer", "to"), ("to",), ("at",), ("the",))
_WORD = re.compile(r"[^\W_]+")
_CONTACT = re.compile(r"@|\d{5,}|\d[\d\s().\-/]{7,}\d")
MAX_NAME = 200


def words(text: object) -> tuple[str, ...]:
    """The words of a text, lower case and without accents: what names are matched by."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return tuple(_WORD.findall(plain))


@dataclass(frozen=True)
class Catalogue:
    """The providers known to one store: canonical name -> other names."""

    names: dict[str, tuple[str, ...]]
    # (words of a name, its canonical name), longest first: set from ``names``
    _pairs: list[tuple[tuple[str, ...], str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = [
            (words(name), canonical)
            for canonical, others in self.names.items()
            for name in (canonical, *others)
            if words(name)
        ]
        object.__setattr__(self, "_pairs", sorted(pairs, key=lambda pair: -len(pair[0])))  # longest first

    def provider(self, text: object) -> str | None:
        """The provider a referral's text starts with, or None."""
        found = words(text)
        for lead in _LEADING:
            if found[: len(lead)] == lead and len(found) > len(lead):
                found = found[len(lead) :]
                break
        for name, canonical in self._pairs:
            if found[: len(name)] == name:
                return canonical
        return None

    def referred(self, text: object) -> str | None:
        """What is stored for a referral's text: its provider, ``OTHER``, or None for a blank cell."""
        if text is None or not str(text).strip():
            return None
        return self.provider(text) or OTHER


SHIPPED_CATALOGUE = Catalogue(SHIPPED)


def catalogue(session: Session) -> Catalogue:
    """The shipped providers with those the store's administrators added."""
    names = {name: tuple(others) for name, others in SHIPPED.items()}
    for row in session.scalars(select(Provider).order_by(Provider.id)):
        names[row.name] = tuple(dict.fromkeys((*names.get(row.name, ()), *row.aliases)))
    return Catalogue(names)


class ProviderError(ValueError):
    """A provider name that cannot be added, in one line."""


def _checked(text: str, what: str) -> str:
    text = " ".join(str(text).split())
    if not words(text):
        raise ProviderError(f"{what} must hold letters or digits")
    if len(text) > MAX_NAME:
        raise ProviderError(f"{what} is longer than {MAX_NAME} characters")
    if _CONTACT.search(text):
        raise ProviderError(
            f"{what} looks like a phone number or an e-mail address: give the organisation's name"
        )
    return text


def add(session: Session, name: str, aliases=(), *, by: str) -> tuple[str, tuple[str, ...]]:
    """Add a provider, or other names of a known one; refused when a name already means another provider.
    Returns the provider's name and the other names added; recorded in the audit trail."""
    known = catalogue(session)
    name = _checked(name, "the provider's name")
    canonical = next((c for c in known.names if words(c) == words(name)), name)
    owners = {words(n): c for c, others in known.names.items() for n in (c, *others)}
    if owners.get(words(name), canonical) != canonical:
        raise ProviderError(f"'{name}' already names {owners[words(name)]}")
    added = []
    for alias in (_checked(a, "another name") for a in aliases):
        owner = owners.get(words(alias))
        if owner is not None and owner != canonical:
            raise ProviderError(f"'{alias}' already names {owner}")
        if owner is None and alias not in added:
            added.append(alias)
    if canonical in known.names and not added:
        raise ProviderError(f"{canonical} is already known" + (" under these names" if aliases else ""))
    row = session.scalar(select(Provider).where(Provider.name == canonical))
    if row is None:
        row = Provider(name=canonical, aliases=[], added_by=by[:80])
        session.add(row)
    row.aliases = [*row.aliases, *added]
    session.flush()
    audit.record(session, by, "provider-added", canonical, aliases=added, shipped=canonical in SHIPPED)
    return canonical, tuple(added)


def listing(session: Session) -> list[tuple[str, tuple[str, ...], str]]:
    """(name, other names, who added it: "shipped" or a user) of every provider, by name."""
    stored = {row.name: row for row in session.scalars(select(Provider))}
    out = []
    for name, others in sorted(catalogue(session).names.items(), key=lambda item: item[0].lower()):
        row = stored.get(name)
        if row is None:  # a shipped provider no administrator gave other names
            origin = "shipped"
        elif name in SHIPPED:
            origin = f"shipped, other names added by {row.added_by}"
        else:
            origin = f"added by {row.added_by}"
        out.append((name, others, origin))
    return out
