"""Quarter sign-off: what it closes (``signoff.check_rows``, the importer's question), the report kept as sent
and served again byte for byte after more data arrive, who may sign off, and ``ctmonitor signoff``."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlalchemy import select

from indicators.figures import signoff
from indicators.store.models import Programme
from tests.auth.conftest import dash_post, open_page
from tests.builders import fresh_store, make_training, run_command


def _close(session, period: str, user: str, report: bytes, name: str):
    """Sign off a KEC quarter, acknowledging the narratives missing (in this empty store everything is Behind)."""
    return signoff.sign_off(
        session,
        "KEC",
        period,
        user,
        report,
        "iptt",
        name,
        acknowledged=signoff.missing_narratives(session, "KEC", period),
    )


def _programme_id(session, code: str) -> int:
    return session.scalar(select(Programme.id).where(Programme.code == code))


# --- what a sign-off closes ------------------------------------------------------------------------


def test_check_rows_refuses_the_signed_off_quarter_and_every_earlier_one(session):
    _close(session, "FY2019Q3", "claire", b"report", "KEC_FY2019Q3_iptt.xlsx")
    kec, pvr = _programme_id(session, "KEC"), _programme_id(session, "PVR")
    assert signoff.check_rows(session, kec, {"FY2019Q4", "FY2020Q1"}) == []
    messages = signoff.check_rows(session, kec, ["FY2019Q4", "FY2019Q3", None, "", "FY2017Q2"])
    assert len(messages) == 2
    assert messages[0].startswith("KEC FY2017Q2 is closed: FY2019Q3 was signed off by claire on ")
    assert messages[1].startswith("KEC FY2019Q3 is closed: FY2019Q3 was signed off by claire on ")
    assert messages[0].endswith("a signed-off quarter and the quarters before it cannot change")
    assert signoff.check_rows(session, pvr, {"FY2019Q3", "FY2018Q2"}) == []  # another programme's quarters


def test_check_rows_counts_the_quarter_a_record_leaves(session):
    """A re-upload moving a record from FY2019Q2 to FY2020Q1 changes FY2019Q2 too: both are asked about."""
    _close(session, "FY2019Q3", "claire", b"report", "x.xlsx")
    kec = _programme_id(session, "KEC")
    old_and_new = {"FY2019Q2", "FY2020Q1"}
    assert [m.split(" is closed")[0] for m in signoff.check_rows(session, kec, old_and_new)] == [
        "KEC FY2019Q2"
    ]


def test_check_rows_names_the_earliest_sign_off_that_closes_a_quarter(session):
    _close(session, "FY2019Q1", "amina", b"q1", "q1.xlsx")
    _close(session, "FY2019Q3", "claire", b"q3", "q3.xlsx")
    kec = _programme_id(session, "KEC")
    first, second = signoff.check_rows(session, kec, {"FY2019Q1", "FY2019Q2"})
    assert "FY2019Q1 was signed off by amina" in first and "FY2019Q3 was signed off by claire" in second


def test_check_rows_reads_years_lop_and_loose_codes_and_ignores_what_is_no_period(session):
    _close(session, "FY2019Q1", "claire", b"q1", "q1.xlsx")
    kec = _programme_id(session, "KEC")
    closed = [
        m.split(" is closed")[0]
        for m in signoff.check_rows(session, kec, {"FY2019", "FY2020", "LOP", "fy19q1", "not a period"})
    ]
    assert closed == ["KEC LOP", "KEC FY2019", "KEC fy19q1"]


def test_check_rows_with_no_sign_off_is_one_cheap_answer(session):
    assert signoff.check_rows(session, _programme_id(session, "GIFT"), {"2012Q1"}) == []
    assert signoff.check_rows(session, _programme_id(session, "GIFT"), set()) == []


def test_an_import_into_a_closed_quarter_is_refused_as_the_importer_will_ask(session):
    """What the importer does with the quarters of the rows it would write, old and new (see the contract
    in ``signoff.check_rows``): a training of April 2019 after FY2019Q3 is signed off is refused."""
    from indicators import periods

    _close(session, "FY2019Q3", "claire", b"report", "x.xlsx")
    kec = session.scalar(select(Programme).where(Programme.code == "KEC"))
    dates = [date(2019, 4, 20), date(2019, 10, 3)]
    quarters = {periods.quarter_of(d, kec.calendar).code for d in dates}
    problems = signoff.check_rows(session, kec.id, quarters)
    assert problems and problems[0].startswith("KEC FY2019Q3 is closed: FY2019Q3 was signed off by claire")
    assert (
        signoff.check_rows(session, kec.id, {periods.quarter_of(date(2019, 10, 3), kec.calendar).code}) == []
    )


def test_the_importer_refuses_a_workbook_touching_a_signed_off_quarter(session, settings):
    from importers.pipeline import import_file

    _close(session, "FY2019Q3", "claire", b"report", "x.xlsx")
    sheet = (
        b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
        b"SO-1,KEC,20/04/2019,Gasabo,Police,Identification,12,9\n"
    )
    report = import_file(session, sheet, "late.csv", settings=settings, uploaded_by="olivier")
    assert not report.ok and report.outcome == "refused"
    assert any(
        "KEC FY2019Q3 is closed" in str(problem) and "signed off by claire" in str(problem)
        for problem in report.errors
    )
    # a quarter after the sign-off is open
    later = sheet.replace(b"SO-1,KEC,20/04/2019", b"SO-2,KEC,20/07/2019")
    stored = import_file(session, later, "later.csv", settings=settings, uploaded_by="olivier")
    assert stored.outcome == "stored" and stored.counts["trainings"]["new"] == 1


# --- the report as sent ----------------------------------------------------------------------------

SIGN = "..reports-signoff-result.children...reports-signoff-button.disabled.."
DOWNLOAD = "..reports-file.data...reports-done.children.."


def _sign(store, client, period: str, confirmed: bool = True, acknowledged: bool = True):
    """Press "Sign off" on the Reports page as drawn for ``period``, which lists the indicators missing a
    narrative in its state, as the page does."""
    with store.Session() as session:
        flagged = signoff.missing_narratives(session, "KEC", period)
    return dash_post(
        client,
        SIGN,
        [("reports-signoff-button", "n_clicks", 1)],
        [
            ("reports-signoff-confirm", "value", confirmed),
            ("reports-signoff-acknowledge", "value", acknowledged),
            (
                "reports-state",
                "data",
                {"programme": "KEC", "period": period, "format": "csv", "flagged": flagged},
            ),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", period),
        ],
    )


def _download(client, period: str, fmt: str) -> tuple[bytes, str, str]:
    response = dash_post(
        client,
        DOWNLOAD,
        [("reports-download", "n_clicks", 1)],
        [
            ("reports-state", "data", {"programme": "KEC", "period": period, "format": fmt}),
            ("reports-programme", "value", "KEC"),
            ("reports-quarter", "value", period),
            ("reports-format", "value", fmt),
        ],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.get_json()["response"]
    sent = answer["reports-file"]["data"]
    data = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    return data, sent["filename"], answer["reports-done"]["children"]


def test_a_signed_off_report_downloads_byte_for_byte_after_more_data_arrive(client_as, demo_store):
    from exports.formats import FORMATS
    from indicators.access import audit
    from indicators.reporting.narratives import set_narrative
    from indicators.reporting.reporting import report_file

    manager = client_as("manager")
    assert "Tick the box" in _sign(demo_store, manager, "FY2019Q2", confirmed=False).get_data(as_text=True)
    response = _sign(demo_store, manager, "FY2019Q2")
    assert response.status_code == 200
    done = response.get_json()["response"]["reports-signoff-result"]["children"]["props"]["children"]
    assert done.startswith("Signed off KEC · FY2019 Q2 by claire on") and "KEC_FY2019Q2_iptt.xlsx" in done
    with demo_store.Session() as session:
        kept = signoff.signed_report(session, "KEC", "FY2019Q2")
        assert (kept.report_format, kept.report_filename) == (
            "iptt",
            "KEC_FY2019Q2_iptt.xlsx",
        )  # USAID's format
        kept_bytes = kept.report

    # more data arrive for a later quarter, and the quarter's narrative is rewritten
    with demo_store.begin() as session:
        make_training(session, "KEC", start_date=date(2019, 11, 5), female=40, male=35)
        set_narrative(session, "KEC-4.2", "FY2019Q2", "Rewritten after the report was sent.", "claire")
    with demo_store.Session() as session:
        fresh, _ = report_file(session, "KEC", "FY2019Q2", FORMATS, "iptt", small_cell=5)
    assert fresh != kept_bytes  # a report made now would differ...

    for client in (manager, client_as("donor-usaid")):  # ...but the one signed off is served as sent
        data, name, note = _download(client, "FY2019Q2", "iptt")
        assert data == kept_bytes and name == "KEC_FY2019Q2_iptt.xlsx"
        assert note["props"]["children"] == (
            f"Downloaded KEC · FY2019 Q2 · IPTT: KEC_FY2019Q2_iptt.xlsx "
            f"({len(kept_bytes):,} bytes, the copy kept at sign-off)."
        )
    csv, name, note = _download(manager, "FY2019Q2", "csv")  # other formats are made afresh
    assert name == "KEC_FY2019Q2_csv.csv" and "kept" not in str(note) and csv.startswith(b"programme,")

    with demo_store.Session() as session:
        signed = audit.recent(session, 1, action="sign-off")[0]
        downloads = audit.recent(session, 3, action="report-downloaded")
    assert (signed.username, signed.target) == ("claire", "KEC FY2019Q2")
    assert [d.detail["signed_copy"] for d in downloads] == [False, True, True]
    assert {d.username for d in downloads} == {"claire", "dana"}


def test_the_reports_page_names_the_sign_off_and_the_quarter_cannot_be_signed_twice(client_as, demo_store):
    manager = client_as("manager")
    _sign(demo_store, manager, "FY2018Q4")
    for role in ("manager", "donor-usaid"):
        text = open_page(client_as(role), "/reports?programme=KEC&period=FY2018Q4&format=iptt").get_data(
            as_text=True
        )
        assert "was signed off by claire on" in text and "reports-signoff-button" not in text
        assert "the report as signed off, kept byte for byte" in text
    earlier = open_page(manager, "/reports?programme=KEC&period=FY2018Q3").get_data(as_text=True)
    assert "Closed: FY2018Q4 was signed off by claire" in earlier
    again = _sign(demo_store, manager, "FY2018Q4").get_data(as_text=True)
    assert "was not signed off: KEC FY2018Q4 was already signed off by claire" in again


@pytest.mark.parametrize("role", ["officer", "admin", "donor-usaid"])
def test_only_a_manager_signs_off(client_as, demo_store, role):
    assert _sign(demo_store, client_as(role), "FY2018Q2").status_code == 403
    with demo_store.Session() as session:
        assert signoff.signed_report(session, "KEC", "FY2018Q2") is None
    page = open_page(client_as(role), "/reports?programme=KEC&period=FY2018Q2").get_data(as_text=True)
    assert "reports-signoff-button" not in page


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    from indicators.access import accounts
    from indicators.store.db import Store

    settings = fresh_store(tmp_path_factory.mktemp("signoff-cli"))
    store = Store(settings)
    with store.begin() as session:
        accounts.add_user(session, "claire", "correct horse battery", "manager")
        accounts.add_user(session, "olivier", "correct horse battery", "officer")
    store.dispose()
    return settings


def test_cli_signoff_keeps_the_report_and_refuses_a_second_time(cli_store, capsys):
    from indicators.store.db import Store

    # an empty store: every count is behind without a narrative (the milestones are not due until Q4)
    assert (
        run_command(cli_store, "signoff", "--programme", "kec", "--period", "fy19q3", "--user", "claire") == 1
    )
    refused = capsys.readouterr().err
    assert "not signed off: KEC-3.1, KEC-4.1" in refused and "--without-narratives" in refused
    store = Store(cli_store)
    with store.Session() as session:
        assert signoff.signed_report(session, "KEC", "FY2019Q3") is None
    store.dispose()
    assert (
        run_command(
            cli_store,
            "signoff",
            "--programme",
            "kec",
            "--period",
            "fy19q3",
            "--user",
            "claire",
            "--without-narratives",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Signed off KEC FY2019Q3 by claire: KEC_FY2019Q3_iptt.xlsx kept as version 1 (")
    assert "signed off without narratives for KEC-3.1, KEC-4.1, KEC-4.2, KEC-5.1, KEC-5.2" in out
    store = Store(cli_store)
    with store.Session() as session:
        kept = signoff.signed_report(session, "KEC", "FY2019Q3")
        assert kept.report[:2] == b"PK" and kept.report_format == "iptt"
    store.dispose()
    assert (
        run_command(cli_store, "signoff", "--programme", "KEC", "--period", "FY2019Q3", "--user", "claire")
        == 1
    )
    assert "already signed off by claire" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, code, message",
    [
        (
            ("--programme", "PVR", "--period", "FY2019Q3", "--user", "olivier"),
            1,
            "not an active programme manager",
        ),
        (
            ("--programme", "PVR", "--period", "FY2019Q3", "--user", "nobody"),
            1,
            "not an active programme manager",
        ),
        (("--programme", "PVR", "--period", "FY2030Q1", "--user", "claire"), 2, "FY2030Q1"),
        (("--programme", "XYZ", "--period", "FY2019Q3", "--user", "claire"), 2, "XYZ"),
        (("--programme", "PVR", "--period", "FY2019", "--user", "claire"), 2, "FY2019"),
    ],
)
def test_cli_signoff_refusals(cli_store, capsys, argv, code, message):
    assert run_command(cli_store, "signoff", *argv) == code
    assert message in capsys.readouterr().err


def test_cli_signoff_with_another_format(cli_store, capsys):
    assert (
        run_command(
            cli_store,
            "signoff",
            "--programme",
            "PVR",
            "--period",
            "FY2019Q2",
            "--format",
            "csv",
            "--user",
            "claire",
            "--note",
            "sent 3 July",
            "--without-narratives",
        )
        == 0
    )
    assert "PVR_FY2019Q2_csv.csv kept" in capsys.readouterr().out
