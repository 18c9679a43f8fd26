"""A report's cover from a programme's figures and its stored facts: who funds it, when it runs, what its IATI
record publishes beyond the logframe (identifiers, sectors, contact, translations) and where it worked."""

from __future__ import annotations

from datetime import datetime

from indicators.figures import geography
from indicators.figures.figures import ProgrammeFigures
from indicators.report import IMPLEMENTER, Cover, Location, PhaseFunding
from indicators.store.models import Programme
from indicators.vocabulary import IATI_ORGANISATION_TYPES


def build_cover(
    pf: ProgrammeFigures, *, prepared: datetime, programme: Programme | None = None, districts=()
) -> Cover:
    info = pf.programme
    phases: tuple[PhaseFunding, ...] = ()
    if programme is not None:
        phases = tuple(
            PhaseFunding(
                p.name,
                p.start_date,
                p.end_date,
                float(p.budget),
                float(p.pledged or 0),
                p.pledged_by,
                float(p.funding_gap),
            )
            for p in programme.phases
        )
    words = (programme.organisation_types or {}) if programme is not None else {}
    publishing = (programme.iati or {}) if programme is not None else {}
    return Cover(
        programme_code=info.code,
        programme_title=info.title,
        description=programme.description if programme is not None else None,
        donor=info.donor,
        award_number=info.award_number or None,
        implementer=IMPLEMENTER,
        partners=tuple(info.partners),
        government_lead=info.government_lead,
        programme_start=info.start_date,
        programme_end=info.end_date,
        calendar=info.calendar,
        currency=programme.currency if programme is not None else "USD",
        period_code=pf.period.code,
        period_label=pf.period.label(),
        period_start=pf.period.start,
        period_end=pf.period.end,
        year_code=pf.year.code,
        year_label=pf.year.label(),
        prepared=prepared,
        data_as_of=pf.data_as_of,
        translations={
            code: {key: text for key, text in texts.items() if text}
            for code, texts in (publishing.get("translations") or {}).items()
        },
        phases=phases,
        missing_narratives=tuple(f.indicator.code for f in pf.indicators if f.needs_narrative),
        organisation_types={
            name: IATI_ORGANISATION_TYPES[word]
            for name, word in words.items()
            if word in IATI_ORGANISATION_TYPES
        },
        organisation_refs=dict(publishing.get("identifiers") or {}),
        sectors=tuple((s["code"], float(s.get("percentage", 100))) for s in publishing.get("sectors") or ()),
        humanitarian=bool(publishing.get("humanitarian")),
        contact=publishing.get("contact") or None,
        locations=tuple(
            Location(d.name, d.code, d.latitude, d.longitude)
            for d in (geography.districts().get(name) for name in districts)
            if d is not None
        ),
    )
