"""Per-quarter sums kept in the store: always equal to the sums computed from the records themselves."""

import random
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select, update

from indicators import periods, vocabulary
from indicators.figures import aggregates
from indicators.figures.figures import figures
from indicators.figures.sums import Source, compute_quarter_sums, quarter_sums
from indicators.store.kinds import by_table as kind_of_table
from indicators.store.models import Indicator, IndicatorSums, Programme, Training
from tests.builders import (
    clear_records,
    make_awareness,
    make_case,
    make_policy_step,
    make_training,
    programme,
    refresh_sums,
)


def _indicators(session, code):
    return session.scalars(select(Indicator).join(Programme).where(Programme.code == code)).all()


def _assert_stored_equals_computed(session, code):
    owner = programme(session, code)
    quarters = [q.code for q in periods.quarters_between(owner.start_date, owner.end_date, owner.calendar)]
    for indicator in _indicators(session, code):
        source = Source.of(indicator)
        assert quarter_sums(session, source, quarters) == compute_quarter_sums(session, source, quarters), (
            indicator.code
        )


def _random_records(session, rng, n=60):
    start, days = date(2018, 2, 1), (date(2020, 6, 30) - date(2018, 2, 1)).days
    rows = []
    for i in range(n):
        day = start + timedelta(days=rng.randrange(days))
        kind = rng.choice(["training", "awareness", "case", "policy"])
        if kind == "training":
            rows.append(
                make_training(
                    session,
                    rng.choice(["KEC", "PVR"]),
                    start_date=day,
                    target_group=rng.choice(vocabulary.TARGET_GROUPS),
                    female=rng.randint(0, 30),
                    male=rng.randint(0, 30),
                    passed_post_test=rng.choice([None, rng.randint(0, 10)]),
                )
            )
        elif kind == "awareness":
            camp = rng.choice(list(vocabulary.CAMPS))
            rows.append(
                make_awareness(
                    session,
                    rng.choice(["KEC", "PVR"]),
                    date=day,
                    setting=rng.choice(["Refugee camp", "School"]),
                    camp=camp,
                    district=vocabulary.CAMPS[camp],
                    female=rng.randint(0, 90),
                    male=rng.randint(0, 90),
                )
            )
        elif kind == "case":
            referral = day + timedelta(days=rng.randint(0, 60)) if rng.random() < 0.7 else None
            rows.append(
                make_case(
                    session,
                    "PVR",
                    date_identified=day,
                    reference=f"C-{i}",
                    sex=rng.choice(vocabulary.SEXES),
                    status=rng.choice(vocabulary.TRAFFICKING_STATUSES),
                    referral_date=referral,
                    referral_quarter=periods.quarter_of(referral).code if referral else None,
                )
            )
        else:
            rows.append(
                make_policy_step(
                    session,
                    "KEC",
                    date=day,
                    instrument=f"Instrument {rng.randint(1, 6)}",
                    stage=rng.choice(vocabulary.POLICY_STAGES),
                    instrument_type=rng.choice(vocabulary.INSTRUMENT_TYPES),
                )
            )
    return rows


def test_orm_writes_updates_and_deletes_keep_sums_exact_when_refreshed(session):
    clear_records(session)
    rng = random.Random(42)
    rows = _random_records(session, rng)
    _assert_stored_equals_computed(session, "KEC")
    _assert_stored_equals_computed(session, "PVR")
    # corrections: move records to other quarters, change counts, delete some; the writer refreshes the sums
    # of every quarter a record left or entered, as the importer does
    left = []
    for row in rows[:20]:
        if isinstance(row, Training):
            left.append((row.programme_id, "trainings", row.quarter))
            row.female += 7
            row.start_date = row.start_date + timedelta(days=120)
            row.quarter = periods.quarter_of(row.start_date).code
    for row in rows[20:30]:
        spec = kind_of_table(row.__tablename__)
        left += [(row.programme_id, spec.key, getattr(row, name)) for name in spec.quarter_columns()]
        session.delete(row)
    session.flush()
    refresh_sums(session, *[row for row in rows[:20] if isinstance(row, Training)])
    for programme_id, kind, quarter in left:
        aggregates.refresh(session, programme_id, kind, {quarter} - {None})
    _assert_stored_equals_computed(session, "KEC")
    _assert_stored_equals_computed(session, "PVR")


