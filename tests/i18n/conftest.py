"""Fixtures of the French checks: a request of a signed-in user, speaking French."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from indicators import i18n


@pytest.fixture
def french(request_context):
    """``with french("manager"):`` code run inside a request of that user, speaking French."""

    @contextmanager
    def speaking(as_user: str = "manager"):
        with request_context("/reports", as_user=as_user), i18n.speaking("fr"):
            yield

    return speaking
