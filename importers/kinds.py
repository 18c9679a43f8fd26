"""The sheet kinds of DOMAIN §4, each described once: columns with their header synonyms and value types,
the closed lists they draw on, and the cross-field rules. Reading, checking, storing and the blank
templates are all driven by these descriptions; there is no parser written per kind.

A column's ``role`` says what becomes of it: ``data`` is read and stored (unless ``stored`` is False, as
for a Total column that is only checked), ``transient`` is read, used by a rule and dropped (a birth date
becomes an age group), ``identifier`` is a direct identifier recognised only so that it is never read,
and ``ignored`` is a known column the monitoring does not need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importers import matching
from importers import rules as r
from importers import values as t
from importers.matching import key
from indicators import vocabulary
from indicators.models import (
    Awareness,
    Case,
    Meeting,
    PolicyStep,
    ResearchStep,
    ResultValue,
    Training,
)

DATA, TRANSIENT, IDENTIFIER, IGNORED = "data", "transient", "identifier", "ignored"


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    synonyms: tuple[str, ...] = ()
    type: t.ValueType = field(default_factory=t.Text)
    required: bool = False  # every row needs a value
    column_required: bool | None = None  # the sheet needs the column (default: as ``required``)
    default: Any = None  # the value of a blank cell
    stored: bool = True
    role: str = DATA
    help: str = ""  # for the template's instructions
    width: int = 16  # template column width

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)

    @property
    def needs_column(self) -> bool:
        return self.required if self.column_required is None else self.column_required


@dataclass(frozen=True)
class Sequence:
    """Steps of one item (an instrument, a study) reach their stages in order and each stage once."""

    item: str
    stage: str
    date: str
    order: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    kind: str  # trainings, awareness, ... (the store's kind)
    title: str  # the sheet name used in templates
    model: type
    columns: tuple[Column, ...]
    date_field: str | None  # the date that attributes a row to its quarter (None: given by a rule)
    rules: tuple[r.Rule, ...] = ()
    natural_key: tuple[str, ...] = ()  # what identifies a row that has no reference
    sequence: Sequence | None = None
    sensitive: bool = False  # case data: values never repeated in problems, file never kept
    name_hints: tuple[str, ...] = ()  # words of sheet names that hint at this kind (tie-breaks only)
    extra_quarters: tuple[tuple[str, str], ...] = ()  # (quarter column, date column) besides ``quarter``
    known: tuple[str, ...] = ()  # further headers recognised and ignored (HTCDS fields not used)
    variant: str = ""  # a second layout of the same kind (HTCDS)

    def __post_init__(self):
        index: dict[str, Column] = {}
        for column in self.columns:
            for header in column.headers:
                k = key(header)
                if index.setdefault(k, column) is not column:
                    raise ValueError(f"{self.title}: header {header!r} names two columns")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_known", frozenset(key(h) for h in self.known) - set(index))

    def column_for(self, header_key: str) -> Column | None:
        return self._index.get(header_key)

    def is_known(self, header_key: str) -> bool:
        return header_key in self._known

    @property
    def stored_fields(self) -> tuple[str, ...]:
        fields = [c.field for c in self.columns if c.role == DATA and c.stored and c.field not in _NOT_MODEL]
        return tuple(fields) + _DERIVED.get(self.kind, ())

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role in (DATA, TRANSIENT))


# Columns read but not model attributes; derived model attributes a rule fills.
_NOT_MODEL = {"reference", "project", "indicator", "period", "disaggregation"}
_DERIVED = {"results": ("indicator_id", "disaggregation", "category")}

# -- columns every kind shares -------------------------------------------------------------------------------

REFERENCE = Column(
    "reference",
    "Reference",
    ("Ref", "Ref.", "ID", "Activity ID", "Ref no", "Reference number"),
    t.Text(80),
    help="optional; your own key for the row, unique within the project. "
    "Upload the row again with the same reference to correct it.",
    width=12,
)
PROJECT = Column(
    "project",
    "Project",
    ("Project code", "Programme", "Program", "Project/Programme"),
    t.Code("a project code such as KEC, PVR or GIFT", 20),
    required=True,
    column_required=False,
    help="the project code (KEC, PVR, GIFT); may be left out when the upload names the project",
    width=10,
)
ROW_NUMBER = Column(
    "row_number",
    "No.",
    ("No", "N°", "Nº", "S/N", "SN", "Number", "Row", "Serial number"),
    t.Text(),
    stored=False,
    role=IGNORED,
)
DISTRICT = t.Choice(matching.DISTRICTS, "one of Rwanda's 30 districts")


def _counts(what: str, female: tuple[str, ...], male: tuple[str, ...]) -> tuple[Column, Column]:
    return (
        Column(
            "female",
            f"Female {what}",
            female,
            t.Integer(),
            default=0,
            help="whole number; blank means 0",
            width=11,
        ),
        Column(
            "male", f"Male {what}", male, t.Integer(), default=0, help="whole number; blank means 0", width=11
        ),
    )


TRAININGS = Layout(
    kind="trainings",
    title="Trainings",
    model=Training,
    date_field="start_date",
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
            help="dd/mm/yyyy, within the project period, not in the future",
            width=12,
        ),
        Column(
            "end_date",
            "End date",
            ("To", "Until", "End", "Date ended"),
            t.Date(),
            help="optional; on or after the start date",
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
            help="optional; must equal female + male",
            width=11,
        ),
        Column(
            "passed_post_test",
            "Passed post-test",
            ("Post-test passed", "Passed post test", "Passed test", "Passed the post-test", "Post-test"),
            t.Integer(),
            help="optional; blank when no post-test was given; at most the participants",
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
    kind="awareness",
    title="Awareness",
    model=Awareness,
    date_field="date",
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
            help="dd/mm/yyyy, within the project period, not in the future",
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
            help="required when the setting is Refugee camp; the camp's district must be the district",
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
            help="optional; must equal female + male",
            width=11,
        ),
        Column(
            "under_18",
            "Of whom under 18",
            ("Children", "Under 18", "Under-18", "Children reached", "Of which under 18"),
            t.Integer(),
            help="optional; at most the people reached",
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
    kind="policies",
    title="Policies",
    model=PolicyStep,
    date_field="date",
    name_hints=("polic", "law", "legal", "instrument", "framework"),
    natural_key=("instrument", "stage"),
    sequence=Sequence("instrument", "stage", "date", vocabulary.POLICY_STAGES),
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
            help="the instrument's name, written the same way on each of its stages",
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
            help="Drafted, then Validated, then Adopted: one row per stage",
            width=11,
        ),
        Column(
            "date",
            "Date",
            ("Stage date", "Date reached", "Date of stage"),
            t.Date(),
            required=True,
            help="the date the stage was reached",
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
    kind="meetings",
    title="Meetings",
    model=Meeting,
    date_field="date",
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
            help="e.g. Technical Committee",
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
    kind="research",
    title="Research",
    model=ResearchStep,
    date_field="date",
    name_hints=("research", "stud", "assessment"),
    natural_key=("title", "stage"),
    sequence=Sequence("title", "stage", "date", vocabulary.RESEARCH_STAGES),
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
            help="the study's title, written the same way on each of its stages",
            width=40,
        ),
        Column(
            "stage",
            "Stage",
            ("Status", "Stage reached", "Step"),
            t.Choice(matching.RESEARCH_STAGES),
            required=True,
            help="Inception, Data collection, Validated, Published: one row per stage",
            width=15,
        ),
        Column("date", "Date", ("Stage date", "Date reached"), t.Date(), required=True, width=12),
    ),
    rules=(r.InPeriod("date"),),
)

# -- cases ---------------------------------------------------------------------------------------------------

_IDENTIFIER_HEADERS = (
    "Name",
    "Names",
    "Full name",
    "First name",
    "Last name",
    "Surname",
    "Given name",
    "Family name",
    "Other names",
    "Middle name",
    "Second name",
    "Name of victim",
    "Victim name",
    "Client name",
    "Phone",
    "Telephone",
    "Phone number",
    "Telephone number",
    "Mobile",
    "Mobile number",
    "Tel",
    "Contact",
    "Contacts",
    "Email",
    "E-mail",
    "Email address",
    "Address",
    "Home address",
    "Street",
    "Street address",
    "Residence",
    "ID number",
    "National ID",
    "NID",
    "ID no",
    "Passport",
    "Passport number",
    "Passport no",
    "Document number",
    "Document no",
    "Travel document",
    "Refugee ID",
    "Refugee number",
    "proGres ID",
    "Individual number",
    "Registration number",
    "Father's name",
    "Mother's name",
    "Next of kin",
    "Salutation",
    "GPS",
    "Coordinates",
    "Photo",
)
_BIRTH_HEADERS = ("Date of birth", "Birth date", "Birthdate", "DOB", "D.O.B.", "Born on")


def _case_columns(
    reference: Column,
    sex: tuple,
    nationality: Column,
    date_identified: tuple,
    status: tuple,
    exploitation: tuple,
    region: Column,
    referred: tuple,
    referral_date: tuple,
    birth: tuple,
) -> tuple[Column, ...]:
    return (
        reference,
        PROJECT,
        ROW_NUMBER,
        Column(
            "date_identified",
            date_identified[0],
            date_identified[1:],
            t.Date(),
            required=True,
            help="dd/mm/yyyy, within the project period",
            width=12,
        ),
        Column("sex", sex[0], sex[1:], t.Choice(matching.SEXES), default="Unknown", width=9),
        nationality,
        Column("status", status[0], status[1:], t.Choice(matching.STATUSES), required=True, width=16),
        Column(
            "exploitation_types",
            exploitation[0],
            exploitation[1:],
            t.Choices(matching.EXPLOITATION_TYPES),
            default=[],
            help="one or several, separated by ';'",
            width=24,
        ),
        region,
        Column("referred_to", referred[0], referred[1:], t.Text(200), width=24),
        Column(
            "referral_date",
            referral_date[0],
            referral_date[1:],
            t.Date(),
            help="optional; on or after the date identified",
            width=12,
        ),
        Column(
            "birth_date",
            birth[0],
            birth[1:],
            t.Date(),
            role=TRANSIENT,
            stored=False,
            help="optional; only turned into an age group, never stored",
            width=12,
        ),
    )


_CASE_RULES = (
    r.InPeriod("date_identified"),
    r.NotBefore("referral_date", "date_identified", "date identified"),
    r.InPeriod("referral_date", programme_period=False),
    r.AgeGroup(),
)

CASES = Layout(
    kind="cases",
    title="Cases",
    model=Case,
    date_field="date_identified",
    sensitive=True,
    name_hints=("case", "victim", "protection"),
    extra_quarters=(("referral_quarter", "referral_date"),),
    columns=(
        *_case_columns(
            reference=Column(
                "reference",
                "Case code",
                (
                    "Case ID",
                    "Case number",
                    "Case no",
                    "Case No.",
                    "Code",
                    "Case reference",
                    "Reference",
                    "Ref",
                    "ID",
                    "Case",
                ),
                t.Text(80),
                required=True,
                help="required; a pseudonymous code, unique within the project — never a name",
                width=12,
            ),
            sex=("Sex", "Gender"),
            nationality=Column(
                "nationality",
                "Nationality",
                ("Citizenship", "Country of origin", "Country", "Nationality (country)"),
                t.Nationality(),
                default="Unknown",
                help="country name or ISO code (Burundi, BI, BDI, DRC, Tanzania…)",
                width=14,
            ),
            date_identified=(
                "Date identified",
                "Identification date",
                "Date of identification",
                "Date",
                "Date interviewed",
                "Date intercepted",
            ),
            status=("Trafficking status", "Status", "Victim status"),
            exploitation=(
                "Exploitation type",
                "Type of exploitation",
                "Exploitation",
                "Form of exploitation",
                "Exploitation types",
                "Forms of exploitation",
            ),
            region=Column(
                "destination_region",
                "Destination region",
                ("Destination", "Region of destination", "Destination country"),
                t.Region(),
                default="Unknown",
                width=16,
            ),
            referred=("Referred to", "Referral", "Referred organisation", "Referred organization"),
            referral_date=("Referral date", "Date referred", "Date of referral"),
            birth=_BIRTH_HEADERS,
        ),
        Column(
            "age",
            "Age",
            ("Age (years)", "Age in years", "Age at identification"),
            t.Integer(120),
            help="optional; years",
            width=7,
        ),
        Column(
            "age_group",
            "Age group",
            ("Age category", "Minor or adult", "Child or adult"),
            t.Choice(matching.AGE_GROUPS),
            width=10,
            help="optional when the age is given",
        ),
        Column(
            "location",
            "Location",
            (
                "District",
                "Camp",
                "Refugee camp",
                "Place identified",
                "Location identified",
                "District or camp",
            ),
            t.Choice(matching.LOCATIONS, "one of Rwanda's 30 districts or six refugee camps"),
            width=14,
        ),
        Column(
            "assistance",
            "Assistance",
            ("Assistance provided", "Services", "Services provided", "Support"),
            t.Choices(matching.ASSISTANCE),
            default=[],
            help="one or several, separated by ';'",
            width=26,
        ),
        *(
            Column(f"identifier_{i}", header, (), role=IDENTIFIER, stored=False)
            for i, header in enumerate(dict.fromkeys(_IDENTIFIER_HEADERS, None))
            if key(header) not in {key(h) for h in _IDENTIFIER_HEADERS[: _IDENTIFIER_HEADERS.index(header)]}
        ),
    ),
    rules=_CASE_RULES,
)

# IOM's Human Trafficking Case Data Standard v2.0 spreadsheet: a hidden row of field names (prs_Gender, …)
# above a row of labels; column A numbered 1…1000. Field names and labels are both recognised.
_HTCDS_IDENTIFIERS = (
    ("prs_Salutation", "Salutation"),
    ("prs_FirstName", "First Name"),
    ("prs_MiddleName", "Middle Name"),
    ("prs_SecondName", "Second Name"),
    ("prs_IdentityNumber", "Identity Number"),
    ("prs_Title", "Title"),
    ("prs_Email", "Email"),
    ("prs_HomePhone", "Home Phone"),
    ("prs_MobilePhone", "Mobile Phone"),
    ("prs_MailingCity", "Mailing City"),
    ("prs_MailingCountry", "Mailing Country"),
    ("prs_MailingState", "Mailing State/Province"),
    ("prs_MailingStreet", "Mailing Street"),
    ("prs_MailingPostalCode", "Mailing Zip/Postal Code"),
    ("prs_MailingLongitude", "Mailing Longitude"),
    ("prs_MailingLatitude", "Mailing Latitude"),
    ("cas_CaseOwner", "Case Owner"),
    ("cas_ReferringPrimaryCaseWorker", "Referring Primary Case Worker"),
    ("cas_ReferredPrimaryCaseWorker", "Referred Primary Case Worker"),
)
_HTCDS_UNUSED = (
    "con_Consent",
    "Consent",
    "vic_TraffickinStatusDecisionMakingOrg",
    "vic_TraffickingStatusDecisionMakingOrg",
    "Trafficking Status Decision Making Organization",
    "vic_MethodOfRecruitment",
    "Method of Recruitment",
    "vic_LocationOfRecruitment",
    "Location of Recruitment",
    "vic_MethodsOfControl",
    "Methods of Control",
    "vic_ForcedLabourIndustry",
    "Forced Labour Industry",
    "vic_TypeOfSexExploitation",
    "Type of Sex Exploitation",
    "cas_Status",
    "Status",
    "cas_ReferringOrganisation",
    "Referring Organisation",
    "cas_ReasonForIncomingReferral",
    "Reason for Incoming Referral",
    "cas_IncomingReferralDetails",
    "Incoming Referral Details",
    "cas_ReasonForOutgoingReferral",
    "Reason for Outgoing Referral",
    "cas_OutgoingReferralDetails",
    "Outgoing Referral Details",
    "cas_ReasonForCaseClosure",
    "Reason for Case Closure",
    "prs_Deceased",
    "prs_MaritalStatus",
    "prs_NumberOfChildren",
    "prs_PrimaryLanguage",
    "prs_SecondaryLanguage",
    "prs_HighestLevelOfEducation",
    "vic_AgreementToManagePersonalData",
    "vic_RelationshipToTrafficker",
    "vic_AgeWhenTrafficked",
    "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps",
    "vic_Vulnerabilities",
    "vic_DetailsOfVulnerabilities",
    "per_RoleInProcess",
    "per_RoleDetails",
    "cco_CaseComment",
)

HTCDS_CASES = Layout(
    kind="cases",
    title="Cases (HTCDS)",
    model=Case,
    date_field="date_identified",
    sensitive=True,
    variant="htcds",
    name_hints=("case", "htcds"),
    extra_quarters=(("referral_quarter", "referral_date"),),
    columns=(
        *_case_columns(
            reference=Column(
                "reference",
                "Case code",
                ("cas_CaseNumber", "cas_CaseCode", "Case ID", "Case number", "Case reference"),
                t.Text(80),
                required=True,
                column_required=False,
            ),
            sex=("prs_Gender", "Gender"),
            nationality=Column(
                "nationality", "prs_Citizenship", ("Citizenship",), t.Nationality(True), default="Unknown"
            ),
            date_identified=("cas_IncomingReferralDate", "Incoming Referral Date"),
            status=("vic_TraffickingStatus", "Trafficking Status"),
            exploitation=("vic_TypeOfExploitation", "Type of Exploitation"),
            region=Column(
                "destination_region",
                "vic_LocationOfExploitation",
                ("Location of Exploitation",),
                t.Region(lenient=True),
                default="Unknown",
            ),
            referred=("cas_ReferredOrganisation", "Referred Organisation", "Referred Organization"),
            referral_date=("cas_OutgoingReferralDate", "Outgoing Referral Date"),
            birth=("prs_Birthdate", "Birthdate"),
        ),
        Column("age", "Age", (), t.Integer(120)),
        Column("age_group", "Age group", (), t.Choice(matching.AGE_GROUPS)),
        Column(
            "location",
            "Location",
            (),
            t.Choice(matching.LOCATIONS, "one of Rwanda's 30 districts or six refugee camps"),
        ),
        Column("assistance", "Assistance", (), t.Choices(matching.ASSISTANCE), default=[]),
        *(
            Column(f"identifier_{i}", name, (label,), role=IDENTIFIER, stored=False)
            for i, (name, label) in enumerate(_HTCDS_IDENTIFIERS)
        ),
    ),
    known=_HTCDS_UNUSED,
    rules=_CASE_RULES,
)

RESULTS = Layout(
    kind="results",
    title="Results",
    model=ResultValue,
    date_field=None,
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
            help="the indicator's code, e.g. KEC-4.1",
            width=12,
        ),
        Column(
            "period",
            "Period",
            ("Quarter", "Reporting period", "Reporting quarter"),
            t.Code("a quarter code such as FY2019Q3 or 2012Q1"),
            required=True,
            help="the reporting quarter, e.g. FY2019Q3 (GIFT: 2012Q1)",
            width=11,
        ),
        Column(
            "value",
            "Value",
            ("Actual", "Result", "Achieved", "Actual value", "Figure"),
            t.Number(),
            required=True,
            help="a number (percentages on a 0–100 scale)",
            width=10,
        ),
        Column(
            "disaggregation",
            "Disaggregation",
            ("Category", "Disaggregated by", "Breakdown"),
            t.Disaggregation(),
            help="blank for the total, or e.g. sex=Female, target_group=Media",
            width=24,
        ),
        Column("comment", "Comment", ("Comments", "Notes", "Remarks", "Source"), t.Text(), width=40),
    ),
    rules=(r.IndicatorOfProgramme(), r.PeriodOfProgramme(), r.DisaggregationOfIndicator()),
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
KINDS: tuple[str, ...] = ("trainings", "awareness", "policies", "meetings", "research", "cases", "results")
BY_KIND: dict[str, Layout] = {layout.kind: layout for layout in LAYOUTS if not layout.variant}
