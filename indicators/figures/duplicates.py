"""Cases that may be one person: the pairs the importer found (``importers.alike``), listed for the Data quality
page, and merging the two when a manager says they are one person.

- A pair is listed while its two cases still agree on sex, citizenship, date and place identified, with no age
  or age group that disagrees (a later upload may have changed one). It shows where each case came from (file,
  sheet, row, upload) and the values they share that identify no one: the date and the place identified.
- A merge folds the newer case into the older: the older keeps its id, key and provenance and takes, field by
  field, the more complete value (a known age group over Unknown, a referral date over none, the exploitation
  types and assistance of both; where both are known and differ, the newer's, the later word on the person).
  The newer case is deleted with its pairs; its key and the hash of its row as uploaded are kept
  (``CaseMerge``), so a later upload of its row updates the case it was folded into instead of adding it again.
  The stored sums and victim counts of the quarters concerned are refreshed in the same transaction, and the
  audit trail records who, when, why and which rows. A merge that would change a quarter closed by a sign-off
  is refused, naming the sign-off; only managers and administrators merge (the caller checks the role).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, and_, or_, select, update
from sqlalchemy.orm import Session, aliased

from indicators.access import audit
from indicators.figures import aggregates, signoff
from indicators.periods import quarter_of
from indicators.store.db import lock_for_writing
from indicators.store.models import Case, CaseMerge, PossibleDuplicate, Programme, Upload

KNOWN_GROUPS = ("Child", "Adult")
MERGERS = ("admin", "manager")
_EMPTY = (None, "", "Unknown")
_TAKEN = ("age", "age_group", "status", "destination_region", "referred_to", "referral_date")
_JOINED = ("exploitation_types", "assistance")
_LABELS = {
    "age": "age",
    "age_group": "age group",
    "status": "trafficking status",
    "destination_region": "destination region",
    "referred_to": "referred to",
    "referral_date": "referral date",
    "exploitation_types": "exploitation types",
    "assistance": "assistance",
}


class MergeRefused(ValueError):
    """A merge that may not be made as asked; the message says why."""


def contradicts(one: tuple, other: tuple) -> bool:
    """Whether two cases' (age, age group) disagree: two known ages or two known age groups that differ."""
    (age, group), (other_age, other_group) = one, other
    if group in KNOWN_GROUPS and other_group in KNOWN_GROUPS and group != other_group:
        return True
    return age is not None and other_age is not None and age != other_age


@dataclass(frozen=True)
class Source:
    """Where a case came from."""

    case: int
    file: str | None
    sheet: str | None
    row: int | None
    uploaded_at: datetime | None
    uploaded_by: str | None

    def text(self) -> str:
        upload = (
            f"{self.file}, uploaded {self.uploaded_at:%d/%m/%Y} by {self.uploaded_by}"
            if self.file
            else "an upload no longer on record"
        )
        return f"case #{self.case}: {self.sheet or '?'} row {self.row or '?'} of {upload}"


@dataclass(frozen=True)
class Pair:
    id: int
    programme: str
    newer: Source
    older: Source
    date_identified: date
    location: str | None


def pairs(session: Session, programme_ids: list[int]) -> list[Pair]:
    """The possible duplicates of these programmes still alike, the latest found first."""
    new, old = aliased(Case), aliased(Case)
    new_upload, old_upload = aliased(Upload), aliased(Upload)
    rows = session.execute(
        select(
            PossibleDuplicate.id,
            Programme.code,
            new,
            old,
            new_upload.filename,
            new_upload.uploaded_at,
            new_upload.uploaded_by,
            old_upload.filename,
            old_upload.uploaded_at,
            old_upload.uploaded_by,
        )
        .join(Programme, Programme.id == PossibleDuplicate.programme_id)
        .join(new, new.id == PossibleDuplicate.case_id)
        .join(old, old.id == PossibleDuplicate.other_id)
        .outerjoin(new_upload, new_upload.id == new.upload_id)
        .outerjoin(old_upload, old_upload.id == old.upload_id)
        .where(PossibleDuplicate.programme_id.in_(programme_ids))
        .order_by(PossibleDuplicate.found_at.desc(), PossibleDuplicate.id.desc())
    ).all()
    out = []
    for pair_id, code, newer, older, *uploads in rows:
        if still_alike(newer, older):
            out.append(
                Pair(
                    pair_id,
                    code,
                    _source(newer, *uploads[:3]),
                    _source(older, *uploads[3:]),
                    older.date_identified,
                    older.location,
                )
            )
    return out


def _source(case: Case, file, uploaded_at, uploaded_by) -> Source:
    return Source(case.id, file, case.source_sheet, case.source_row, uploaded_at, uploaded_by)


