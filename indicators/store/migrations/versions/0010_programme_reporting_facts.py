"""programme reporting facts from the programme files

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-12 09:00:00.000000

What was written in code about a programme's donor is now in its definition file, and stored with it: the
donor's report format (``report_format``), the IATI organisation type of its donor and partners
(``organisation_types``) and whether the Victims profile opens on it (``victims_default``).
``ctmonitor init`` fills them from the files.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(
            sa.Column("report_format", sa.String(length=20), server_default="iptt", nullable=False)
        )
        batch.add_column(sa.Column("organisation_types", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("victims_default", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("victims_default")
        batch.drop_column("organisation_types")
        batch.drop_column("report_format")
