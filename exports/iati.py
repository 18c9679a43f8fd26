"""IATI activity standard 2.03: one ``iati-activity`` per programme, its logframe as ``result`` elements.

Choices (the standard leaves them to the publisher):
- Identifier ``XM-DAC-47066-<CODE>``; IOM (XM-DAC-47066, multilateral, type 40) reports and implements; the
  donor funds (role 1); the programme's partners other than IOM implement beside it (role 4). The donor's and
  partners' IATI identifiers and organisation types are the programme file's (``iati.identifiers``,
  ``organisation_types``); a name it does not give goes without one. The donor's award number is an
  ``other-identifier`` (A9) owned by the donor; ``contact-info`` is the programme file's ``iati.contact``.
- Where: each district where trainings or awareness events took place up to the report quarter, as a
  ``location`` with the district's administrative code (the shipped boundaries'), its centre (exactness 2,
  approximate) and ADM2; never where victims were identified. ``humanitarian="1"`` where the programme file
  says so (PVR works in refugee camps). Sectors: the programme file's DAC purpose codes and shares.
- A result is aggregable (``aggregation-status="1"``) when all its indicators are counts, as an indicator is.
- The activity is described as at the end of the report quarter: status Implementation (2), or Finalisation
  (3) when the report quarter is the programme's last; planned start and end, actual start, and the actual
  end only once the report quarter reaches it. Recipient country Rwanda; without sectors in the programme
  file, DAC 15190 (facilitation of orderly, safe, regular and responsible migration and mobility), the
  purpose code closest to counter-trafficking work.
- Result type from the logframe level: output 1, outcome 2, goal 3 (impact); a result with no indicator
  is left out (IATI requires one). Measure 1 (unit) or 2 (percentage), ascending; a standard ("F")
  indicator carries ``reference vocabulary="3"``; the baseline is dated at the programme start.
- Periods carry the report's own figures, never invented ones:
  * one period per quarter, programme start to report quarter: the quarter's ``actual`` and one ``actual``
    per disaggregation category (``dimension``); quarters have no targets, and none is pro-rated for them;
  * one period per year that has a target: the year's target, and the year's actual (to date, with a
    ``comment`` saying through which quarter, when the year is not over);
  * one life-of-project period: the LOP target and the actual to date (same comment rule).
  Periods are clipped to the programme's dates. Percent values are on 0–100, as ``measure="2"`` expects.
- The deviation narrative of a quarter is that quarter's actual ``comment``.
- The file is public: the report it is given carries the figures of indicators counted from case sheets as
  ``indicators.protection.disclosure`` plans them for everyone (categories for the life of project only, small counts
  and those that would give them away withheld). A withheld figure keeps its ``actual`` (and ``dimension``)
  with no ``value`` and a comment saying why; a category not published for a period is not written.
Only the standard library writes the XML; lxml validates it against the official schema in the tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

from exports.options import DEFAULT, Options
from indicators.numbers import plain
from indicators.periods import parse
from indicators.report import CategoryActual, IndicatorRow, PeriodTarget, Report, day_in_words

IOM_REF = "XM-DAC-47066"
IOM_NAME = "International Organization for Migration (IOM)"
IOM_NAMES = {
    "iom",
    "international organization for migration",
    "international organization for migration (iom)",
}
MULTILATERAL = "40"  # IOM's own organisation type; the donor's and partners' come from the programme file
RESULT_TYPES = {"output": "1", "outcome": "2", "goal": "3"}
MEASURES = {"number": "1", "percent": "2"}
SECTOR_MIGRATION = "15190"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(report: Report, options: Options = DEFAULT) -> bytes:
    c = report.cover
    generated = _stamp(c.prepared)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": generated})
    activity = ET.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": generated,
            XML_LANG: "en",
            "default-currency": c.currency,
            **({"humanitarian": "1"} if c.humanitarian else {}),
        },
    )
    _text(activity, "iati-identifier", f"{IOM_REF}-{c.programme_code}")
    _narrative(ET.SubElement(activity, "reporting-org", {"ref": IOM_REF, "type": MULTILATERAL}), IOM_NAME)
    _narrative(ET.SubElement(activity, "title"), c.programme_title, _translated(c.translations, "title"))
    _narrative(
        ET.SubElement(activity, "description", {"type": "1"}),
        c.description or c.programme_title,
        _translated(c.translations, "description") or _translated(c.translations, "title"),
    )

    refs = c.organisation_refs
    _org(activity, c.donor, role="1", ref=refs.get(c.donor), type_=c.organisation_types.get(c.donor))
    _org(activity, IOM_NAME, role="4", ref=IOM_REF, type_=MULTILATERAL)
    for partner in c.partners:
        if partner.strip().lower() not in IOM_NAMES:
            _org(activity, partner, role="4", ref=refs.get(partner), type_=c.organisation_types.get(partner))
    if c.award_number:  # the donor's own number for the award
        other = ET.SubElement(activity, "other-identifier", {"ref": c.award_number, "type": "A9"})
        _narrative(
            ET.SubElement(other, "owner-org", {"ref": refs[c.donor]} if c.donor in refs else {}), c.donor
        )

    last_quarter = c.period_end >= c.programme_end
    ET.SubElement(activity, "activity-status", {"code": "3" if last_quarter else "2"})
    _date(activity, "1", c.programme_start)
    _date(activity, "2", c.programme_start)
    _date(activity, "3", c.programme_end)
    if last_quarter:
        _date(activity, "4", c.programme_end)
    if c.contact:
        _contact(activity, c.contact)
    ET.SubElement(activity, "activity-scope", {"code": "4"})  # national
    ET.SubElement(activity, "recipient-country", {"code": "RW", "percentage": "100"})
    for place in c.locations:
        _location(activity, c.programme_code, place)
    for code, share in c.sectors or ((SECTOR_MIGRATION, 100.0),):
        ET.SubElement(activity, "sector", {"vocabulary": "1", "code": code, "percentage": plain(share)})
    for phase in c.phases:
        # A phase's budget is committed (2) once fully pledged, indicative (1) until then.
        status = "2" if phase.pledged >= phase.budget else "1"
        budget = ET.SubElement(activity, "budget", {"type": "1", "status": status})
        ET.SubElement(budget, "period-start", {"iso-date": phase.start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": phase.end.isoformat()})
        _text(
            budget,
            "value",
            plain(phase.budget),
            {"currency": c.currency, "value-date": phase.start.isoformat()},
        )

    for group in report.results:
        if not group.indicators:
            continue
        countable = "1" if all(ind.unit != "percent" for ind in group.indicators) else "0"
        result = ET.SubElement(
            activity, "result", {"type": RESULT_TYPES.get(group.level, "9"), "aggregation-status": countable}
        )
        _narrative(ET.SubElement(result, "title"), f"{group.code}. {group.statement}")
        if group.description:
            _narrative(ET.SubElement(result, "description"), group.description)
        for ind in group.indicators:
            _indicator(result, report, ind)

    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _indicator(result: ET.Element, report: Report, ind: IndicatorRow) -> None:
    c = report.cover
    element = ET.SubElement(
        result,
        "indicator",
        {
            "measure": MEASURES.get(ind.unit, "1"),
            "ascending": "1",
            "aggregation-status": "0" if ind.unit == "percent" else "1",
        },
    )
    _narrative(ET.SubElement(element, "title"), f"{ind.code} {ind.name}")
    if ind.definition:
        _narrative(ET.SubElement(element, "description"), ind.definition)
    if ind.standard_indicator:
        ET.SubElement(element, "reference", {"vocabulary": "3", "code": ind.standard_indicator})
    if ind.baseline is not None:
        ET.SubElement(
            element,
            "baseline",
            {
                "year": str(c.programme_start.year),
                "iso-date": c.programme_start.isoformat(),
                "value": plain(ind.baseline),
            },
        )
    for quarter in ind.history:
        period = _period(element, quarter.start, quarter.end)
        _actual(period, quarter.actual, quarter.categories, quarter.comment, withheld=quarter.withheld)
    for year in ind.years:
        if year.target is not None:
            _target_period(element, year, c.calendar)
    if ind.life_of_project is not None:
        _target_period(element, ind.life_of_project, c.calendar)


def _target_period(indicator: ET.Element, figures: PeriodTarget, calendar: str) -> None:
    period = _period(indicator, figures.start, figures.end)
    if figures.target is not None:
        ET.SubElement(period, "target", {"value": plain(figures.target)})
    for cat in figures.categories:
        if cat.target is not None:
            target = ET.SubElement(period, "target", {"value": plain(cat.target)})
            ET.SubElement(target, "dimension", {"name": cat.disaggregation, "value": cat.category})
    comment = None
    if not figures.complete:  # the actual covers only part of the period its target is for
        through = parse(figures.through, calendar)
        what = "Life of project" if figures.code == "LOP" else figures.code
        comment = (
            f"{what} to date: through {_quarter_words(figures.through)} "
            f"(ending {day_in_words(min(through.end, figures.end))})."
        )
    _actual(period, figures.actual, figures.categories, comment, partial=True, withheld=figures.withheld)


def _actual(
    period: ET.Element,
    value: float | None,
    categories: tuple[CategoryActual, ...],
    comment: str | None,
    partial: bool = False,
    withheld: str | None = None,
) -> None:
    """The total's actual (no value for a ratio of nothing or a withheld count; the comment still goes), then
    one per category; a ``partial`` period's comment (to date, through which quarter) goes on every one of
    them, and a withheld count's comment says why it has no value."""
    notes = [comment] if comment else []
    if withheld:
        notes.append(_withheld_note(withheld))
    if value is not None or notes:
        actual = ET.SubElement(period, "actual", {"value": plain(value)} if value is not None else {})
        if notes:
            _narrative(ET.SubElement(actual, "comment"), " ".join(notes))
    for cat in categories:
        if cat.actual is None and not cat.withheld:
            continue
        actual = ET.SubElement(
            period, "actual", {"value": plain(cat.actual)} if cat.actual is not None else {}
        )
        ET.SubElement(actual, "dimension", {"name": cat.disaggregation, "value": cat.category})
        notes = [comment] if comment and partial else []
        if cat.withheld:
            notes.append(_withheld_note(cat.withheld))
        if notes:
            _narrative(ET.SubElement(actual, "comment"), " ".join(notes))


