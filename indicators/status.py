"""The three statuses in one place: their words, what they mean, and how every output draws them.

The screen (``dashboard/assets/app.css`` holds the same colours, checked by a test) and every workbook use
these colours, symbols and words, so a status reads the same everywhere, and without colour too.
How a status is decided is written in ``indicators.figures.figures``.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.i18n import N_

AHEAD, ON_TRACK, BEHIND = N_("Ahead"), N_("On track"), N_("Behind")  # words shown: _(status)
STATUSES = (AHEAD, ON_TRACK, BEHIND)


@dataclass(frozen=True)
class Look:
    symbol: str
    colour: str  # text and border, RRGGBB
    fill: str  # background, RRGGBB
    css: str  # the screen's class suffix: status-ahead


# Okabe–Ito derived: distinguishable with the common colour-vision deficiencies, contrast ≥ 4.5:1 on the fill.
LOOKS = {
    AHEAD: Look("▲", "0B63A8", "E3EFFA", "ahead"),
    ON_TRACK: Look("●", "16794A", "E2F3EA", "on-track"),
    BEHIND: Look("▼", "8A4600", "FDEBD3", "behind"),
    None: Look("–", "5C636A", "EEF0F2", "none"),
}

TARGET_TO_DATE = N_(
    "Target to date: the period's target pro-rated by days to the end of the report quarter; "
    "for a percentage, its full target; for a milestone (a study, law or procedure counted once "
    "when reached), its full target, and a milestone is not Behind before its period ends."
)

MEANINGS = {
    ON_TRACK: N_("Within ±15% of the target to date."),
    AHEAD: N_("More than 15% above the target to date; the deviation narrative explains why."),
    BEHIND: N_("More than 15% below the target to date; the deviation narrative explains why."),
    None: N_("No target for the period, so no status."),
}


def look(status: str | None) -> Look:
    return LOOKS.get(status, LOOKS[None])


def meaning(status: str | None) -> str:
    return MEANINGS.get(status, MEANINGS[None])
