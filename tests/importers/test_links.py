"""Formulas and links reaching outside the workbook are refused naming their cells, a formula never becomes an
empty value silently, and no kept copy holds an external link part. Workbooks are built here as Excel saves
them: formulas with their saved results, link parts with their relationships."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from importers.links import classify
from importers.pipeline import import_file
from tests.importers import hostile
from tests.importers.conftest import count, uploads

HEADERS = ["Reference", "Project", "Start date", "District", "Target group", "Topic", "Female participants",
           "Male participants", "Total participants", "Notes"]
ROWS = [
    ["LK-1", "KEC", "12/03/2019", "Huye", "Police", "Victim identification", 12, 9],
    ["LK-2", "KEC", "14/03/2019", "Gasabo", "Media", "Reporting on trafficking", 4, 6],
    ["LK-3", "KEC", "20/03/2019", "Rubavu", "Immigration officers", "Border screening", 7, 8],
]


def workbook(formulas: dict[str, str], cached: dict[str, object] | None = None, links: bool = False,
             extra: dict[str, bytes] | None = None) -> bytes:
    """A trainings sheet (header in row 1, data in rows 2–4) with ``formulas`` written into cells, saved
    results for those in ``cached``, and, with ``links``, the link parts Excel writes for [1] and [2]."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Trainings"
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    for cell, formula in formulas.items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if cached:
        data = hostile.patch_workbook(data, replace={
            "xl/worksheets/sheet1.xml": lambda xml: hostile.with_cached_values(xml, cached)})
    if links:
        data = hostile.with_links(data)
    if extra:
        data = hostile.patch_workbook(data, add=extra)
    return data


