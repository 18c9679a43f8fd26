"""Reopening a signed-off quarter and signing it off again, at the store: what a reopen opens and what it keeps,
the versions kept with their figures, what differs now and what explains it, and the re-issued cover."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import select

from exports.formats import FORMATS
from importers.pipeline import import_file
from indicators.access import audit
from indicators.figures import signoff
from indicators.figures.figures import figures
from indicators.programmes import logframe
from indicators.reporting import changes, versions
from indicators.reporting.reporting import make_file, report_for
from indicators.store.models import Programme
from tests.builders import make_training

TRAININGS = (
    b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
)


def _sign(db, period: str, user: str = "claire"):
    """Sign a KEC quarter off as the Reports page and ``ctmonitor signoff`` do: its IPTT, with its figures."""
    made = make_file(db, "KEC", period, FORMATS, "iptt", small_cell=5)
    return signoff.sign_off(
        db,
        "KEC",
        period,
        user,
        made.data,
        made.format,
        FORMATS["iptt"].filename("KEC", period),
        acknowledged=signoff.missing_narratives(db, "KEC", period),
        figures=made.figures,
        changed=made.changed,
    )


def _kec(db) -> int:
    return db.scalar(select(Programme.id).where(Programme.code == "KEC"))


def _total(pf, code: str, span: str):
    return getattr(next(i for i in pf.indicators if i.indicator.code == code), span).actual


def test_a_reopen_needs_a_reason_and_opens_the_quarter_and_those_it_closed(db):
    kec = _kec(db)
    first = _sign(db, "FY2019Q3")
    report = first.report
    closed = signoff.check_rows(db, kec, {"FY2019Q3", "FY2019Q1"})
    assert [m.split(" is closed")[0] for m in closed] == ["KEC FY2019Q1", "KEC FY2019Q3"]
    for blank in ("", "   ", None):
        with pytest.raises(signoff.SignOffError, match="a reason is required"):
            signoff.reopen(db, "KEC", "FY2019Q3", "claire", blank)
    assert signoff.signed_report(db, "KEC", "FY2019Q3").id == first.id  # still in force

    record = signoff.reopen(db, "KEC", "fy19q3", "amina", "  USAID asked for corrected trainings ")
    assert (record.reopened_by, record.reopen_reason) == ("amina", "USAID asked for corrected trainings")
    assert signoff.check_rows(db, kec, {"FY2019Q3", "FY2019Q2", "FY2019Q1", "FY2017Q2", "LOP"}) == []
    assert signoff.signed_report(db, "KEC", "FY2019Q3") is None
    kept = signoff.versions(db, "KEC", "FY2019Q3")
    assert [(v.version, v.report, v.in_force) for v in kept] == [(1, report, False)]  # the copy sent is kept
    event = audit.recent(db, 1, action="sign-off-reopened")[0]
    assert (event.username, event.target) == ("amina", "KEC FY2019Q3")
    assert (event.detail["reason"], event.detail["version"]) == ("USAID asked for corrected trainings", 1)
    with pytest.raises(signoff.SignOffError, match="is not signed off .version 1 was reopened by amina"):
        signoff.reopen(db, "KEC", "FY2019Q3", "amina", "again")


def test_another_sign_off_still_closes_what_it_closes_and_a_later_one_must_be_reopened_first(db):
    kec = _kec(db)
    _sign(db, "FY2019Q1")
    _sign(db, "FY2019Q3")
    with pytest.raises(signoff.SignOffError, match="would stay closed by FY2019Q3.*reopen FY2019Q3 first"):
        signoff.reopen(db, "KEC", "FY2019Q1", "claire", "wrong quarter")
    signoff.reopen(db, "KEC", "FY2019Q3", "claire", "the donor asked")
    assert signoff.check_rows(db, kec, {"FY2019Q3", "FY2019Q2"}) == []
    still = signoff.check_rows(db, kec, {"FY2019Q1", "FY2018Q4"})
    assert len(still) == 2 and all("FY2019Q1 was signed off by claire" in m for m in still)


def test_an_upload_refused_while_signed_off_is_stored_once_reopened(db, settings):
    sheet = TRAININGS + b"RO-1,KEC,20/04/2019,Gasabo,Police,Identification,12,9\n"
    _sign(db, "FY2019Q3")
    refused = import_file(db, sheet, "late.csv", settings=settings, uploaded_by="olivier")
    assert refused.outcome == "refused" and any("KEC FY2019Q3 is closed" in str(p) for p in refused.errors)
    signoff.reopen(db, "KEC", "FY2019Q3", "claire", "USAID asked for the April training")
    stored = import_file(db, sheet, "late.csv", settings=settings, uploaded_by="olivier")
    assert stored.outcome == "stored" and stored.counts["trainings"]["new"] == 1


def test_signing_off_again_keeps_a_new_version_and_what_changed_since_the_first(db, settings):
    make_training(db, "KEC", start_date=date(2019, 4, 10), female=20, male=15)
    before = figures(db, "KEC", "FY2019Q3")
    first = _sign(db, "FY2019Q3")
    assert first.version == 1 and first.changed is None
    csv = FORMATS["csv"].write(report_for(db, "KEC", "FY2019Q3")).decode()
    # the CSV's rows, as data (DOMAIN §8's columns, which come first in the CSV)
    import csv as reader
    import io

    written = [row[:7] for row in reader.reader(io.StringIO(csv))][1:]
    assert [list(row) for row in first.figures["rows"]] == written
    assert changes.compare(db, "KEC", "FY2019Q3").differences == ()

    signoff.reopen(db, "KEC", "FY2019Q3", "claire", "USAID asked for the late training")
    sheet = TRAININGS + b"RO-2,KEC,20/05/2019,Huye,Teachers,Identification,12,9\n"
    assert import_file(db, sheet, "late-may.csv", settings=settings, uploaded_by="olivier").ok
    assert logframe.edit(
        db,
        "KEC-4.2",
        by="amina",
        reason="Donor-approved modification",
        comment="mod 4",
        targets={"FY2019": "450"},
    ).ok
    now = figures(db, "KEC", "FY2019Q3")
    comparison = changes.compare(db, "KEC", "FY2019Q3")
    assert (comparison.version, comparison.in_force, comparison.indicators) == (
        1,
        False,
        ("KEC-4.1", "KEC-4.2"),
    )
    found = {
        (e.difference.indicator, e.difference.period, e.difference.split, e.difference.field): e
        for e in comparison.differences
    }
    total = found[("KEC-4.2", "FY2019Q3", "total", "actual")]
    assert (total.difference.as_sent, total.difference.now) == (
        f"{_total(before, 'KEC-4.2', 'quarter'):g}",
        f"{_total(now, 'KEC-4.2', 'quarter'):g}",
    )
    assert int(total.difference.now) - int(total.difference.as_sent) == 21
    assert len(total.explained_by) == 1 and total.explained_by[0].startswith(
        "upload late-may.csv by olivier on"
    )
    target = found[("KEC-4.2", "FY2019", "total", "target")]
    assert (target.difference.as_sent, target.difference.now) == ("400", "450")
    assert target.explained_by[0].startswith("FY2019 target: 400 → 450, edited by amina on")
    assert target.explained_by[0].endswith("(Donor-approved modification: mod 4)")
    assert (
        found[
            ("KEC-4.2", "FY2019Q3", "Target group: School leaders and teachers", "actual")
        ].difference.as_sent
        is None
    )

    second = _sign(db, "FY2019Q3")
    assert (second.version, second.changed) == (2, ["KEC-4.1", "KEC-4.2"])
    kept = signoff.versions(db, "KEC", "FY2019Q3")
    assert [(v.version, v.in_force) for v in kept] == [(1, False), (2, True)]
    assert kept[0].report_sha256 != kept[1].report_sha256
    assert changes.compare(db, "KEC", "FY2019Q3").differences == ()
    cover = openpyxl.load_workbook(BytesIO(second.report))["Cover"]
    facts = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
    assert facts["Revised"].startswith(
        f"This report replaces version 1, signed off on {first.signed_at.day} "
    )
    assert "indicators changed since: KEC-4.1, KEC-4.2." in facts["Revised"]
    assert (
        first.report_sha256[:16] in facts["Revised"]
        and "USAID asked for the late training" in facts["Revised"]
    )
    first_cover = openpyxl.load_workbook(BytesIO(first.report))["Cover"]
    assert "Revised" not in [first_cover.cell(r, 1).value for r in range(1, first_cover.max_row + 1)]
    with pytest.raises(
        signoff.SignOffError, match=r"already signed off by claire .* \(version 2\); reopen it first"
    ):
        _sign(db, "FY2019Q3")


def test_a_target_edit_after_the_sign_off_shows_as_a_difference_while_it_stays_in_force(db):
    _sign(db, "FY2019Q3")
    assert logframe.edit(
        db, "KEC-5.1", by="claire", reason="Budget realignment", comment="realigned", targets={"LOP": "26000"}
    ).ok
    comparison = changes.compare(db, "KEC", "FY2019Q3")
    assert comparison.in_force and comparison.indicators == ("KEC-5.1",)
    assert [e.difference.text() for e in comparison.differences] == [
        "KEC-5.1 · LOP · total: target 25000 → 26000"
    ]


def test_compare_names_figures_gone_and_new():
    kept = {
        "columns": list(versions.COLUMNS),
        "rows": [["P", "X-1", "Q", "", "", "5", ""], ["P", "X-1", "Q", "sex", "Male", "5", ""]],
    }
    now = [("P", "X-1", "Q", "", "", "7", ""), ("P", "X-1", "Q", "sex", "Female", "2", "")]
    assert [d.text() for d in versions.compare(kept, now)] == [
        "X-1 · Q · total: actual 5 → 7",
        "X-1 · Q · Sex: Female: actual – → 2",
        "X-1 · Q · Sex: Male: actual 5 → –",
    ]
    assert versions.compare(None, now) == []
