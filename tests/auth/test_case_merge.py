"""Possible duplicates on the Data quality page over HTTP: officers see the pairs but no merge, and a merge they
POST anyway is refused (403, audited, nothing changed); a manager's merge folds the pair and the page says so."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.auth.conftest import callback_key, dash_post, open_page
from tests.auth.test_roles import page_text
from tests.dashboard.case_pairs import possible_duplicate, victims


def _merge(client, app, pair, reason="the same woman: birth year found"):
    return dash_post(
        client,
        callback_key(app, "..quality-merge-result.children...quality-url.search"),
        inputs=[("quality-merge", "n_clicks", 1)],
        state=[
            ("quality-merge-pair", "value", f"PVR:{pair.older.case}:{pair.newer.case}"),
            ("quality-merge-reason", "value", reason),
            ("quality-url", "search", "?programme=PVR"),
        ],
    )


def test_an_officer_sees_possible_duplicates_but_cannot_merge_them(client_as, demo_store, demo_app):
    from indicators.access import audit
    from indicators.store.models import Case

    with possible_duplicate(demo_store) as pair:
        page = page_text(open_page(client_as("officer"), "/quality?programme=PVR"))
        assert (
            f"#{pair.older.case} and #{pair.newer.case}" in page
            and "14 November 2019" in page
            and "Mahama" in page
        )
        assert "quality-merge-pair" not in page and "A programme manager or administrator merges" in page
        assert "Gloriose" not in page and "Nduwimana" not in page
        before = victims(demo_store)
        response = _merge(client_as("officer"), demo_app, pair)
        assert response.status_code == 403
        with demo_store.Session() as session:
            assert session.get(Case, pair.newer.case) is not None
            refusal = audit.recent(session, 1, action="access-refused", username="olivier")[0]
        assert (refusal.target, refusal.detail["reason"]) == ("case merge", "role")
        assert victims(demo_store) == before

        response = _merge(client_as("manager"), demo_app, pair)
        assert response.status_code == 200, response.get_data(as_text=True)
        search = response.get_json()["response"]["quality-url"]["search"]
        assert search.startswith("?programme=PVR&merged=")
        assert victims(demo_store) == before - 1
        with demo_store.Session() as session:
            assert session.get(Case, pair.newer.case) is None
            assert session.scalar(select(Case.age_group).where(Case.id == pair.older.case)) == "Child"
        page = json.dumps(
            json.loads(page_text(open_page(client_as("manager"), "/quality" + search))), ensure_ascii=False
        )
        assert f"Merged by claire: PVR case #{pair.older.case} ← case #{pair.newer.case}" in page
        assert f"#{pair.older.case} and #{pair.newer.case}" not in page
