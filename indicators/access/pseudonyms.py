"""The key of case pseudonyms: a secret of its own, and the store's fingerprint of it.

Every case is stored under a keyed pseudonym, never under what identifies the person: a case code as
``code:`` + HMAC-SHA256(key, code), a case without a code as ``person:`` + HMAC of the person's names, birth
date, sex and citizenship (``importers.people``). The same key must make every pseudonym of a store, or a
re-upload of the same sheet counts everyone again. So the key is its own secret, never the session secret:

- ``CTMONITOR_PSEUDONYM_KEY`` (``Settings.pseudonym_key``), else ``<data dir>/pseudonym_key``, made on first
  use (64 hex digits: the key's 32 bytes; any other text is a passphrase the key is derived from);
- the store keeps a fingerprint of it (HMAC of a fixed label, which reveals nothing of the key), written when
  the first case is stored or by ``ctmonitor init``. A store holding cases refuses a missing or other key:
  ``init`` stops with one line, the importer refuses case sheets. A store without cases takes the key it is
  given and fingerprints that.

Stores older than this key made their pseudonyms with a key derived from the session secret and kept case
codes as typed. ``ctmonitor init`` adopts that key once (``adopt``): it writes it to
``<data dir>/pseudonym_key`` and replaces every case code by its pseudonym, so nothing is re-keyed silently
and the session secret can then be rotated freely.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.store.models import Case, CaseMerge, StoreFact
from indicators.store.settings import Settings

FILENAME = "pseudonym_key"
FINGERPRINT = "pseudonym_key_fingerprint"
# Written by a migration that removed identifiers from stored rows: ``init`` then compacts the store.
REDACTED = "identifiers_redacted"
CODE_PREFIX = "code:"
_KEY_LABEL = b"ctmonitor case pseudonym v1"  # the derivation older stores used (see ``adopt``)
_FINGERPRINT_LABEL = b"ctmonitor pseudonym key fingerprint v1"
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
# References that are not case codes typed by someone (a store made before codes were pseudonyms has both).
_OLD_KEYED = ("person:", "uuid:", CODE_PREFIX)


class KeyProblem(Exception):
    """The pseudonym key is missing or not the one the store's cases were made with (one line, for users)."""


def key_bytes(text: str) -> bytes:
    """The key from its written form: 64 hex digits are the key itself; other text is a passphrase."""
    text = text.strip()
    if _HEX_KEY.fullmatch(text):
        return bytes.fromhex(text)
    return hmac.new(text.encode(), _KEY_LABEL, hashlib.sha256).digest()


def fingerprint(key: bytes) -> str:
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def code_pseudonym(key: bytes, code: str) -> str:
    """A case code as it is stored: the same code (spaces trimmed) always gives the same pseudonym."""
    message = "code\x1f" + " ".join(str(code).split())
    return CODE_PREFIX + hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:40]


def case_upload_name(day: date) -> str:
    """What an upload holding case data is called everywhere instead of its file's name."""
    return f"case sheet, {day.isoformat()}"


# -- where the key is ----------------------------------------------------------------------------------------


def key_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / FILENAME


def _where(settings: Settings) -> str:
    return "CTMONITOR_PSEUDONYM_KEY" if settings.pseudonym_key else str(key_path(settings))


def configured(settings: Settings) -> str | None:
    """The key's written form: the setting, else the kept file; None when neither exists yet."""
    if settings.pseudonym_key:
        return settings.pseudonym_key
    path = key_path(settings)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


def _write_key_file(settings: Settings, text: str) -> str:
    """Write the key file unless another process just did (then its key wins); the key kept is returned."""
    path = key_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym-")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text + "\n")
        os.chmod(temporary, 0o600)
        os.link(temporary, path)  # atomic, and refused when the file exists: never two keys
    except FileExistsError:
        return configured(settings) or text
    finally:
        os.unlink(temporary)
    return text


def _new_key(settings: Settings) -> str:
    return _write_key_file(settings, secrets.token_hex(32))


# -- the store's fingerprint ---------------------------------------------------------------------------------


def stored_fingerprint(session: Session) -> str | None:
    return session.scalar(select(StoreFact.value).where(StoreFact.name == FINGERPRINT))


def _set_fingerprint(session: Session, key: bytes) -> None:
    fact = session.get(StoreFact, FINGERPRINT)
    if fact is None:
        session.add(StoreFact(name=FINGERPRINT, value=fingerprint(key)))
    else:
        fact.value = fingerprint(key)
    session.flush()


def holds_cases(session: Session) -> bool:
    return session.scalar(select(Case.id).limit(1)) is not None


def _missing(settings: Settings) -> KeyProblem:
    return KeyProblem(
        f"the store holds cases but no pseudonym key is set: restore {key_path(settings)} from the backups "
        "(or set CTMONITOR_PSEUDONYM_KEY to the key kept with them); without it a re-uploaded case is "
        "counted again"
    )


