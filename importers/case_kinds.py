"""The case sheets (DOMAIN §4, sensitive): ctmonitor's own Cases layout and IOM's HTCDS v2.0 spreadsheet.

A case is keyed by its case code (stored as a keyed pseudonym, never as typed), else by its KoboToolbox/ODK
submission (``importers.submissions``), else by a keyed pseudonym of the person's names, birth date, sex and
citizenship (``importers.people``). Names are read only for that and dropped; phone numbers, e-mail and street
addresses, document numbers and caseworkers' columns are never read at all. A birth date becomes an age group
and is dropped. No free text is stored: the referred organisation is kept as a known provider or "Other
provider".
"""

from __future__ import annotations

from importers import case_rules as cr
from importers import matching
from importers import rules as r
from importers import values as t
from importers.alike import Alike
from importers.columns import IDENTIFIER, KEYED, PROJECT, ROW_NUMBER, TRANSIENT, Column, Layout
from importers.matching import key
from importers.people import AgeGroupValue, AgeYears, BirthDate
from indicators.i18n import N_
from indicators.store.kinds import kind

# Read in memory to recognise the person across uploads, then dropped.
NAME_HEADERS = (
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
    "Nom",
    "Prénom",
    "Nom et prénom",
    "Amazina",
    "Izina",
)
# Never read.
IDENTIFIER_HEADERS = (
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
    # caseworkers are people too: who recorded, received or followed a case is never read
    "Caseworker",
    "Case worker",
    "Case manager",
    "Case owner",
    "Social worker",
    "Focal person",
    "Interviewer",
    "Interviewed by",
    "Recorded by",
    "Registered by",
    "Enumerator",
    "Officer",
    "Staff",
    "Referred by",
    "Referring case worker",
    "Referred case worker",
    "Received by",
)
BIRTH_HEADERS = (
    "Date of birth",
    "Birth date",
    "Birthdate",
    "DOB",
    "D.O.B.",
    "Born on",
    "Year of birth",
    "Date de naissance",
    "Itariki y'amavuko",
)


def _unique(headers: tuple[str, ...]) -> list[str]:
    seen, out = set(), []
    for header in headers:
        if key(header) not in seen:
            seen.add(key(header))
            out.append(header)
    return out


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
            help=N_("dd/mm/yyyy, within the project period"),
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
            help=N_("one or several, separated by ';'"),
            width=24,
        ),
        region,
        Column(
            "referred_to",
            referred[0],
            referred[1:],
            t.Text(500),
            identifying=True,
            help=N_(
                "a known provider (Isange One Stop Centre, UNHCR, RIB…); any other text is kept as "
                "'Other provider', never as typed"
            ),
            width=24,
        ),
        Column(
            "referral_date",
            referral_date[0],
            referral_date[1:],
            t.Date(),
            help=N_("optional; on or after the date identified"),
            width=12,
        ),
        Column(
            "birth_date",
            birth[0],
            birth[1:],
            BirthDate(),
            role=TRANSIENT,
            stored=False,
            identifying=True,
            help=N_("optional; a date, a year or an age; only turned into an age group, never stored"),
            width=12,
        ),
    )


CASE_RULES = (
    r.InPeriod("date_identified"),
    r.NotBefore("referral_date", "date_identified", "date identified"),
    r.InPeriod("referral_date", programme_period=False),
    cr.CaseCodes(),
    Alike(),  # before the pseudonym: it reads the names, which the pseudonym then drops
    cr.Pseudonym(),  # before the age group: it reads the birth date, which the age group then drops
    cr.AgeGroup(),
    cr.ReferredOrganisation(),
    cr.PlacedRegion(),
)

