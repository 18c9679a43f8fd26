"""service providers, the pseudonym key's fingerprint, and case uploads without their file names

Revision ID: 0018
Revises: 0017
Create Date: 2027-03-01 09:00:00.000000

A case's referred organisation is kept only as a known provider: administrators add providers to the shipped
list (``provider``). The store keeps the fingerprint of the key its case pseudonyms are made with
(``store_fact``), so a missing or other key is refused instead of re-keying every case.

Uploads holding case data keep no file name and their problems no cell value: those stored before are renamed
"case sheet, <date>", the values quoted in their errors and warnings are replaced by "(not shown: case
data)", and their entries in the audit trail are named the same way (the append-only guard is lifted for
this one change and put back); ``ctmonitor init`` then compacts the store so the old values leave its file.
Case codes kept as typed need the pseudonym key: ``ctmonitor init`` turns them into pseudonyms
(``indicators.access.pseudonyms.adopt``).
"""

import json
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HIDDEN = "(not shown: case data)"
_FOUND = re.compile(r"found '.*'(?=; expected |$)", re.DOTALL)
_PART = re.compile(r"; '.*' is not one")


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("name", name=op.f("uq_provider_name")),
    )
    op.create_table(
        "store_fact",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_fact")),
    )
    _case_uploads_without_names()


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else (value or [])


def _scrubbed(text: str) -> str:
    return _PART.sub("; a part is not one", _FOUND.sub(f"found a value {HIDDEN}", text))


def _case_uploads_without_names() -> None:
    bind = op.get_bind()
    upload = sa.table(
        "upload",
        sa.column("id", sa.Integer),
        sa.column("filename", sa.String),
        sa.column("sha256", sa.String),
        sa.column("uploaded_at", sa.DateTime),
        sa.column("kinds", sa.JSON),
        sa.column("errors", sa.JSON),
        sa.column("warnings", sa.JSON),
    )
    names: dict[object, str] = {}  # upload id -> its new name
    by_sha: dict[object, str] = {}  # its SHA-256 -> the same
    for row in bind.execute(sa.select(upload)).mappings():
        if "cases" not in _loaded(row["kinds"]):
            continue
        name = f"case sheet, {row['uploaded_at']:%Y-%m-%d}"
        names[row["id"]] = by_sha[row["sha256"]] = name
        bind.execute(
            upload.update()
            .where(upload.c.id == row["id"])
            .values(
                filename=name,
                errors=[_scrubbed(t) for t in _loaded(row["errors"])],
                warnings=[_scrubbed(t) for t in _loaded(row["warnings"])],
            )
        )
    event = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("target", sa.String),
        sa.column("detail", sa.JSON),
    )
    changes = []
    for row in bind.execute(
        sa.select(event).where(event.c.action.in_(("upload-stored", "upload-refused")))
    ).mappings():
        detail = row["detail"] if isinstance(row["detail"], dict) else json.loads(row["detail"] or "{}")
        sheet = names.get(detail.get("upload_id")) or by_sha.get(detail.get("sha256"))
        if sheet is None and "cases" in (detail.get("kinds") or []):
            sheet = "case sheet"
        if sheet is not None:
            detail = {**detail, "first_error": None} if "first_error" in detail else detail
            changes.append((row["id"], sheet, detail))
    if changes:
        _without_append_only_guard(
            lambda: [
                bind.execute(event.update().where(event.c.id == id_).values(target=name, detail=detail))
                for id_, name, detail in changes
            ]
        )
    if names or changes:  # ``ctmonitor init`` then compacts the store, so the old values leave its file too
        fact = sa.table(
            "store_fact",
            sa.column("name", sa.String),
            sa.column("value", sa.String),
            sa.column("written_at", sa.DateTime),
        )
        bind.execute(
            fact.insert().values(
                name="identifiers_redacted", value="case uploads", written_at=sa.func.current_timestamp()
            )
        )


def _without_append_only_guard(change) -> None:
    """Lift the audit trail's guard (``0002``) for one redaction, and put it back."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        change()
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
        return
    for name in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{name}")
    change()
    for name in ("update", "delete"):
        op.execute(f"""
            CREATE TRIGGER audit_event_no_{name} BEFORE {name.upper()} ON audit_event
            BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END""")


def downgrade() -> None:
    op.drop_table("store_fact")
    op.drop_table("provider")
