"""Re-uploads are safe: a Reference updates its row, an identical row is skipped, the same file twice changes
nothing; an instrument's or a study's stages only move forward, against what is stored too."""

from datetime import date

from sqlalchemy import select

from indicators.store.models import Indicator, IndicatorSums, PolicyStep, ResultValue, Training
from tests.importers.conftest import count, uploads

HEADER = "Reference,Project,Start date,District,Target group,Topic,Female,Male\n"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


def test_the_same_file_twice_changes_nothing(load, db):
    first = load("activities_messy.xlsx")
    before = db.execute(
        select(Training.id, Training.row_hash, Training.upload_id).order_by(Training.id)
    ).all()
    second = load("activities_messy.xlsx")
    assert second.ok and second.outcome == "unchanged", second.as_text()
    assert second.counts["trainings"] == {"new": 0, "updated": 0, "unchanged": 3, "skipped": 1}
    assert second.counts["awareness"] == {"new": 0, "updated": 0, "unchanged": 5, "skipped": 0}
    after = db.execute(select(Training.id, Training.row_hash, Training.upload_id).order_by(Training.id)).all()
    assert after == before and {u for *_, u in after} == {first.upload_id}
    assert [u.outcome for u in uploads(db)] == ["stored", "unchanged"]


def test_a_reference_updates_its_row(load, db):
    load(
        "x.csv",
        _csv("U-1,KEC,02/07/2019,Huye,Media,Reporting,3,5", "U-2,KEC,09/07/2019,Huye,Media,Radio,1,1"),
    )
    report = load(
        "x.csv",
        _csv("U-1,KEC,02/10/2019,Musanze,Media,Reporting,4,5", "U-2,KEC,09/07/2019,Huye,Media,Radio,1,1"),
    )
    assert report.outcome == "stored"
    assert report.counts["trainings"] == {"new": 0, "updated": 1, "unchanged": 1, "skipped": 0}
    row = db.execute(select(Training).where(Training.reference == "U-1")).scalar_one()
    assert (row.start_date, row.district, row.female, row.quarter) == (
        date(2019, 10, 2),
        "Musanze",
        4,
        "FY2020Q1",
    )
    assert row.upload_id == report.upload_id and count(db, "trainings") == 2


def test_updates_keep_the_indicator_sums_exact_in_old_and_new_quarters(load, db):
    """The bulk writes refresh the per-quarter sums figures read (KEC-4.2: people trained)."""
    kec42 = db.execute(select(Indicator.id).where(Indicator.code == "KEC-4.2")).scalar_one()

    def trained(quarter):
        return (
            db.execute(
                select(IndicatorSums.numerator).where(
                    IndicatorSums.indicator_id == kec42,
                    IndicatorSums.quarter == quarter,
                    IndicatorSums.disaggregation == "",
                    IndicatorSums.category == "",
                )
            ).scalar()
            or 0
        )

    load("x.csv", _csv("S-1,KEC,02/07/2019,Huye,Media,Reporting,3,5"))
    assert trained("FY2019Q4") == 8
    load("x.csv", _csv("S-1,KEC,02/10/2019,Huye,Media,Reporting,3,6"))
    assert (trained("FY2019Q4"), trained("FY2020Q1")) == (0, 9)


def test_an_identical_row_without_reference_is_skipped_and_a_changed_one_is_new(load, db):
    rows = [",KEC,02/07/2019,Huye,Media,Reporting,3,5", ",KEC,03/07/2019,Huye,Media,Radio,2,2"]
    load("x.csv", _csv(*rows))
    report = load("y.csv", _csv(rows[0], ",KEC,03/07/2019,Huye,Media,Radio,2,3"))
    assert report.counts["trainings"] == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 1}
    assert count(db, "trainings") == 3


def test_identical_rows_in_one_file_are_all_kept_and_skipped_on_re_upload(load, db):
    same = ",KEC,02/07/2019,Huye,Media,Reporting,3,5"
    assert load("x.csv", _csv(same, same, same)).counts["trainings"]["new"] == 3
    again = load("x.csv", _csv(same, same, same, same))
    assert again.counts["trainings"] == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 3}
    assert count(db, "trainings") == 4


