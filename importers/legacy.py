"""What ``ctmonitor init`` tidies in a store an earlier ctmonitor wrote (``indicators.cli``'s upkeep steps).

Case referrals were kept as typed, less what followed the organisation: each becomes its known provider or
"Other provider" (``indicators.providers``), and its row hash is made again from what is kept, so that no
hash of the typed text is left and a re-upload of the same sheet still recognises the row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.case_kinds import CASES
from importers.storing import row_hash
from indicators import providers
from indicators.models import Case


def tidy_case_referrals(session: Session) -> list[str]:
    """Referrals stored as typed, as their provider or ``OTHER``; the lines ``init`` prints."""
    known = providers.catalogue(session)
    kept = sorted({*known.names, providers.OTHER})
    fields = CASES.stored_fields
    changed = 0
    typed = select(Case).where(Case.referred_to.is_not(None), Case.referred_to.not_in(kept))
    for case in session.scalars(typed):
        case.referred_to = known.referred(case.referred_to)
        case.row_hash = row_hash([getattr(case, name) for name in fields])
        changed += 1
    session.flush()
    if not changed:
        return []
    line = f"Referred organisations: {changed:,} kept as typed are now their provider or '{providers.OTHER}'"
    return [line]
