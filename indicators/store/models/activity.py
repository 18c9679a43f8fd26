"""Activity records, one table per sheet kind of DOMAIN §4, each row knowing the upload it came from, and each
kind's spec (``KINDS``, read through ``indicators.store.kinds``) beside its model.

Every record carries ``quarter``: the reporting quarter of its attribution date in its programme's calendar
(``FY2019Q3`` or ``2012Q1``), written when the row is stored so figures group by an indexed column.
Cases carry a second one, ``referral_quarter``, for indicators attributed by referral date.
``reference`` is the key for re-uploads (unique within a programme; several NULLs allowed);
``row_hash`` identifies a reference-less row so an identical re-upload is skipped (the importer reads a
programme's hashes in one query, so they carry no index: random 64-character keys doubled insert time).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from indicators import vocabulary
from indicators.i18n import N_
from indicators.store.models.base import Base, utcnow
from indicators.store.models.kind import KindSpec, Line, Stages, Summary, join, people


class Upload(Base):
    """One file given to the importer (stored, refused or a dry run): what, by whom, when, with what outcome."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    programme_code: Mapped[str | None] = mapped_column(String(20))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    # {"trainings": {"new": 3, "updated": 1, "unchanged": 0, "skipped": 2}, ...}
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(12))  # stored | unchanged | refused
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    kept_path: Mapped[str | None] = mapped_column(String(500))