def _withheld_note(label: str) -> str:
    if label.startswith("<"):
        return f"Withheld: fewer than {label[1:]} people (small counts of victims are not published)."
    return (
        "Withheld so that a small count of victims cannot be worked out from the figures published with it."
    )


def _period(indicator: ET.Element, start: date, end: date) -> ET.Element:
    period = ET.SubElement(indicator, "period")
    ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
    ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
    return period


def _org(
    activity: ET.Element, name: str, *, role: str, ref: str | None = None, type_: str | None = None
) -> None:
    attrs = {}
    if ref:
        attrs["ref"] = ref
    if type_:
        attrs["type"] = type_
    attrs["role"] = role
    _narrative(ET.SubElement(activity, "participating-org", attrs), name)


def _contact(activity: ET.Element, contact: dict) -> None:
    """General enquiries (type 1), in the schema's order of its parts."""
    info = ET.SubElement(activity, "contact-info", {"type": "1"})
    _narrative(ET.SubElement(info, "organisation"), contact["organisation"])
    if contact.get("department"):
        _narrative(ET.SubElement(info, "department"), contact["department"])
    for key in ("telephone", "email", "website"):
        if contact.get(key):
            _text(info, key, contact[key])
    if contact.get("mailing_address"):
        _narrative(ET.SubElement(info, "mailing-address"), contact["mailing_address"])


