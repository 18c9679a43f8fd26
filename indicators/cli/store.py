"""Store commands: ``init``, ``programmes``, ``narrative`` and ``signoff``, registered with ``users`` (in
``indicators.cli.users``; ``export`` in ``indicators.cli.export``; ``reopen``, ``changes`` and
``export --as-sent`` in ``indicators.cli.versions``).

The report formats are given by the command line's entry (``app``), which composes every package's
commands: this package writes no file format itself.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.cli import users
from indicators.cli.export import unavailable
from indicators.store.db import Store
from indicators.store.models import Indicator, Programme, User
from indicators.store.settings import Settings

if TYPE_CHECKING:
    from argparse import _SubParsersAction  # the type of add_subparsers(), private to argparse

# what ``init`` runs on the store after its migrations: step(session) -> lines to print
Upkeep = Callable[[Session], list[str]]


def register(
    commands: _SubParsersAction[ArgumentParser], formats: Mapping[str, Any], upkeep: Iterable[Upkeep] = ()
) -> None:
    """The store commands; ``formats`` (key -> format, as ``exports.formats.FORMATS``) for ``signoff``;
    ``upkeep``: what ``init`` runs on the store after its migrations, each ``step(session) -> lines to print``
    (a store an earlier ctmonitor wrote, tidied by the package that knows how)."""
    _register_init(commands, formats, upkeep)
    _register_programmes(commands)
    users.register(commands)
    _register_narrative(commands)
    _register_signoff(commands, formats)


def _register_init(
    commands: _SubParsersAction[ArgumentParser], formats: Mapping[str, Any], upkeep: Iterable[Upkeep]
) -> None:
    init = commands.add_parser(
        "init",
        help="create or migrate the store and load the programme definitions",
        description="Create or migrate the store, then load every programme definition "
        "file (programmes/*.yaml). Safe to run again: it only applies changes. "
        "Targets and definitions edited in the browser are kept where the file "
        "differs from them (each difference is listed), unless --from-file.",
    )
    init.add_argument(
        "--from-file",
        action="store_true",
        help="take every value from the programme files, even where it was edited in the browser",
    )
    init.set_defaults(handler=cmd_init, formats=formats, upkeep=tuple(upkeep))


def _register_programmes(commands: _SubParsersAction[ArgumentParser]) -> None:
    listing = commands.add_parser(
        "programmes",
        help="list the programmes; `programmes export` writes one's file",
        description="List the programmes with donor, period and indicators.",
    )
    listing.set_defaults(handler=cmd_programmes)
    programme_commands = listing.add_subparsers(dest="programmes_command", metavar="COMMAND")
    export = programme_commands.add_parser(
        "export",
        help="write a programme's current definition (browser edits included) as a programme file",
        description="Write a programme's definition as it is in the store now, targets and reference sheets edited "
        "in the browser included, as a programme file that `ctmonitor init` loads back to the same "
        "logframe.",
    )
    export.add_argument("code", metavar="CODE")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.yaml")
    export.set_defaults(handler=cmd_programmes_export)


def _register_narrative(commands: _SubParsersAction[ArgumentParser]) -> None:
    narrative = commands.add_parser(
        "narrative",
        help="write or show deviation narratives",
        description="Deviation narratives per indicator and report quarter; they "
        "appear beside the figures in the dashboard and the reports.",
    )
    narrative_commands = narrative.add_subparsers(dest="narrative_command", metavar="COMMAND", required=True)
    write = narrative_commands.add_parser(
        "set",
        help="write one indicator's narrative, or one section of the quarterly report, for one quarter "
        "(empty text deletes it)",
        description="Write an indicator's deviation narrative (--indicator) or one of the quarter's own sections "
        "of the quarterly progress report (--section highlights, challenges or plans; every version "
        "is kept). A signed-off quarter refuses a section until it is reopened.",
    )
    write.add_argument("--programme", required=True, metavar="CODE")
    which = write.add_mutually_exclusive_group(required=True)
    which.add_argument("--indicator", metavar="CODE", help="e.g. KEC-4.2")
    which.add_argument(
        "--section",
        metavar="NAME",
        help="highlights, challenges (and lessons learned) or plans (for the next quarter)",
    )
    write.add_argument("--period", required=True, metavar="PERIOD", help="the report quarter, e.g. FY2019Q3")
    write.add_argument("--text", required=True, help="the text; '' deletes it, '-' reads standard input")
    write.add_argument("--user", help="who writes it (default: the login name)")
    write.set_defaults(handler=cmd_narrative_set)
    show = narrative_commands.add_parser(
        "show", help="list a quarter's indicators with their status and narrative"
    )
    show.add_argument("--programme", required=True, metavar="CODE")
    show.add_argument("--period", required=True, metavar="PERIOD", help="the report quarter, e.g. FY2019Q3")
    show.set_defaults(handler=cmd_narrative_show)


def _register_signoff(commands: _SubParsersAction[ArgumentParser], formats: Mapping[str, Any]) -> None:
    sign = commands.add_parser(
        "signoff",
        help="sign a programme's quarter off once its report was sent",
        description="Sign off one quarter of a programme once its report was sent to the donor: the report "
        "(by default in the donor's format) is made and kept with the sign-off, downloads of it "
        "serve that file byte for byte, and no upload may change the quarter or an earlier one "
        "any more. The user must be a programme manager.",
    )
    sign.add_argument("--programme", required=True, metavar="CODE")
    sign.add_argument("--period", required=True, metavar="PERIOD", help="the report quarter, e.g. FY2019Q3")
    sign.add_argument(
        "--format",
        choices=sorted(formats),
        help="default: the programme's own (report_format in its definition file)",
    )
    sign.add_argument("--user", required=True, metavar="NAME", help="the programme manager signing off")
    sign.add_argument("--note", help="a remark kept with the sign-off")
    sign.add_argument(
        "--without-narratives",
        action="store_true",
        help="sign off although indicators more than 15%% off target have no deviation narrative "
        "(they are listed, and the acknowledgement is kept in the audit trail)",
    )
    sign.set_defaults(handler=cmd_signoff, formats=formats)


def cmd_init(args: Namespace, settings: Settings) -> int:
    # Alembic and the YAML reader: for init alone
    from indicators.access import pseudonyms
    from indicators.figures import aggregates
    from indicators.programmes import definitions
    from indicators.store import migrate

    store = Store(settings)
    try:
        migrate.upgrade(store.engine)
        with store.begin() as session:
            tidied = pseudonyms.adopt(session, settings, audit.command_line_user())
            for step in args.upkeep:
                tidied += step(session)
            redacted = pseudonyms.compact_if_redacted(session, tidied)
        if redacted:
            pseudonyms.compact(store.engine)
        with store.begin() as session:
            differences: list[str] = []
            codes = definitions.load_directory(
                session,
                settings.programmes_dir,
                formats=set(args.formats),
                user=audit.command_line_user(),
                from_file=args.from_file,
                differences=differences,
            )
            recomputed = aggregates.sync_definitions(session)
    except definitions.DefinitionError as exc:
        print(f"ctmonitor init: {exc}", file=sys.stderr)
        return 1
    except pseudonyms.KeyProblem as exc:
        print(f"ctmonitor init: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    print(f"Store ready ({_describe(settings.database_url)}); programmes loaded: {', '.join(codes)}")
    for line in tidied:
        print(line)
    if differences:
        print(
            f"{len(differences)} value(s) in the programme files differ from what was edited in the browser:"
        )
        print("\n".join(f"  {line}" for line in differences))
    if recomputed:
        print(
            f"Per-quarter sums recomputed for {len(recomputed)} indicator(s) whose definition is new or changed"
        )
    return 0


def cmd_programmes_export(args: Namespace, settings: Settings) -> int:
    from datetime import datetime

    from indicators.programmes import definitions

    store = Store(settings)
    with store.Session() as session:
        programme = session.scalar(select(Programme).where(Programme.code == args.code.strip().upper()))
        if programme is None:
            known = ", ".join(session.scalars(select(Programme.code).order_by(Programme.code)))
            print(
                f"ctmonitor programmes export: no programme {args.code!r}; known: {known or 'none'}",
                file=sys.stderr,
            )
            store.dispose()
            return 2
        text = definitions.to_yaml(
            definitions.from_store(programme),
            note=(
                f"{programme.code}: {programme.title}\nWritten by `ctmonitor programmes export` on "
                f"{datetime.now():%Y-%m-%d %H:%M} from the store, browser edits included."
            ),
        )
    store.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"Wrote {args.output}: {args.code.strip().upper()}'s definition as the store holds it")
    return 0


def cmd_programmes(args: Namespace, settings: Settings) -> int:
    store = Store(settings)
    with store.Session() as session:
        rows = session.execute(
            select(Programme, func.count(Indicator.id))
            .outerjoin(Indicator, Indicator.programme_id == Programme.id)
            .group_by(Programme.id)
            .order_by(Programme.code)
        ).all()
    store.dispose()
    if not rows:
        print("No programme loaded; run `ctmonitor init`.")
    for programme, count in rows:
        print(
            f"{programme.code:<6} {programme.title} | {programme.donor} | "
            f"{programme.start_date:%Y-%m-%d} – {programme.end_date:%Y-%m-%d} | {count} indicators"
        )
    return 0


def cmd_narrative_set(args: Namespace, settings: Settings) -> int:
    from indicators.figures.figures import FiguresError
    from indicators.reporting.narratives import set_narrative

    text = sys.stdin.read() if args.text == "-" else args.text
    user = args.user or users.login_name()
    if args.section is not None:
        from indicators.cli.sections import section_set

        return section_set(args, settings, text, user)
    store = Store(settings)
    try:
        with store.begin() as session:
            row = set_narrative(
                session, args.indicator, args.period, text, user, programme_code=args.programme
            )
            where = f"{args.indicator.strip().upper()} {row.period if row else args.period}"
    except FiguresError as exc:  # unknown programme, indicator or period
        print(f"ctmonitor narrative set: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    print(f"Narrative {'saved' if row else 'deleted'}: {where}")
    return 0


def cmd_narrative_show(args: Namespace, settings: Settings) -> int:
    from indicators.figures.figures import FiguresError, figures

    store = Store(settings)
    try:
        with store.Session() as session:
            report = figures(session, args.programme, args.period)
    except FiguresError as exc:
        print(f"ctmonitor narrative show: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    print(f"{report.programme.code} {report.period.label()}")
    for line in report.indicators:
        flag = "  ! needs a narrative" if line.needs_narrative else ""
        targeted = line.year_to_date.target is not None or line.lop_to_date.target is not None
        state = line.status or ("no data" if targeted else "no target")
        print(f"{line.indicator.code:<10} {state:<9}{flag}".rstrip())
        print(f"    {line.narrative.strip() if line.narrative else '(no narrative)'}")
    return 0


def cmd_signoff(args: Namespace, settings: Settings) -> int:
    from indicators import periods
    from indicators.figures import signoff
    from indicators.figures.figures import FiguresError
    from indicators.reporting.reporting import make_file

    code = args.programme.strip().upper()
    store = Store(settings)
    try:
        with store.begin() as session:
            user = session.scalar(select(User).where(User.username == args.user.strip()))
            if user is None or not user.active or user.role != "manager":
                print(
                    f"ctmonitor signoff: {args.user!r} is not an active programme manager; only a manager "
                    "signs a quarter off",
                    file=sys.stderr,
                )
                return 1
            try:
                why = unavailable(session, code, args.formats, args.format)
                if why:
                    print(f"ctmonitor signoff: {why}", file=sys.stderr)
                    return 2
                made = make_file(
                    session,
                    code,
                    args.period,
                    args.formats,
                    args.format,
                    small_cell=settings.small_cell,
                    signing_by=user.username,
                )
            except FiguresError as exc:  # unknown programme or period
                print(f"ctmonitor signoff: {exc}", file=sys.stderr)
                return 2
            data, fmt = made.data, made.format
            programme = session.scalars(select(Programme).where(Programme.code == code)).one()  # made above
            quarter = periods.parse(args.period, programme.calendar).code
            missing = signoff.missing_narratives(session, code, quarter) if args.without_narratives else []
            record = signoff.sign_off(
                session,
                code,
                quarter,
                user.username,
                data,
                fmt,
                args.formats[fmt].filename(code, quarter),
                note=args.note,
                acknowledged=missing,
                figures=made.figures,
                changed=made.changed,
            )
            summary = (
                f"Signed off {code} {record.period} by {record.signed_by}: {record.report_filename} kept "
                f"as version {record.version} ({len(data):,} bytes, SHA-256 {record.report_sha256[:16]}…)"
                + (
                    f"; indicators changed since version {record.version - 1}: "
                    f"{', '.join(made.changed) or 'none'}"
                    if made.changed is not None
                    else ""
                )
                + (f"; signed off without narratives for {', '.join(missing)}" if missing else "")
            )
    except signoff.MissingNarratives as exc:
        print(f"ctmonitor signoff: not signed off: {exc} (--without-narratives)", file=sys.stderr)
        return 1
    except (signoff.SignOffError, periods.PeriodError) as exc:
        print(f"ctmonitor signoff: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(summary)
    return 0


def _describe(url: str) -> str:
    return url.split("///", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
