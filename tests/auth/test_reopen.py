"""Reopening a signed-off quarter: who may (a manager or an administrator, never an officer or a donor officer,
and never without a reason), on the Reports page and with ``ctmonitor reopen``; the versions kept downloaded
as sent (the page and ``ctmonitor export --as-sent [--version N]``); ``ctmonitor changes``."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

import pytest
from sqlalchemy import delete

from exports.formats import FORMATS
from indicators.figures import signoff
from indicators.reporting.reporting import make_file
from indicators.store.models import SignOff
from tests.auth.conftest import dash_post, open_page
from tests.builders import fresh_store, make_training, run_command

REOPEN = "..reports-reopen-result.children...reports-reopen-button.disabled.."
VERSION = "..reports-version-file.data...reports-version-done.children.."
QUARTER = "FY2019Q1"


def _sign(store, code: str, period: str):
    with store.begin() as session:
        made = make_file(session, code, period, FORMATS, small_cell=5)
        fmt = made.format
        return signoff.sign_off(
            session,
            code,
            period,
            "claire",
            made.data,
            fmt,
            FORMATS[fmt].filename(code, period),
            acknowledged=signoff.missing_narratives(session, code, period),
            figures=made.figures,
            changed=made.changed,
        ).id


def _reopen(client, reason: str, period: str = QUARTER):
    return dash_post(
        client,
        REOPEN,
        [("reports-reopen-button", "n_clicks", 1)],
        [
            ("reports-reopen-reason", "value", reason),
            ("reports-state", "data", {"programme": "PVR", "period": period, "format": "ppr"}),
            ("reports-programme", "value", "PVR"),
            ("reports-quarter", "value", period),
        ],
    )


def _in_force(store, period: str = QUARTER):
    with store.Session() as session:
        record = signoff.signed_report(session, "PVR", period)
        return None if record is None else record.version


@pytest.fixture
def signed(demo_store):
    """PVR's quarter signed off (version 1); every version of it removed afterwards."""
    _sign(demo_store, "PVR", QUARTER)
    yield
    with demo_store.begin() as session:
        session.execute(delete(SignOff).where(SignOff.period == QUARTER))


@pytest.mark.parametrize("role", ["officer", "donor-state"])
def test_an_officer_or_a_donor_officer_cannot_reopen(client_as, demo_store, signed, role):
    client = client_as(role)
    assert _reopen(client, "I would like to change it").status_code == 403
    assert _in_force(demo_store) == 1
    page = open_page(client, f"/reports?programme=PVR&period={QUARTER}").get_data(as_text=True)
    assert "reports-reopen-button" not in page and "was signed off by claire" in page


def test_a_reopen_without_a_reason_is_refused_and_with_one_it_opens_the_quarter(
    client_as, demo_store, signed
):
    manager = client_as("manager")
    page = open_page(manager, f"/reports?programme=PVR&period={QUARTER}").get_data(as_text=True)
    assert "reports-reopen-button" in page and "version 1" in page
    refused = _reopen(manager, "   ").get_json()["response"]["reports-reopen-result"]["children"]
    assert "Write why PVR · FY2019 Q1 is reopened" in str(refused)
    assert _in_force(demo_store) == 1
    done = _reopen(client_as("admin"), "State asked for the refugee figures to be corrected")
    assert "Reopened PVR · FY2019 Q1" in str(done.get_json()["response"]["reports-reopen-result"]["children"])
    assert _in_force(demo_store) is None
    with demo_store.Session() as session:
        kept = signoff.versions(session, "PVR", QUARTER)[0]
        assert (kept.reopened_by, kept.reopen_reason) == (
            "ada",
            "State asked for the refugee figures to be corrected",
        )
        kept_bytes = kept.report
    for role in ("manager", "donor-state"):  # the version kept is listed and downloads as sent
        client = client_as(role)
        page = open_page(client, f"/reports?programme=PVR&period={QUARTER}").get_data(as_text=True)
        assert "Versions sent (1)" in page and hashlib.sha256(kept_bytes).hexdigest() in page
        answer = dash_post(
            client,
            VERSION,
            [[({"type": "reports-version", "version": 1}, "n_clicks", 1)]],
            [("reports-state", "data", {"programme": "PVR", "period": QUARTER})],
        ).get_json()
        sent = answer["response"]["reports-version-file"]["data"]
        assert (
            base64.b64decode(sent["content"]) == kept_bytes
            and sent["filename"] == f"PVR_{QUARTER}_ppr_v1.xlsx"
        )
    assert "State asked for the refugee figures" in open_page(
        client_as("manager"), f"/programme?code=PVR&period={QUARTER}"
    ).get_data(as_text=True)