def _location(activity: ET.Element, programme: str, place) -> None:
    """A district where activities took place: its administrative code as the publisher's reference, its name,
    its centre (approximate), a first-order administrative region (ADM2: a district)."""
    location = ET.SubElement(activity, "location", {"ref": f"{programme}-RW-{place.code}"})
    ET.SubElement(location, "location-reach", {"code": "1"})  # where the activity happens
    _narrative(ET.SubElement(location, "name"), f"{place.name} District")
    _narrative(
        ET.SubElement(location, "description"),
        f"District {place.code} of Rwanda's administrative boundaries (NISR code)",
    )
    point = ET.SubElement(location, "point", {"srsName": "http://www.opengis.net/def/crs/EPSG/0/4326"})
    _text(point, "pos", f"{place.latitude:.4f} {place.longitude:.4f}")
    ET.SubElement(location, "exactness", {"code": "2"})  # approximate: the district's centre
    ET.SubElement(location, "location-class", {"code": "1"})  # administrative region
    ET.SubElement(location, "feature-designation", {"code": "ADM2"})


def _date(activity: ET.Element, type_: str, day: date) -> None:
    ET.SubElement(activity, "activity-date", {"type": type_, "iso-date": day.isoformat()})


def _narrative(parent: ET.Element, text: str, translations: dict[str, str] | None = None) -> ET.Element:
    """The English narrative (the activity's default language), then one per other language given."""
    element = ET.SubElement(parent, "narrative")
    element.text = _clean(text)
    for language, translated in sorted((translations or {}).items()):
        ET.SubElement(parent, "narrative", {XML_LANG: language}).text = _clean(translated)
    return parent


def _translated(translations: dict[str, dict[str, str]], key: str) -> dict[str, str]:
    """Language code -> the programme's ``key`` text in that language, for the languages that give one."""
    return {language: texts[key] for language, texts in translations.items() if texts.get(key)}


def _text(parent: ET.Element, tag: str, text: str, attrs: dict | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs or {})
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    """Drop the control characters XML 1.0 cannot carry (ElementTree would write them and break the file)."""
    return "".join(
        ch
        for ch in str(text)
        if (ch in "\t\n\r" or ord(ch) >= 0x20)
        and ch not in "\ufffe\uffff"
        and not 0xD800 <= ord(ch) <= 0xDFFF
    )


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment.tzinfo is None else moment.isoformat()


def _quarter_words(code: str) -> str:
    return code.replace("Q", " Q")
