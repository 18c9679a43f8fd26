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
from indicators.models.checks import CheckResult
from indicators.models.programme import Indicator, IndicatorChange, Narrative, Phase, Programme, Result, Target

__all__ = [
    "ROLES", "ActivityRecord", "ApiToken", "AuditEvent", "Awareness", "LoginThrottle", "SignOff", "Base", "Case", "CheckResult", "Indicator", "IndicatorChange", "IndicatorSums", "Meeting",
    "Narrative", "Phase", "PolicyStep", "Programme", "ResearchStep", "Result", "ResultValue", "Target",
    "Training", "Upload", "User", "UserSession", "utcnow",
]
