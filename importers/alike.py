"""Possible duplicates: a new case alike to a case already stored for the same programme.

Alike means the same sex, citizenship, date identified and place identified (both blank is the same), no age
or age group that disagrees (Unknown disagrees with nothing, Child with Adult), and not the same case by its
key. Where both cases are keyed by the pseudonym of their person (``importers.people``), they are alike only
when the stored one is the new one's person with a birth date that does not contradict the new one's: while
the names are in memory, ``Alike`` computes the pseudonyms those names would have had with every birth date
written so that it overlaps the new one's (unknown, the year alone, an approximate year, the decade, the age,
the month, the day…). So "Unknown" stored and "2004" uploaded are alike, "2003" and "2004" are not, nor are two
people of different names. Nothing of the names or the birth date outlives the rule.

Such a case is stored (it may be another person) with a warning naming its row and the stored case's upload
date, sheet and row, never a value; the pair is kept for the Data quality page, where a manager merges the two
when they are one person (``indicators.figures.duplicates``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from importers.case_rules import case_key
from importers.people import Birth, is_pseudonym, name_words, pseudonym, recognisable
from importers.rules import Rule, day
from importers.table import Batch, Context, ok
from indicators.figures import duplicates
from indicators.figures.duplicates import contradicts
from indicators.store.models import Case, PossibleDuplicate, Upload

if TYPE_CHECKING:
    from importers.storing import KindPlan

ALIKE = "alike"  # the batch column of each row's alternative pseudonyms (never stored)
OLDEST = 110  # years: how far back an unknown birth date may lie
WARNED = 50  # rows warned of one by one per sheet; the rest in one warning
_BATCH = 500  # dates looked up per query


def _years_before(at: date, years: int) -> date:
    try:
        return at.replace(year=at.year - years)
    except ValueError:  # 29 February
        return at.replace(year=at.year - years, day=28)


def _age(born: date, at: date) -> int:
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


def _span(birth: Birth | None, at: date) -> tuple[date, date]:
    """The days the person may have been born on."""
    if birth is not None and birth.earliest is not None and birth.latest is not None:
        return birth.earliest, birth.latest
    if birth is not None and birth.youngest is not None and birth.oldest is not None:
        return _years_before(at, birth.oldest + 1) + timedelta(days=1), _years_before(at, birth.youngest)
    return _years_before(at, OLDEST), at


def writings(birth: Birth | None, at: date) -> set[str]:
    """Every birth date written as ``importers.people`` normalises it (``y:2004``, ``~a:17``…) whose span
    overlaps ``birth``'s on ``at``: what the same person may have had in an earlier upload. Unknown included,
    ``birth``'s own writing left out."""
    low, high = _span(birth, at)
    out = {""}
    out.update(f"y:{year}" for year in range(low.year, high.year + 1))
    out.update(f"~y:{year}" for year in range(low.year - 1, high.year + 2))
    out.update(f"s:{decade}" for decade in range(low.year // 10 * 10, high.year + 1, 10))
    youngest, oldest = _age(high, at), _age(low, at)
    out.update(f"a:{years}" for years in range(max(youngest, 0), oldest + 1))
    out.update(f"~a:{years}" for years in range(max(youngest - 1, 0), oldest + 2))
    if (high - low).days <= 3 * 366:
        month = date(low.year, low.month, 1)
        while month <= high:
            out.add(f"m:{month.year}-{month.month:02d}")
            month = (month + timedelta(days=32)).replace(day=1)
    if (high - low).days <= 366:
        out.update(f"d:{(low + timedelta(days=n)).isoformat()}" for n in range((high - low).days + 1))
    out.discard(birth.written if birth is not None else "")
    return out


class Alike(Rule):
    """For each row keyed by its person's pseudonym: the pseudonyms of the same person with a birth date that
    does not contradict the row's. Runs before ``Pseudonym``, which drops the names."""

    def check(self, batch: Batch, ctx: Context):
        present = [f for f in batch.layout.keyed_fields if f in batch.letters]
        if not present:
            return
        size = len(batch)
        codes, dates = batch.columns["reference"], batch.columns["date_identified"]
        submissions = batch.columns.get("submission") or [None] * size
        births = batch.columns.get("birth_date") or [None] * size
        names = [batch.columns[f] for f in present]
        sexes, nationalities = batch.columns["sex"], batch.columns["nationality"]
        alike: list[frozenset | None] = [None] * size
        secret = None
        for i in range(size):
            if codes[i] is not None or submissions[i] is not None or not ok(dates[i]):
                continue
            birth = births[i] if isinstance(births[i], Birth) else None
            words = name_words(column[i] for column in names)
            if not recognisable(words, birth):
                continue
            secret = secret or case_key(batch, ctx)  # the store's pseudonym key, asked once
            if secret is None:
                continue
            sex = sexes[i] if ok(sexes[i]) else ""
            citizenship = nationalities[i] if ok(nationalities[i]) else ""
            alike[i] = frozenset(
                pseudonym(secret, words, Birth(written), sex, citizenship)
                for written in writings(birth, dates[i])
            )
        batch.columns[ALIKE] = alike


def find(session: Session, kind_plan: KindPlan) -> None:
    """Warn of each new case alike to a stored case, and note the pairs for ``store_pairs``."""
    new = [(part, j) for part, positions in kind_plan.inserts for j in positions]
    if not new:
        return
    programmes = sorted({part.columns["programme_id"][j] for part, j in new})
    stored = defaultdict(list)
    for found in _stored(
        session, programmes, sorted({part.columns["date_identified"][j] for part, j in new})
    ):
        stored[
            (found.programme_id, found.sex, found.nationality, found.date_identified, found.location)
        ].append(found)
    warned: dict[int, list] = defaultdict(list)
    for part, j in new:
        columns = part.columns
        pid = columns["programme_id"][j]
        others = stored.get(
            (
                pid,
                columns["sex"][j],
                columns["nationality"][j],
                columns["date_identified"][j],
                columns["location"][j],
            )
        )
        if not others:
            continue
        column = part.batch.columns.get(ALIKE)
        alternatives = column[part.indices[j]] if column else None
        mine = (columns["reference"][j], columns["age"][j], columns["age_group"][j], alternatives)
        matched = [other for other in others if _alike(mine, other)]
        for other in matched:
            kind_plan.pairs.append((pid, part.batch.sheet, columns["source_row"][j], other.id))
        if matched:
            warned[id(part)].append((part, j, matched))
    for rows in warned.values():
        _warn(rows)


def _stored(session: Session, programmes: list[int], dates: list[date]) -> list:
    out: list = []
    for start in range(0, len(dates), _BATCH):
        out += session.execute(
            select(
                Case.id,
                Case.programme_id,
                Case.reference,
                Case.sex,
                Case.nationality,
                Case.date_identified,
                Case.location,
                Case.age,
                Case.age_group,
                Case.source_sheet,
                Case.source_row,
                Upload.uploaded_at,
            )
            .outerjoin(Upload, Upload.id == Case.upload_id)
            .where(Case.programme_id.in_(programmes), Case.date_identified.in_(dates[start : start + _BATCH]))
        ).all()
    return out


def _alike(mine: tuple, other) -> bool:
    reference, age, group, alternatives = mine
    if contradicts((age, group), (other.age, other.age_group)):
        return False
    if is_pseudonym(reference) and is_pseudonym(other.reference) and alternatives:
        return other.reference in alternatives
    return True


def _where(other) -> str:
    uploaded = (
        f"uploaded {day(other.uploaded_at)}" if other.uploaded_at else "from an upload no longer on record"
    )
    return f"{other.source_sheet or '?'} row {other.source_row or '?'}, {uploaded}"


def _warn(rows: list) -> None:
    batch = rows[0][0].batch
    for part, j, matched in rows[:WARNED]:
        shown = "; ".join(_where(other) for other in matched[:3]) + ("; …" if len(matched) > 3 else "")
        batch.warn(
            str(part.columns["source_row"][j]),
            f"possibly the person of the case{'s' if len(matched) > 1 else ''} stored from {shown}",
            "a new person: it is stored as a new case, but it agrees with the stored one on sex, citizenship, "
            "date and place identified, and nothing of its age disagrees; if it is the same person, a "
            "programme manager merges the two under Possible duplicates on the Data quality page",
        )
    if len(rows) > WARNED:
        more = [str(part.columns["source_row"][j]) for part, j, _ in rows[WARNED:]]
        batch.warn(
            more[0],
            f"{len(more)} more possible duplicates of stored cases (rows {', '.join(more[:12])}"
            f"{', …' if len(more) > 12 else ''})",
            "see Possible duplicates on the Data quality page",
        )


def store_pairs(session: Session, kind_plan: KindPlan, upload_id: int) -> None:
    """Keep the pairs ``find`` noted, now that the new cases have their ids (found by their upload and row)."""
    if not kind_plan.pairs:
        return
    ids = {
        (sheet, row): case_id
        for case_id, sheet, row in session.execute(
            select(Case.id, Case.source_sheet, Case.source_row).where(Case.upload_id == upload_id)
        )
    }
    rows = [
        {"programme_id": pid, "case_id": ids[(sheet, row)], "other_id": other}
        for pid, sheet, row, other in kind_plan.pairs
        if (sheet, row) in ids
    ]
    if rows:
        session.execute(insert(PossibleDuplicate), rows)


class StoredKey(Protocol):
    """A stored row as ``importers.storing`` reads it, as far as a merged-away key needs it."""

    @property
    def id(self) -> int: ...

    @property
    def reference(self) -> str | None: ...


class Merged:
    """What cases merged into others are recognised by, for a re-upload (``indicators.figures.duplicates``): a row with
    a merged-away key updates the case it was folded into, unless that case's own row is in the same upload
    (then the row is skipped); a row without a key identical to a merged-away row is skipped."""

    def __init__(self, session: Session, kind: str, programme_ids: list[int], stored, parts):
        self.keys: dict[tuple[int, str | None], StoredKey] = {}
        self.hashes: list[tuple[int, str]] = []
        self.claimed: set[int] = set()
        if kind != "cases":
            return
        merged = duplicates.merged_keys(session, programme_ids)
        if not merged:
            return
        cases = {row.id: row for row in stored}
        for programme_id, reference, row_hash, case_id in merged:
            if case_id in cases:
                self.hashes.append((programme_id, row_hash))
                if reference is not None:
                    self.keys[(programme_id, reference)] = cases[case_id]
        self.own = {
            (pid, reference)
            for part in parts
            for pid, reference in zip(part.columns["programme_id"], part.columns["reference"])
        }

    def __bool__(self) -> bool:
        return bool(self.keys)

    def target(self, programme_id: int, reference: str | None) -> tuple[StoredKey | None, bool]:
        """(the stored case a merged-away key names, whether the row is to be skipped)."""
        kept = self.keys.get((programme_id, reference))
        if kept is None:
            return None, False
        if (
            kept.reference is not None and (programme_id, kept.reference) in self.own
        ) or kept.id in self.claimed:
            return None, True
        self.claimed.add(kept.id)
        return kept, False
