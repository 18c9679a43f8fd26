"""Export tests start from no activity records or narratives, inside the per-test rolled-back session, so the
rows a test stores are the only ones its report can show."""

import pytest
from sqlalchemy import delete

from indicators.store.kinds import KINDS
from indicators.store.models import IndicatorSums, Narrative, QuarterTally


@pytest.fixture
def db(session):
    for model in [*(spec.model for spec in KINDS), Narrative, IndicatorSums, QuarterTally]:
        session.execute(delete(model))
    session.flush()
    return session