def still_alike(case: Case, other: Case) -> bool:
    same = all(
        getattr(case, name) == getattr(other, name)
        for name in ("programme_id", "sex", "nationality", "date_identified", "location")
    )
    return same and not contradicts((case.age, case.age_group), (other.age, other.age_group))


def merged_keys(session: Session, programme_ids: list[int]) -> Sequence[Row[int, str | None, str, int]]:
    """What merged-away cases are recognised by: (programme id, key, row hash, the case kept) rows."""
    return session.execute(
        select(CaseMerge.programme_id, CaseMerge.reference, CaseMerge.row_hash, CaseMerge.case_id).where(
            CaseMerge.programme_id.in_(programme_ids)
        )
    ).all()


def merge(session: Session, programme_code: str, keep_id: int, drop_id: int, *, by: str, reason: str):
    """Fold case ``drop_id`` into case ``keep_id`` (see the module docstring); the audit entry, or
    ``MergeRefused``."""
    lock_for_writing(session)
    programme, keep, drop = _pair(session, programme_code, keep_id, drop_id)
    if not (reason or "").strip():
        raise MergeRefused("a reason for the merge (kept in the audit trail)")
    values = _folded(keep, drop)
    referral = values.get("referral_date", keep.referral_date)
    referral_quarter = quarter_of(referral, programme.calendar).code if referral else None
    quarters = {
        q
        for q in (keep.quarter, keep.referral_quarter, drop.quarter, drop.referral_quarter, referral_quarter)
        if q
    }
    closed = signoff.check_rows(session, programme.id, quarters)
    if closed:
        raise MergeRefused(f"{closed[0]}: the merge would change its figures; ask a manager to reopen it")
    rows = {"kept": _provenance(session, keep), "dropped": _provenance(session, drop)}
    for name, value in values.items():
        setattr(keep, name, value)
    keep.referral_quarter = referral_quarter
    session.execute(update(CaseMerge).where(CaseMerge.case_id == drop.id).values(case_id=keep.id))
    session.add(
        CaseMerge(
            programme_id=programme.id,
            case_id=keep.id,
            reference=drop.reference,
            row_hash=drop.row_hash,
            merged_by=by,
        )
    )
    session.delete(drop)
    session.flush()
    aggregates.refresh(session, programme.id, "cases", sorted(quarters))
    return audit.record(
        session,
        by,
        "cases-merged",
        f"{programme.code} case #{keep.id} ← case #{drop_id}",
        reason=reason.strip(),
        quarter=keep.quarter,
        taken=[_LABELS[n] for n in values],
        **rows,
    )


def _pair(session: Session, code: str, keep_id: int, drop_id: int) -> tuple[Programme, Case, Case]:
    programme = session.scalar(select(Programme).where(Programme.code == (code or "").strip().upper()))
    if programme is None:
        raise MergeRefused(f"no programme {code!r}")
    keep, drop = _stored_case(session, programme, keep_id), _stored_case(session, programme, drop_id)
    listed = session.scalar(
        select(PossibleDuplicate.id).where(
            or_(
                and_(PossibleDuplicate.case_id == drop.id, PossibleDuplicate.other_id == keep.id),
                and_(PossibleDuplicate.case_id == keep.id, PossibleDuplicate.other_id == drop.id),
            )
        )
    )
    if listed is None or not still_alike(keep, drop):
        raise MergeRefused(
            f"cases #{keep_id} and #{drop_id} are not listed as possible duplicates of each other"
        )
    if (keep.created_at, keep.id) > (drop.created_at, drop.id):
        raise MergeRefused(
            f"the older case is kept and the newer folded into it: keep #{drop_id}, drop #{keep_id}"
        )
    return programme, keep, drop


def _stored_case(session: Session, programme: Programme, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.programme_id != programme.id:
        raise MergeRefused(f"case #{case_id} is not a stored case of {programme.code} (merged already?)")
    return case


def _folded(keep: Case, drop: Case) -> dict:
    """The values the kept case takes from the dropped one."""
    out = {}
    for name in _TAKEN:
        mine, theirs = getattr(keep, name), getattr(drop, name)
        if theirs not in _EMPTY and mine != theirs:
            out[name] = theirs
    for name in _JOINED:
        mine = list(getattr(keep, name) or [])
        joined = list(dict.fromkeys(mine + list(getattr(drop, name) or [])))
        if joined != mine:
            out[name] = joined
    return out


def _provenance(session: Session, case: Case) -> dict:
    upload = session.get(Upload, case.upload_id) if case.upload_id else None
    return {
        "case": case.id,
        "file": upload.filename if upload else None,
        "sheet": case.source_sheet,
        "row": case.source_row,
        "uploaded": f"{upload.uploaded_at:%Y-%m-%d %H:%M}" if upload else None,
    }
