"""The domain's closed lists (DOMAIN §4): districts, camps, target groups, stages and the like.

Canonical spellings live here; importers add the synonyms people type, figures rely on the stage order.
"""

from __future__ import annotations

from indicators.i18n import N_

CATEGORIES = (
    N_("Research"),
    N_("Policy"),
    N_("Coordination"),
    N_("Capacity building"),
    N_("Awareness raising"),
    N_("Protection"),
)
LEVELS = ("goal", "outcome", "output")
UNITS = ("number", "percent")

PROVINCES = {
    "Kigali City": ("Gasabo", "Kicukiro", "Nyarugenge"),
    "Eastern": ("Bugesera", "Gatsibo", "Kayonza", "Kirehe", "Ngoma", "Nyagatare", "Rwamagana"),
    "Northern": ("Burera", "Gakenke", "Gicumbi", "Musanze", "Rulindo"),
    "Southern": ("Gisagara", "Huye", "Kamonyi", "Muhanga", "Nyamagabe", "Nyanza", "Nyaruguru", "Ruhango"),
    "Western": ("Karongi", "Ngororero", "Nyabihu", "Nyamasheke", "Rubavu", "Rusizi", "Rutsiro"),
}
DISTRICTS = tuple(d for districts in PROVINCES.values() for d in districts)

# refugee camp -> its district
CAMPS = {
    "Mahama": "Kirehe",
    "Kiziba": "Karongi",
    "Nyabiheke": "Gatsibo",
    "Gihembe": "Gicumbi",
    "Kigeme": "Nyamagabe",
    "Mugombwa": "Gisagara",
}

TARGET_GROUPS = (
    N_("Law enforcement"),
    N_("Immigration officers"),
    N_("Prosecutors and judges"),
    N_("Local government officials"),
    N_("Civil society organisations"),
    N_("School leaders and teachers"),
    N_("Refugee community leaders"),
    N_("Humanitarian and camp staff"),
    N_("Social and health workers"),
    N_("Media"),
    N_("Other"),
)
SETTINGS = (N_("Community"), N_("Refugee camp"), N_("School"), N_("Border area"), N_("Media"), N_("Other"))
INSTRUMENT_TYPES = (
    N_("Law"),
    N_("Policy"),
    N_("National action plan"),
    N_("Standard operating procedures"),
    N_("Regulation"),
    N_("Guidelines"),
    N_("Agreement"),
)
# Stages in order: an instrument or a study only moves forward.
POLICY_STAGES = (N_("Drafted"), N_("Validated"), N_("Adopted"))
RESEARCH_STAGES = (N_("Inception"), N_("Data collection"), N_("Validated"), N_("Published"))

SEXES = (N_("Female"), N_("Male"), N_("Unknown"))
AGE_GROUPS = (N_("Child"), N_("Adult"), N_("Unknown"))
TRAFFICKING_STATUSES = (N_("Possible victim"), N_("Actual victim"), N_("Not a victim"))
DESTINATION_REGIONS = (
    N_("Middle East"),
    N_("East Africa"),
    N_("Southern Africa"),
    N_("West Asia"),
    N_("Europe"),
    N_("Other"),
    N_("Unknown"),
)
ASSISTANCE = (
    N_("Shelter"),
    N_("Medical"),
    N_("Psychosocial"),
    N_("Legal"),
    N_("Return and reintegration"),
    N_("Livelihood"),
)

# IATI's OrganisationType code list, by the words programme files use for it.
IATI_ORGANISATION_TYPES = {
    "government": "10",
    "local government": "11",
    "other public sector": "15",
    "international NGO": "21",
    "national NGO": "22",
    "regional NGO": "23",
    "partner country based NGO": "24",
    "public private partnership": "30",
    "multilateral": "40",
    "foundation": "60",
    "private sector": "70",
    "academic, training and research": "80",
    "other": "90",
}

# Disaggregation names an indicator may use, and how each is shown.
DISAGGREGATIONS = {
    "sex": N_("Sex"),
    "target_group": N_("Target group"),
    "setting": N_("Setting"),
    "camp": N_("Refugee camp"),
    "age_group": N_("Age group"),
    "nationality": N_("Nationality"),
    "instrument_type": N_("Instrument type"),
    "district": N_("District"),
}


def age_group(age: int | None) -> str:
    """Child under 18, Adult 18 and over, Unknown when the age is not known."""
    if age is None:
        return "Unknown"
    return "Child" if age < 18 else "Adult"
