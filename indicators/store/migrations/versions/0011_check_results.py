"""cached Data quality and Victims check results

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-20 09:00:00.000000

The outliers of each programme's trainings and awareness events, and its victims' counts, as the writing
transaction leaves them (``indicators.figures.aggregates``), so their pages read a row instead of scanning records.
``ctmonitor init`` fills them for a store that has records already.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "check_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("found", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_check_result_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_result")),
        sa.UniqueConstraint("programme_id", "name", name=op.f("uq_check_result_programme_id_name")),
    )


def downgrade() -> None:
    op.drop_table("check_result")
