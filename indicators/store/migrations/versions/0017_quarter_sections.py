"""quarter sections: the progress report's highlights, challenges and lessons, next quarter's plans

Revision ID: 0017
Revises: 0016
Create Date: 2027-03-20 09:00:00.000000

The programme manager writes a quarter's own sections of the progress report in ctmonitor; every version is
kept (who, when, the text), the latest is the section's text.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quarter_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=80), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_quarter_section_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_section")),
        sa.UniqueConstraint(
            "programme_id",
            "period",
            "section",
            "version",
            name=op.f("uq_quarter_section_programme_id_period_section_version"),
        ),
    )
    with op.batch_alter_table("quarter_section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarter_section_programme_id"), ["programme_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quarter_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarter_section_programme_id"))
    op.drop_table("quarter_section")
