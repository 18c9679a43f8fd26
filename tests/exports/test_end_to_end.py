"""Through the real figures function: stored rows → figures → every donor format, numbers checked by hand."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl
from lxml import etree
from sqlalchemy import select

from exports import iati, iptt
from exports.formats import FORMATS
from indicators.figures.figures import figures
from indicators.reporting.reporting import build_report, report_file, report_for
from indicators.store.models import Awareness, Case, Indicator, Narrative, PolicyStep, Training
from tests.exports.builders import INJECTIONS, add_row, add_upload
from tests.shared import iati_schema


def indicator_rows(ws) -> dict[str, list]:
    return {
        ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(1, 20)]
        for r in range(6, ws.max_row + 1)
        if str(ws.cell(r, 1).value or "").startswith(("KEC", "PVR", "GIFT"))
    }


def store_kec(db):
    """KEC trainings: one in FY2018 Q2, two in FY2019 Q1, one in Q2, three in Q3 (one of them tested),
    one in Q4 (after the report quarter); an adopted action plan in Q3; a narrative for KEC-4.1."""
    first = add_upload(db, "kec_fy2018.xlsx", at=datetime(2018, 4, 3, 9, 0))
    second = add_upload(db, "kec_fy2019.xlsx", by="jean", at=datetime(2019, 7, 8, 16, 30))
    trainings = [
        ("FY2018Q2", date(2018, 2, 10), first),
        ("FY2019Q1", date(2018, 11, 5), second),
        ("FY2019Q1", date(2018, 12, 3), second),
        ("FY2019Q2", date(2019, 2, 14), second),
        ("FY2019Q3", date(2019, 4, 15), second),
        ("FY2019Q3", date(2019, 5, 6), second),
        ("FY2019Q3", date(2019, 6, 24), second),
        ("FY2019Q4", date(2019, 8, 1), second),
    ]
    for n, (quarter, day, upload) in enumerate(trainings):
        add_row(
            db,
            Training,
            "KEC",
            upload,
            quarter,
            n + 2,
            start_date=day,
            district="Musanze",
            target_group="Law enforcement",
            topic=f"Training {n}",
            female=10,
            male=15,
            passed_post_test=20 if day == date(2019, 6, 24) else None,
        )
    add_row(
        db,
        PolicyStep,
        "KEC",
        second,
        "FY2019Q3",
        40,
        instrument="National action plan",
        instrument_type="National action plan",
        stage="Adopted",
        date=date(2019, 6, 20),
    )
    k41 = db.scalar(select(Indicator).where(Indicator.code == "KEC-4.1"))
    db.add(Narrative(indicator_id=k41.id, period="FY2019Q3", text=INJECTIONS[0] + " three trainings in June"))
    db.flush()


def test_kec_iptt_through_the_figures(db):
    store_kec(db)
    pf = figures(db, "KEC", "FY2019Q3")
    wb = openpyxl.load_workbook(BytesIO(iptt.render(build_report(db, pf))))
    rows = indicator_rows(wb["Indicators"])
    # KEC-4.1 trainings held: Q1 2, Q2 1, Q3 3, Q4 after the report quarter; FY 6 of 10; LOP 7 of 30;
    # 6 is 86% of the target pro-rated to 30 June (10 × 273/365 days = 7.48: 7 trainings, shown beside it,
    # whole things): on track.
    assert rows["KEC-4.1"][4:18] == [0, 10, 2, 1, 3, None, 6, 0.6, 30, 7, 0.23, 7, 0.86, "On track"]
    assert rows["KEC-4.1"][18] == INJECTIONS[0] + " three trainings in June"
    # KEC-4.2 people trained: 25 a training.
    assert rows["KEC-4.2"][4:15] == [0, 400, 50, 25, 75, None, 150, 0.38, 1120, 175, 0.16]
    # KEC-4.3 passed the post-test: only the tested training counts, 20 of 25.
    assert rows["KEC-4.3"][6:12] == [None, None, 0.8, None, 0.8, 1.0]
    assert (
        wb["Indicators"][
            "I" + str(next(r for r in range(6, 40) if wb["Indicators"].cell(r, 1).value == "KEC-4.3"))
        ].number_format
        == "0.0%"
    )
    assert rows["KEC-2.1"][10] == 1  # the action plan adopted in Q3
    sources = wb["Sources"]
    assert [(sources.cell(r, 2).value, sources.cell(r, 3).value) for r in (6, 7)] == [
        ("trainings", 1),
        ("trainings, policies", 7),
    ]  # the Q4 training is after the report quarter
    activities = wb["Activities"]
    assert [activities.cell(r, 1).value for r in range(6, 10)] == [
        "Training",
        "Training",
        "Policy step",
        "Training",
    ]
    narrative = next(c for row in wb["Indicators"].iter_rows() for c in row if c.value == rows["KEC-4.1"][18])
    assert narrative.data_type == "s" and narrative.quotePrefix


def test_kec_iati_through_the_figures_of_every_quarter(db):
    store_kec(db)
    data = iati.render(report_for(db, "KEC", "FY2019Q3", history=True))
    doc = etree.fromstring(data)
    schema = etree.XMLSchema(etree.parse(str(iati_schema())))
    assert schema.validate(doc), schema.error_log
    k41 = next(i for i in doc.iter("indicator") if i.findtext("title/narrative").startswith("KEC-4.1 "))
    periods = {
        (p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date")): (
            p.find("target").get("value") if p.find("target") is not None else None,
            p.find("actual").get("value"),
        )
        for p in k41.findall("period")
    }
    assert periods[("2017-01-01", "2017-03-31")] == (None, "0")
    assert periods[("2018-01-01", "2018-03-31")] == (None, "1")
    assert periods[("2019-04-01", "2019-06-30")] == (None, "3")
    assert periods[("2017-01-01", "2017-09-30")] == ("4", "0")  # FY2017 from the programme's start
    assert periods[("2017-10-01", "2018-09-30")] == ("10", "1")
    assert periods[("2018-10-01", "2019-09-30")] == ("10", "6")
    assert periods[("2017-01-01", "2020-06-30")] == ("30", "7")
    assert len(periods) == 10 + 3 + 1
    q3 = next(p for p in k41.findall("period") if p.find("period-start").get("iso-date") == "2019-04-01")
    assert q3.findtext("actual/comment/narrative") == INJECTIONS[0] + " three trainings in June"
    dims = [
        (a.get("value"), a.find("dimension").get("value"))
        for a in q3.findall("actual")
        if a.find("dimension") is not None
    ]
    assert ("3", "Law enforcement") in dims


def test_pvr_defaults_to_the_state_department_workbook_with_case_counts_only(db):
    upload = add_upload(db, "pvr_cases.xlsx", programme="PVR")
    for n in range(3):
        add_row(
            db,
            Case,
            "PVR",
            upload,
            "FY2019Q3",
            n + 2,
            reference=f"CASE-SECRET-{n}",
            date_identified=date(2019, 5, 1 + n),
            sex="Female",
            age_group="Adult",
            nationality="Burundi",
            location="Mahama",
            status="Possible victim",
            referred_to="Isange One Stop Centre",
            referral_date=date(2019, 5, 20),
            referral_quarter="FY2019Q3",
        )
    add_row(
        db,
        Awareness,
        "PVR",
        upload,
        "FY2019Q3",
        9,
        date=date(2019, 5, 3),
        district="Kirehe",
        setting="Refugee camp",
        camp="Mahama",
        activity="Camp dialogue",
        female=60,
        male=40,
    )
    data, fmt = report_file(db, "PVR", "FY2019Q3", FORMATS, small_cell=5)
    assert fmt == "ppr"
    archive = zipfile.ZipFile(BytesIO(data))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"CASE-SECRET" not in everything and b"Isange" not in everything
    wb = openpyxl.load_workbook(BytesIO(data))
    assert wb["Activities"]["A4"].value.startswith("Cases: 3 identified and 3 referred this quarter.")
    rows = indicator_rows(wb["Indicators"])
    assert rows["PVR-3.1"][8] == 3 and rows["PVR-3.2"][8] == 3 and rows["PVR-2.1"][8] == 100
    program = wb["Program Indicators"]
    labels = [program.cell(r, 1).value for r in range(1, program.max_row + 1)]
    assert "PVR-3.1" in labels and "PVR-1.1\nPS.5.1-28" in labels


def test_gift_through_the_figures_on_calendar_quarters(db):
    upload = add_upload(db, "gift_2012.xlsx", programme="GIFT", at=datetime(2012, 4, 2, 9, 0))
    add_row(
        db,
        Training,
        "GIFT",
        upload,
        "2011Q4",
        2,
        start_date=date(2011, 11, 8),
        district="Kicukiro",
        target_group="Local government officials",
        topic="Roles of districts",
        female=12,
        male=8,
    )
    add_row(
        db,
        Training,
        "GIFT",
        upload,
        "2012Q1",
        3,
        start_date=date(2012, 2, 8),
        district="Huye",
        target_group="Civil society organisations",
        topic="Referral",
        female=20,
        male=10,
    )
    pf = figures(db, "GIFT", "2012Q1")
    wb = openpyxl.load_workbook(BytesIO(iptt.render(build_report(db, pf))))
    ws = wb["Indicators"]
    assert [ws.cell(5, c).value for c in (6, 7, 10)] == ["Year target", "Q1\nJan–Mar", "Q4\nOct–Dec"]
    g11 = indicator_rows(ws)["GIFT-1.1"]
    # no year target: judged on the LOP's target to date, 200 × 183/548 days = 66.8: 67 people; 50 is 75% of it
    assert g11[5:18] == [None, 30, None, None, None, 30, None, 200, 50, 0.25, 67, 0.75, "Behind"]
    xml = etree.fromstring(iati.render(report_for(db, "GIFT", "2012Q1", history=True)))
    assert etree.XMLSchema(etree.parse(str(iati_schema()))).validate(xml)
    g11_xml = next(i for i in xml.iter("indicator") if i.findtext("title/narrative").startswith("GIFT-1.1 "))
    assert [
        (p.find("period-start").get("iso-date"), p.find("actual").get("value"))
        for p in g11_xml.findall("period")
    ] == [("2011-10-01", "20"), ("2012-01-01", "30"), ("2011-10-01", "50")]


def test_export_command_writes_every_donor_format(tmp_path, monkeypatch, capsys):
    """``ctmonitor export`` end to end, in process (the command reads its settings from the environment)."""
    from app import main

    monkeypatch.setenv("CTMONITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CTMONITOR_DATABASE_URL", raising=False)
    assert main(["init"]) == 0
    for fmt, suffix in (("iptt", "xlsx"), ("ppr", "xlsx"), ("iati", "xml")):
        args = ["export", "--programme", "KEC", "--period", "FY2019Q3", "--format", fmt]
        assert main([*args, "-o", str(tmp_path / f"kec.{fmt}.{suffix}")]) == 0
    assert openpyxl.load_workbook(tmp_path / "kec.iptt.xlsx").sheetnames[1] == "Indicators"
    assert openpyxl.load_workbook(tmp_path / "kec.ppr.xlsx").sheetnames[1] == "Program Indicators"
    assert etree.XMLSchema(etree.parse(str(iati_schema()))).validate(
        etree.parse(str(tmp_path / "kec.iati.xml"))
    )
    assert (
        main(["export", "--programme", "GIFT", "--period", "2012Q1", "-o", str(tmp_path / "gift.xlsx")]) == 0
    )
    assert openpyxl.load_workbook(tmp_path / "gift.xlsx")["Indicators"]["F5"].value == "Year target"
    assert "Wrote" in capsys.readouterr().out


def test_a_quarter_too_large_to_list_is_summarised_by_kind_place_and_group(db, monkeypatch):
    import indicators.reporting.reporting

    store_kec(db)
    monkeypatch.setattr(
        indicators.reporting.reporting, "LIST_LIMIT", 3
    )  # Q3 holds three trainings and a policy step
    pf = figures(db, "KEC", "FY2019Q3")
    wb = openpyxl.load_workbook(BytesIO(iptt.render(build_report(db, pf))))
    ws = wb["Activities"]
    assert ws["A5"].value.startswith("4 activity records this quarter, more than a report lists one by one")
    assert [c.value for c in ws[6]][:7] == [
        "Kind",
        "District or body",
        "Group or stage",
        "Activities",
        "Female",
        "Male",
        "Total",
    ]
    assert [c.value for c in ws[7]][:7] == ["Training", "Musanze", "Law enforcement", 3, 30, 45, 75]
    assert [c.value for c in ws[8]][:4] == ["Policy step", "National action plan", "Adopted", 1]
    assert ws.freeze_panes == "A7"
    # the same figures as when listed: summarising changes the annex only
    assert indicator_rows(wb["Indicators"])["KEC-4.2"][8] == 75


def test_the_results_csv_says_what_each_row_covers_and_its_datapackage_validates(
    tmp_path, monkeypatch, capsys
):
    """``ctmonitor export --format csv --datapackage`` on the demo data: DOMAIN §8's columns first and unchanged,
    then each row's dates, unit and indicator title; the package beside it passes Frictionless's validation."""
    import csv
    import json
    from datetime import date

    import frictionless

    from app import main

    monkeypatch.setenv("CTMONITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CTMONITOR_DATABASE_URL", raising=False)
    assert main(["init"]) == 0 and main(["demo"]) == 0
    out = tmp_path / "out" / "kec_FY2019Q3.csv"
    assert (
        main(
            [
                "export",
                "--programme",
                "KEC",
                "--period",
                "FY2019Q3",
                "--format",
                "csv",
                "--datapackage",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "programme",
        "indicator",
        "period",
        "disaggregation",
        "category",
        "actual",
        "target",
        "period_start",
        "period_end",
        "unit",
        "indicator_title",
    ]
    by_period = {row[2]: row for row in rows[1:] if row[1] == "KEC-4.3" and not row[3]}
    assert [by_period[p][7:10] for p in ("FY2019Q3", "FY2019", "LOP")] == [
        ["2019-04-01", "2019-06-30", "percent"],
        ["2018-10-01", "2019-06-30", "percent"],
        ["2017-01-01", "2019-06-30", "percent"],
    ]
    assert all(date.fromisoformat(r[7]) <= date.fromisoformat(r[8]) for r in rows[1:])
    assert {r[10] for r in rows[1:] if r[1] == "KEC-4.2"} == {
        "Number of people trained in the prevention of human trafficking"
    }
    package = tmp_path / "out" / "datapackage.json"
    assert json.loads(package.read_text())["resources"][0]["path"] == "kec_FY2019Q3.csv"
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert (
        main(
            [
                "export",
                "--programme",
                "KEC",
                "--period",
                "FY2019Q3",
                "--format",
                "iptt",
                "--datapackage",
                "-o",
                str(tmp_path / "x.xlsx"),
            ]
        )
        == 2
    )
    assert "--datapackage describes a CSV file" in capsys.readouterr().err
