"""The reference-sheet (PIRS, USAID ADS 201maf) fields a programme file may give an indicator under
``reference_sheet:``, validated when the file is loaded (``indicators.programmes.definitions``). They are stored as the
indicator's ``reference_sheet`` JSON and laid out by ``indicators.reporting.pirs``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A reference sheet's indicator type (ADS 201maf) and direction of change, as programme files write them.
INDICATOR_TYPES = ("output", "outcome", "impact")
DIRECTIONS = ("Higher is better", "Lower is better")


def _one_of(value: Any, choices: tuple[str, ...]) -> Any:
    """A choice typed in any case ("higher is better") as the file's vocabulary writes it; anything else is
    left for validation to refuse, naming the choices."""
    if isinstance(value, str):
        for choice in choices:
            if value.strip().lower() == choice.lower():
                return choice
    return value


class DataQualityDef(_Strict):
    last_assessment: date | None = None  # the latest data quality assessment (DQA)
    next_assessment: date | None = None  # the next DQA planned
    reviewer: str | None = None  # who carries out the DQA
    limitations: str | None = None
    mitigation: str | None = None

    @model_validator(mode="after")
    def _in_order(self) -> DataQualityDef:
        if self.last_assessment and self.next_assessment and self.next_assessment <= self.last_assessment:
            raise ValueError(
                f"next_assessment ({self.next_assessment}) must come after last_assessment "
                f"({self.last_assessment})"
            )
        return self


class ReferenceSheetDef(_Strict):
    """The Performance Indicator Reference Sheet fields (USAID ADS 201maf) not held elsewhere in the definition.
    Left out, the sheet says "Not yet set", except where a default is written down below."""

    # output | outcome | impact; default: from the result's level (a goal's indicator measures impact)
    indicator_type: Literal[INDICATOR_TYPES] | None = None  # type: ignore[valid-type]
    direction_of_change: Literal[DIRECTIONS] | None = None  # type: ignore[valid-type]
    # reported in the U.S. Government's Performance Plan and Report; default: yes for a standard ("F") indicator
    ppr_indicator: bool | None = None
    rationale: str | None = None
    collection_method: str | None = None
    frequency: str | None = None
    responsible: str | None = None
    data_storage: str | None = None  # where the data are kept
    baseline_date: date | None = None
    target_rationale: str | None = None
    data_quality: DataQualityDef = Field(default_factory=DataQualityDef)
    notes: str | None = None
    # default: the latest change in the indicator's change log
    last_updated: date | None = None

    @field_validator("indicator_type", mode="before")
    @classmethod
    def _type_in_any_case(cls, value: Any) -> Any:
        return _one_of(value, INDICATOR_TYPES)

    @field_validator("direction_of_change", mode="before")
    @classmethod
    def _direction_in_any_case(cls, value: Any) -> Any:
        return _one_of(value, DIRECTIONS)
