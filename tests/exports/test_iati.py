"""IATI 2.03 XML: valid against the official schema, and carrying the report's own figures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from exports import iati
from indicators.reporting.reporting import build_report
from tests.exports.builders import INJECTIONS, by_quarter, gift_figures, kec_figures
from tests.exports.test_report import PREPARED
from tests.shared import iati_schema


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(iati_schema())))


def valid(schema, data: bytes):
    doc = etree.fromstring(data)
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)
    return doc


def history_for(quarter):
    """Earlier quarters' figures: FY2019's own shapes; before that, KEC's numbers relabelled."""
    if quarter.year == 2019:
        return kec_figures(period=quarter.code)
    return replace(kec_figures(), period=quarter, year=quarter.fiscal_year)


def kec_xml(db, schema, narratives=None, history=history_for, figures=None):
    figures = figures or kec_figures(narratives)
    report = build_report(
        db, figures, prepared=PREPARED, history=by_quarter(figures, history) if history else None
    )
    return valid(schema, iati.render(report))


def test_activity_header(db, schema):
    doc = kec_xml(db, schema)
    assert doc.tag == "iati-activities" and doc.get("version") == "2.03"
    assert doc.get("generated-datetime") == "2019-07-15T08:00:00Z"
    activity = doc.find("iati-activity")
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert activity.findtext("iati-identifier") == "XM-DAC-47066-KEC"
    reporting = activity.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == ("XM-DAC-47066", "40")
    assert activity.findtext("title/narrative").startswith("Improving knowledge, enforcement")
    assert activity.findtext("description/narrative").startswith("Strengthens the Government of Rwanda")
    orgs = [
        (o.get("role"), o.get("ref"), o.get("type"), o.findtext("narrative"))
        for o in activity.findall("participating-org")
    ]
    assert orgs == [  # identifiers as the IATI Registry lists them, from the programme file
        ("1", "US-GOV-1", "10", "USAID"),
        ("4", "XM-DAC-47066", "40", "International Organization for Migration (IOM)"),
        ("4", "XM-DAC-41146", "40", "UN Women"),
        ("4", "XM-DAC-41122", "40", "UNICEF"),
    ]
    assert activity.find("activity-status").get("code") == "2"
    assert [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")] == [
        ("1", "2017-01-01"),
        ("2", "2017-01-01"),
        ("3", "2020-06-30"),
    ]
    assert activity.find("recipient-country").get("code") == "RW"
    assert [s.attrib for s in activity.findall("sector")] == [
        {"vocabulary": "1", "code": "15190", "percentage": "60"},
        {"vocabulary": "1", "code": "15130", "percentage": "40"},
    ]
    contact = activity.find("contact-info")
    assert contact.get("type") == "1" and contact.findtext("organisation/narrative").startswith(
        "International"
    )
    assert (contact.findtext("email"), contact.findtext("website")) == (
        "iomkigali@iom.int",
        "https://rwanda.iom.int",
    )
    other = activity.find("other-identifier")  # the donor's award number, owned by the donor
    assert (other.get("ref"), other.get("type"), other.find("owner-org").get("ref")) == (
        "AID-696-A-17-00001",
        "A9",
        "US-GOV-1",
    )
    assert activity.get("humanitarian") is None


def test_results_indicators_references_and_baselines(db, schema):
    activity = kec_xml(db, schema).find("iati-activity")
    results = activity.findall("result")
    assert [(r.get("type"), r.findtext("title/narrative")) for r in results] == [
        ("2", "1. Evidence on trafficking informs policy."),
        ("2", "2. The legal and policy framework is strengthened."),
        ("1", "4. Front-line actors have the skills to prevent trafficking."),
    ]
    # a result holding a percentage is not added up across activities; one of counts is
    assert [r.get("aggregation-status") for r in results] == ["1", "1", "0"]
    indicators = {
        i.findtext("title/narrative").split()[0]: i for r in results for i in r.findall("indicator")
    }
    assert list(indicators) == ["KEC-1.1", "KEC-2.1", "KEC-4.2", "KEC-4.3"]
    assert indicators["KEC-4.2"].attrib == {"measure": "1", "ascending": "1", "aggregation-status": "1"}
    assert indicators["KEC-4.3"].attrib == {"measure": "2", "ascending": "1", "aggregation-status": "0"}
    reference = indicators["KEC-4.2"].find("reference")
    assert (reference.get("vocabulary"), reference.get("code")) == ("3", "PS.5.3-15")
    assert indicators["KEC-1.1"].find("reference") is None
    assert indicators["KEC-4.2"].find("baseline").attrib == {
        "year": "2017",
        "iso-date": "2017-01-01",
        "value": "0",
    }
    assert indicators["KEC-4.3"].find("baseline") is None  # no baseline in the logframe
    assert indicators["KEC-1.1"].findtext("description/narrative") == "Studies published during the period."