def _differs(settings: Settings) -> KeyProblem:
    return KeyProblem(
        f"the pseudonym key ({_where(settings)}) is not the one this store's cases were made with: restore "
        "the key kept with the backups; with another key a re-uploaded case is counted again"
    )


def for_cases(session: Session, settings: Settings) -> bytes:
    """The key to make case pseudonyms with, checked against the store; made (and kept in the data folder)
    when neither the setting nor the file exists and no case is stored. Writes nothing to the store."""
    text = configured(settings)
    known = stored_fingerprint(session)
    if text is None:
        if holds_cases(session):
            raise _missing(settings)
        text = _new_key(settings)
    key = key_bytes(text)
    if known is None and holds_cases(session):
        raise KeyProblem(
            "this store's cases were stored before the pseudonym key had a file of its own: run "
            "`ctmonitor init` once, which adopts the key they were made with"
        )
    if known is not None and known != fingerprint(key) and holds_cases(session):
        raise _differs(settings)
    return key


def remember(session: Session, key: bytes) -> None:
    """Write the key's fingerprint once the store holds cases made with it (or none: it is the store's)."""
    if stored_fingerprint(session) != fingerprint(key):
        _set_fingerprint(session, key)


# -- ctmonitor init ------------------------------------------------------------------------------------------


def adopt(session: Session, settings: Settings, user: str = "command line") -> list[str]:
    """What ``ctmonitor init`` does about the key (``KeyProblem`` when it must stop); lines to print."""
    text, known, cases = configured(settings), stored_fingerprint(session), holds_cases(session)
    if known is not None:
        if text is None:
            if cases:
                raise _missing(settings)
            text = _new_key(settings)
        key = key_bytes(text)
        if fingerprint(key) != known:
            if cases:
                raise _differs(settings)
            _set_fingerprint(session, key)
        return []
    if not cases:
        _set_fingerprint(session, key_bytes(text if text is not None else _new_key(settings)))
        return []
    return _adopt_old_store(session, settings, text, user)


def _adopt_old_store(session: Session, settings: Settings, text: str | None, user: str) -> list[str]:
    """A store whose cases predate the key: its ``person:`` pseudonyms were made with the key derived from
    the session secret, which is kept from now on; its case codes, kept as typed, become pseudonyms."""
    derived = hmac.new(settings.secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()
    lines = []
    if text is None:
        _write_key_file(settings, derived.hex())
        key = derived
        lines.append(
            f"Pseudonym key: the key this store's cases were made with (derived from the session "
            f"secret) is now kept in {key_path(settings)}; keep it with the backups"
        )
    else:
        key = key_bytes(text)
        made_by_name = session.scalar(select(Case.id).where(Case.reference.like("person:%")).limit(1))
        if key != derived and made_by_name is not None:
            raise KeyProblem(
                f"this store's cases without a code were recognised with the key derived from the session "
                f"secret, not with {_where(settings)}: unset CTMONITOR_PSEUDONYM_KEY and remove "
                f"{key_path(settings)} if it is new, then run `ctmonitor init` again to keep the key they "
                "were made with"
            )
    rekeyed = _rekey_codes(session, key)
    _set_fingerprint(session, key)
    if rekeyed:
        session.merge(StoreFact(name=REDACTED, value="case codes"))
    if rekeyed:
        lines.append(f"Case codes: {rekeyed:,} stored as typed are now kept as keyed pseudonyms")
    where = str(key_path(settings)) if text is None else _where(settings)
    audit.record(session, user, "pseudonym-key-adopted", where, case_codes_rekeyed=rekeyed)
    return lines


def _rekey_codes(session: Session, key: bytes) -> int:
    """Case codes kept as typed, as their pseudonyms: the cases' own, and those of cases merged away (what a
    later upload of a merged-away row is recognised by)."""
    count = 0
    for model in (Case, CaseMerge):
        rows = session.execute(select(model.id, model.reference).where(model.reference.is_not(None))).all()
        typed = [
            (id_, reference)
            for id_, reference in rows
            if reference is not None and not reference.startswith(_OLD_KEYED)
        ]
        for id_, reference in typed:
            keyed = code_pseudonym(key, reference)
            session.execute(update(model).where(model.id == id_).values(reference=keyed))
        count += len(typed) if model is Case else 0
    return count


# -- what the store freed ------------------------------------------------------------------------------------


def compact_if_redacted(session: Session, lines: list[str]) -> bool:
    """Whether the store must be compacted now: identifiers were removed from its rows (by a migration, or by
    ``init``'s upkeep: ``lines`` said something). The mark is taken away with this transaction."""
    fact = session.get(StoreFact, REDACTED)
    if fact is not None:
        session.delete(fact)
    return fact is not None or bool(lines)


def compact(engine: Engine) -> None:
    """Rewrite the store without the space its changed rows freed: their old values (typed codes, file names)
    would otherwise stay in the SQLite file's free pages and WAL, or PostgreSQL's dead rows, until reused."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM FULL upload, victim_case, audit_event")
