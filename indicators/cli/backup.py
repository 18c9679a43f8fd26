"""The ``backup`` and ``restore`` commands: the whole store to one file, and back into an empty store."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from indicators.store.settings import Settings


def register(commands) -> None:
    save = commands.add_parser(
        "backup",
        help="write the whole store to one file (while it is in use)",
        description="Write the whole store to one file while ctmonitor runs: SQLite's online backup API for a "
        "SQLite store, pg_dump's custom format for PostgreSQL. The keys kept outside the store are "
        "named in the output: keep them with the backup, apart from it.",
    )
    save.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    save.set_defaults(handler=cmd_backup)
    load = commands.add_parser(
        "restore",
        help="load a backup into a new, empty store",
        description="Load a file written by `ctmonitor backup` into the store named by CTMONITOR_DATABASE_URL "
        "(or the data folder's SQLite file), then bring its schema up to date. A store holding users, "
        "uploads or sign-offs is refused unless --force, which replaces everything in it.",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--force", action="store_true", help="replace a store that holds data")
    load.set_defaults(handler=cmd_restore)


def cmd_backup(args, settings: Settings) -> int:
    from indicators.store import backup

    try:
        held = backup.backup(settings, args.output)
    except backup.BackupError as exc:
        print(f"ctmonitor backup: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backed up the store ({held.describe()}) to {args.output}: {args.output.stat().st_size:,} bytes, "
        f"SHA-256 {_sha256(args.output)[:16]}…"
    )
    print(backup.KEYS)
    return 0


def cmd_restore(args, settings: Settings) -> int:
    from indicators.store import backup

    try:
        held = backup.restore(settings, args.file, force=args.force)
    except backup.BackupError as exc:
        print(f"ctmonitor restore: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {args.file} into the store ({held.describe()}).")
    print(
        "It needs the keys it was made with: the session secret (CTMONITOR_SECRET_KEY, or <data dir>/secret_key) "
        "and the case pseudonym key (CTMONITOR_PSEUDONYM_KEY, or <data dir>/pseudonym_key), and the kept uploads "
        "folder copied back."
    )
    return 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
