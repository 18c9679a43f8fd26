"""The API fuzzed from its own OpenAPI document (Schemathesis's generated requests, a bounded number per route):
whatever a generated client sends, every answer is one the document declares, with the body and headers it
promises, and never a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import ignored_auth, positive_data_acceptance

from indicators.access import tokens


@pytest.fixture(scope="module")
def operations(demo_app, demo_store, users):
    with demo_store.begin() as session:
        token, _row = tokens.create(session, users["manager"], by="test", name="fuzzing")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo_app.server)
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == 5
    # identity: the WSGI transport hands the body over as sent, and brotli is what a browser would get
    return found, {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}


def test_every_answer_is_one_the_document_declares(operations):
    found, headers = operations
    calls = []

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(data=st.data())
    def each(data):
        for operation in found:
            case = data.draw(operation.as_strategy())
            # a well-formed quarter outside the programme (FY2104Q2) is refused 400, as documented: which
            # quarters a programme has is not a thing its schema can say, so "any well-formed value is accepted"
            # is the one check left out
            # whether a route answers a request without a token by refusing it is asked once per route: more
            # such requests from one address in a minute are throttled (429, as documented) by design
            asked = operation.path in calls
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance] + ([ignored_auth] if asked else []),
            )
            calls.append(operation.path)

    each()
    assert {path for path in calls} == {operation.path for operation in found}
