"""The store's tables; import models from here."""

from indicators.models.accounts import ROLES, ApiToken, AuditEvent, LoginThrottle, SignOff, User, UserSession
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
from indicators.models.correction import VOID, RecordCorrection
from indicators.models.programme import Indicator, IndicatorChange, Narrative, Phase, Programme, Result, Target

__all__ = [
    "ROLES", "ActivityRecord", "ApiToken", "AuditEvent", "Awareness", "LoginThrottle", "SignOff", "Base", "Case", "Indicator", "IndicatorChange", "IndicatorSums", "Meeting",
    "Narrative", "Phase", "PolicyStep", "Programme", "RecordCorrection", "ResearchStep", "Result", "ResultValue",
    "Target", "VOID",
    "Training", "Upload", "User", "UserSession", "utcnow",
]