def test_a_reference_is_unique_within_its_project_only(load, db):
    report = load(
        "x.csv",
        _csv("R-1,KEC,02/07/2019,Huye,Media,Reporting,3,5", "R-1,PVR,02/07/2019,Kirehe,Media,Radio,1,1"),
    )
    assert report.ok and report.counts["trainings"]["new"] == 2, report.as_text()


def test_policy_stages_without_reference_update_the_stored_stage(load, db):
    load("stages_no_reference.xlsx", programme="KEC")
    assert load("stages_no_reference.xlsx", programme="KEC").outcome == "unchanged"
    corrected = _csv(
        "Law relating to trafficking in persons,Law,Drafted,21/06/2017,MINIJUST",
        header="Instrument,Type,Stage,Date,Lead institution\n",
    )
    report = load("policies.csv", corrected, programme="KEC")
    assert report.counts["policies"] == {"new": 0, "updated": 1, "unchanged": 0, "skipped": 0}, (
        report.as_text()
    )
    drafted = (
        db.execute(
            select(PolicyStep.date).where(PolicyStep.stage == "Drafted", PolicyStep.instrument_type == "Law")
        )
        .scalars()
        .all()
    )
    assert drafted == [date(2017, 6, 21)]


def test_stages_only_move_forward_against_stored_stages(load, db):
    header = "Reference,Instrument,Type,Stage,Date\n"
    load("p.csv", _csv("L-1,Law N° 51/2018,Law,Adopted,13/08/2018", header=header), programme="KEC")
    report = load(
        "p.csv", _csv("L-2,Law N° 51/2018,Law,Validated,01/09/2018", header=header), programme="KEC"
    )
    assert not report.ok
    [error] = report.errors
    assert error.where == "p!E2"
    assert error.expected == (
        "a date on or before the Adopted stage (13/08/2018, already stored): stages only move forward"
    )
    again = load("p.csv", _csv("L-3,Law N° 51/2018,Law,Adopted,20/08/2018", header=header), programme="KEC")
    assert [e.where for e in again.errors] == ["p!D2"]
    assert "Adopted is also already stored under reference L-1" in again.errors[0].expected


def test_research_stages_are_checked_in_their_order(load, db):
    header = "Title,Stage,Date\n"
    report = load(
        "r.csv", _csv("NAR,Published,01/03/2019", "NAR,Validated,01/04/2019", header=header), programme="KEC"
    )
    assert [(e.where, e.expected.split(":")[0]) for e in report.errors] == [
        ("r!C2", "a date on or after the Validated stage (01/04/2019, r!C3)")
    ]


def test_a_result_entered_again_for_the_same_period_updates_it(load, db):
    header = "Indicator,Period,Value,Disaggregation\n"
    load("r.csv", _csv("KEC-4.1,FY2019Q3,3,", "KEC-4.1,FY2019Q3,2,target_group=Media", header=header))
    report = load("r.csv", _csv("KEC-4.1,FY2019Q3,4,", header=header))
    assert report.counts["results"] == {"new": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    assert db.execute(select(ResultValue.value).order_by(ResultValue.id)).scalars().all() == [4.0, 2.0]
    twice = load("r.csv", _csv("KEC-4.1,FY2019Q3,5,", "KEC-4.1,FY2019Q3,6,", header=header))
    assert [e.where for e in twice.errors] == ["r!A3"]


def test_a_reference_moved_onto_a_stage_already_stored_is_refused(load, db):
    header = "Reference,Instrument,Type,Stage,Date\n"
    load(
        "p.csv",
        _csv(
            "N-1,NAP,National action plan,Drafted,15/11/2018",
            "N-2,NAP,National action plan,Validated,25/04/2019",
            header=header,
        ),
        programme="KEC",
    )
    report = load(
        "p.csv", _csv("N-2,NAP,National action plan,Drafted,25/04/2019", header=header), programme="KEC"
    )
    assert [(e.where, e.expected) for e in report.errors] == [
        ("p!D2", "each stage once per instrument (Drafted is also already stored)")
    ]
