"""percentages entered with their numerator and denominator

Revision ID: 0019
Revises: 0018
Create Date: 2027-03-20 09:00:00.000000

A percentage entered directly (source ``results``, unit percent) may come with its parts: 33 of 40
respondents. The year's and the life of project's value of such a ratio are then recomputed from the summed
parts instead of being taken from the latest quarter. Entries made before keep their value alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("result_value", schema=None) as batch_op:
        batch_op.add_column(sa.Column("numerator", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("denominator", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result_value", schema=None) as batch_op:
        batch_op.drop_column("denominator")
        batch_op.drop_column("numerator")
