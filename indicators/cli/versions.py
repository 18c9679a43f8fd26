"""The commands around the versions of a quarter's report as sent: ``reopen`` (a signed-off quarter, with a
reason), ``changes`` (what differs now from the latest version sent) and ``export --as-sent`` (a kept version,
byte for byte)."""

from __future__ import annotations

import sys

from sqlalchemy import select

from indicators import periods
from indicators.access import audit
from indicators.figures import signoff
from indicators.store.db import Store
from indicators.store.models import Programme, User
from indicators.store.settings import Settings


def register(commands) -> None:
    reopen = commands.add_parser(
        "reopen",
        help="reopen a signed-off quarter so that it can be corrected (a reason is required)",
        description="Reopen a signed-off quarter of a programme, for instance when the donor asks for a corrected "
        "report: the quarter, and the earlier quarters its sign-off closed (unless another sign-off "
        "still closes them), take uploads and corrections again. The report as sent stays kept as "
        "its version; signing off again keeps a new version. The user must be a programme manager "
        "or an administrator.",
    )
    reopen.add_argument("--programme", required=True, metavar="CODE")
    reopen.add_argument(
        "--period", required=True, metavar="PERIOD", help="the signed-off quarter, e.g. FY2019Q3"
    )
    reopen.add_argument(
        "--user", required=True, metavar="NAME", help="the manager or administrator reopening it"
    )
    reopen.add_argument("--reason", required=True, metavar="TEXT", help="why, e.g. the donor's request")
    reopen.set_defaults(handler=cmd_reopen)

    changes = commands.add_parser(
        "changes",
        help="list the figures of a quarter that differ now from its report as sent",
        description="Compare a quarter's figures now with those of the latest version of its report kept at "
        "sign-off: every figure (indicator, period, disaggregation) whose actual or target differs, as "
        "sent → now, with the uploads, corrections and target edits made since that explain it.",
    )
    changes.add_argument("--programme", required=True, metavar="CODE")
    changes.add_argument(
        "--period", required=True, metavar="PERIOD", help="the report quarter, e.g. FY2019Q3"
    )
    changes.set_defaults(handler=cmd_changes)


def _quarter(session, command: str, programme_code: str, period: str):
    """The programme and quarter named, or None after saying why."""
    programme = session.scalar(select(Programme).where(Programme.code == programme_code.strip().upper()))
    if programme is None:
        known = ", ".join(session.scalars(select(Programme.code).order_by(Programme.code)))
        print(
            f"ctmonitor {command}: no programme {programme_code!r}; known: {known or 'none'}", file=sys.stderr
        )
        return None
    try:
        quarter = periods.parse(period, programme.calendar)
    except periods.PeriodError as exc:
        print(f"ctmonitor {command}: {exc}", file=sys.stderr)
        return None
    if quarter.kind != "quarter":
        print(f"ctmonitor {command}: {period!r} is not a quarter (e.g. FY2019Q3)", file=sys.stderr)
        return None
    return programme, quarter


