"""record corrections made in the browser

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-02 09:00:00.000000

An officer corrects one stored record (a count, a date, a district, a group, a stage) or voids it, with a
reason; each change is kept here beside the record's upload provenance, with what a re-upload of the same
workbook recognises the record by, so that a correction is never undone silently.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("original_hash", sa.String(length=64), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("corrected_by", sa.String(length=80), nullable=False),
        sa.Column("corrected_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(length=80), nullable=True),
        sa.Column("superseded_upload_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_record_correction_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["upload.id"],
            name=op.f("fk_record_correction_upload_id_upload"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["superseded_upload_id"],
            ["upload.id"],
            name=op.f("fk_record_correction_superseded_upload_id_upload"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_correction")),
    )
    with op.batch_alter_table("record_correction", schema=None) as batch_op:
        batch_op.create_index("ix_record_correction_programme_kind", ["programme_id", "kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record_correction", schema=None) as batch_op:
        batch_op.drop_index("ix_record_correction_programme_kind")
    op.drop_table("record_correction")
