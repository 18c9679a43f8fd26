"""report versions: reopening a signed-off quarter

Revision ID: 0014
Revises: 0013
Create Date: 2027-03-10 09:00:00.000000

A sign-off becomes one version of a quarter's report as sent: a manager or administrator may reopen it (who,
when, why), and signing off again keeps a new version beside it. Each version keeps the figures it was made
from, so what changed since the donor was sent it can be listed. Sign-offs made before stay version 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("figures", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("changed", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reopened_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))
        batch_op.drop_constraint("uq_sign_off_programme_id_period", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_sign_off_programme_id_period_version"), ["programme_id", "period", "version"]
        )


def downgrade() -> None:
    # Only the versions in force can stay under the old one-per-quarter rule.
    op.execute("DELETE FROM sign_off WHERE reopened_at IS NOT NULL")
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_sign_off_programme_id_period_version"), type_="unique")
        batch_op.create_unique_constraint("uq_sign_off_programme_id_period", ["programme_id", "period"])
        batch_op.drop_column("reopen_reason")
        batch_op.drop_column("reopened_by")
        batch_op.drop_column("reopened_at")
        batch_op.drop_column("changed")
        batch_op.drop_column("figures")
        batch_op.drop_column("version")