def test_the_award_locations_and_the_humanitarian_flag(db, schema):
    """The donor's award number, where the activities took place (never where victims were found), and PVR's
    work in refugee camps marked humanitarian; each result with the description of its file."""
    from datetime import date

    from exports.formats import FORMATS
    from indicators.reporting.reporting import report_file
    from tests.builders import make_awareness, make_case, make_training, programme

    programme(db, "PVR").award_number = "SPRMCO18CA0042"
    make_training(db, "PVR", start_date=date(2019, 2, 11), district="Kirehe")
    make_awareness(
        db, "PVR", date=date(2019, 5, 2), district="Karongi", setting="Refugee camp", camp="Kiziba"
    )
    make_training(db, "PVR", start_date=date(2019, 8, 20), district="Gicumbi")  # after the report quarter
    make_case(db, "PVR", date_identified=date(2019, 3, 1), location="Nyarugenge")
    doc = valid(schema, report_file(db, "PVR", "FY2019Q3", FORMATS, "iati", small_cell=5)[0])
    activity = doc.find("iati-activity")
    assert activity.get("humanitarian") == "1"
    other = activity.find("other-identifier")
    assert (other.get("ref"), other.get("type")) == ("SPRMCO18CA0042", "A9")
    assert (other.find("owner-org").get("ref"), other.findtext("owner-org/narrative")) == (
        "US-GOV-11",
        "U.S. Department of State",
    )
    places = {loc.findtext("name/narrative"): loc for loc in activity.findall("location")}
    assert set(places) == {"Kirehe District", "Karongi District"}
    kirehe = places["Kirehe District"]
    assert kirehe.get("ref") == "PVR-RW-55" and kirehe.find("feature-designation").get("code") == "ADM2"
    latitude, longitude = map(float, kirehe.findtext("point/pos").split())
    assert -2.6 < latitude < -2.0 and 30.4 < longitude < 30.9  # the district's centre, south-east Rwanda
    results = {r.findtext("title/narrative").split(".")[0]: r for r in activity.findall("result")}
    assert results["3"].findtext("description/narrative").startswith("Case management of possible and actual")


