"""Rules of the case sheets: case codes (kept as keyed pseudonyms, refused when they identify someone), the
key of a case without a code, the age group, the referred organisation and the destination region. Each
reads what it needs of a person and drops it.

Warnings name rows and cells, never what a case sheet's cell held.
"""

from __future__ import annotations

from collections import Counter

from importers.people import Birth, name_words, personal, pseudonym, recognisable
from importers.report import Problem
from importers.rules import Rule
from importers.table import Bad, Batch, Context, ok
from importers.values import UNPLACED
from indicators.access.pseudonyms import KeyProblem, code_pseudonym
from indicators.programmes.providers import OTHER
from indicators.vocabulary import age_group

BAD = Bad("")
LISTED = 12  # rows named in one warning before "…"


def _rows(batch: Batch, indices: list[int], field_name: str | None = None) -> str:
    letter = batch.letters.get(field_name, "") if field_name else ""
    shown = [f"{letter}{batch.rows[i]}" for i in indices[:LISTED]]
    return ", ".join(shown) + (", …" if len(indices) > LISTED else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def case_key(batch: Batch, ctx: Context) -> bytes | None:
    """The pseudonym key, or None with the reason as the sheet's problem (said once per sheet)."""
    try:
        return ctx.pseudonym_key()
    except KeyProblem as exc:
        if not any(p.expected.startswith("case sheets cannot be stored") for p in batch.problems):
            batch.problems.append(Problem("", "", "", f"case sheets cannot be stored: {exc}"))
        return None


class CaseCodes(Rule):
    """A case code is stored as its keyed pseudonym, never as typed; one that is an e-mail address, a phone
    number or a person's name is refused, its value never shown."""

    def check(self, batch, ctx):
        codes = batch.columns["reference"]
        key = None
        for i, code in enumerate(codes):
            if not ok(code):
                continue
            looks = personal(code)
            if looks is not None:
                batch.error(
                    "reference",
                    i,
                    code,
                    f"a pseudonymous case code with digits, such as PVR-C-014, not {looks}",
                )
                codes[i] = BAD
                continue
            key = key or case_key(batch, ctx)
            codes[i] = code_pseudonym(key, code) if key is not None else BAD


class Pseudonym(Rule):
    """The key of a case without a code: a KoboToolbox/ODK submission's uuid, else the keyed pseudonym of the
    person's names, birth date, sex and citizenship. The names go no further than this rule."""

    def check(self, batch: Batch, ctx: Context):
        codes = batch.columns["reference"]
        uuids = batch.columns.get("submission") or [None] * len(batch)
        present = [f for f in batch.layout.keyed_fields if f in batch.letters]
        names = [batch.columns[f] for f in present]
        births = batch.columns.get("birth_date") or [None] * len(batch)
        sexes, nationalities = batch.columns["sex"], batch.columns["nationality"]
        unmatched, keyed, repeated = [], 0, []
        seen: Counter[str] = Counter()  # pseudonyms met so far in the sheet
        for i, code in enumerate(codes):
            if code is not None:
                continue
            uuid = uuids[i]
            if ok(uuid) and uuid.strip():
                codes[i] = "uuid:" + uuid.strip().removeprefix("uuid:")[:70]
                continue
            birth = births[i] if isinstance(births[i], Birth) else None
            words = name_words(column[i] for column in names)
            secret = case_key(batch, ctx) if recognisable(words, birth) else None
            if secret is not None:
                sex = sexes[i] if ok(sexes[i]) else ""
                citizenship = nationalities[i] if ok(nationalities[i]) else ""
                key = pseudonym(secret, words, birth, sex, citizenship)
                seen[key] += 1
                if seen[key] > 1:  # two people alike in all that is hashed: the second is its own case
                    repeated.append(i)
                    key = pseudonym(secret, words, birth, sex, citizenship, occurrence=seen[key])
                codes[i] = key
                keyed += 1
            else:
                unmatched.append(i)
        for name in batch.layout.keyed_fields:
            batch.columns[name] = [None] * len(batch)  # names are never kept, not even in the batch
        if keyed and "reference" not in batch.letters and present:
            batch.letters["reference"] = batch.letters[present[0]]  # a repeated person is shown at the name
        if repeated:
            batch.warn(
                _rows(batch, repeated[:1]),
                f"{_plural(len(repeated), 'row')} with the names, birth date, sex and citizenship of an earlier "
                f"row ({_rows(batch, repeated)})",
                "one row per person: these are counted as other people; if one is the same person written "
                "twice, delete the repeated row",
            )
        if unmatched:
            batch.warn(
                _rows(batch, unmatched[:1]),
                f"{_plural(len(unmatched), 'row')} without a case code or names ({_rows(batch, unmatched)})",
                "a case code, or names and a birth date to recognise the person: stored, but an edited "
                "re-upload of these rows cannot be matched to them and would count them again",
            )


class AgeGroup(Rule):
    """The age group from an age, else from the birth date at the date identified (then dropped); an age
    group typed beside an age must agree with it. An unreadable or impossible birth date only leaves the age
    group Unknown, with a warning."""

    def __init__(self, age="age", group="age_group", birth="birth_date", at="date_identified"):
        self.age, self.group, self.birth, self.at = age, group, birth, at

    def check(self, batch, ctx):
        ages, groups = batch.columns[self.age], batch.columns[self.group]
        births, ats = batch.columns.get(self.birth), batch.columns[self.at]
        unreadable, impossible = [], []
        for i, (age, group) in enumerate(zip(ages, groups)):
            if group.__class__ is Bad or age.__class__ is Bad:
                continue
            if age is not None:
                derived = age_group(age)
                if group not in (None, "Unknown", derived):
                    batch.error(self.group, i, group, f"{derived} (the age is {age})")
                groups[i] = derived
                continue
            birth = births[i] if births is not None and isinstance(births[i], Birth) else None
            if group in (None, "Unknown") and birth is not None and ok(ats[i]):
                if birth.unreadable:
                    unreadable.append(i)
                elif birth.after(ats[i]):
                    impossible.append(i)
                else:
                    groups[i] = birth.age_group(ats[i])
                    continue
            if groups[i] is None:
                groups[i] = "Unknown"
        if births is not None:
            batch.columns[self.birth] = [None] * len(births)  # a birth date is never kept
        if unreadable:
            batch.warn(
                batch.cell(self.birth, unreadable[0]),
                f"{_plural(len(unreadable), 'birth date')} not read ({_rows(batch, unreadable, self.birth)})",
                "a date, a year (2004, ~2005), an age in years or Unknown; the age group of these cases "
                "is Unknown",
            )
        if impossible:
            batch.warn(
                batch.cell(self.birth, impossible[0]),
                f"{_plural(len(impossible), 'birth date')} after the date identified "
                f"({_rows(batch, impossible, self.birth)})",
                "a birth date before the date identified; the age group of these cases is Unknown",
            )


class ReferredOrganisation(Rule):
    """A referral is kept as the known provider its text names, else as "Other provider": never as typed
    (``indicators.programmes.providers``). The referral counts either way."""

    def check(self, batch, ctx):
        if "referred_to" not in batch.letters:
            return
        values = batch.columns["referred_to"]
        other = []
        for i, value in enumerate(values):
            if not ok(value) or not value:
                continue
            values[i] = ctx.providers.referred(value)
            if values[i] == OTHER:
                other.append(i)
        if other:
            batch.warn(
                batch.cell("referred_to", other[0]),
                f"{_plural(len(other), 'referral')} to no known provider "
                f"({_rows(batch, other, 'referred_to')})",
                f"a known provider (Isange One Stop Centre, UNHCR, RIB…); these are kept as "
                f"'{OTHER}', not as typed, as they may name a person, and they still count; an "
                "administrator adds providers with `ctmonitor providers add`",
            )


class PlacedRegion(Rule):
    """A free-text place of exploitation that names no known country or corridor city is Unknown, counted."""

    def check(self, batch, ctx):
        values = batch.columns["destination_region"]
        unplaced = [i for i, value in enumerate(values) if value is UNPLACED or value == UNPLACED]
        for i in unplaced:
            values[i] = "Unknown"
        if unplaced:
            batch.warn(
                batch.letters.get("destination_region", ""),
                f"{_plural(len(unplaced), 'place')} not recognised "
                f"({_rows(batch, unplaced, 'destination_region')})",
                "a country or a city of the corridor (Riyadh, Muscat, Kampala…); these count as an "
                "Unknown destination region",
            )


__all__ = ["AgeGroup", "CaseCodes", "PlacedRegion", "Pseudonym", "ReferredOrganisation", "case_key"]
