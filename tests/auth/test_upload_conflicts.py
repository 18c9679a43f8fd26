"""On the Upload page, a workbook that would undo corrections made on the Activities page lists each such row in
its dry run with who corrected what; the commit keeps the corrections except on the rows the officer ticked,
which take the file's value. Through the page's own callbacks, over HTTP, as the browser posts them."""

from __future__ import annotations

import base64

from sqlalchemy import delete, select

from importers import corrections
from indicators.store.models import AuditEvent, RecordCorrection, Training
from tests.auth.conftest import callback_key, dash_post

SHEET = (
    "Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
    "UC-1,GIFT,12/03/2012,Gasabo,Police,Identification of victims,12,9\n"
    "UC-2,GIFT,14/03/2012,Huye,Media,Reporting on trafficking,4,6\n"
)
CONTENTS = "data:text/csv;base64," + base64.b64encode(SHEET.encode()).decode()


def dry_run(demo_app, client):
    answer = dash_post(
        client,
        callback_key(demo_app, "..upload-preview.children"),
        [("upload-file", "contents", CONTENTS), ("upload-programme", "value", None)],
        [("upload-file", "filename", "gift_trainings.csv")],
    )
    return answer.get_json()["response"]


def commit(demo_app, client, checked, ticked: list[str]):
    chosen = (
        [[({"type": "upload-file-values", "kind": "choice"}, "value", ticked)]]
        if ticked is not None
        else [[]]
    )
    return dash_post(
        client,
        callback_key(demo_app, "..upload-result.children"),
        [("upload-commit", "n_clicks", 1)],
        [
            ("upload-file", "contents", CONTENTS),
            ("upload-file", "filename", "gift_trainings.csv"),
            ("upload-programme", "value", None),
            ("upload-checked", "data", checked),
            *chosen,
        ],
    )


def stored(demo_store, reference: str) -> Training:
    with demo_store.Session() as session:
        return session.scalar(select(Training).where(Training.reference == reference))


def test_a_re_upload_lists_the_corrected_rows_and_takes_the_files_value_only_where_ticked(
    demo_app, client_as, demo_store
):
    client = client_as("officer")
    first = dry_run(demo_app, client)
    commit(demo_app, client, first["upload-checked"]["data"], None)
    try:
        with demo_store.begin() as session:
            for reference, female in (("UC-1", "21"), ("UC-2", "5")):
                record = session.scalar(select(Training).where(Training.reference == reference))
                assert corrections.correct(
                    session,
                    "trainings",
                    record.id,
                    {"female": female},
                    by="amina",
                    reason="Typing error",
                    comment="attendance sheet",
                    settings=demo_store.settings,
                ).ok
        again = dry_run(demo_app, client)
        preview = str(again["upload-preview"]["children"])
        assert "Corrected in the browser since (2)" in preview
        assert "Female participants: the file has 12, corrected to 21 by amina" in preview
        assert "gift_trainings!3" in preview  # the row a tick names: UC-2, row 3 of the sheet

        commit(demo_app, client, again["upload-checked"]["data"], ["gift_trainings!3"])
        assert (stored(demo_store, "UC-1").female, stored(demo_store, "UC-2").female) == (21, 4)
        with demo_store.Session() as session:
            event = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "upload-stored").order_by(AuditEvent.id.desc())
            ).first()
        assert len(event.detail["corrections_kept"]) == 1 and "UC-1" in event.detail["corrections_kept"][0]
        assert "UC-2" in event.detail["file_values_chosen"][0]
    finally:
        with demo_store.begin() as session:
            session.execute(delete(RecordCorrection).where(RecordCorrection.reference.in_(["UC-1", "UC-2"])))
            session.execute(delete(Training).where(Training.reference.in_(["UC-1", "UC-2"])))
