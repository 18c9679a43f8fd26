"""what the IATI file publishes beyond the logframe: identifiers, sectors, humanitarian flag, contact

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-10 09:00:00.000000

Each programme keeps, from its file, its organisations' IATI identifiers, its DAC sectors, whether it is
humanitarian and whom to contact (``programme.iati``); each result a description of a few sentences.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("iati", sa.JSON(), nullable=True))
    with op.batch_alter_table("result") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result") as batch:
        batch.drop_column("description")
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("iati")
