"""user language: the language a user chose for the dashboard

Revision ID: 0020
Revises: 0019
Create Date: 2027-04-02 09:00:00.000000

A user's own choice of language (a catalogue's code, ``fr``), kept with the user so that it follows them to
every browser; none means the browser's ``Accept-Language`` decides.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("language")
