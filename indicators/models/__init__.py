"""The store's tables; import models from here."""

from indicators.models.accounts import ROLES, AuditEvent, LoginThrottle, SignOff, User, UserSession
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
from indicators.models.programme import Indicator, Narrative, Phase, Programme, Result, Target

__all__ = [
    "ROLES", "ActivityRecord", "AuditEvent", "Awareness", "LoginThrottle", "SignOff", "Base", "Case", "Indicator", "IndicatorSums", "Meeting",
    "Narrative", "Phase", "PolicyStep", "Programme", "ResearchStep", "Result", "ResultValue", "Target",
    "Training", "Upload", "User", "UserSession", "utcnow",
]
