"""The Upload page reads a file in a child process: a hostile workbook dropped on the page is refused within
seconds with its reason, the worker serving the page carries on, and nothing is stored."""

from __future__ import annotations

import base64
import time

from sqlalchemy import func, select

from importers import safety
from indicators.store.models import Upload
from tests.auth.conftest import callback_key, dash_post
from tests.importers import hostile


def test_a_dimension_bomb_dropped_on_the_page_is_refused_in_seconds(demo_app, client_as, demo_store):
    client = client_as("officer")
    contents = (
        "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
        + base64.b64encode(hostile.dimension_bomb(320_000, dimension=False)).decode()
    )
    with demo_store.Session() as session:
        before = session.scalar(select(func.count(Upload.id)))
    started = time.perf_counter()
    answer = dash_post(
        client,
        callback_key(demo_app, "..upload-preview.children"),
        [("upload-file", "contents", contents), ("upload-programme", "value", "KEC")],
        [("upload-file", "filename", "quarter.xlsx")],
    )
    # refused at its 3 millionth value, 6 million elements of XML into it: 3 s on a quiet machine, the fork
    # server's start included (its own reason, below, says the read's 60 s were not reached either)
    assert time.perf_counter() - started < 30
    response = answer.get_json()["response"]
    text = str(response["upload-preview"]["children"])
    assert f"the workbook holds more than {safety.MAX_VALUES:,} cells with a value" in text
    assert response["upload-commit"]["disabled"] is True and response["upload-checked"]["data"] is None
    assert client.get("/_dash-layout").status_code == 200  # the worker is still serving
    with demo_store.Session() as session:
        assert session.scalar(select(func.count(Upload.id))) == before
