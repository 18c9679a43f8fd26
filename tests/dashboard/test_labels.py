"""Buttons that act name what they act on, and their answers repeat it: the commit (file and programme), a
direct result (indicator and quarter), the Accounts page's Disable, Enable and Reset password (the user); and
ticking a row to take the file's value recounts what the commit would do."""

from __future__ import annotations

import base64

from sqlalchemy import delete, select

from tests.dashboard.test_pages import find, texts


def test_the_accounts_buttons_name_the_user_chosen(pages):
    accounts = pages.accounts
    assert accounts.name_the_user(None) == ("Disable", "Enable", "Reset password")
    assert accounts.name_the_user("dana") == ("Disable dana", "Enable dana", "Reset the password of dana")


def test_the_commit_and_the_entry_name_their_target(pages):
    from importers.report import ImportReport

    upload, results = pages.upload, pages.results
    report = ImportReport(
        ok=True, outcome="dry-run", filename="t.xlsx", sha256="a" * 64, size=1, programmes=["KEC", "PVR"]
    )
    assert upload.commit_label(None, None) == "Commit the upload"
    assert upload.commit_label("t.xlsx", report) == "Commit t.xlsx for KEC and PVR"
    assert results.enter_label("KEC-6.1", "FY2019Q3") == "Enter the result for KEC-6.1 · FY2019Q3"
    stored = ImportReport(
        ok=True, outcome="stored", filename="t.xlsx", sha256="a" * 64, size=1, programmes=["KEC"]
    )
    assert texts(upload.render_report(stored, committed=True)).startswith("Stored t.xlsx. Programme: KEC.")


def test_ticking_the_files_value_recounts_the_commit(pages, request_context, demo_store):
    from importers import corrections
    from importers.pipeline import import_file
    from indicators.store.models import RecordCorrection, Training, Upload

    sheet = (
        b"Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
        b"TICK-1,KEC,02/07/2019,Huye,Media,Reporting,3,5\nTICK-2,KEC,03/07/2019,Huye,Media,Radio,2,2\n"
    )
    with demo_store.begin() as session:
        assert import_file(session, sheet, "tick.csv", settings=demo_store.settings, uploaded_by="amina").ok
        first = session.scalar(select(Training.id).where(Training.reference == "TICK-1"))
        assert corrections.correct(
            session,
            "trainings",
            first,
            {"female": "30"},
            by="amina",
            reason="Typing error",
            comment="register",
            settings=demo_store.settings,
        ).ok
    contents = "data:text/csv;base64," + base64.b64encode(sheet).decode()
    try:
        with request_context(as_user="officer"):
            drawn, *_ = pages.upload.check_file(contents, "KEC", "tick.csv")
            counted = pages.upload.count_with_file_values([["tick!2"]], contents, "tick.csv", "KEC")
        assert "This very file was stored before" in texts(find(drawn, "upload-verdict"))
        before = [td.children for td in find(drawn, "upload-counts").children[1].children[0].children[1:]]
        after = [td.children for td in counted.children[1].children[0].children[1:]]
        assert before == ["0", "0", "2", "0"] and after == [
            "0",
            "1",
            "1",
            "0",
        ]  # new, updated, unchanged, skipped
    finally:
        with demo_store.begin() as session:
            ids = list(session.scalars(select(Training.id).where(Training.reference.like("TICK-%"))))
            session.execute(
                delete(RecordCorrection).where(
                    RecordCorrection.record_id.in_(ids), RecordCorrection.kind == "trainings"
                )
            )
            session.execute(delete(Training).where(Training.id.in_(ids)))
            session.execute(delete(Upload).where(Upload.filename == "tick.csv"))
