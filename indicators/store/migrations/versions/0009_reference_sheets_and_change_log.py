"""reference sheet fields of indicators, and the change log of their definitions and targets

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00.000000

``indicator.reference_sheet`` holds the PIRS fields held nowhere else; ``indicator_change`` keeps every change
to an indicator's targets and definition (from a programme file or the browser): who, when, old, new, why.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_sheet", sa.JSON(), nullable=True))
    op.create_table(
        "indicator_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_change_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_change")),
    )
    with op.batch_alter_table("indicator_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_change_indicator_id"), ["indicator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicator_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_change_indicator_id"))
    op.drop_table("indicator_change")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("reference_sheet")
