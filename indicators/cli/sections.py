"""``ctmonitor narrative set --section``: one of the quarter's own sections of the quarterly progress report
(``indicators.reporting.sections``), beside ``--indicator``'s deviation narratives (``indicators.cli.store``)."""

from __future__ import annotations

import sys

from indicators.reporting import sections
from indicators.store.db import Store
from indicators.store.settings import Settings


def section_set(args, settings: Settings, text: str, user: str) -> int:
    store = Store(settings)
    try:
        with store.begin() as session:
            shown = sections.set_section(session, args.programme, args.period, args.section, text, user)
            quarter = sections.report_quarter_code(session, args.programme, args.period)
    except sections.SectionError as exc:  # unknown section, programme or quarter; too long; a closed quarter
        print(f"ctmonitor narrative set: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()
    state = f"saved as version {shown.version}" if shown.text else "cleared"
    print(f"{shown.heading} {state}: {args.programme.strip().upper()} {quarter}")
    return 0