def test_nothing_refreshes_the_sums_behind_the_writers_back(session):
    """No hook on sessions: an ORM write that does not refresh leaves the stored sums as they were."""
    clear_records(session)
    training = make_training(session, "KEC", start_date=date(2019, 5, 1), female=10, male=5)
    kec42 = session.scalar(select(Indicator).where(Indicator.code == "KEC-4.2"))
    source = Source.of(kec42)
    before = quarter_sums(session, source, ["FY2019Q3"])
    assert before[("FY2019Q3", "", "")].numerator == 15
    training.female = 20
    session.flush()
    assert quarter_sums(session, source, ["FY2019Q3"]) == before
    refresh_sums(session, training)
    assert quarter_sums(session, source, ["FY2019Q3"])[("FY2019Q3", "", "")].numerator == 25


def test_core_writes_are_refreshed_for_the_quarters_touched(session):
    clear_records(session)
    kec = programme(session, "KEC")
    session.execute(
        insert(Training),
        [
            {
                "programme_id": kec.id,
                "quarter": "FY2019Q3",
                "start_date": date(2019, 5, 1),
                "district": "Huye",
                "target_group": "Media",
                "female": 10,
                "male": 5,
                "row_hash": f"core-{n}",
            }
            for n in range(3)
        ],
    )
    aggregates.refresh(session, kec.id, "trainings", {"FY2019Q3"})
    line = next(i for i in figures(session, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-4.2")
    assert line.quarter.actual == 45
    # a bulk correction moving the rows to FY2019Q4: both quarters are refreshed
    session.execute(
        update(Training)
        .where(Training.programme_id == kec.id)
        .values(quarter="FY2019Q4", start_date=date(2019, 8, 1))
    )
    aggregates.refresh(session, kec.id, "trainings", {"FY2019Q3", "FY2019Q4"})
    report = figures(session, "KEC", "FY2019Q4")
    line = next(i for i in report.indicators if i.indicator.code == "KEC-4.2")
    assert (line.year_quarters["FY2019Q3"], line.year_quarters["FY2019Q4"]) == (0, 45)
    _assert_stored_equals_computed(session, "KEC")


def test_changed_definition_is_recomputed_by_sync(session):
    clear_records(session)
    make_training(session, "KEC", start_date=date(2019, 5, 2), target_group="Media", female=4, male=6)
    make_training(
        session, "KEC", start_date=date(2019, 5, 3), target_group="Law enforcement", female=1, male=2
    )
    aggregates.sync_definitions(session)
    assert aggregates.sync_definitions(session) == []  # nothing changed since
    indicator = session.scalar(select(Indicator).where(Indicator.code == "KEC-4.2"))
    indicator.source_filter = {"target_group": "Media"}
    session.flush()
    assert aggregates.sync_definitions(session) == ["KEC-4.2"]
    line = next(i for i in figures(session, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-4.2")
    assert line.quarter.actual == 10


def test_store_upgraded_with_records_but_no_sums_is_filled_by_sync(session):
    clear_records(session)
    make_training(session, "KEC", start_date=date(2019, 5, 2), female=4, male=6)
    session.execute(delete(IndicatorSums))
    session.execute(update(Indicator).values(sums_signature=None))
    assert figures(session, "KEC", "FY2019Q3").indicators[3].quarter.actual == 0  # sums missing: stale
    aggregates.sync_definitions(session)
    assert session.scalar(select(func.count(IndicatorSums.id))) > 0
    _assert_stored_equals_computed(session, "KEC")
