"""Importer commands: ``import`` (files into the store), ``template`` (a blank sheet per kind), ``demo``.

``ctmonitor import FILE... [--programme CODE] [--dry-run] [--user NAME]`` imports each file in its own
transaction and prints its report. Exit status: 0 when every file was stored (or had nothing new, or was a
clean dry run), 1 when any file was refused (that file stored nothing), 2 for a usage error (a missing file,
an unknown project code, a store not initialised) before anything is imported.

Each file is checked and read in a child process with the web's memory and time limits
(``CTMONITOR_READ_MEMORY_MB``, ``CTMONITOR_READ_TIMEOUT_S``; see ``importers.isolation``), its rows coming back
as they are read; the import itself (rules, store) runs here. A file the reader cannot finish within them is
refused in one sentence naming it and the limit, and the command goes on with the next file.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from importers.kinds import BY_KIND, KINDS
from importers.pipeline import import_path
from indicators.access import audit
from indicators.i18n import _
from indicators.store.db import Store
from indicators.store.settings import Settings


def register(commands) -> None:
    imp = commands.add_parser(
        "import",
        help="import activity spreadsheets (.xlsx, .xlsm, .xls, .ods, .csv)",
        description="Import activity spreadsheets. Each file is checked whole and stored all or nothing; "
        "the report lists every problem with its cell. Case sheets (ctmonitor's own, IOM HTCDS v2.0, "
        "KoboToolbox and ODK exports) keep no name, number or birth date: a case without a code is "
        "recognised on re-upload by a keyed pseudonym (see README). Exit status 0: stored or nothing new; "
        "1: a file was refused (nothing of it stored); 2: usage error.",
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument(
        "--programme",
        "--project",
        dest="programme",
        metavar="CODE",
        help="the project every row belongs to (KEC, PVR, GIFT); then the Project column may be absent",
    )
    imp.add_argument("--dry-run", action="store_true", help="check and report without storing anything")
    imp.add_argument(
        "--use-file-values",
        action="store_true",
        help="where a row was corrected (or voided) in the browser since it was uploaded, take the file's "
        "values instead of keeping the correction (the report lists every such row either way)",
    )
    imp.add_argument(
        "--user", default=None, metavar="NAME", help="recorded as the uploader (default: your login)"
    )
    imp.set_defaults(handler=cmd_import)

    tpl = commands.add_parser(
        "template",
        help="write a blank spreadsheet template for one sheet kind",
        description="Write a blank .xlsx template: header row, drop-down lists, "
        "instructions. Kinds: " + ", ".join(KINDS) + ".",
    )
    tpl.add_argument("kind", choices=KINDS)
    tpl.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    tpl.add_argument(
        "--lang",
        metavar="LANGUAGE",
        help="the language of the instructions sheet (fr, …; default: as LANGUAGE/LANG say); "
        "the column headers stay the importer's own",
    )
    tpl.set_defaults(handler=cmd_template)

    demo = commands.add_parser(
        "demo",
        help="load a deterministic demo data set over the programmes' periods",
        description="Load demo activities for KEC, PVR and GIFT through the importer's "
        "own checks. With --if-empty, do nothing when any activity is stored.",
    )
    demo.add_argument("--if-empty", action="store_true", help="only when no activity record is stored yet")
    demo.set_defaults(handler=cmd_demo)


def _programme_codes(store: Store) -> list[str] | None:
    """The programme codes on record, or None when the store is not initialised."""
    from indicators.store.models import Programme

    try:
        with store.Session() as session:
            return list(session.execute(select(Programme.code).order_by(Programme.code)).scalars())
    except SQLAlchemyError:
        return None


def cmd_import(args, settings: Settings) -> int:
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(
            "ctmonitor import: " + _("no such file: {files}").format(files=", ".join(missing)),
            file=sys.stderr,
        )
        return 2
    store = Store(settings)
    try:
        codes = _programme_codes(store)
        if not codes:
            print(
                "ctmonitor import: " + _("no programme is loaded; run `ctmonitor init` first"),
                file=sys.stderr,
            )
            return 2
        programme = args.programme.strip().upper() if args.programme else None
        if programme is not None and programme not in codes:
            print(
                "ctmonitor import: "
                + _("unknown project code {code}; known: {codes}").format(
                    code=repr(args.programme), codes=", ".join(codes)
                ),
                file=sys.stderr,
            )
            return 2
        user = args.user or audit.command_line_user()
        refused = False
        for path in args.files:
            refused = _import_one(store, path, settings, programme, user, args) or refused
        return 1 if refused else 0
    finally:
        store.dispose()


def _import_one(store: Store, path: Path, settings: Settings, programme, user: str, args) -> bool:
    """Import one file in its own transaction and print its report; True when it was refused."""
    try:
        with store.begin() as session:
            report = import_path(
                session,
                path,
                settings=settings,
                programme=programme,
                uploaded_by=user,
                dry_run=args.dry_run,
                file_values=bool(args.use_file_values),
                isolated=True,
            )
            if not args.dry_run:
                audit.record(
                    session,
                    user,
                    "upload-stored" if report.ok else "upload-refused",
                    report.filename,
                    upload_id=report.upload_id,
                    outcome=report.outcome,
                    via="command line",
                )
    except Exception as exc:  # noqa: BLE001 — one clear line, never a traceback (or a cell value)
        print(
            _("{file}: refused, nothing stored: the import failed ({problem})").format(
                file=path.name, problem=type(exc).__name__
            )
        )
        return True
    print(report.as_text())
    return not report.ok


def cmd_template(args, settings: Settings) -> int:
    from importers.templates import template  # openpyxl: for this command alone

    programmes: Sequence[str] = ()
    indicators: Sequence[str] = ()
    store = Store(settings)
    try:
        codes = _programme_codes(store)
        if codes:
            programmes = codes
            if any(column.field == "indicator" for column in BY_KIND[args.kind].columns):  # direct entry
                from indicators.store.models import Indicator

                with store.Session() as session:
                    indicators = list(
                        session.execute(select(Indicator.code).order_by(Indicator.code)).scalars()
                    )
    finally:
        store.dispose()
    from indicators import i18n

    language = i18n.known(args.lang) if args.lang else i18n.language()
    if language is None:
        print(
            "ctmonitor template: "
            + _("no catalogue for the language {language}; available: {languages}").format(
                language=repr(args.lang), languages=", ".join(i18n.available())
            ),
            file=sys.stderr,
        )
        return 2
    with i18n.speaking(language):
        data = template(args.kind, programmes=programmes, indicators=indicators)
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
    except OSError as exc:
        print(
            "ctmonitor template: "
            + _("cannot write {file}: {problem}").format(file=args.output, problem=exc.strerror),
            file=sys.stderr,
        )
        return 1
    with i18n.speaking(language):
        print(
            _("Wrote {file} ({kind} template, {size} bytes)").format(
                file=args.output, kind=args.kind, size=f"{len(data):,}"
            )
        )
    return 0


def cmd_demo(args, settings: Settings) -> int:
    from importers import demo
    from indicators.access import demo_accounts

    store = Store(settings)
    try:
        if _programme_codes(store) is None:
            print("ctmonitor demo: the store is not initialised; run `ctmonitor init` first", file=sys.stderr)
            return 2
        with store.begin() as session:
            if args.if_empty and demo.has_activity(session):
                print("Demo data not loaded: the store already holds activity records")
                kept = settings.data_dir / demo_accounts.FILENAME
                if kept.exists():
                    print(f"Demo accounts to sign in with: {kept}")
                return 0
            report = demo.load(session, settings)
            made = demo_accounts.create(session, settings.data_dir) if report.ok else []
        print(report.as_text())
        if made:
            print(f"\nDemo accounts to sign in with (also in {settings.data_dir / demo_accounts.FILENAME}):")
            for name, role, password in made:
                print(f"  {name:<14} {password:<14} {role}")
        return 0 if report.ok else 1
    finally:
        store.dispose()
