"""The ``export`` command: one programme, one report quarter, one format, one file."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from indicators import audit
from indicators.db import Store
from indicators.disclosure import DEFAULT_THRESHOLD
from indicators.figures import FiguresError
from indicators.settings import Settings

FORMATS = {
    "iptt": "USAID Indicator Performance Tracking Table workbook (.xlsx)",
    "ppr": "U.S. State Department SF-PPR-B workbook (.xlsx)",
    "csv": "machine-readable results (.csv)",
    "iati": "IATI activity 2.03 XML (.xml)",
    "pirs": "Performance Indicator Reference Sheets workbook (.xlsx), one sheet per indicator (no quarter needed)",
}
# How buttons and messages name a format: "Download KEC · FY2019 Q3 · IPTT".
FORMAT_NAMES = {"iptt": "IPTT", "ppr": "SF-PPR-B", "csv": "CSV", "iati": "IATI XML", "pirs": "PIRS"}
# format -> the module under exports/ whose render_report(session, programme_figures) -> bytes writes it
RENDERERS = {"iptt": "iptt", "ppr": "ppr", "csv": "results_csv", "iati": "iati", "pirs": "pirs"}
# Formats about the programme, not one quarter: made without a report quarter.
PROGRAMME_FORMATS = ("pirs",)
DEFAULT_FORMAT_BY_DONOR = {"USAID": "iptt", "U.S. Department of State": "ppr"}
# Published for anyone to read: small counts of victims are withheld there (DOMAIN §4).
PUBLIC_FORMATS = ("iati",)


def register(commands) -> None:
    export = commands.add_parser(
        "export", help="write a programme's quarterly report",
        description="Write a programme's report for one quarter. Formats: "
                    + "; ".join(f"{k}: {v}" for k, v in FORMATS.items())
                    + ". The default format follows the donor (USAID: iptt, U.S. Department of State: ppr). "
                    "The IATI file is public: counts of fewer than CTMONITOR_SMALL_CELL (5) victims are withheld "
                    "there; the workbooks keep exact figures and say so on their cover.")
    export.add_argument("--programme", required=True, metavar="CODE", help="KEC, PVR, GIFT, ...")
    export.add_argument("--period", metavar="PERIOD",
                        help="the report quarter, e.g. FY2019Q3 or 2012Q1 (every format but pirs)")
    export.add_argument("--format", choices=sorted(FORMATS), help="default: follows the programme's donor")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=cmd_export)


def default_format(donor: str) -> str:
    return DEFAULT_FORMAT_BY_DONOR.get(donor, "iptt")


def render(session, programme: str, period: str, fmt: str | None = None, *,
           small_cell: int = DEFAULT_THRESHOLD) -> tuple[bytes, str]:
    """The report file's bytes and its format; raises ``FiguresError`` for an unknown programme or period.
    ``small_cell`` is the public file's small-count threshold (IATI; the donor's workbooks keep exact figures)."""
    from indicators.figures import figures

    if fmt in PROGRAMME_FORMATS:
        return importlib.import_module(f"exports.{RENDERERS[fmt]}").render_report(session, programme), fmt
    programme_figures = figures(session, programme, period)
    fmt = fmt or default_format(programme_figures.programme.donor)
    module = importlib.import_module(f"exports.{RENDERERS[fmt]}")
    if fmt in PUBLIC_FORMATS:
        return module.render_report(session, programme_figures, small_cell=small_cell), fmt
    return module.render_report(session, programme_figures), fmt


def cmd_export(args, settings: Settings) -> int:
    if not args.period and args.format not in PROGRAMME_FORMATS:
        print("ctmonitor export: --period is needed (the report quarter, e.g. FY2019Q3); only --format pirs is "
              "made without one", file=sys.stderr)
        return 2
    store = Store(settings)
    try:
        with store.begin() as session:
            data, fmt = render(session, args.programme.strip().upper(), args.period, args.format,
                               small_cell=settings.small_cell)
            target = f"{args.programme.strip().upper()} {args.period or fmt}"
            audit.record(session, audit.command_line_user(), "report-downloaded", target,
                         format=fmt, file=args.output.name, via="command line")
    except FiguresError as exc:
        print(f"ctmonitor export: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"Wrote {args.output} ({fmt}, {len(data):,} bytes)")
    return 0
