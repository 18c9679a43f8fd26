"""The ``export`` command: a programme's report for one quarter (or its reference sheets) in one of the formats the
command line's entry (``app``) gives, as the Reports page makes it; ``--as-sent`` in ``indicators.cli.versions``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indicators.access import audit
from indicators.store.db import Store
from indicators.store.settings import Settings


def register_export(commands, formats) -> None:
    """The ``export`` command, writing a report in one of ``formats``."""
    export = commands.add_parser(
        "export",
        help="write a programme's quarterly report",
        description="Write a programme's report for one quarter. Formats: "
        + "; ".join(f"{f.key}: {f.label}" for f in formats.values())
        + ". The default format is the programme's own (report_format in its definition file: "
        "KEC iptt, PVR ppr). The IATI file is public: counts of fewer than CTMONITOR_SMALL_CELL (5) "
        "victims are withheld there; the workbooks keep exact figures and say so on their cover.",
    )
    export.add_argument("--programme", required=True, metavar="CODE", help="KEC, PVR, GIFT, ...")
    export.add_argument(
        "--period",
        metavar="PERIOD",
        help="the report quarter, e.g. FY2019Q3 or 2012Q1 (every format but pirs)",
    )
    export.add_argument("--format", choices=sorted(formats), help="default: the programme's own")
    export.add_argument(
        "--as-sent",
        action="store_true",
        help="the report of a signed-off quarter as it was sent, byte for byte (the latest version "
        "kept, or --version N)",
    )
    export.add_argument(
        "--version",
        type=int,
        metavar="N",
        help="with --as-sent: the version kept at the Nth sign-off of the quarter",
    )
    export.add_argument(
        "--datapackage",
        action="store_true",
        help="with --format csv: also write datapackage.json beside the file (a Frictionless Data "
        "Package describing its columns and types)",
    )
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=cmd_export, formats=formats)


def cmd_export(args, settings: Settings) -> int:
    from indicators.figures.figures import FiguresError
    from indicators.reporting.reporting import report_file

    if args.as_sent or args.version is not None:
        from indicators.cli.versions import export_as_sent

        return export_as_sent(args, settings)
    code = args.programme.strip().upper()
    chosen = args.formats.get(args.format) if args.format else None
    if not args.period and getattr(chosen, "scope", "quarter") != "programme":
        print(
            "ctmonitor export: --period is needed (the report quarter, e.g. FY2019Q3); only --format pirs is "
            "made without one",
            file=sys.stderr,
        )
        return 2
    if args.datapackage and args.format != "csv":
        print("ctmonitor export: --datapackage describes a CSV file: add --format csv", file=sys.stderr)
        return 2
    store = Store(settings)
    package = None
    try:
        with store.begin() as session:
            why = unavailable(session, code, args.formats, args.format)
            if why:
                print(f"ctmonitor export: {why}", file=sys.stderr)
                return 2
            data, fmt = report_file(
                session,
                code,
                args.period,
                args.formats,
                args.format,
                small_cell=settings.small_cell,
                prepared_by=audit.command_line_user(),
            )
            if args.datapackage:
                from indicators.reporting.reporting import report_for

                package = args.formats["csv"].describe(
                    report_for(session, code, args.period), args.output.name
                )
            audit.record(
                session,
                audit.command_line_user(),
                "report-downloaded",
                f"{code} {args.period or fmt}",
                format=fmt,
                file=args.output.name,
                via="command line",
            )
    except FiguresError as exc:
        print(f"ctmonitor export: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"Wrote {args.output} ({fmt}, {len(data):,} bytes)")
    if package is not None:
        described = args.output.with_name("datapackage.json")
        described.write_bytes(package)
        print(f"Wrote {described} (its columns and types, as a Frictionless Data Package)")
    return 0


def unavailable(session, code: str, formats, key: str | None) -> str | None:
    """Why this machine cannot write the format asked for (by default the programme's own), or None."""
    from indicators.figures.figures import load_programme

    fmt = formats.get(key or load_programme(session, code).report_format)
    return fmt.unavailable() if fmt is not None and hasattr(fmt, "unavailable") else None
