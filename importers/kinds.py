"""The sheet kinds of DOMAIN §4, each described once: columns with their header synonyms and value types,
the closed lists they draw on, and the cross-field rules. Reading, checking, storing and the blank
templates are all driven by these descriptions; there is no parser written per kind. How a column is
described is in ``importers.columns``; the case sheets (the kind's own layout and IOM's HTCDS) are in
``importers.case_kinds``.
"""

from __future__ import annotations

from importers import matching
from importers import rules as r
from importers import values as t
from importers.case_kinds import CASES, HTCDS_CASES
from importers.columns import (
    DATA,
    DISTRICT,
    IDENTIFIER,
    IGNORED,
    KEYED,
    PROJECT,
    REFERENCE,
    ROW_NUMBER,
    TRANSIENT,
    Column,
    Layout,
)
from indicators.i18n import N_
from indicators.store.kinds import KEYS, kind

__all__ = [
    "BY_KIND",
    "CASES",
    "DATA",
    "HTCDS_CASES",
    "IDENTIFIER",
    "IGNORED",
    "KEYED",
    "KINDS",
    "LAYOUTS",
    "TRANSIENT",
    "Column",
    "Layout",
]


def _counts(what: str, female: tuple[str, ...], male: tuple[str, ...]) -> tuple[Column, Column]:
    return (
        Column(
            "female",
            f"Female {what}",
            female,
            t.Integer(),
            default=0,
            help=N_("whole number; blank means 0"),
            width=11,
        ),
        Column(
            "male",
            f"Male {what}",
            male,
            t.Integer(),
            default=0,
            help=N_("whole number; blank means 0"),
            width=11,
        ),
    )


TRAININGS = Layout(
    spec=kind("trainings"),
    title="Trainings",
    name_hints=("training", "capacity"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column(
            "start_date",
            "Start date",
            ("Date", "Training date", "From", "Date of training", "Start"),
            t.Date(),
            required=True,
            help=N_("dd/mm/yyyy, within the project period, not in the future"),
            width=12,
        ),
        Column(
            "end_date",
            "End date",
            ("To", "Until", "End", "Date ended"),
            t.Date(),
            help=N_("optional; on or after the start date"),
            width=12,
        ),
        Column("district", "District", ("Location", "Venue district"), DISTRICT, required=True, width=14),
        Column(
            "target_group",
            "Target group",
            (
                "Participants type",
                "Audience",
                "Participant type",
                "Target audience",
                "Participants category",
                "Trainees",
            ),
            t.Choice(matching.TARGET_GROUPS),
            required=True,
            width=26,
        ),
        Column(
            "topic",
            "Topic",
            ("Title", "Training", "Subject", "Training topic", "Training title", "Course"),
            t.Text(),
            width=36,
        ),
        *_counts(
            "participants",
            ("Female", "Women", "Participants (F)", "F", "Female trained"),
            ("Male", "Men", "Participants (M)", "M", "Male trained"),
        ),
        Column(
            "total",
            "Total participants",
            ("Total", "Total trained", "Participants (total)", "Participants", "Number of participants"),
            t.Integer(),
            stored=False,
            help=N_("optional; must equal female + male"),
            width=11,
        ),
        Column(
            "passed_post_test",
            "Passed post-test",
            ("Post-test passed", "Passed post test", "Passed test", "Passed the post-test", "Post-test"),
            t.Integer(),
            help=N_("optional; blank when no post-test was given; at most the participants"),
            width=11,
        ),
        Column(
            "partner",
            "Organised with",
            ("Partner", "Partners", "Organized with", "In partnership with"),
            t.Text(200),
            width=20,
        ),
    ),
    rules=(
        r.SumEquals("total", ("female", "male"), "female + male"),
        r.AtMost("passed_post_test", ("female", "male"), "participants"),
        r.InPeriod("start_date"),
        r.NotBefore("end_date", "start_date", "start date"),
        r.InPeriod("end_date", programme_period=False),
    ),
)

