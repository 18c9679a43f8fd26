"""Per-quarter tallies of records kept in the store: always equal to the tallies of the records themselves,
through writes, corrections, deletions and a rebuild; and what the report reads from them is what the records
say."""

import random
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from importers.pipeline import import_file
from indicators import periods, vocabulary
from indicators.figures import aggregates, places, tallies
from indicators.figures.sums import Source
from indicators.reporting import annex
from indicators.store import kinds
from indicators.store.kinds import by_table as kind_of_table
from indicators.store.models import Case, Indicator, QuarterTally, Training
from tests.builders import make_meeting, make_research_step, make_upload, programme, refresh_sums
from tests.indicators.test_aggregates import _random_records

DATA = Path(__file__).resolve().parent.parent / "data"


def _tally_of_records(session) -> Counter:
    """The tallies computed here from every record, by (programme, kind, quarter, other quarter, upload,
    place, group, district) and what is counted."""
    out: Counter = Counter()
    for spec in kinds.KINDS:
        if spec.key not in tallies.TALLIED:
            continue
        summary = spec.summary
        for record in session.scalars(select(spec.model)):
            key = (
                record.programme_id,
                spec.key,
                record.quarter,
                getattr(record, "referral_quarter", None),
                record.upload_id,
                getattr(record, summary.place) if summary and summary.place else None,
                getattr(record, summary.group) if summary and summary.group else None,
                getattr(record, "district", None),
            )
            out[(*key, "records")] += 1
            for name in ("female", "male", summary.attended if summary else None):
                if name is not None and getattr(record, name, None) is not None:
                    out[(*key, name)] += getattr(record, name)
    return out


def _stored_tallies(session) -> Counter:
    out: Counter = Counter()
    for row in session.scalars(select(QuarterTally)):
        key = (
            row.programme_id,
            row.kind,
            row.quarter,
            row.other_quarter,
            row.upload_id,
            row.place,
            row.grp,
            row.district,
        )
        out[(*key, "records")] += row.records
        for name, value in (("female", row.female), ("male", row.male), ("participants", row.attended)):
            if value is not None:
                out[(*key, name)] += value
    return +out


def _records_with_uploads(session, rng):
    rows = _random_records(session, rng, n=80)
    uploads = [make_upload(session, filename=f"sheet {n}.xlsx") for n in range(3)]
    for row in rows:
        row.upload_id = rng.choice([*(u.id for u in uploads), None])
    rows += [make_meeting(session, "KEC", participants=rng.randint(5, 30)) for _ in range(4)]
    rows += [make_research_step(session, "KEC") for _ in range(3)]
    session.flush()
    refresh_sums(session, *rows)
    return rows


def test_writes_corrections_deletions_and_a_rebuild_keep_the_tallies_exact(db):
    rng = random.Random(7)
    rows = _records_with_uploads(db, rng)
    assert _stored_tallies(db) == +_tally_of_records(db)
    # corrections move records to other quarters (a case's referral too) and delete some; the writer refreshes
    # every quarter a record left or entered, as the importer does
    left = []
    for row in rows[:40]:
        spec = kind_of_table(row.__tablename__)
        left += [(row.programme_id, spec.key, getattr(row, name)) for name in spec.quarter_columns()]
        if isinstance(row, Training):
            row.female += 3
            row.start_date += timedelta(days=100)
            row.quarter = periods.quarter_of(row.start_date).code
        elif isinstance(row, Case) and row.referral_date is not None:
            row.referral_date += timedelta(days=95)
            row.referral_quarter = periods.quarter_of(row.referral_date).code
    for row in rows[40:55]:
        spec = kind_of_table(row.__tablename__)
        left += [(row.programme_id, spec.key, getattr(row, name)) for name in spec.quarter_columns()]
        db.delete(row)
    db.flush()
    refresh_sums(db, *[row for row in rows[:40]])
    for programme_id, kind, quarter in left:
        aggregates.refresh(db, programme_id, kind, {quarter} - {None})
    assert _stored_tallies(db) == +_tally_of_records(db)
    db.execute(delete(QuarterTally))
    for code in ("KEC", "PVR"):
        tallies.rebuild(db, programme(db, code).id)
    assert _stored_tallies(db) == +_tally_of_records(db)


