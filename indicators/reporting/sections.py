"""The quarter's own sections of the progress report: what the programme manager writes for a programme's quarter
besides each indicator's deviation narrative (``indicators.reporting.narratives``).

Three sections, in the donor's order: highlights, challenges and lessons learned, next quarter's plans. Each is
kept per programme and report quarter as versions (``QuarterSection``): writing adds a version, an empty text
clears the section (a version too), and writing the same text again adds nothing. Every change goes into the
audit trail (who, the programme and quarter, the section, the text before and after) in the same transaction.
A quarter closed by a sign-off (``indicators.figures.signoff``: the signed-off quarter and every one before it) refuses
a change, as uploads and corrections do; reopening the quarter lets it be written again. The caller owns the
transaction and checks the role (the Reports page lets administrators and managers write).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.figures import signoff
from indicators.figures.figures import FiguresError, load_programme, report_quarter
from indicators.i18n import N_, Message, gettext
from indicators.periods import Period
from indicators.report import SECTIONS
from indicators.store.models import QuarterSection

TEXT_LIMIT = 20_000  # characters: a few pages of a report, far more than a section needs


class SectionError(FiguresError):
    """An unknown section, programme or quarter, a text too long, or a closed quarter. Its own refusals are
    ``Message``s: English on the command line and in logs, in the reader's language on the Reports page."""


class _InSentence(Message):
    """A section's heading inside a sentence, in lower case: ``the highlights of the quarter are …``, in
    English as text and in the reader's language where a page shows it."""

    def __new__(cls, heading: str):
        text = str.__new__(cls, heading.lower())
        text.template, text.params = heading, {}
        return text

    def __reduce__(self):
        return (_InSentence, (self.template,))

    def translated(self) -> str:
        return gettext(self.template).lower()


@dataclass(frozen=True)
class SectionText:
    """A section as it stands: its text (None when never written or cleared) and its latest version."""

    key: str
    heading: str
    text: str | None
    version: int  # 0 when never written
    written_by: str | None = None
    written_at: datetime | None = None


def section_key(name: str) -> str:
    """The section's key from what a person types (``Highlights``, ``plans``); ``SectionError`` otherwise."""
    key = (name or "").strip().lower()
    if key not in SECTIONS:
        raise SectionError(
            Message(
                N_("unknown section {name!r}; the sections are {sections}"),
                name=name,
                sections=", ".join(SECTIONS),
            )
        )
    return key


def _programme_quarter(session: Session, programme_code: str, period: str | Period):
    try:
        programme = load_programme(session, programme_code)
        return programme, report_quarter(programme, period)
    except SectionError:
        raise
    except FiguresError as exc:
        raise SectionError(*exc.args) from None


def report_quarter_code(session: Session, programme_code: str, period: str | Period) -> str:
    """The quarter's code as stored (``FY2019Q3`` for ``fy19q3``)."""
    return _programme_quarter(session, programme_code, period)[1].code


def closed(session: Session, programme_code: str, period: str | Period) -> Message | None:
    """Why the quarter's sections cannot change (the sign-off that closes it, a ``Message``), or None."""
    programme, quarter = _programme_quarter(session, programme_code, period)
    messages = signoff.check_rows(session, programme.id, [quarter.code])
    return messages[0] if messages else None


def set_section(
    session: Session, programme_code: str, period: str | Period, section: str, text: str | None, user: str
) -> SectionText:
    """Write one section of a programme's quarter (empty text clears it); returns the section as it stands.
    ``SectionError`` for an unknown section, programme or quarter, a text over ``TEXT_LIMIT`` characters, or a
    quarter closed by a sign-off (nothing is written)."""
    key = section_key(section)
    programme, quarter = _programme_quarter(session, programme_code, period)
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if len(cleaned) > TEXT_LIMIT:
        raise SectionError(
            Message(
                N_("the {section} are at most {limit} characters (found {count})"),
                section=_InSentence(SECTIONS[key]),
                limit=signoff.Count(TEXT_LIMIT),
                count=signoff.Count(len(cleaned)),
            )
        )
    shut = signoff.check_rows(session, programme.id, [quarter.code])
    if shut:
        raise SectionError(Message(N_("{closed}; ask a manager to reopen it"), closed=shut[0]))
    before = _latest(session, programme.id, quarter.code, key)
    if (before.text if before is not None else "") == cleaned:
        return _shown(key, before)
    version = (before.version if before is not None else 0) + 1
    row = QuarterSection(
        programme_id=programme.id,
        period=quarter.code,
        section=key,
        version=version,
        text=cleaned,
        written_by=user or "unknown",
    )
    session.add(row)
    session.flush()
    old = before.text if before is not None and before.text else None
    audit.record(
        session,
        user or "unknown",
        "quarter-section",
        f"{programme.code} {quarter.code}",
        section=key,
        version=version,
        change="added" if old is None else ("cleared" if not cleaned else "changed"),
        before=old,
        after=cleaned or None,
    )
    return _shown(key, row)


def sections_for(session: Session, programme_code: str, period: str | Period) -> list[SectionText]:
    """Every section of a programme's quarter as it stands, in the report's order."""
    programme, quarter = _programme_quarter(session, programme_code, period)
    latest = {key: _latest(session, programme.id, quarter.code, key) for key in SECTIONS}
    return [_shown(key, row) for key, row in latest.items()]


def history(
    session: Session, programme_code: str, period: str | Period, section: str
) -> list[QuarterSection]:
    """Every version of one section of a programme's quarter, newest first."""
    key = section_key(section)
    programme, quarter = _programme_quarter(session, programme_code, period)
    return list(
        session.scalars(
            select(QuarterSection)
            .where(
                QuarterSection.programme_id == programme.id,
                QuarterSection.period == quarter.code,
                QuarterSection.section == key,
            )
            .order_by(QuarterSection.version.desc())
        )
    )


def _latest(session: Session, programme_id: int, quarter: str, key: str) -> QuarterSection | None:
    newest = (
        select(func.max(QuarterSection.version))
        .where(
            QuarterSection.programme_id == programme_id,
            QuarterSection.period == quarter,
            QuarterSection.section == key,
        )
        .scalar_subquery()
    )
    return session.scalar(
        select(QuarterSection).where(
            QuarterSection.programme_id == programme_id,
            QuarterSection.period == quarter,
            QuarterSection.section == key,
            QuarterSection.version == newest,
        )
    )


def _shown(key: str, row: QuarterSection | None) -> SectionText:
    if row is None:
        return SectionText(key, SECTIONS[key], None, 0)
    return SectionText(key, SECTIONS[key], row.text or None, row.version, row.written_by, row.written_at)
