"""The store's tables; import models from here."""

from indicators.models.accounts import (
    ROLES,
    ApiToken,
    AuditEvent,
    AuditTally,
    LoginThrottle,
    SignOff,
    User,
    UserSession,
)
from indicators.models.activity import (
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
from indicators.models.aggregates import IndicatorSums
from indicators.models.base import Base, utcnow
from indicators.models.checks import CheckResult
from indicators.models.correction import RESTORE, VOID, RecordCorrection
from indicators.models.duplicates import CaseMerge, PossibleDuplicate
from indicators.models.programme import Indicator, IndicatorChange, Narrative, Phase, Programme, Result, Target
from indicators.models.protection import Provider, StoreFact
from indicators.models.quarter import QuarterSection

__all__ = [
    "RESTORE", "ROLES", "ActivityRecord", "ApiToken", "AuditEvent", "AuditTally", "Awareness", "Base", "Case",
    "CaseMerge", "CheckResult", "Indicator", "IndicatorChange", "IndicatorSums", "LoginThrottle", "Meeting",
    "Narrative", "Phase", "PolicyStep", "PossibleDuplicate", "Programme", "Provider", "QuarterSection",
    "RecordCorrection", "ResearchStep", "Result", "ResultValue", "SignOff", "StoreFact", "Target", "VOID",
    "Training", "Upload", "User", "UserSession", "utcnow",
]
