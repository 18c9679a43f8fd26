"""sign-in checks in flight, two-step sign-in, counted audit entries

Revision ID: 0016
Revises: 0015
Create Date: 2027-02-10 09:00:00.000000

``login_throttle.pending`` tells attempts still being checked from failed ones, so that right passwords
arriving together never lock a name; ``app_user`` gains the TOTP secret and recovery codes of two-step
sign-in; ``audit_tally`` keeps floods of refused API requests as one counted entry per address and minute,
which the database refuses to delete or count down.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_pending", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_codes", sa.JSON(), nullable=True))
    op.create_table(
        "audit_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_tally")),
        sa.UniqueConstraint(
            "action", "key", "window_start", name=op.f("uq_audit_tally_action_key_window_start")
        ),
    )
    with op.batch_alter_table("audit_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_tally_window_start"), ["window_start"], unique=False)
    _tally_only_counts_up()


def _tally_only_counts_up() -> None:
    """An entry is never deleted, and an update may only raise its count (and its time)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_tally_counts_up() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' OR NEW.count < OLD.count OR NEW.action <> OLD.action OR NEW.key <> OLD.key
                   OR NEW.window_start <> OLD.window_start THEN
                    RAISE EXCEPTION 'the audit trail cannot be changed';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER audit_tally_counts_up BEFORE UPDATE OR DELETE ON audit_tally
            FOR EACH ROW EXECUTE FUNCTION audit_tally_counts_up()""")
    else:
        op.execute("""
            CREATE TRIGGER audit_tally_no_delete BEFORE DELETE ON audit_tally
            BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END""")
        op.execute("""
            CREATE TRIGGER audit_tally_counts_up BEFORE UPDATE ON audit_tally
            WHEN NEW.count < OLD.count OR NEW.action <> OLD.action OR NEW.key <> OLD.key
                 OR NEW.window_start <> OLD.window_start
            BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_tally_counts_up ON audit_tally")
        op.execute("DROP FUNCTION IF EXISTS audit_tally_counts_up()")
    with op.batch_alter_table("audit_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_tally_window_start"))
    op.drop_table("audit_tally")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("recovery_codes")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_pending")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("pending")
