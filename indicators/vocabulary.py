"""The domain's closed lists (DOMAIN §4): districts, camps, target groups, stages and the like.

Canonical spellings live here; importers add the synonyms people type, figures rely on the stage order.
"""

from __future__ import annotations

CATEGORIES = ("Research", "Policy", "Coordination", "Capacity building", "Awareness raising", "Protection")
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
    "Law enforcement", "Immigration officers", "Prosecutors and judges", "Local government officials",
    "Civil society organisations", "School leaders and teachers", "Refugee community leaders",
    "Humanitarian and camp staff", "Social and health workers", "Media", "Other",
)
SETTINGS = ("Community", "Refugee camp", "School", "Border area", "Media", "Other")
INSTRUMENT_TYPES = (
    "Law", "Policy", "National action plan", "Standard operating procedures", "Regulation", "Guidelines",
    "Agreement",
)
# Stages in order: an instrument or a study only moves forward.
POLICY_STAGES = ("Drafted", "Validated", "Adopted")
RESEARCH_STAGES = ("Inception", "Data collection", "Validated", "Published")

SEXES = ("Female", "Male", "Unknown")
AGE_GROUPS = ("Child", "Adult", "Unknown")
TRAFFICKING_STATUSES = ("Possible victim", "Actual victim", "Not a victim")
DESTINATION_REGIONS = ("Middle East", "East Africa", "Southern Africa", "West Asia", "Europe", "Other", "Unknown")
ASSISTANCE = ("Shelter", "Medical", "Psychosocial", "Legal", "Return and reintegration", "Livelihood")

# IATI's OrganisationType code list, by the words programme files use for it.
IATI_ORGANISATION_TYPES = {
    "government": "10", "local government": "11", "other public sector": "15", "international NGO": "21",
    "national NGO": "22", "regional NGO": "23", "partner country based NGO": "24",
    "public private partnership": "30", "multilateral": "40", "foundation": "60", "private sector": "70",
    "academic, training and research": "80", "other": "90",
}

# Disaggregation names an indicator may use, and how each is shown.
DISAGGREGATIONS = {
    "sex": "Sex",
    "target_group": "Target group",
    "setting": "Setting",
    "camp": "Refugee camp",
    "age_group": "Age group",
    "nationality": "Nationality",
    "instrument_type": "Instrument type",
    "district": "District",
}


def age_group(age: int | None) -> str:
    """Child under 18, Adult 18 and over, Unknown when the age is not known."""
    if age is None:
        return "Unknown"
    return "Child" if age < 18 else "Adult"
