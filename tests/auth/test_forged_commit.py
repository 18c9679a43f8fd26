"""A commit that arrives without a matching clean dry run (forged by hand, replayed for another file, another
user or programme, or tampered with) is refused as the page refuses it: a clear sentence, nothing stored, no
upload row, and the refused request in the audit trail. A genuine dry run then commit still stores."""

from __future__ import annotations

import base64
import hashlib

import pytest
from sqlalchemy import func, select

from indicators.access import audit
from indicators.store.models import Training, Upload
from tests.auth.conftest import callback_key, dash_post

HEADER = "Reference,Project,Start date,District,Target group,Topic,Female participants,Male participants\n"
CLEAN = HEADER + "FC-1,GIFT,12/03/2012,Gasabo,Police,Identification of victims,12,9\n"
OTHER = HEADER + "FC-2,GIFT,13/03/2012,Huye,Media,Reporting on trafficking,4,6\n"
BROKEN = HEADER + "FC-3,GIFT,12/03/2012,Gasabo,Police,Identification of victims,twelve,9\n"


def contents(text: str) -> str:
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def dry_run(demo_app, client, name: str, text: str, programme=None):
    answer = dash_post(
        client,
        callback_key(demo_app, "..upload-preview.children"),
        [("upload-file", "contents", contents(text)), ("upload-programme", "value", programme)],
        [("upload-file", "filename", name)],
    )
    return answer.get_json()["response"]["upload-checked"]["data"]


def commit(demo_app, client, name: str, text: str, checked, programme=None):
    return dash_post(
        client,
        callback_key(demo_app, "..upload-result.children"),
        [("upload-commit", "n_clicks", 1)],
        [
            ("upload-file", "contents", contents(text)),
            ("upload-file", "filename", name),
            ("upload-programme", "value", programme),
            ("upload-checked", "data", checked),
            [],
        ],
    )  # no row corrected since


def footprint(store) -> tuple[int, int, int]:
    with store.Session() as session:
        return (
            session.scalar(select(func.count(Upload.id))),
            session.scalar(select(func.count(Training.id))),
            len(audit.recent(session, 10_000, action="upload-refused")),
        )


def refused_text(response) -> str:
    assert response.status_code == 200
    alert = response.get_json()["response"]["upload-result"]["children"]
    assert alert["props"]["id"] == "upload-commit-refused" and alert["props"]["color"] == "danger"
    return alert["props"]["children"]


@pytest.mark.parametrize("forged", [None, {}, {"sha256": "0" * 64}, {"filename": "x.csv", "token": ""}])
def test_a_commit_without_any_dry_run_is_refused_and_leaves_no_trace_but_the_refusal(
    demo_app, client_as, demo_store, forged
):
    before = footprint(demo_store)
    text = refused_text(commit(demo_app, client_as("officer"), "forged.csv", BROKEN, forged))
    assert text == "Check the file first: only a file whose dry run found no error can be committed."
    assert footprint(demo_store) == before
    with demo_store.Session() as session:
        event = audit.recent(session, 1, action="access-refused", username="olivier")[0]
    # the file was not read, so it may hold case data: named by its digest, never by its name
    assert event.target == f"upload sha256={hashlib.sha256(BROKEN.encode()).hexdigest()[:12]}"
    assert "commit without a matching dry run" in event.detail["reason"]


def test_a_clean_dry_runs_token_does_not_carry_another_file(demo_app, client_as, demo_store):
    client = client_as("officer")
    checked = dry_run(demo_app, client, "forged.csv", OTHER)
    assert checked and checked["token"]
    before = footprint(demo_store)
    for name, text in (("forged.csv", BROKEN), ("renamed.csv", OTHER)):
        answer = refused_text(commit(demo_app, client, name, text, checked))
        assert answer.startswith("The file, its programme or the user changed since the dry run")
    answer = refused_text(commit(demo_app, client, "forged.csv", OTHER, checked, programme="KEC"))
    assert answer.startswith("The file, its programme or the user changed")
    assert footprint(demo_store) == before


def test_a_dry_run_vouches_for_its_own_user_only(demo_app, client_as, demo_store):
    checked = dry_run(demo_app, client_as("officer"), "mine.csv", OTHER)
    before = footprint(demo_store)
    answer = refused_text(commit(demo_app, client_as("manager"), "mine.csv", OTHER, checked))
    assert answer.startswith("The file, its programme or the user changed")
    assert footprint(demo_store) == before


def test_a_tampered_token_is_refused(demo_app, client_as, demo_store):
    client = client_as("officer")
    checked = dry_run(demo_app, client, "mine.csv", OTHER)
    checked["token"] = checked["token"][:-4] + ("AAAA" if not checked["token"].endswith("AAAA") else "BBBB")
    before = footprint(demo_store)
    assert refused_text(commit(demo_app, client, "mine.csv", OTHER, checked)).startswith(
        "The dry run is out of date"
    )
    assert footprint(demo_store) == before


def test_a_broken_files_dry_run_vouches_for_nothing(demo_app, client_as, demo_store):
    client = client_as("officer")
    assert dry_run(demo_app, client, "broken.csv", BROKEN) is None
    before = footprint(demo_store)
    assert refused_text(commit(demo_app, client, "broken.csv", BROKEN, None)).startswith(
        "Check the file first"
    )
    assert footprint(demo_store) == before


def test_the_genuine_path_stores_the_file(demo_app, client_as, demo_store):
    client = client_as("officer")
    checked = dry_run(demo_app, client, "clean.csv", CLEAN)
    uploads, trainings, refused = footprint(demo_store)
    answer = commit(demo_app, client, "clean.csv", CLEAN, checked)
    assert "Stored clean.csv." in answer.get_data(as_text=True)
    assert footprint(demo_store) == (uploads + 1, trainings + 1, refused)
