"""What a programme's IATI record publishes beyond its logframe, from the programme file's ``iati:`` key: each
donor's and partner's IATI organisation identifier (as the IATI Registry lists it), the DAC sectors with their
shares, whether the work is humanitarian (refugee camps), whom to contact, and the activity's title and
description in other languages (French for the Great Lakes' partners).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SectorDef(Strict):
    code: str = Field(pattern=r"^\d{5}$")  # an OECD DAC purpose code (IATI sector vocabulary 1)
    percentage: float = Field(default=100, gt=0, le=100)


class ContactDef(Strict):
    organisation: str
    department: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    telephone: str | None = None
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    mailing_address: str | None = None


class TranslationDef(Strict):
    """The activity's title and description in another language, as the programme file gives them."""

    title: str | None = None
    description: str | None = None


class IatiDef(Strict):
    """What the IATI file publishes beyond the logframe."""

    # donor or partner name -> its IATI organisation identifier, as the IATI Registry lists it (US-GOV-1)
    identifiers: dict[str, str] = Field(default_factory=dict)
    sectors: list[SectorDef] = Field(default_factory=list)  # their percentages add up to 100
    humanitarian: bool = False  # the activity is (partly) humanitarian, e.g. in refugee camps
    contact: ContactDef | None = None
    # language code (ISO 639-1, e.g. fr) -> the title and description in that language, published as
    # narratives beside the English (the IATI Standard's xml:lang); any number of languages
    translations: dict[str, TranslationDef] = Field(default_factory=dict)

    @field_validator("translations")
    @classmethod
    def _language_codes(cls, value: dict[str, TranslationDef]) -> dict[str, TranslationDef]:
        for code in value:
            if not re.fullmatch(r"[a-z]{2}", code) or code == "en":
                raise ValueError(
                    f"translations: {code!r} is not a language code other than English (e.g. fr, rw, sw)"
                )
        return value

    @field_validator("identifiers")
    @classmethod
    def _identifier_shape(cls, value: dict[str, str]) -> dict[str, str]:
        for name, ref in value.items():
            if not re.fullmatch(r"[A-Z]{2}(-[A-Za-z0-9]+)+", ref or ""):
                raise ValueError(
                    f"{name}: {ref!r} is not an IATI organisation identifier (e.g. XM-DAC-41121)"
                )
        return value

    @model_validator(mode="after")
    def _sectors_add_up(self) -> IatiDef:
        if self.sectors and abs(sum(s.percentage for s in self.sectors) - 100) > 0.01:
            raise ValueError(
                f"sectors: the percentages add up to {sum(s.percentage for s in self.sectors):g}, not 100"
            )
        return self
