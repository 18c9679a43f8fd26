"""a sign-off's report format as long as a programme's

Revision ID: 0021
Revises: 0020
Create Date: 2027-03-27 09:00:00.000000

A programme file may name any format key of up to 20 characters as its ``report_format``, and its sign-off
keeps that key: the sign-off's column was 10 characters, so a longer key could be chosen but not signed off.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.alter_column(
            "report_format",
            existing_type=sa.String(length=10),
            type_=sa.String(length=20),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_off", schema=None) as batch_op:
        batch_op.alter_column(
            "report_format",
            existing_type=sa.String(length=20),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