AWARENESS = Layout(
    spec=kind("awareness"),
    title="Awareness",
    name_hints=("awareness", "sensiti", "outreach", "campaign", "reach"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column(
            "date",
            "Date",
            ("Event date", "Date of event", "Activity date"),
            t.Date(),
            required=True,
            help=N_("dd/mm/yyyy, within the project period, not in the future"),
            width=12,
        ),
        Column("district", "District", ("Location",), DISTRICT, required=True, width=14),
        Column(
            "setting",
            "Setting",
            ("Venue type", "Venue", "Place type"),
            t.Choice(matching.SETTINGS),
            required=True,
            width=14,
        ),
        Column(
            "camp",
            "Refugee camp",
            ("Camp", "Camp name"),
            t.Choice(
                matching.CAMPS,
                "one of the six refugee camps: Mahama, Kiziba, Nyabiheke, Gihembe, Kigeme, Mugombwa",
            ),
            help=N_("required when the setting is Refugee camp; the camp's district must be the district"),
            width=13,
        ),
        Column(
            "activity",
            "Activity",
            ("Event", "Type", "Activity type", "Event type", "Description"),
            t.Text(),
            width=30,
        ),
        *_counts(
            "reached",
            ("Women reached", "Female", "Women", "F", "Females reached"),
            ("Men reached", "Male", "Men", "M", "Males reached"),
        ),
        Column(
            "total",
            "Total reached",
            ("Total", "People reached", "Total people reached"),
            t.Integer(),
            stored=False,
            help=N_("optional; must equal female + male"),
            width=11,
        ),
        Column(
            "under_18",
            "Of whom under 18",
            ("Children", "Under 18", "Under-18", "Children reached", "Of which under 18"),
            t.Integer(),
            help=N_("optional; at most the people reached"),
            width=11,
        ),
    ),
    rules=(
        r.SumEquals("total", ("female", "male"), "female + male"),
        r.AtMost("under_18", ("female", "male"), "people reached"),
        r.RequiredWhen("camp", "setting", "Refugee camp", "the refugee camp"),
        r.CampInDistrict(),
        r.InPeriod("date"),
    ),
)

POLICIES = Layout(
    spec=kind("policies"),
    title="Policies",
    name_hints=("polic", "law", "legal", "instrument", "framework"),
    natural_key=("instrument", "stage"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column(
            "instrument",
            "Instrument",
            ("Title", "Policy", "Law", "Instrument name", "Name of instrument", "Document"),
            t.Text(300),
            required=True,
            help=N_("the instrument's name, written the same way on each of its stages"),
            width=40,
        ),
        Column(
            "instrument_type",
            "Type",
            ("Instrument type", "Type of instrument", "Category"),
            t.Choice(matching.INSTRUMENT_TYPES),
            required=True,
            width=26,
        ),
        Column(
            "stage",
            "Stage",
            ("Status", "Stage reached", "Step"),
            t.Choice(matching.POLICY_STAGES),
            required=True,
            help=N_("Drafted, then Validated, then Adopted: one row per stage"),
            width=11,
        ),
        Column(
            "date",
            "Date",
            ("Stage date", "Date reached", "Date of stage"),
            t.Date(),
            required=True,
            help=N_("the date the stage was reached"),
            width=12,
        ),
        Column(
            "lead_institution",
            "Lead institution",
            ("Institution", "Lead", "Lead agency", "Ministry"),
            t.Text(200),
            width=24,
        ),
    ),
    rules=(r.InPeriod("date"),),
)

MEETINGS = Layout(
    spec=kind("meetings"),
    title="Meetings",
    name_hints=("meeting", "coordination", "committee"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column("date", "Date", ("Meeting date", "Date of meeting"), t.Date(), required=True, width=12),
        Column(
            "body",
            "Body",
            ("Meeting", "Committee", "Forum", "Coordination body", "Meeting of"),
            t.Text(200),
            required=True,
            help=N_("e.g. Technical Committee"),
            width=26,
        ),
        Column(
            "participants",
            "Participants",
            ("Attendance", "Number of participants", "Attendees", "Participants (total)"),
            t.Integer(),
            default=0,
            width=12,
        ),
        Column(
            "institutions",
            "Institutions represented",
            (
                "Institutions",
                "Organisations represented",
                "Number of institutions",
                "Organizations represented",
            ),
            t.Integer(),
            default=0,
            width=12,
        ),
        Column(
            "decisions",
            "Decisions",
            ("Key decisions", "Outcomes", "Action points", "Resolutions"),
            t.Text(),
            width=40,
        ),
    ),
    rules=(r.InPeriod("date"),),
)

