"""The quarter's own report sections (``indicators.reporting.sections``): kept per programme and quarter with every version,
audited, cleared by an empty text, and refused in a quarter closed by a sign-off until it is reopened."""

from __future__ import annotations

import pytest

from indicators.access import audit
from indicators.figures import signoff
from indicators.reporting import sections


def _sign_off(session, period: str):
    return signoff.sign_off(
        session,
        "KEC",
        period,
        "claire",
        b"report",
        "report",
        f"KEC_{period}_report.docx",
        acknowledged=signoff.missing_narratives(session, "KEC", period),
    )


def test_every_version_is_kept_and_audited_and_the_latest_is_the_sections_text(session):
    first = sections.set_section(
        session, "KEC", "FY19Q3", "Highlights", "  Two trainings.\r\nOne law.  ", "claire"
    )
    assert (first.key, first.text, first.version, first.written_by) == (
        "highlights",
        "Two trainings.\nOne law.",
        1,
        "claire",
    )
    same = sections.set_section(session, "KEC", "FY2019Q3", "highlights", "Two trainings.\nOne law.", "ada")
    assert same.version == 1 and same.written_by == "claire"  # nothing changed: no new version
    sections.set_section(session, "KEC", "FY2019Q3", "highlights", "Three trainings.", "ada")
    cleared = sections.set_section(session, "KEC", "FY2019Q3", "highlights", "   ", "ada")
    assert (cleared.text, cleared.version) == (None, 3)
    kept = sections.history(session, "KEC", "FY2019Q3", "highlights")
    assert [(v.version, v.text, v.written_by) for v in kept] == [
        (3, "", "ada"),
        (2, "Three trainings.", "ada"),
        (1, "Two trainings.\nOne law.", "claire"),
    ]
    events = audit.recent(session, 3, action="quarter-section")
    assert [(e.username, e.target, e.detail["change"]) for e in events] == [
        ("ada", "KEC FY2019Q3", "cleared"),
        ("ada", "KEC FY2019Q3", "changed"),
        ("claire", "KEC FY2019Q3", "added"),
    ]
    assert (
        events[1].detail["before"] == "Two trainings.\nOne law."
        and events[1].detail["after"] == "Three trainings."
    )
    shown = sections.sections_for(session, "KEC", "FY2019Q3")
    assert [(s.key, s.text, s.version) for s in shown] == [
        ("highlights", None, 3),
        ("challenges", None, 0),
        ("plans", None, 0),
    ]
    assert sections.sections_for(session, "KEC", "FY2019Q2")[0].version == 0  # per quarter
    assert sections.sections_for(session, "PVR", "FY2019Q3")[0].version == 0  # per programme


@pytest.mark.parametrize(
    ("programme", "period", "section", "text", "message"),
    [
        (
            "KEC",
            "FY2019Q3",
            "risks",
            "x",
            "unknown section 'risks'; the sections are highlights, challenges, plans",
        ),
        ("XYZ", "FY2019Q3", "plans", "x", "unknown programme 'XYZ'"),
        ("KEC", "FY2019", "plans", "x", "FY2019 is a year, not a quarter"),
        ("KEC", "FY2021Q1", "plans", "x", "FY2021Q1 is outside KEC"),
        (
            "KEC",
            "FY2019Q3",
            "plans",
            "x" * (sections.TEXT_LIMIT + 1),
            "are at most 20,000 characters (found 20,001)",
        ),
    ],
)
def test_what_cannot_be_written_is_refused_with_its_reason(
    session, programme, period, section, text, message
):
    with pytest.raises(sections.SectionError) as refused:
        sections.set_section(session, programme, period, section, text, "claire")
    assert message in str(refused.value)


def test_a_closed_quarter_refuses_its_sections_and_the_earlier_ones_until_reopened(session):
    sections.set_section(session, "KEC", "FY2019Q2", "plans", "Plan for Q3.", "claire")
    _sign_off(session, "FY2019Q3")
    for quarter in ("FY2019Q3", "FY2019Q2"):  # the signed-off quarter and those before it
        with pytest.raises(sections.SectionError) as refused:
            sections.set_section(session, "KEC", quarter, "plans", "Changed after sending.", "claire")
        assert str(refused.value).startswith(
            f"KEC {quarter} is closed: FY2019Q3 was signed off by claire on "
        )
        assert sections.closed(session, "KEC", quarter) is not None
    assert sections.history(session, "KEC", "FY2019Q2", "plans")[0].text == "Plan for Q3."  # nothing written
    assert (
        sections.set_section(session, "KEC", "FY2019Q4", "plans", "Next.", "claire").version == 1
    )  # later: open
    signoff.reopen(session, "KEC", "FY2019Q3", "ada", "USAID asked for the challenges to be completed")
    assert sections.closed(session, "KEC", "FY2019Q3") is None
    assert sections.set_section(session, "KEC", "FY2019Q3", "challenges", "Roads.", "claire").version == 1