class ActivityRecord:
    """Columns every activity table shares: owner programme, key, quarter and provenance."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    reference: Mapped[str | None] = mapped_column(String(80))
    quarter: Mapped[str] = mapped_column(String(10))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"), index=True)
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_row: Mapped[int | None] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __table_args__(cls):
        name = cls.__tablename__
        day = next((c for c in ("start_date", "date", "date_identified") if hasattr(cls, c)), None)
        return (
            UniqueConstraint("programme_id", "reference", name=f"uq_{name}_programme_reference"),
            # upload_id last: counting a report's source rows per upload reads the index alone
            Index(f"ix_{name}_programme_quarter_upload", "programme_id", "quarter", "upload_id"),
            # a quarter's records in date order read from the index: a page listing the first few hundred
            # of a large quarter reads those, not the whole quarter
            *(
                [Index(f"ix_{name}_programme_quarter_day", "programme_id", "quarter", day, "id")]
                if day
                else []
            ),
        )


class Training(ActivityRecord, Base):
    __tablename__ = "training"

    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(40))
    target_group: Mapped[str] = mapped_column(String(60))
    topic: Mapped[str | None] = mapped_column(Text)
    female: Mapped[int] = mapped_column(Integer, default=0)
    male: Mapped[int] = mapped_column(Integer, default=0)
    passed_post_test: Mapped[int | None] = mapped_column(Integer)
    partner: Mapped[str | None] = mapped_column(String(200))


class Awareness(ActivityRecord, Base):
    __tablename__ = "awareness"

    date: Mapped[date] = mapped_column(Date)
    district: Mapped[str] = mapped_column(String(40))
    setting: Mapped[str] = mapped_column(String(30))
    camp: Mapped[str | None] = mapped_column(String(30))
    activity: Mapped[str | None] = mapped_column(Text)
    female: Mapped[int] = mapped_column(Integer, default=0)
    male: Mapped[int] = mapped_column(Integer, default=0)
    under_18: Mapped[int | None] = mapped_column(Integer)


# The data-quality check "more children than people reached" reads this index alone.
Index(
    "ix_awareness_programme_children",
    Awareness.programme_id,
    Awareness.under_18,
    Awareness.female,
    Awareness.male,
)


class PolicyStep(ActivityRecord, Base):
    """One stage (Drafted, Validated, Adopted) reached by one instrument; an instrument has one row per stage."""

    __tablename__ = "policy_step"

    instrument: Mapped[str] = mapped_column(String(300))
    instrument_type: Mapped[str] = mapped_column(String(60))
    stage: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)
    lead_institution: Mapped[str | None] = mapped_column(String(200))


class Meeting(ActivityRecord, Base):
    __tablename__ = "meeting"

    date: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    institutions: Mapped[int] = mapped_column(Integer, default=0)
    decisions: Mapped[str | None] = mapped_column(Text)


class ResearchStep(ActivityRecord, Base):
    __tablename__ = "research_step"

    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)


class Case(ActivityRecord, Base):
    """One person identified as a possible victim: pseudonymous, no direct identifier ever stored.

    ``reference`` holds the case code. ``quarter`` follows the date identified, ``referral_quarter``
    the referral date.
    """

    __tablename__ = "victim_case"

    date_identified: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer)
    age_group: Mapped[str] = mapped_column(String(10))  # Child | Adult | Unknown
    nationality: Mapped[str] = mapped_column(String(60))  # country name as in ISO 3166, or Unknown
    location: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20))
    exploitation_types: Mapped[list] = mapped_column(JSON, default=list)
    destination_region: Mapped[str] = mapped_column(String(30), default="Unknown")
    referred_to: Mapped[str | None] = mapped_column(String(200))
    referral_date: Mapped[date | None] = mapped_column(Date)
    referral_quarter: Mapped[str | None] = mapped_column(String(10), index=True)
    assistance: Mapped[list] = mapped_column(JSON, default=list)


class ResultValue(ActivityRecord, Base):
    """A directly entered figure for an indicator that no activity sheet measures.

    ``quarter`` is the entry's period; an empty ``disaggregation`` marks the total. A percentage may come with
    its parts (``numerator`` of ``denominator``: 33 of 40 respondents); ``value`` is then their ratio × 100.
    """

    __tablename__ = "result_value"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    disaggregation: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(80), default="")
    comment: Mapped[str | None] = mapped_column(Text)


# --- the kinds: one spec each (see ``indicators.store.models.kind``), in the order sheets and commands list them ---


def _training(r) -> Line:
    passed = r.passed_post_test
    female, male, total = people(r.female, r.male)
    return Line(
        r.start_date,
        r.topic,
        end_date=r.end_date,
        district=r.district,
        location=r.district,
        group=r.target_group,
        female=female,
        male=male,
        total=total,
        detail=r.target_group + (f" · {passed} passed post-test" if passed is not None else ""),
        notes=join(
            [
                f"Passed post-test: {passed}" if passed is not None else None,
                r.partner and f"Organised with: {r.partner}",
            ]
        ),
    )


def _awareness(r) -> Line:
    female, male, total = people(r.female, r.male)
    return Line(
        r.date,
        r.activity,
        district=r.district,
        location=f"{r.district} ({r.camp} camp)" if r.camp else r.district,
        group=r.setting,
        female=female,
        male=male,
        total=total,
        detail=r.setting + (f" · {r.camp}" if r.camp else ""),
        notes=f"Of whom under 18: {r.under_18}" if r.under_18 is not None else None,
    )


def _policy_step(r) -> Line:
    return Line(
        r.date,
        r.instrument,
        group=r.instrument_type,
        stage=r.stage,
        detail=f"{r.instrument_type} · {r.stage}",
        notes=r.lead_institution and f"Lead institution: {r.lead_institution}",
    )


def _meeting(r) -> Line:
    return Line(
        r.date,
        r.body,
        total=r.participants,
        detail=f"{r.participants} participants, {r.institutions} institutions",
        notes=join(
            [f"Institutions represented: {r.institutions}", r.decisions and f"Decisions: {r.decisions}"]
        ),
    )


def _research_step(r) -> Line:
    return Line(r.date, r.title, stage=r.stage, detail=r.stage)


def _result_value(r) -> Line:
    split = f" · {r.disaggregation}={r.category}" if r.disaggregation else ""
    parts = f" · {r.numerator:g} of {r.denominator:g}" if r.denominator else ""
    return Line(
        None, r.comment, total=r.value, detail=f"{getattr(r, 'indicator_code', None) or '?'}{split}{parts}"
    )


def _headers(**columns: str) -> tuple[tuple[str, str], ...]:
    return tuple(columns.items())


KINDS = (
    KindSpec(
        "trainings",
        Training,
        N_("Training"),
        N_("Training"),
        N_("training"),
        "start_date",
        _training,
        report_label="Training",
        list_order=1,
        summary=Summary("district", "target_group", people=True),
        sheet="Trainings",
        headers=_headers(
            start_date="Start date",
            end_date="End date",
            district="District",
            target_group="Target group",
            topic="Topic",
            female="Female participants",
            male="Male participants",
            passed_post_test="Passed post-test",
            partner="Organised with",
        ),
    ),
    KindSpec(
        "awareness",
        Awareness,
        N_("Awareness"),
        N_("Awareness"),
        N_("awareness event"),
        "date",
        _awareness,
        report_label="Awareness event",
        list_order=2,
        summary=Summary("district", "setting", people=True),
        sheet="Awareness",
        headers=_headers(
            date="Date",
            district="District",
            setting="Setting",
            camp="Refugee camp",
            activity="Activity",
            female="Female reached",
            male="Male reached",
            under_18="Of whom under 18",
        ),
    ),
    KindSpec(
        "policies",
        PolicyStep,
        N_("Policy step"),
        N_("Policy"),
        N_("stage reached by an instrument"),
        "date",
        _policy_step,
        report_label="Policy step",
        list_order=4,
        stages=Stages("instrument", vocabulary.POLICY_STAGES, same="instrument_type"),
        summary=Summary("instrument_type", "stage"),
        sheet="Policies",
        headers=_headers(
            instrument="Instrument",
            instrument_type="Type",
            stage="Stage",
            date="Date",
            lead_institution="Lead institution",
        ),
    ),
    KindSpec(
        "meetings",
        Meeting,
        N_("Meeting"),
        N_("Meeting"),
        N_("meeting"),
        "date",
        _meeting,
        report_label="Meeting",
        list_order=3,
        summary=Summary("body", None, attended="participants"),
        sheet="Meetings",
        headers=_headers(
            date="Date",
            body="Body",
            participants="Participants",
            institutions="Institutions represented",
            decisions="Decisions",
        ),
    ),
    KindSpec(
        "research",
        ResearchStep,
        N_("Research step"),
        N_("Research"),
        N_("stage reached by a study"),
        "date",
        _research_step,
        report_label="Research step",
        list_order=5,
        stages=Stages("title", vocabulary.RESEARCH_STAGES),
        summary=Summary(None, "stage"),
        sheet="Research",
        headers=_headers(title="Title", stage="Stage", date="Date"),
    ),
    KindSpec(
        "cases",
        Case,
        N_("Case"),
        N_("Case"),
        N_("person identified (pseudonymous: never a name, phone number, address or document number)"),
        "date_identified",
        None,
        sensitive=True,
        extra_quarters=(("referral_quarter", "referral_date"),),
        sheet="Cases",
        headers=_headers(
            date_identified="Date identified",
            sex="Sex",
            nationality="Nationality",
            status="Trafficking status",
            exploitation_types="Exploitation type",
            destination_region="Destination region",
            referred_to="Referred to",
            referral_date="Referral date",
            age="Age",
            age_group="Age group",
            location="Location",
            assistance="Assistance",
        ),
    ),
    KindSpec(
        "results",
        ResultValue,
        N_("Result entry"),
        N_("Results"),
        N_("indicator value"),
        None,
        _result_value,
        list_order=6,
        sheet="Results",
        headers=_headers(
            value="Value",
            numerator="Numerator",
            denominator="Denominator",
            disaggregation="Disaggregation",
            comment="Comment",
        ),
    ),
)
