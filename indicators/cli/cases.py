"""The ``cases`` command: possible duplicate cases listed, and two that are one person merged
(``indicators.figures.duplicates``). Exit status 0 done, 1 refused (nothing changed), 2 usage error."""

from __future__ import annotations

import sys

from sqlalchemy import select

from indicators.store.db import Store
from indicators.store.settings import Settings


def register(commands) -> None:
    cases = commands.add_parser(
        "cases",
        help="possible duplicate cases: list them, merge two that are one person",
        description="Cases an import found alike to a stored case (same sex, citizenship, "
        "date and place identified, no age that disagrees), as the Data "
        "quality page lists them; a manager or administrator merges two "
        "that are one person.",
    )
    sub = cases.add_subparsers(dest="cases_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("duplicates", help="list a programme's possible duplicates")
    listing.add_argument("--programme", required=True, metavar="CODE")
    listing.set_defaults(handler=cmd_duplicates)
    merge = sub.add_parser(
        "merge",
        help="fold the newer of two possible duplicates into the older",
        description="Fold case DROP (the newer) into case KEEP (the older): KEEP takes the more complete values, "
        "DROP is deleted and a later upload of its row updates KEEP; the figures change at once and "
        "the audit trail keeps who, when, why and which rows. Refused in a signed-off quarter.",
    )
    merge.add_argument("--programme", required=True, metavar="CODE")
    merge.add_argument("keep", type=int, metavar="KEEP", help="the older case's number (#), as listed")
    merge.add_argument("drop", type=int, metavar="DROP", help="the newer case's number (#), as listed")
    merge.add_argument("--user", required=True, metavar="NAME", help="the programme manager or administrator")
    merge.add_argument("--reason", required=True, metavar="TEXT", help="why they are one person (audited)")
    merge.set_defaults(handler=cmd_merge)


def _programme(session, code: str):
    from indicators.store.models import Programme

    return session.scalar(select(Programme).where(Programme.code == code.strip().upper()))


def cmd_duplicates(args, settings: Settings) -> int:
    from indicators.figures import duplicates

    store = Store(settings)
    try:
        with store.Session() as session:
            programme = _programme(session, args.programme)
            if programme is None:
                print(f"ctmonitor cases duplicates: no programme {args.programme!r}", file=sys.stderr)
                return 2
            found = duplicates.pairs(session, [programme.id])
    finally:
        store.dispose()
    for pair in found:
        print(
            f"#{pair.older.case} and #{pair.newer.case}: identified {pair.date_identified:%d/%m/%Y} in "
            f"{pair.location or 'no place given'}\n    older {pair.older.text()}\n    newer {pair.newer.text()}"
        )
    print(
        f"{len(found)} possible duplicate{'s' if len(found) != 1 else ''} in {programme.code}"
        + (
            f"; merge with: ctmonitor cases merge --programme {programme.code} KEEP DROP --user NAME --reason TEXT"
            if found
            else ""
        )
    )
    return 0


def cmd_merge(args, settings: Settings) -> int:
    from indicators.figures import duplicates
    from indicators.store.models import User

    store = Store(settings)
    try:
        with store.begin() as session:
            programme = _programme(session, args.programme)
            if programme is None:
                print(f"ctmonitor cases merge: no programme {args.programme!r}", file=sys.stderr)
                return 2
            user = session.scalar(select(User).where(User.username == args.user.strip()))
            if user is None or not user.active or user.role not in duplicates.MERGERS:
                print(
                    f"ctmonitor cases merge: {args.user!r} is not an active programme manager or administrator; "
                    "only they merge cases",
                    file=sys.stderr,
                )
                return 1
            event = duplicates.merge(
                session, programme.code, args.keep, args.drop, by=user.username, reason=args.reason
            )
            taken = event.detail.get("taken") or []
    except duplicates.MergeRefused as exc:
        print(f"ctmonitor cases merge: not merged: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(
        f"Merged case #{args.drop} into case #{args.keep} of {programme.code}"
        + (f", taking its {', '.join(taken)}" if taken else "")
        + "; the figures are updated"
    )
    return 0