RESEARCH = Layout(
    spec=kind("research"),
    title="Research",
    name_hints=("research", "stud", "assessment"),
    natural_key=("title", "stage"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column(
            "title",
            "Title",
            ("Study", "Research", "Title of study", "Study title", "Research title"),
            t.Text(300),
            required=True,
            help=N_("the study's title, written the same way on each of its stages"),
            width=40,
        ),
        Column(
            "stage",
            "Stage",
            ("Status", "Stage reached", "Step"),
            t.Choice(matching.RESEARCH_STAGES),
            required=True,
            help=N_("Inception, Data collection, Validated, Published: one row per stage"),
            width=15,
        ),
        Column("date", "Date", ("Stage date", "Date reached"), t.Date(), required=True, width=12),
    ),
    rules=(r.InPeriod("date"),),
)

RESULTS = Layout(
    spec=kind("results"),
    title="Results",
    name_hints=("result", "indicator", "direct"),
    natural_key=("indicator_id", "quarter", "disaggregation", "category"),
    columns=(
        REFERENCE,
        PROJECT,
        ROW_NUMBER,
        Column(
            "indicator",
            "Indicator",
            ("Indicator code", "Code", "Indicator no", "Indicator number", "Indicator ID"),
            t.Code("an indicator code such as KEC-4.1"),
            required=True,
            help=N_("the indicator's code, e.g. KEC-4.1"),
            width=12,
        ),
        Column(
            "period",
            "Period",
            ("Quarter", "Reporting period", "Reporting quarter"),
            t.Code("a quarter code such as FY2019Q3 or 2012Q1"),
            required=True,
            help=N_("the reporting quarter, e.g. FY2019Q3 (GIFT: 2012Q1)"),
            width=11,
        ),
        Column(
            "value",
            "Value",
            ("Actual", "Result", "Achieved", "Actual value", "Figure"),
            t.Number(),
            column_required=False,
            help=N_(
                "a number (percentages on a 0–100 scale); for a percentage, may be left blank when its "
                "Numerator and Denominator are given"
            ),
            width=10,
        ),
        Column(
            "numerator",
            "Numerator",
            ("Number meeting the criterion", "Count meeting the criterion", "Of whom"),
            t.Number(),
            help="for a percentage: how many met the criterion (33 of 40 respondents: 33)",
            width=12,
        ),
        Column(
            "denominator",
            "Denominator",
            ("Out of", "Respondents", "Base", "Number asked"),
            t.Number(),
            help="for a percentage: out of how many (33 of 40 respondents: 40); the year and the life of project "
            "are recomputed from the summed parts",
            width=12,
        ),
        Column(
            "disaggregation",
            "Disaggregation",
            ("Category", "Disaggregated by", "Breakdown"),
            t.Disaggregation(),
            help=N_("blank for the total, or e.g. sex=Female, target_group=Media"),
            width=24,
        ),
        Column("comment", "Comment", ("Comments", "Notes", "Remarks", "Source"), t.Text(), width=40),
    ),
    rules=(r.IndicatorOfProgramme(), r.PeriodOfProgramme(), r.DisaggregationOfIndicator(), r.PercentParts()),
    derived=("indicator_id", "disaggregation", "category"),
)

LAYOUTS: tuple[Layout, ...] = (
    TRAININGS,
    AWARENESS,
    POLICIES,
    MEETINGS,
    RESEARCH,
    CASES,
    HTCDS_CASES,
    RESULTS,
)
BY_KIND: dict[str, Layout] = {layout.kind: layout for layout in LAYOUTS if not layout.variant}
# Every kind has its layout (a kind without one could be measured but never uploaded).
KINDS: tuple[str, ...] = tuple(key for key in KEYS if key in BY_KIND)
if KINDS != KEYS:
    raise RuntimeError(f"sheet kinds without an importer layout: {', '.join(sorted(set(KEYS) - set(KINDS)))}")