def test_a_donor_officer_cannot_download_another_donors_version(client_as, demo_store, signed):
    answer = dash_post(
        client_as("donor-usaid"),
        VERSION,
        [[({"type": "reports-version", "version": 1}, "n_clicks", 1)]],
        [("reports-state", "data", {"programme": "PVR", "period": QUARTER})],
    )
    assert answer.status_code == 403 and b"PK" not in answer.get_data()


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    from indicators.access import accounts
    from indicators.store.db import Store

    settings = fresh_store(tmp_path_factory.mktemp("reopen-cli"))
    store = Store(settings)
    with store.begin() as session:
        accounts.add_user(session, "claire", "correct horse battery", "manager")
        accounts.add_user(session, "ada", "correct horse battery", "admin")
        accounts.add_user(session, "olivier", "correct horse battery", "officer")
        accounts.add_user(session, "dana", "correct horse battery", "donor", "USAID")
        make_training(session, "KEC", start_date=date(2019, 4, 10), female=20, male=15)
    store.dispose()
    return settings


def test_cli_reopen_changes_and_export_as_sent(cli_store, capsys, tmp_path):
    from indicators.store.db import Store

    sign = (
        "signoff",
        "--programme",
        "KEC",
        "--period",
        "FY2019Q3",
        "--without-narratives",
        "--user",
        "claire",
    )
    assert run_command(cli_store, *sign) == 0
    reopen = ("reopen", "--programme", "kec", "--period", "fy19q3")
    for user in ("olivier", "dana", "nobody"):
        assert run_command(cli_store, *reopen, "--user", user, "--reason", "mine") == 1
        assert "not an active programme manager or administrator" in capsys.readouterr().err
    assert run_command(cli_store, *reopen, "--user", "claire", "--reason", " ") == 1
    assert "a reason is required" in capsys.readouterr().err
    assert run_command(cli_store, *reopen, "--user", "ada", "--reason", "USAID's letter of 3 March") == 0
    assert capsys.readouterr().out.startswith(
        "Reopened KEC FY2019Q3 by ada: version 1 (KEC_FY2019Q3_iptt.xlsx"
    )
    assert run_command(cli_store, *reopen, "--user", "ada", "--reason", "again") == 1
    assert "is not signed off (version 1 was reopened by ada" in capsys.readouterr().err

    store = Store(cli_store)
    with store.begin() as session:
        make_training(session, "KEC", start_date=date(2019, 5, 2), female=4, male=3)
    store.dispose()
    assert run_command(cli_store, "changes", "--programme", "KEC", "--period", "FY2019Q3") == 0
    listed = capsys.readouterr().out.splitlines()
    assert (
        listed[0].startswith("KEC FY2019Q3: version 1, signed off by claire on")
        and "USAID's letter" in listed[0]
    )
    assert "  KEC-4.2 · FY2019Q3 · total: actual 35 → 42" in listed
    assert "  KEC-4.1 · FY2019Q3 · total: actual 1 → 2" in listed
    assert run_command(cli_store, *sign) == 0
    assert "kept as version 2" in capsys.readouterr().out
    assert run_command(cli_store, "changes", "--programme", "KEC", "--period", "FY2019Q3") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No figure differs from version 2 as sent."

    store = Store(cli_store)
    with store.Session() as session:
        kept = {v.version: v.report for v in signoff.versions(session, "KEC", "FY2019Q3")}
    store.dispose()
    export = ("export", "--programme", "KEC", "--period", "FY2019Q3", "--as-sent")
    for version, argv in ((1, ("--version", "1")), (2, ("--version", "2")), (2, ())):
        out = tmp_path / f"v{version}-{len(argv)}.xlsx"
        assert run_command(cli_store, *export, *argv, "-o", str(out)) == 0
        assert out.read_bytes() == kept[version]
        assert f"version {version} as signed off by claire" in capsys.readouterr().out
    assert kept[1] != kept[2]
    assert run_command(cli_store, *export, "--version", "3", "-o", str(tmp_path / "x.xlsx")) == 1
    assert "KEC FY2019Q3 has no version 3; kept: 1 (" in capsys.readouterr().err
    assert (
        run_command(
            cli_store,
            "export",
            "--programme",
            "KEC",
            "--period",
            "FY2019Q2",
            "--as-sent",
            "-o",
            str(tmp_path / "x.xlsx"),
        )
        == 1
    )
    assert "KEC FY2019Q2 has no report kept as sent: it was never signed off" in capsys.readouterr().err
    assert run_command(cli_store, "changes", "--programme", "KEC", "--period", "FY2019Q2") == 1
    assert "never signed off" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def _page(client, path: str) -> str:
    """What a page draws, its text as written (not JSON-escaped)."""
    return str(open_page(client, path).get_json())