def refused(db, settings, data: bytes):
    report = import_file(db, data, "linked.xlsx", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused" and count(db, "trainings") == 0
    [upload] = uploads(db)
    assert upload.outcome == "refused" and upload.kept_path is None
    return report


def test_external_links_dde_and_formulas_into_another_workbook_are_refused_naming_each_cell(db, settings):
    data = workbook(
        {"F2": "=[1]Rates!B2", "G3": "='C:\\Budget\\[Targets.xlsx]Sheet1'!A1", "H4": "=cmd|' /C calc'!A0",
         "F3": "=[2]!'A0'"},
        cached={"F2": "Victim identification", "G3": 4, "H4": 7, "F3": "Reporting on trafficking"}, links=True)
    report = refused(db, settings, data)
    cells = {p.where: p for p in report.errors if p.cell}
    assert set(cells) == {"Trainings!F2", "Trainings!G3", "Trainings!H4", "Trainings!F3"}
    assert cells["Trainings!F2"].value == "=[1]Rates!B2"
    assert "reading another workbook (file:///C:/Budget/rates.xlsx)" in cells["Trainings!F2"].expected
    assert "reading another workbook ([Targets.xlsx])" in cells["Trainings!G3"].expected
    assert cells["Trainings!H4"].expected.startswith("a value, not a DDE formula")
    assert cells["Trainings!F3"].expected.startswith("a value, not a DDE formula")  # [2] is the DDE link part
    parts = [str(p) for p in report.errors if not p.cell]
    assert any("a link to another workbook (file:///C:/Budget/rates.xlsx)" in p for p in parts)
    assert any("a DDE link asking another program for data (cmd /c calc)" in p for p in parts)


def test_a_link_part_no_cell_uses_still_refuses_the_upload(db, settings):
    report = refused(db, settings, workbook({}, links=True))
    assert [p.cell for p in report.errors] == ["", ""]
    assert "break the link (Data ▸ Edit Links ▸ Break Link, which keeps the values)" in str(report.errors[0])


def test_formulas_fetching_from_outside_and_data_connections_are_refused(db, settings):
    connections = {"xl/connections.xml": b'<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                         b'2006/main"><connection id="1" name="Rates feed" type="4"><webPr '
                                         b'url="http://rates.example/feed"/></connection></connections>'}
    data = workbook({"J2": '=WEBSERVICE("http://rates.example/today")'}, cached={"J2": "1.2"}, extra=connections)
    report = refused(db, settings, data)
    [cell] = [p for p in report.errors if p.cell]
    assert cell.where == "Trainings!J2" and "fetching data from outside the workbook (WEBSERVICE)" in cell.expected
    assert any("data connections to outside sources (Rates feed)" in str(p) for p in report.errors)


def test_a_formula_without_a_saved_result_in_a_column_read_is_refused_naming_its_cells(db, settings):
    report = refused(db, settings, workbook({f"I{n}": f"=G{n}+H{n}" for n in (2, 3, 4)}))
    unsaved = [p for p in report.errors if "no saved result" in p.expected]
    assert [(p.where, p.value) for p in unsaved] == [("Trainings!I2", "=G2+H2"), ("Trainings!I3", "=G3+H3"),
                                                     ("Trainings!I4", "=G4+H4")]


def test_formulas_with_saved_results_import_their_results(db, settings):
    data = workbook({f"I{n}": f"=G{n}+H{n}" for n in (2, 3, 4)} | {"J2": '=IF(G2>0,"see [1] | note","")'},
                    cached={"I2": 21, "I3": 10, "I4": 15, "J2": "see [1] | note"})
    report = import_file(db, data, "totals.xlsx", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "stored", report.as_text()
    assert count(db, "trainings") == 3
    kept = zipfile.ZipFile(uploads(db)[0].kept_path)
    assert not [name for name in kept.namelist() if "externalLink" in name]


def test_a_saved_result_that_contradicts_the_row_is_caught_as_any_value_is(db, settings):
    data = workbook({"I2": "=G2+H2"}, cached={"I2": 99})
    report = import_file(db, data, "totals.xlsx", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused" and [p.where for p in report.errors] == ["Trainings!I2"]


def test_a_formula_without_a_result_outside_the_columns_read_does_not_block(db, settings):
    data = workbook({"J2": "=G2*2", "L9": "=1+1"})
    report = import_file(db, data, "notes.xlsx", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "stored", report.as_text()


@pytest.mark.parametrize("formula, reach", [
    ("[1]Rates!B2", "workbook"), ("'[3]Sheet 1'!A1", "workbook"), ("SUM([1]Rates!B2:B9)", "workbook"),
    ("'C:\\Budget\\[Targets.xlsx]Sheet1'!A1", "workbook"), ("'https://x.example/[b.xlsx]S'!A1", "workbook"),
    ("[Book2.xlsx]Sheet1!A1", "workbook"), ("cmd|' /C calc'!A0", "dde"), ("DDE(\"cmd\",\"/c calc\",\"A0\")", "dde"),
    ("_xlfn.WEBSERVICE(\"http://x\")", "outside"), ("RTD(\"srv\",,\"x\")", "outside"),
    ("G2+H2", None), ("SUM(Table1[2019])", None), ("Table1[[#This Row],[Male]]", None),
    ("IF(A1>0,\"a|b [1] C:\\\\x\",\"\")", None), ("'Sheet [1]'!A1", "workbook"),
])
def test_what_counts_as_reaching_outside(formula, reach):
    assert classify(formula)[0] == reach


def test_an_ods_with_a_dde_link_is_refused(db, settings):
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               b'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               b'<table:table table:name="S"><table:table-row><table:table-cell table:formula="of:=DDE(&quot;cmd'
               b'&quot;;&quot;/c calc&quot;;&quot;A0&quot;)" office:value-type="float" office:value="1"><text:p>1'
               b'</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               b'</office:document-content>')
    data = hostile.raw_zip([("mimetype", *hostile.deflated(b"application/vnd.oasis.opendocument.spreadsheet")),
                            ("content.xml", *hostile.deflated(content))])
    report = import_file(db, data, "linked.ods", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused"
    assert str(report.errors[0]).startswith("the spreadsheet holds DDE links or formulas reading other files")
