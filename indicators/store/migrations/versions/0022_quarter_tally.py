"""quarter tallies: each quarter's records counted per upload, place, group and district; records by day

Revision ID: 0022
Revises: 0021
Create Date: 2027-04-02 09:00:00.000000

The report of one quarter read the records themselves for its annex's summary, its districts and its
sources, which grew with the store; it now reads these tallies, kept with the indicator sums. The existing
records are tallied here, with the kinds' summary columns as they are at this revision. An index per kind
on programme, quarter and date lets the Indicator page list a large quarter's first records without sorting
the whole quarter.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: the date its records are listed by
DAYS = {
    "training": "start_date",
    "awareness": "date",
    "policy_step": "date",
    "meeting": "date",
    "research_step": "date",
    "victim_case": "date_identified",
}
# kind: (table, other quarter, place, group, district, female, male, attended), as the kinds were here
KINDS = {
    "trainings": ("training", None, "district", "target_group", "district", "female", "male", None),
    "awareness": ("awareness", None, "district", "setting", "district", "female", "male", None),
    "policies": ("policy_step", None, "instrument_type", "stage", None, None, None, None),
    "meetings": ("meeting", None, "body", None, None, None, None, "participants"),
    "research": ("research_step", None, None, "stage", None, None, None, None),
    "cases": ("victim_case", "referral_quarter", None, None, None, None, None, None),
}


def upgrade() -> None:
    op.create_table(
        "quarter_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("other_quarter", sa.String(length=10), nullable=True),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("grp", sa.String(length=60), nullable=True),
        sa.Column("district", sa.String(length=40), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("female", sa.Integer(), nullable=True),
        sa.Column("male", sa.Integer(), nullable=True),
        sa.Column("attended", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_quarter_tally_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"], ["upload.id"], name=op.f("fk_quarter_tally_upload_id_upload"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_tally")),
    )
    with op.batch_alter_table("quarter_tally", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quarter_tally_programme_kind_quarter", ["programme_id", "kind", "quarter"], unique=False
        )
    for table, day in DAYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_programme_quarter_day", ["programme_id", "quarter", day, "id"], unique=False
            )
    for kind, (table, other, place, group, district, female, male, attended) in KINDS.items():
        keys = ["quarter", other, "upload_id", place, group, district]
        chosen = [name or "CAST(NULL AS VARCHAR(10))" for name in keys]
        sums = [f"SUM({name})" if name else "CAST(NULL AS INTEGER)" for name in (female, male, attended)]
        grouped = ", ".join(["programme_id", *(name for name in keys if name)])
        op.execute(
            "INSERT INTO quarter_tally (programme_id, kind, quarter, other_quarter, upload_id, place, grp, "
            "district, records, female, male, attended) "
            f"SELECT programme_id, '{kind}', {', '.join(chosen)}, COUNT(*), {', '.join(sums)} "
            f"FROM {table} GROUP BY {grouped}"
        )


def downgrade() -> None:
    for table in DAYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_programme_quarter_day")
    with op.batch_alter_table("quarter_tally", schema=None) as batch_op:
        batch_op.drop_index("ix_quarter_tally_programme_kind_quarter")
    op.drop_table("quarter_tally")