def test_the_reports_districts_summary_and_sources_are_the_records(db):
    rng = random.Random(11)
    _records_with_uploads(db, rng)
    for code in ("KEC", "PVR"):
        owner = programme(db, code)
        quarters = periods.quarters_between(owner.start_date, owner.end_date, owner.calendar)
        for period in quarters:
            codes = {q.code for q in quarters if q.start <= period.start}
            records = [
                (spec, record)
                for spec in kinds.KINDS
                for record in db.scalars(select(spec.model).where(spec.model.programme_id == owner.id))
            ]
            listed = [(s, r) for s, r in records if s in kinds.in_report()]
            assert annex.activity_districts(db, owner, period) == sorted(
                {r.district for s, r in listed if r.quarter in codes and getattr(r, "district", None)}
            )
            assert annex.activity_count(db, owner, period) == sum(r.quarter == period.code for _, r in listed)
            summary = annex.activity_summary(db, owner, period)
            for spec in kinds.in_report():
                in_quarter = [r for s, r in listed if s is spec and r.quarter == period.code]
                counted = [s for s in summary if s.kind == spec.report_label]
                assert sum(s.activities for s in counted) == len(in_quarter)
                if spec.summary and spec.summary.people:
                    assert sum(s.female or 0 for s in counted) == sum(r.female for r in in_quarter)
            sources, unsourced = annex.source_rows(db, owner, period)
            fed = [r for s, r in records if any(getattr(r, n) in codes for n in s.quarter_columns())]
            assert {row.sha256: row.rows for row in sources} == {
                upload.sha256: n
                for upload, n in _uploads(db, Counter(r.upload_id for r in fed if r.upload_id)).items()
            }
            assert unsourced == sum(r.upload_id is None for r in fed)


def _uploads(session, counts: Counter) -> dict:
    from indicators.store.models import Upload

    return {session.get(Upload, upload_id): n for upload_id, n in counts.items()}


def test_the_maps_values_from_the_tallies_are_the_records(db):
    """Every mappable indicator, each span: the tallies give each district the value its records give (and
    an indicator the tallies cannot answer, a filtered one or a ratio, is computed from its records)."""
    rng = random.Random(5)
    _records_with_uploads(db, rng)
    answered = 0
    for indicator in db.scalars(select(Indicator).order_by(Indicator.code)):
        if not places.mappable(indicator):
            continue
        owner = indicator.programme
        source = replace(Source.of(indicator), disaggregations=("district",))
        for period in periods.quarters_between(owner.start_date, owner.end_date, owner.calendar)[::2]:
            for span in ("quarter", "year", "lop"):
                codes = [q.code for q in places.span_quarters(owner, period, span)]
                tallied = tallies.by_district(db, source, codes)
                computed = places.computed_by_district(db, source, codes)
                if tallied is not None:
                    answered += 1
                    assert {d: v for d, v in tallied.items() if v} == {d: v for d, v in computed.items() if v}
                shown = places.by_district(db, indicator.code, period, span)
                assert {d: p.value for d, p in shown.items()} == {
                    d: v for d, v in computed.items() if v and d in vocabulary.DISTRICTS
                }
    assert answered  # the suite's programmes have unfiltered counts and sums of people to map


def _imported(session, settings, path, programme_code=None):
    report = import_file(
        session, (DATA / path).read_bytes(), path, settings=settings, programme=programme_code
    )
    assert report.ok, report.errors
    return report


def _register(rng, n: int) -> bytes:
    """A trainings register as an M&E officer keeps it: n rows over four quarters of FY2019, two districts
    and two groups, a post-test result given for some."""
    lines = ["Ref,Project,Start date,District,Target group,Topic,Female,Male,Passed post-test"]
    for number in range(n):
        day = date(2018, 10, 1) + timedelta(days=rng.randrange(360))
        female, male = rng.randint(0, 25), rng.randint(0, 25)
        passed = str(rng.randint(0, female + male)) if rng.random() < 0.4 else ""
        district, group = rng.choice(["Gasabo", "Rubavu"]), rng.choice(["Law enforcement", "Teachers"])
        lines.append(
            f"REG-{number:04d},KEC,{day:%d/%m/%Y},{district},{group},Identifying victims,{female},{male},{passed}"
        )
    return "\n".join(lines).encode()


def test_an_import_tallies_what_it_inserts_as_the_records_would(db, settings):
    rng = random.Random(11)
    _records_with_uploads(db, rng)  # stored before, in the same quarters as the files' rows
    # rows only inserted: the importer tallies them from the values it wrote
    for path, code in (
        ("activities_messy.xlsx", None),
        ("awareness.ods", None),
        ("meetings.xls", "KEC"),
        ("trainings_bom.csv", None),
    ):
        report = _imported(db, settings, path, code)
        assert not any(c["updated"] for c in report.counts.values()), path
        assert _stored_tallies(db) == +_tally_of_records(db), path
    # a register of many trainings per district, group and quarter, some of them with blank counts
    report = import_file(
        db, _register(rng, 240), "trainings-register.csv", settings=settings, programme="KEC"
    )
    assert report.ok and report.counts["trainings"]["new"] == 240, report.errors
    assert max(row.records for row in db.scalars(select(QuarterTally))) >= 10
    assert _stored_tallies(db) == +_tally_of_records(db)
    before = _stored_tallies(db)
    db.execute(delete(QuarterTally))
    for code in ("KEC", "PVR"):
        tallies.rebuild(db, programme(db, code).id)
    assert _stored_tallies(db) == before  # what grouping the records in the database gives


def test_cases_imported_then_edited_keep_the_tallies_exact(cases):
    # the filled HTCDS sheet was inserted (tallied from the values written), then its edited copy updated
    # some of its cases (the touched quarters tallied again from the records), referral quarters included
    assert any(row.other_quarter for row in cases.scalars(select(QuarterTally)))
    assert _stored_tallies(cases) == +_tally_of_records(cases)
