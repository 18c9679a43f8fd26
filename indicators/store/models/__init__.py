"""The store's tables; import models from here."""

from indicators.store.models.accounts import (
    ROLES,
    ApiToken,
    AuditEvent,
    AuditTally,
    LoginThrottle,
    SignOff,
    User,
    UserSession,
)
from indicators.store.models.activity import (
    ActivityRecord,
    Awareness,
    Case,
    Meeting,
    PolicyStep,
    ResearchStep,
    ResultValue,
    Training,
    Upload,
)
from indicators.store.models.aggregates import IndicatorSums, QuarterTally
from indicators.store.models.base import Base, utcnow
from indicators.store.models.checks import CheckResult
from indicators.store.models.correction import RESTORE, VOID, RecordCorrection
from indicators.store.models.duplicates import CaseMerge, PossibleDuplicate
from indicators.store.models.programme import (
    Indicator,
    IndicatorChange,
    Narrative,
    Phase,
    Programme,
    Result,
    Target,
)
from indicators.store.models.protection import Provider, StoreFact
from indicators.store.models.quarter import QuarterSection

__all__ = [
    "RESTORE",
    "ROLES",
    "VOID",
    "ActivityRecord",
    "ApiToken",
    "AuditEvent",
    "AuditTally",
    "Awareness",
    "Base",
    "Case",
    "CaseMerge",
    "CheckResult",
    "Indicator",
    "IndicatorChange",
    "IndicatorSums",
    "LoginThrottle",
    "Meeting",
    "Narrative",
    "Phase",
    "PolicyStep",
    "PossibleDuplicate",
    "Programme",
    "Provider",
    "QuarterSection",
    "QuarterTally",
    "RecordCorrection",
    "ResearchStep",
    "Result",
    "ResultValue",
    "SignOff",
    "StoreFact",
    "Target",
    "Training",
    "Upload",
    "User",
    "UserSession",
    "utcnow",
]
