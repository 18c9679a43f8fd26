"""Stored records as plain rows for the Activities grid: each record's line (``indicators.store.records``) with its
programme, quarter and provenance (upload file, sheet, row).

Every kind is laid out in the same columns so one grid can list them together; cases are never listed
(victims are shown as aggregates only, on the Victims profile).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from indicators.i18n import N_, _, format_day
from indicators.store import records
from indicators.vocabulary import DISTRICTS

COLUMNS = (
    "kind",
    "programme",
    "reference",
    "quarter",
    "date",
    "district",
    "description",
    "detail",
    "female",
    "male",
    "total",
    "upload",
    "uploaded_at",
    "sheet",
    "row",
    "corrected",
)
HEADERS = {
    "kind": N_("Kind"),
    "programme": N_("Programme"),
    "reference": N_("Reference"),
    "quarter": N_("Quarter"),
    "date": N_("Date"),
    "district": N_("District"),
    "description": N_("Description"),
    "detail": N_("Detail"),
    "female": N_("Female"),
    "male": N_("Male"),
    "total": N_("Total"),
    "upload": N_("Upload file"),
    "uploaded_at": N_("Uploaded"),
    "sheet": N_("Sheet"),
    "row": N_("Row"),
    "corrected": N_("Corrected"),
}


def activity_rows(
    session: Session,
    *,
    programme_codes: list[str],
    kind: str | None = None,
    quarter: str | None = None,
    district: str | None = None,
    search: str | None = None,
    voided: bool = False,
    limit: int | None = 2000,
) -> tuple[list[dict], int]:
    """Rows of the listed kinds matching the filters and the search (newest first per kind), capped at ``limit``
    (None: all), and how many matched in all; with ``voided``, the voided records instead."""
    read = records.voided_listing if voided else records.listing
    listed, total = read(
        session, programme_codes, kind=kind, quarter=quarter, district=district, search=search, limit=limit
    )
    return [_plain(record) for record in listed], total


def _plain(record: records.ListedRecord) -> dict:
    """JSON-friendly values for the grid: ISO dates (the upload's time to the minute), in ``COLUMNS`` order."""
    line = record.line
    return {
        "kind": _(record.kind.label),
        "programme": record.programme,
        "reference": record.reference,
        "quarter": record.quarter,
        "date": line.date.isoformat() if line.date else None,
        "district": line.district,
        "description": line.description,
        "detail": line.detail,
        "female": line.female,
        "male": line.male,
        "total": line.total,
        "upload": record.upload,
        "uploaded_at": record.uploaded_at.isoformat(sep=" ", timespec="minutes")
        if record.uploaded_at
        else None,
        "sheet": record.sheet,
        "row": record.row,
        "corrected": _state(record),
        # the grid's row id: what a correction (a record) or a restore (a void) opens
        "record": f"void:{record.voided.id}" if record.voided else f"{record.kind.key}:{record.id}",
    }


def _state(record: records.ListedRecord) -> str:
    if record.voided is not None:
        when = record.voided.corrected_at
        return _("voided {day}").format(day=format_day(when, "d MMM y")) if when else _("voided")
    return _("corrected") if record.corrected else ""


def district_options() -> list[str]:
    """The districts a record can name: the importers accept Rwanda's 30 districts only (a camp's record
    names the camp's district), so the list is the vocabulary's, not a scan of a million rows."""
    return sorted(DISTRICTS)
