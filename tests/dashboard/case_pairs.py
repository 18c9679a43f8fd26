"""A possible duplicate made in a store as officers make one: a case sheet uploaded, then uploaded again with a
birth year filled in ("Unknown" → "2004"); everything it added is taken out again afterwards."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import delete, select

HEADER = (
    "First name,Last name,Date of birth,Project,Date identified,Sex,Nationality,Location,Trafficking status\n"
)
ROWS = (
    "Gloriose,Nduwimana,{born},PVR,14/11/2019,F,BI,Mahama,Possible victim\n"
    "Clarisse,Kanyange,1996,PVR,14/11/2019,F,CD,Kiziba,Actual victim\n"
)
QUARTER = "FY2020Q1"  # 14 November 2019


def victims(store, quarter: str = QUARTER) -> float:
    """PVR-3.1 for the quarter, as every page and report reads it."""
    from indicators.figures.figures import figures

    with store.Session() as session:
        return next(
            line for line in figures(session, "PVR", quarter).indicators if line.indicator.code == "PVR-3.1"
        ).quarter.actual


@contextmanager
def possible_duplicate(store):
    """Yields the pair (``indicators.figures.duplicates.Pair``) the second upload found."""
    from importers.pipeline import import_file
    from indicators.figures import aggregates, duplicates
    from indicators.store.models import Case, Programme, Upload

    uploads = []
    with store.begin() as session:
        for born in ("Unknown", "2004"):
            report = import_file(
                session,
                (HEADER + ROWS.format(born=born)).encode(),
                "cases-pvr.csv",
                settings=store.settings,
                uploaded_by="amina",
            )
            assert report.ok, report.as_text()
            uploads.append(report.upload_id)
        pvr = session.scalar(select(Programme.id).where(Programme.code == "PVR"))
        mine = set(session.scalars(select(Case.id).where(Case.upload_id.in_(uploads))))
        [pair] = [p for p in duplicates.pairs(session, [pvr]) if {p.older.case, p.newer.case} <= mine]
    try:
        yield pair
    finally:
        with store.begin() as session:
            session.execute(delete(Case).where(Case.upload_id.in_(uploads)))
            session.execute(delete(Upload).where(Upload.id.in_(uploads)))
            aggregates.refresh(session, pvr, "cases", [QUARTER])