def test_after_a_target_edit_the_logframe_and_indicator_pages_say_the_figures_differ_from_the_report_sent(
    client_as, demo_store, signed
):
    from indicators.programmes import logframe
    from indicators.store.models import IndicatorChange

    with demo_store.Session() as session:
        before = logframe.load(session, "PVR-3.1").target_for("FY2019")
    with demo_store.begin() as session:
        assert logframe.edit(
            session,
            "PVR-3.1",
            by="claire",
            reason="Donor-approved modification",
            comment="test: modification 5",
            targets={"FY2019": str(before + 10)},
        ).ok
    try:
        for path, notice in (
            (f"/programme?code=PVR&period={QUARTER}", "programme-signed"),
            (f"/indicator?code=PVR-3.1&period={QUARTER}", "indicator-signed"),
        ):
            page = _page(client_as("manager"), path)
            assert notice in page and "Signed off by claire on" in page and "version 1" in page
            assert "differ from the report as sent for " in page and "PVR-3.1" in page
            assert f"/reports?programme=PVR&period={QUARTER}#reports-changes" in page
        donor = _page(client_as("donor-state"), f"/programme?code=PVR&period={QUARTER}")
        assert f"/reports?programme=PVR&period={QUARTER}#reports-versions" in donor
        staff = _page(client_as("officer"), f"/reports?programme=PVR&period={QUARTER}")
        assert f"target {before:g} → {before + 10:g}" in staff and "edited by claire" in staff
        donor_reports = _page(client_as("donor-state"), f"/reports?programme=PVR&period={QUARTER}")
        assert "PVR-3.1" in donor_reports and "edited by claire" not in donor_reports
    finally:
        with demo_store.begin() as session:
            assert logframe.edit(
                session,
                "PVR-3.1",
                by="claire",
                reason="Other",
                comment="test: undone",
                targets={"FY2019": str(before)},
            ).ok
            session.execute(delete(IndicatorChange).where(IndicatorChange.comment.like("test: %")))


def test_right_after_the_sign_off_a_donor_officer_is_told_nothing_differs(client_as, signed):
    """The donor reads small victim counts withheld ("<5"); the version sent keeps them exact. Compared as the
    donor reads them, every withheld cell "differed": the donor was told IOM would send a revised report
    of a quarter nobody had touched. Both sides are compared exact; the donor still sees no value."""
    for role in ("manager", "donor-state"):
        page = _page(client_as(role), f"/reports?programme=PVR&period={QUARTER}")
        assert "No figure differs from version 1 as sent." in page, role
        assert "IOM will send a revised report" not in page, role


def test_a_donor_officer_learns_no_withheld_count_from_what_changed_since_the_sign_off(
    client_as, demo_store, signed
):
    """The attacker is the donor officer: after the quarter is reopened and one victim from a country of few
    is added, their Reports page must say that figures differ and for which indicator, and nothing a withheld
    count could be read back from (the category, the values as sent and now). Staff see all of it."""
    from sqlalchemy import select

    from indicators.store.models import Case
    from tests.builders import make_case, refresh_sums

    assert "Reopened" in str(_reopen(client_as("manager"), "A case reported late").get_json())
    with demo_store.begin() as session:
        added = make_case(session, "PVR", date_identified=date(2018, 11, 20), nationality="Kenya")
        added_id = added.id
    try:
        staff = _page(client_as("manager"), f"/reports?programme=PVR&period={QUARTER}")
        assert "Kenya" in staff and "→" in staff  # the change as staff read it
        donor = _page(client_as("donor-state"), f"/reports?programme=PVR&period={QUARTER}")
        assert "differ from version 1 as sent" in donor and "PVR-3.1" in donor
        assert "Kenya" not in donor and "→" not in donor and "nationality" not in donor.lower()
    finally:
        with demo_store.begin() as session:
            case = session.scalar(select(Case).where(Case.id == added_id))
            session.delete(case)
            session.flush()
            refresh_sums(session, case)