def cmd_reopen(args, settings: Settings) -> int:
    store = Store(settings)
    try:
        with store.begin() as session:
            found = _quarter(session, "reopen", args.programme, args.period)
            if found is None:
                return 2
            programme, quarter = found
            user = session.scalar(select(User).where(User.username == args.user.strip()))
            if user is None or not user.active or user.role not in signoff.REOPENERS:
                print(
                    f"ctmonitor reopen: {args.user!r} is not an active programme manager or administrator; only "
                    "they reopen a signed-off quarter",
                    file=sys.stderr,
                )
                return 1
            record = signoff.reopen(session, programme.code, quarter.code, user.username, args.reason)
            summary = (
                f"Reopened {programme.code} {quarter.code} by {user.username}: version {record.version} "
                f"({record.report_filename}, signed off by {record.signed_by} on "
                f"{record.signed_at:%Y-%m-%d %H:%M} UTC, SHA-256 {record.report_sha256[:16]}…) stays kept "
                "as sent; the quarter takes uploads and corrections again"
            )
    except signoff.SignOffError as exc:
        print(f"ctmonitor reopen: not reopened: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(summary)
    return 0


def cmd_changes(args, settings: Settings) -> int:
    from indicators.reporting import changes

    store = Store(settings)
    try:
        with store.Session() as session:
            found = _quarter(session, "changes", args.programme, args.period)
            if found is None:
                return 2
            programme, quarter = found
            comparison = changes.compare(session, programme.code, quarter)
    finally:
        store.dispose()
    if comparison is None:
        print(
            f"ctmonitor changes: {programme.code} {quarter.code} has no report kept as sent: it was never signed "
            "off",
            file=sys.stderr,
        )
        return 1
    print("\n".join(describe(comparison)))
    return 0


def describe(comparison) -> list[str]:
    """``changes``' lines: the version compared with, then each figure as sent → now with its explanations."""
    c = comparison
    state = (
        "in force"
        if c.in_force
        else (f"reopened by {c.reopened_by} on {c.reopened_at:%Y-%m-%d %H:%M} UTC: {c.reopen_reason}")
    )
    heading = (
        f"{c.programme} {c.period}: version {c.version}, signed off by {c.signed_by} on "
        f"{c.signed_at:%Y-%m-%d %H:%M} UTC ({state})"
    )
    lines = [heading]
    if not c.figures_kept:
        return [
            *lines,
            (
                f"Version {c.version} was signed off before the figures were kept with it: nothing to "
                "compare with."
            ),
        ]
    if not c.differences:
        return [*lines, f"No figure differs from version {c.version} as sent."]
    lines.append(
        f"{len(c.differences)} figure(s) differ from version {c.version} as sent ({', '.join(c.indicators)}):"
    )
    for explained in c.differences:
        lines.append(f"  {explained.difference.text()}")
        lines += [f"      {why}" for why in explained.explained_by] or [
            "      (nothing recorded since explains it)"
        ]
    return lines


def export_as_sent(args, settings: Settings) -> int:
    """``export --as-sent [--version N]``: a kept version of the quarter's report, byte for byte."""
    if not args.period:
        print(
            "ctmonitor export: --as-sent needs --period (the signed-off quarter, e.g. FY2019Q3)",
            file=sys.stderr,
        )
        return 2
    store = Store(settings)
    try:
        with store.begin() as session:
            found = _quarter(session, "export", args.programme, args.period)
            if found is None:
                return 2
            programme, quarter = found
            kept = signoff.versions(session, programme.code, quarter.code)
            chosen = (
                kept[-1]
                if kept and args.version is None
                else next((v for v in kept if v.version == args.version), None)
            )
            if chosen is None:
                print(
                    f"ctmonitor export: {_missing(programme.code, quarter.code, kept, args.version)}",
                    file=sys.stderr,
                )
                return 1
            if args.format and args.format != chosen.report_format:
                print(
                    f"ctmonitor export: version {chosen.version} of {programme.code} {quarter.code} was sent as "
                    f"{chosen.report_format}, not {args.format}; leave out --format",
                    file=sys.stderr,
                )
                return 1
            data, name = chosen.report, chosen.report_filename
            summary = (
                f"Wrote {args.output} ({chosen.report_format}, version {chosen.version} as signed off by "
                f"{chosen.signed_by} on {chosen.signed_at:%Y-%m-%d %H:%M} UTC, {len(data):,} bytes, "
                f"SHA-256 {chosen.report_sha256[:16]}…)"
            )
            audit.record(
                session,
                audit.command_line_user(),
                "report-downloaded",
                f"{programme.code} {quarter.code}",
                format=chosen.report_format,
                file=name,
                version=chosen.version,
                signed_copy=True,
                via="command line",
            )
    finally:
        store.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(summary)
    return 0


def _missing(code: str, quarter: str, kept: list, version: int | None) -> str:
    if not kept:
        return f"{code} {quarter} has no report kept as sent: it was never signed off"
    return f"{code} {quarter} has no version {version}; kept: " + ", ".join(
        f"{v.version} ({v.signed_at:%Y-%m-%d})" for v in kept
    )
