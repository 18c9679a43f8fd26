"""possible duplicate cases and case merges

Revision ID: 0013
Revises: 0012
Create Date: 2027-02-16 09:00:00.000000

A new case alike to a stored one (same sex, citizenship, date and place identified, no age or birth date that
disagrees) is kept as a pair for the Data quality page; a manager may merge the two, and the merged-away case's
key and row hash are kept so that a later upload of its row updates the case it was folded into.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("merged_by", sa.String(length=80), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name=op.f("fk_case_merge_case_id_victim_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_case_merge_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_merge")),
    )
    with op.batch_alter_table("case_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_merge_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_merge_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "possible_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name=op.f("fk_possible_duplicate_case_id_victim_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["victim_case.id"],
            name=op.f("fk_possible_duplicate_other_id_victim_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_possible_duplicate_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_possible_duplicate")),
        sa.UniqueConstraint("case_id", "other_id", name=op.f("uq_possible_duplicate_case_id_other_id")),
    )
    with op.batch_alter_table("possible_duplicate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_possible_duplicate_other_id"), ["other_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_possible_duplicate_programme_id"), ["programme_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("possible_duplicate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_possible_duplicate_programme_id"))
        batch_op.drop_index(batch_op.f("ix_possible_duplicate_other_id"))

    op.drop_table("possible_duplicate")
    with op.batch_alter_table("case_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_merge_programme_id"))
        batch_op.drop_index(batch_op.f("ix_case_merge_case_id"))

    op.drop_table("case_merge")
