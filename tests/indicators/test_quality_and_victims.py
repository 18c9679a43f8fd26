"""The Data quality outlier rules and the victims profile (``indicators.figures.quality``, ``indicators.figures.victims``),
counted in SQL, against the rules written out in Python on small hand-made rows of the dashboard's seeded
store (inside a transaction rolled back after each test)."""

from __future__ import annotations

import random
import statistics
from datetime import date
from typing import ClassVar

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from indicators.figures import quality, victims
from indicators.store.models import Awareness, Case, Programme, Training


@pytest.fixture
def session(demo_store):
    with demo_store.engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as s:
            yield s
        transaction.rollback()


@pytest.fixture
def gift(session):
    prog = session.scalar(select(Programme).where(Programme.code == "GIFT"))
    for model in (Training, Awareness):
        session.execute(delete(model).where(model.programme_id == prog.id))
    return prog


def _training(session, prog, n, female, male, passed=None):
    session.add(
        Training(
            programme_id=prog.id,
            reference=f"T{n}",
            quarter="FY2012Q1",
            start_date=date(2011, 8, 1),
            district="Huye",
            target_group="Police",
            female=female,
            male=male,
            passed_post_test=passed,
            source_sheet="Trainings",
            source_row=n,
            row_hash=str(n),
        )
    )


def _awareness(session, prog, n, female, male, under_18):
    session.add(
        Awareness(
            programme_id=prog.id,
            reference=f"A{n}",
            quarter="FY2012Q1",
            date=date(2011, 8, 1),
            district="Huye",
            setting="School",
            female=female,
            male=male,
            under_18=under_18,
            source_sheet="Awareness",
            source_row=n,
            row_hash=f"a{n}",
        )
    )


def test_outlier_rules(session, gift):
    # sizes 10, 12, 14, 14, 40, 0: median 13, so more than 39 is too big
    for n, (female, male, passed) in enumerate(
        [(5, 5, None), (6, 6, 12), (7, 7, 15), (7, 7, None), (20, 20, 3), (0, 0, None)], start=1
    ):
        _training(session, gift, n, female, male, passed)
    for n, (female, male, under_18) in enumerate(
        [(10, 10, 21), (10, 10, 20), (10, 10, None), (0, 0, 1)], start=1
    ):
        _awareness(session, gift, n, female, male, under_18)
    session.flush()
    found, more = quality.record_outliers(session, gift)
    assert more == 0
    assert sorted((r.record, r.value) for r in found) == sorted(
        [
            ("Training T3", "15 passed of 14"),
            ("Training T5", "40 participants"),
            ("Training T6", "0 participants"),
            ("Awareness A1", "21 under 18 of 20"),
            ("Awareness A4", "1 under 18 of 0"),
        ]
    )
    assert "median training (13)" in next(r.why for r in found if r.record == "Training T5")
    assert all(r.source.startswith("– · ") for r in found)  # no upload: the file is a dash


def test_outliers_beyond_the_limit_are_counted(session, gift, monkeypatch):
    monkeypatch.setattr(quality, "OUTLIER_LIMIT", 3)
    for n in range(1, 6):
        _training(session, gift, n, 0, 0)
    for n in range(6, 12):
        _training(session, gift, n, 10, 10)
    session.flush()
    found, more = quality.record_outliers(session, gift)
    assert [r.record for r in found] == ["Training T1", "Training T2", "Training T3"] and more == 2


def test_median_from_a_histogram_is_statistics_median():
    rng = random.Random(42)
    for _ in range(200):
        values = [rng.randint(0, 12) for _ in range(rng.randint(1, 15))]
        histogram = {v: values.count(v) for v in set(values)}
        assert quality.median_of(histogram) == statistics.median(values)
    assert quality.median_of({}) == 0


def test_victims_profile_counted_in_sql_matches_the_rows(session):
    pvr = session.scalar(select(Programme).where(Programme.code == "PVR"))
    rows = session.execute(
        select(
            Case.nationality, Case.sex, Case.age_group, Case.exploitation_types, Case.destination_region
        ).where(Case.programme_id == pvr.id, Case.status.in_(victims.VICTIM_STATUSES))
    ).all()
    total, breakdowns = victims.profile(session, pvr.id)
    assert total == len(rows) > 0
    for i, (b, (key, label, multiple)) in enumerate(zip(breakdowns, victims.DIMENSIONS)):
        assert b == victims.breakdown(key, label, [r[i] for r in rows], multiple)


def test_first_problem_of_an_upload_refused_by_the_importer(session, settings):
    """The upload row as the importer writes it (its problems' text), not as a test would invent it."""
    from pathlib import Path

    from importers.pipeline import import_file

    data = (Path(__file__).resolve().parent.parent / "data" / "errors.xlsx").read_bytes()
    report = import_file(
        session, data, "errors.xlsx", settings=settings, programme="KEC", uploaded_by="olivier"
    )
    assert report.outcome == "refused"
    row = next(r for r in quality.problem_uploads(session, ["KEC"]) if r.file == "errors.xlsx")
    assert row.outcome == "refused" and row.errors == len(report.errors)
    assert row.first == "Trainings!H3: found 'abc'; expected a whole number ≥ 0"


def test_the_victims_profile_opens_on_the_programme_its_file_names(session):
    assert victims.default_programme(session, ["GIFT", "KEC", "PVR"]) == "PVR"  # pvr.yaml: victims_default
    assert victims.default_programme(session, ["GIFT", "KEC"]) == "GIFT"  # none says so: the first with cases
    assert victims.default_programme(session, []) == ""
    session.execute(update(Programme).values(victims_default=False))
    assert victims.default_programme(session, ["KEC", "PVR"]) == "KEC"


def test_shares_are_over_known_values_and_follow_the_plan():
    values = ["Burundi"] * 12 + ["DRC"] * 6 + ["Rwanda"] * 2 + ["Unknown"] * 5 + [None]
    b = victims.breakdown("nationality", "Nationality", values)
    assert (b.known, b.unknown) == (20, 6)
    rows = {r.category: r for r in b.rows}
    assert rows["Burundi"].share == 60.0 and rows["Burundi"].shown_count == "12"
    assert rows["Rwanda"].shown_count == "2" and rows["Rwanda"].share == 10.0  # staff: exact

    class Plan:  # what indicators.protection.disclosure decided for this breakdown
        cells: ClassVar[dict[str, str]] = {"Rwanda": "<5", "DRC": "*"}

        def cell(self, key):
            from indicators.protection.disclosure import Shown

            label = self.cells.get(key[2])
            return Shown(None, label, withheld=True) if label else Shown(0, "shown")

    rows = {r.category: r for r in victims.breakdown("nationality", "Nationality", values, plan=Plan()).rows}
    assert (rows["Rwanda"].shown_count, rows["Rwanda"].share) == ("<5", None)
    assert (rows["DRC"].shown_count, rows["DRC"].share) == ("*", None)
    assert rows["Burundi"].share == 60.0


def test_multi_valued_breakdown_counts_each_victim_once_per_type():
    b = victims.breakdown(
        "exploitation",
        "Exploitation type",
        [["Labour", "Sexual"]] * 6 + [["Labour"]] * 4 + [[]],
        multiple=True,
    )
    rows = {r.category: r for r in b.rows}
    assert b.known == 10 and rows["Labour"].share == 100.0 and rows["Sexual"].share == 60.0