CASES = Layout(
    spec=kind("cases"),
    title="Cases",
    name_hints=("case", "victim", "protection"),
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
                    "Code du cas",
                    "Numéro du cas",
                ),
                t.Text(80),
                identifying=True,
                help=N_(
                    "a pseudonymous code with digits, unique within the project, never a name, phone number "
                    "or e-mail (stored only as a keyed pseudonym); when left blank the case is recognised on "
                    "re-upload by a keyed pseudonym of its names and birth date"
                ),
                width=12,
            ),
            sex=("Sex", "Gender", "Sexe", "Igitsina"),
            nationality=Column(
                "nationality",
                "Nationality",
                (
                    "Citizenship",
                    "Country of origin",
                    "Country",
                    "Nationality (country)",
                    "Nationalité",
                    "Ubwenegihugu",
                ),
                t.Nationality(),
                default="Unknown",
                help=N_("country name or ISO code (Burundi, BI, BDI, DRC, Tanzania…)"),
                width=14,
            ),
            date_identified=(
                "Date identified",
                "Identification date",
                "Date of identification",
                "Date",
                "Date interviewed",
                "Date intercepted",
                "Date d'identification",
            ),
            status=("Trafficking status", "Status", "Victim status", "Statut"),
            exploitation=(
                "Exploitation type",
                "Type of exploitation",
                "Exploitation",
                "Form of exploitation",
                "Exploitation types",
                "Forms of exploitation",
                "Type d'exploitation",
            ),
            region=Column(
                "destination_region",
                "Destination region",
                (
                    "Destination",
                    "Region of destination",
                    "Destination country",
                    "Location of exploitation",
                    "Place of exploitation",
                    "Country of exploitation",
                ),
                t.Region(),
                default="Unknown",
                help=N_("a region, a country or a city (Middle East, Oman, Riyadh, Kampala…)"),
                width=16,
            ),
            referred=(
                "Referred to",
                "Referral",
                "Referred organisation",
                "Referred organization",
                "Référé à",
            ),
            referral_date=("Referral date", "Date referred", "Date of referral", "Date de référence"),
            birth=BIRTH_HEADERS,
        ),
        Column(
            "age",
            "Age",
            ("Age (years)", "Age in years", "Age at identification", "Imyaka"),
            AgeYears(),
            help=N_("optional; years"),
            width=7,
        ),
        Column(
            "age_group",
            "Age group",
            ("Age category", "Minor or adult", "Child or adult", "Age band", "Age range", "Tranche d'âge"),
            AgeGroupValue(),
            width=10,
            help=N_("optional when the age is given; Child, Adult or a band such as 9--17"),
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
            help=N_("one or several, separated by ';'"),
            width=26,
        ),
        *(
            Column(f"name_{i}", header, (), t.Text(500), role=KEYED, stored=False, identifying=True)
            for i, header in enumerate(_unique(NAME_HEADERS))
        ),
        *(
            Column(f"identifier_{i}", header, (), role=IDENTIFIER, stored=False)
            for i, header in enumerate(_unique(IDENTIFIER_HEADERS))
        ),
    ),
    rules=CASE_RULES,
)

# IOM's Human Trafficking Case Data Standard v2.0 spreadsheet: a hidden row of field names (prs_Gender, …)
# above a row of labels; column A numbered 1…1000. Field names and labels are both recognised.
HTCDS_NAMES = (
    ("prs_FirstName", "First Name"),
    ("prs_MiddleName", "Middle Name"),
    ("prs_SecondName", "Second Name"),
)
HTCDS_IDENTIFIERS = (
    ("prs_Salutation", "Salutation"),
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
HTCDS_UNUSED = (
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
    spec=kind("cases"),
    title="Cases (HTCDS)",
    variant="htcds",
    name_hints=("case", "htcds"),
    columns=(
        *_case_columns(
            reference=Column(
                "reference",
                "Case code",
                ("cas_CaseNumber", "cas_CaseCode", "Case ID", "Case number", "Case reference"),
                t.Text(80),
                identifying=True,
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
        Column("age", "Age", (), AgeYears()),
        Column("age_group", "Age group", (), AgeGroupValue()),
        Column(
            "location",
            "Location",
            (),
            t.Choice(matching.LOCATIONS, "one of Rwanda's 30 districts or six refugee camps"),
        ),
        Column("assistance", "Assistance", (), t.Choices(matching.ASSISTANCE), default=[]),
        *(
            Column(f"name_{i}", name, (label,), t.Text(500), role=KEYED, stored=False, identifying=True)
            for i, (name, label) in enumerate(HTCDS_NAMES)
        ),
        *(
            Column(f"identifier_{i}", name, (label,), role=IDENTIFIER, stored=False)
            for i, (name, label) in enumerate(HTCDS_IDENTIFIERS)
        ),
    ),
    known=HTCDS_UNUSED,
    rules=CASE_RULES,
)
