"""Activity records as plain rows for the grids, each with its provenance (upload file, sheet, row).

Every kind is laid out in the same columns so one grid can list them together; cases are never listed
(victims are shown as aggregates only, on the Victims profile).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard._queries import KIND_LABELS, LISTED_KINDS
from indicators.models import ACTIVITY_MODELS, Indicator, Programme, Upload
from indicators.vocabulary import DISTRICTS

COLUMNS = ("kind", "programme", "reference", "quarter", "date", "district", "description", "detail",
           "female", "male", "total", "upload", "uploaded_at", "sheet", "row")
HEADERS = {"kind": "Kind", "programme": "Programme", "reference": "Reference", "quarter": "Quarter",
           "date": "Date", "district": "District", "description": "Description", "detail": "Detail",
           "female": "Female", "male": "Male", "total": "Total", "upload": "Upload file",
           "uploaded_at": "Uploaded", "sheet": "Sheet", "row": "Row"}


def _people(female, male):
    if female is None and male is None:
        return None, None, None
    return female or 0, male or 0, (female or 0) + (male or 0)


# The columns each kind's row is made from (besides the shared ones), read as plain values, not ORM objects.
KIND_COLUMNS = {
    "trainings": ("start_date", "district", "topic", "target_group", "passed_post_test", "female", "male"),
    "awareness": ("date", "district", "activity", "setting", "camp", "female", "male"),
    "meetings": ("date", "body", "participants", "institutions"),
    "policies": ("date", "instrument", "instrument_type", "stage"),
    "research": ("date", "title", "stage"),
    "results": ("indicator_id", "disaggregation", "category", "comment", "value"),
}
SHARED_COLUMNS = ("programme_id", "reference", "quarter", "source_sheet", "source_row")


def _describe(kind: str, record, indicator_codes: dict[int, str]) -> dict:
    """The kind-specific part of a row: date, district, what it was, and people where it counts them."""
    if kind == "trainings":
        female, male, total = _people(record.female, record.male)
        detail = record.target_group
        if record.passed_post_test is not None:
            detail += f" · {record.passed_post_test} passed post-test"
        return dict(date=record.start_date, district=record.district, description=record.topic,
                    detail=detail, female=female, male=male, total=total)
    if kind == "awareness":
        female, male, total = _people(record.female, record.male)
        detail = record.setting + (f" · {record.camp}" if record.camp else "")
        return dict(date=record.date, district=record.district, description=record.activity, detail=detail,
                    female=female, male=male, total=total)
    if kind == "meetings":
        return dict(date=record.date, district=None, description=record.body,
                    detail=f"{record.participants} participants, {record.institutions} institutions",
                    female=None, male=None, total=record.participants)
    if kind == "policies":
        return dict(date=record.date, district=None, description=record.instrument,
                    detail=f"{record.instrument_type} · {record.stage}", female=None, male=None, total=None)
    if kind == "research":
        return dict(date=record.date, district=None, description=record.title, detail=record.stage,
                    female=None, male=None, total=None)
    if kind == "results":
        split = f" · {record.disaggregation}={record.category}" if record.disaggregation else ""
        return dict(date=None, district=None, description=record.comment,
                    detail=f"{indicator_codes.get(record.indicator_id, '?')}{split}",
                    female=None, male=None, total=record.value)
    raise ValueError(kind)


def activity_rows(session: Session, *, programme_codes: list[str], kind: str | None = None,
                  quarter: str | None = None, district: str | None = None, limit: int | None = 5000
                  ) -> tuple[list[dict], int]:
    """Rows of the listed kinds matching the filters (newest first per kind), capped at ``limit`` (None: all),
    and how many matched in all."""
    progs = dict(session.execute(select(Programme.id, Programme.code).where(Programme.code.in_(programme_codes))).all())
    if not progs:
        return [], 0
    kinds = [kind] if kind in LISTED_KINDS else list(LISTED_KINDS)
    indicator_codes = (dict(session.execute(select(Indicator.id, Indicator.code)).all())
                       if "results" in kinds else {})
    rows: list[dict] = []
    total = 0
    for name in kinds:
        model = ACTIVITY_MODELS[name]
        conditions = [model.programme_id.in_(progs)]
        if quarter:
            conditions.append(model.quarter == quarter)
        if district:
            if not hasattr(model, "district"):
                continue
            conditions.append(model.district == district)
        total += session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
        room = None if limit is None else limit - len(rows)
        if room is not None and room <= 0:
            continue
        date_column = next((getattr(model, c) for c in ("start_date", "date") if hasattr(model, c)), model.id)
        columns = [getattr(model, c) for c in SHARED_COLUMNS + KIND_COLUMNS[name]]
        query = (select(*columns, Upload.filename, Upload.uploaded_at)
                 .outerjoin(Upload, Upload.id == model.upload_id)
                 .where(*conditions).order_by(model.quarter.desc(), date_column.desc(), model.id.desc())
                 .limit(room))
        label = KIND_LABELS[name]
        for record in session.execute(query):
            row = dict(kind=label, programme=progs[record.programme_id], reference=record.reference,
                       quarter=record.quarter, upload=record.filename, uploaded_at=record.uploaded_at,
                       sheet=record.source_sheet, row=record.source_row)
            row.update(_describe(name, record, indicator_codes))
            rows.append(_plain(row))
    return rows, total


def _plain(row: dict) -> dict:
    """JSON-friendly values for the grid: ISO dates, no None for text columns the grid sorts."""
    out = {}
    for key in COLUMNS:
        value = row.get(key)
        if hasattr(value, "isoformat"):
            value = value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else value.isoformat()
        out[key] = value
    return out


def district_options() -> list[str]:
    """The districts a record can name: the importers accept Rwanda's 30 districts only (a camp's record
    names the camp's district), so the list is the vocabulary's, not a scan of a million rows."""
    return sorted(DISTRICTS)