def periods_of(indicator):
    return [
        (p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date"), p)
        for p in indicator.findall("period")
    ]


def indicator(doc, code):
    return next(i for i in doc.iter("indicator") if i.findtext("title/narrative").startswith(code + " "))


def test_periods_quarters_years_and_life_of_project(db, schema):
    k42 = indicator(kec_xml(db, schema), "KEC-4.2")
    periods = periods_of(k42)
    quarters = [(s, e) for s, e, p in periods if p.find("target") is None]
    assert quarters[0] == ("2017-01-01", "2017-03-31")  # FY2017 Q2, from the programme's start
    assert quarters[-1] == ("2019-04-01", "2019-06-30") and len(quarters) == 10
    targets = [(s, e, p.find("target").get("value")) for s, e, p in periods if p.find("target") is not None]
    assert targets == [
        ("2017-01-01", "2017-09-30", "400"),
        ("2017-10-01", "2018-09-30", "400"),
        ("2018-10-01", "2019-09-30", "400"),
        ("2017-01-01", "2020-06-30", "1120"),
    ]

    q3 = next(p for s, e, p in periods if s == "2019-04-01")
    actuals = [
        (a.get("value"), [(d.get("name"), d.get("value")) for d in a.findall("dimension")])
        for a in q3.findall("actual")
    ]
    assert actuals == [
        ("120", []),
        ("70", [("sex", "Female")]),
        ("50", [("sex", "Male")]),
        ("120", [("target_group", "Law enforcement")]),
    ]

    fy2019 = next(p for s, e, p in periods if (s, e) == ("2018-10-01", "2019-09-30"))
    total = fy2019.find("actual")
    assert total.get("value") == "310"
    assert total.findtext("comment/narrative") == "FY2019 to date: through FY2019 Q3 (ending 30 June 2019)."
    assert all(a.find("comment") is not None for a in fy2019.findall("actual"))
    fy2018 = next(p for s, e, p in periods if (s, e) == ("2017-10-01", "2018-09-30"))
    assert fy2018.find("actual/comment") is None  # a complete year needs no caveat

    lop = next(p for s, e, p in periods if (s, e) == ("2017-01-01", "2020-06-30"))
    assert lop.find("actual").get("value") == "1234"
    assert lop.findtext("actual/comment/narrative").startswith("Life of project to date: through FY2019 Q3")


def test_percent_values_and_narrative_comment(db, schema):
    doc = kec_xml(db, schema, narratives={"KEC-4.3": INJECTIONS[4] + " <b>&amp;\x01"})
    k43 = indicator(doc, "KEC-4.3")
    q3 = next(p for s, e, p in periods_of(k43) if s == "2019-04-01")
    assert q3.find("actual").get("value") == "81.3"  # 13/16 = 81.25, rounded half up as on screen
    assert (
        q3.findtext("actual/comment/narrative") == INJECTIONS[4] + " <b>&amp;"
    )  # escaped, control char dropped
    fy = next(p for s, e, p in periods_of(k43) if (s, e) == ("2018-10-01", "2019-09-30"))
    assert (fy.find("target").get("value"), fy.find("actual").get("value")) == ("80", "78.5")


def test_without_history_the_report_quarter_alone(db, schema):
    doc = kec_xml(db, schema, history=None)
    spans = [(s, e) for s, e, _ in periods_of(indicator(doc, "KEC-4.2"))]
    assert spans == [("2019-04-01", "2019-06-30"), ("2018-10-01", "2019-09-30"), ("2017-01-01", "2020-06-30")]


def test_last_quarter_finalises_the_activity(db, schema):
    figures = kec_figures()
    ending = replace(figures, programme=replace(figures.programme, end_date=figures.period.end))
    doc = kec_xml(db, schema, history=None, figures=ending)
    activity = doc.find("iati-activity")
    assert activity.find("activity-status").get("code") == "3"
    assert ("4", "2019-06-30") in [
        (d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")
    ]
    lop = periods_of(indicator(doc, "KEC-4.2"))[-1][2]
    assert lop.find("actual/comment") is None


def test_gift_on_calendar_quarters_lop_targets_and_budgets(db, schema):
    from indicators.periods import CALENDAR

    def history(quarter):
        assert quarter.calendar == CALENDAR
        return replace(gift_figures(), period=quarter, year=quarter.fiscal_year)

    figures = gift_figures()
    report = build_report(db, figures, prepared=PREPARED, history=by_quarter(figures, history))
    doc = valid(schema, iati.render(report))
    activity = doc.find("iati-activity")
    assert activity.findtext("iati-identifier") == "XM-DAC-47066-GIFT"
    assert [o.findtext("narrative") for o in activity.findall("participating-org")] == [
        "UN.GIFT",
        "International Organization for Migration (IOM)",
        "UNODC",
    ]  # IOM is listed once
    budgets = [
        (b.get("status"), b.find("period-start").get("iso-date"), b.findtext("value"))
        for b in activity.findall("budget")
    ]
    assert budgets == [("2", "2011-10-01", "302226"), ("1", "2012-04-01", "460000")]
    g11 = indicator(doc, "GIFT-1.1")
    spans = [
        (s, e, p.find("target") is not None and p.find("target").get("value")) for s, e, p in periods_of(g11)
    ]
    # 2011 Q4 and 2012 Q1 as calendar quarters; no year targets, so no year periods; the LOP with its target.
    assert spans == [
        ("2011-10-01", "2011-12-31", False),
        ("2012-01-01", "2012-03-31", False),
        ("2011-10-01", "2013-03-31", "200"),
    ]


def _dimensions(period):
    return {
        a.find("dimension").get("value"): (a.get("value"), a.findtext("comment/narrative"))
        for a in period.findall("actual")
        if a.find("dimension") is not None
    }


def test_victim_figures_are_published_as_the_disclosure_plan_says(db, schema):
    """Totals every quarter, categories for the life of project only, small counts withheld with a comment;
    a threshold of 0 publishes every count (the attack on these files is in tests/indicators)."""
    from datetime import date

    from exports.formats import FORMATS
    from indicators.reporting.reporting import report_file
    from tests.builders import make_case

    for n in range(9):
        make_case(db, "PVR", date_identified=date(2019, 1, 7 + n), sex="Female" if n < 7 else "Male")
    for day in (date(2019, 4, 9), date(2019, 5, 21)):
        make_case(db, "PVR", date_identified=day, sex="Female")
    xml, _ = report_file(db, "PVR", "FY2019Q3", FORMATS, "iati", small_cell=5)
    doc = valid(schema, xml)
    indicator = next(i for i in doc.iter("indicator") if i.findtext("title/narrative").startswith("PVR-3.1"))
    periods = {p.find("period-start").get("iso-date"): p for p in indicator.iter("period")}
    quarter, lop = periods["2019-04-01"], periods["2018-02-01"]
    total = quarter.find("actual")  # 2 victims: withheld, "<5" or, where that label would say too much, "*"
    assert total.get("value") is None and total.findtext("comment/narrative").startswith("Withheld")
    assert not _dimensions(quarter)  # a single quarter's categories are not published
    categories = _dimensions(lop)
    assert set(categories) == {"Female", "Male", "Burundi", "Adult"}
    # Male 2 is withheld, and Female 9 with it: 11 − 9 would give it away
    for sex in ("Male", "Female"):
        assert categories[sex][0] is None and "Withheld" in categories[sex][1]
    published = [float(a.get("value")) for a in indicator.iter("actual") if a.get("value") is not None]
    assert published and not [n for n in published if 0 < n < 5]
    exact = valid(schema, report_file(db, "PVR", "FY2019Q3", FORMATS, "iati", small_cell=0)[0])
    indicator = next(
        i for i in exact.iter("indicator") if i.findtext("title/narrative").startswith("PVR-3.1")
    )
    periods = {p.find("period-start").get("iso-date"): p for p in indicator.iter("period")}
    assert periods["2019-04-01"].find("actual").get("value") == "2"
    assert {k: v[0] for k, v in _dimensions(periods["2019-04-01"]).items() if k in ("Female", "Male")} == {
        "Female": "2",
        "Male": "0",
    }


def test_counts_of_activities_are_never_withheld(db, schema):
    doc = kec_xml(db, schema)
    values = [a.get("value") for a in doc.iter("actual") if a.find("dimension") is not None]
    assert values and None not in values


FRENCH_TITLE = "Améliorer les connaissances, l'application de la loi et la coordination contre la traite"
FRENCH_DESCRIPTION = (
    "Renforce la réponse du Rwanda à la traite des personnes par la recherche et la formation."
)


def _programme_file_with(db, tmp_path, iati_texts: dict) -> Path:
    """KEC's programme file as `programmes export` writes it, with ``iati.translations`` set as an officer
    would type it into the file."""
    import yaml

    from indicators.programmes import definitions
    from indicators.store.models import Programme

    programme = db.query(Programme).filter_by(code="KEC").one()
    data = yaml.safe_load(definitions.to_yaml(definitions.from_store(programme)))
    data.setdefault("iati", {})["translations"] = iati_texts
    path = tmp_path / "kec.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_french_title_and_description_published_beside_the_english(db, schema, tmp_path):
    from indicators.programmes import definitions

    path = _programme_file_with(
        db, tmp_path, {"fr": {"title": FRENCH_TITLE, "description": FRENCH_DESCRIPTION}}
    )
    definitions.load_directory(db, tmp_path)
    activity = kec_xml(db, schema).find("iati-activity")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for element, english, french in (
        ("title", "Improving knowledge, enforcement", FRENCH_TITLE),
        ("description", "Strengthens the Government of Rwanda", FRENCH_DESCRIPTION),
    ):
        narratives = activity.find(element).findall("narrative")
        assert [n.get(lang) for n in narratives] == [None, "fr"]  # English is the activity's own language
        assert narratives[0].text.startswith(english) and narratives[1].text == french
    # the file written back from the store keeps the translations, so `programmes export` loses nothing
    from indicators.store.models import Programme

    again = definitions.to_yaml(definitions.from_store(db.query(Programme).filter_by(code="KEC").one()))
    assert FRENCH_TITLE in again and path.exists()


def test_a_language_given_only_a_title_gets_its_title_and_no_empty_description(db, schema, tmp_path):
    from indicators.programmes import definitions

    _programme_file_with(db, tmp_path, {"fr": {"title": FRENCH_TITLE}})
    definitions.load_directory(db, tmp_path)
    activity = kec_xml(db, schema).find("iati-activity")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    titles = {n.get(lang): n.text for n in activity.find("title").findall("narrative")}
    assert titles[None].startswith("Improving knowledge") and titles["fr"] == FRENCH_TITLE
    # no French description was given: the description carries the French title rather than nothing
    descriptions = {n.get(lang): n.text for n in activity.find("description").findall("narrative")}
    assert descriptions["fr"] == FRENCH_TITLE and "" not in descriptions.values()


@pytest.mark.parametrize("code", ["en", "French", "FR", "fra-x"])
def test_a_translation_under_something_not_a_language_code_is_refused_with_the_key(db, tmp_path, code):
    from indicators.programmes import definitions

    path = _programme_file_with(db, tmp_path, {code: {"title": FRENCH_TITLE}})
    with pytest.raises(definitions.DefinitionError) as refused:
        definitions.read_file(path)
    message = str(refused.value)
    assert message.startswith("kec.yaml: iati.translations") and repr(code) in message
