"""A referral is kept as a known provider or "Other provider", never as typed, and counts either way; the list
of providers is the shipped Rwanda one plus what administrators add with ``ctmonitor providers add`` (kept in
the store, each addition in the audit trail)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from importers.pipeline import import_file
from indicators.access import audit
from indicators.figures.figures import figures
from indicators.programmes import providers
from indicators.store.models import Case, Provider
from tests.importers.test_cli import ctmonitor

HEADER = "Case code,Project,Date identified,Sex,Nationality,Trafficking status,Referred to,Referral date\n"
REFERRALS = (
    ("Kirehe Women's Shelter - Aline Uwamahoro 0788 614 209", date(2019, 3, 5)),
    ("Aline Uwamahoro's house in Kirehe district", date(2019, 3, 6)),
    ("Mahama Health Centre Jean Paul Nsanzimana", date(2019, 3, 7)),
    ("", None),
)


def _sheet() -> bytes:
    rows = [
        f"PVR-C-0{n}1,PVR,0{n}/03/2019,F,BI,Possible victim,{typed},{f'{day:%d/%m/%Y}' if day else ''}"
        for n, (typed, day) in enumerate(REFERRALS, start=1)
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


def _referred(db) -> list[str | None]:
    return [c.referred_to for c in db.scalars(select(Case).order_by(Case.source_row))]


def test_a_referral_to_no_known_provider_is_other_provider_and_still_counts(db, settings):
    report = import_file(db, _sheet(), "cases.csv", settings=settings)
    assert report.ok, report.as_text()
    assert _referred(db) == [providers.OTHER, providers.OTHER, "Mahama Health Centre", None]
    [warning] = report.warnings
    assert (warning.where, warning.value) == ("cases!G2", "2 referrals to no known provider (G2, G3)")
    assert "Uwamahoro" not in report.as_text() and "Nsanzimana" not in report.as_text()
    line = {f.indicator.code: f for f in figures(db, "PVR", "FY2019Q2").indicators}
    # every referral with a date counts, whatever its text named
    assert line["PVR-3.2"].quarter.actual == sum(day is not None for _typed, day in REFERRALS) == 3


def test_a_provider_an_administrator_adds_is_kept_from_the_next_upload(db, settings):
    name, added = providers.add(db, "Kirehe Women's Shelter", ["KWS", "Kirehe shelter for women"], by="ada")
    assert (name, added) == ("Kirehe Women's Shelter", ("KWS", "Kirehe shelter for women"))
    assert import_file(db, _sheet(), "cases.csv", settings=settings).ok
    assert _referred(db)[:2] == ["Kirehe Women's Shelter", providers.OTHER]
    assert providers.catalogue(db).referred("kws, received by Mrs Uwamahoro") == "Kirehe Women's Shelter"
    # other names of a shipped provider
    assert providers.add(db, "isange one stop centre", ["Isange Kirehe"], by="ada") == (
        "Isange One Stop Centre",
        ("Isange Kirehe",),
    )
    assert providers.catalogue(db).referred("Isange Kirehe, Dr Mugabo") == "Isange One Stop Centre"
    [event, _first] = audit.recent(db, 2, action="provider-added")
    assert (event.username, event.target, event.detail) == (
        "ada",
        "Isange One Stop Centre",
        {"aliases": ["Isange Kirehe"], "shipped": True},
    )
    stored = db.scalars(select(Provider).order_by(Provider.id)).all()
    assert [(p.name, p.aliases) for p in stored][-2:] == [
        ("Kirehe Women's Shelter", ["KWS", "Kirehe shelter for women"]),
        ("Isange One Stop Centre", ["Isange Kirehe"]),
    ]


@pytest.mark.parametrize(
    "name, aliases, says",
    [
        ("RIB", [], "'RIB' already names Rwanda Investigation Bureau"),
        ("Kirehe Women's Shelter", ["Police"], "'Police' already names Rwanda National Police"),
        ("Kirehe Women's Shelter", ["0788 614 209"], "looks like a phone number or an e-mail address"),
        ("aline.u@example.org", [], "looks like a phone number or an e-mail address"),
        ("UNHCR", [], "UNHCR is already known"),
        ("--", [], "must hold letters or digits"),
    ],
)
def test_a_provider_that_would_mean_another_or_a_person_is_refused(db, name, aliases, says):
    with pytest.raises(providers.ProviderError, match=says):
        providers.add(db, name, aliases, by="ada")
    assert db.scalars(select(Provider)).all() == []


def test_the_providers_command_adds_lists_and_refuses(tmp_path):
    assert ctmonitor(tmp_path, "init").returncode == 0
    added = ctmonitor(
        tmp_path, "providers", "add", "Kirehe Women's Shelter", "--alias", "KWS", "--user", "ada"
    )
    assert added.returncode == 0 and "Provider Kirehe Women's Shelter (other names: KWS)" in added.stdout
    listed = ctmonitor(tmp_path, "providers", "list").stdout
    assert "Kirehe Women's Shelter (also: KWS)  [added by ada]" in listed
    assert "Isange One Stop Centre (also: Isange, Isange OSC" in listed and "[shipped]" in listed
    assert "Any other referral is kept as 'Other provider'." in listed
    refused = ctmonitor(tmp_path, "providers", "add", "RIB")
    assert refused.returncode == 1 and refused.stderr.strip() == (
        "ctmonitor providers add: 'RIB' already names Rwanda Investigation Bureau"
    )
