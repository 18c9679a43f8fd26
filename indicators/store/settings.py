"""One settings object, read once from the environment and passed to whatever needs it.

Nothing else in ctmonitor reads ``os.environ``: tests build their own ``Settings``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TypedDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str  # signs sessions (and dry-run tokens) only
    data_dir: Path
    upload_dir: Path
    programmes_dir: Path = REPO_ROOT / "programmes"
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    # Compressed spreadsheets (xlsx/ods are zip archives) may not inflate past this many bytes.
    inflate_limit: int = 512 * 1024 * 1024
    # Session cookies marked Secure: browsers then send them over HTTPS only (and to http://localhost or
    # http://127.0.0.1, which they trust). Turn off only to sign in over plain HTTP from another machine.
    secure_cookies: bool = True
    # Case counts below this many people are withheld ("<5") from donors and public files (DOMAIN §4).
    small_cell: int = 5
    # A session ends after this long without a request, and this long after sign-in whatever happens.
    session_idle_timeout: timedelta = timedelta(hours=8)
    session_lifetime: timedelta = timedelta(days=7)
    # Uploads (web and command line) are read in a child process that may use this much memory (address space
    # beyond what it starts with) and time before it is stopped. 512 MB reads the largest workbook the checks
    # let through (tests/importers/test_read_budget.py).
    read_memory_limit: int = 512 * 1024 * 1024
    read_timeout: float = 60.0
    # Reverse proxies in front whose X-Forwarded-For / -Proto headers are believed (0: none; the client
    # address is then the connection's, which sign-in throttling counts).
    proxies: int = 0
    # Requests a JSON API token may make per minute before it is answered 429.
    api_rate_limit: int = 120
    # The longest an API token may live, in days (a token made for longer is refused).
    token_max_days: int = 365
    # Roles that must sign in with a second step (a TOTP code from an authenticator app), e.g. admin, manager.
    require_totp: tuple[str, ...] = ()
    # The key of case pseudonyms (CTMONITOR_PSEUDONYM_KEY); None: the one kept in <data dir>/pseudonym_key,
    # made on first use (``indicators.access.pseudonyms``). Never derived from ``secret_key``.
    pseudonym_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("CTMONITOR_DATA_DIR") or Path.cwd() / "data").resolve()
        database_url = env.get("CTMONITOR_DATABASE_URL") or f"sqlite:///{data_dir / 'ctmonitor.sqlite'}"
        secret_key = env.get("CTMONITOR_SECRET_KEY") or _kept_secret(data_dir)
        pseudonym_key = (env.get("CTMONITOR_PSEUDONYM_KEY") or "").strip() or None
        upload_dir = Path(env.get("CTMONITOR_UPLOAD_DIR") or data_dir / "uploads").resolve()
        limit = env.get("CTMONITOR_UPLOAD_LIMIT_MB")
        upload_limit = int(float(limit) * 1024 * 1024) if limit else DEFAULT_UPLOAD_LIMIT
        programmes_dir = Path(env.get("CTMONITOR_PROGRAMMES_DIR") or REPO_ROOT / "programmes")
        secure_cookies = (env.get("CTMONITOR_SECURE_COOKIES") or "1").strip().lower() not in (
            "0",
            "false",
            "no",
            "off",
        )
        small_cell = _whole(env.get("CTMONITOR_SMALL_CELL"), "CTMONITOR_SMALL_CELL", default=5)
        optional: _Optional = {}
        if env.get("CTMONITOR_SESSION_IDLE_HOURS"):
            optional["session_idle_timeout"] = timedelta(hours=float(env["CTMONITOR_SESSION_IDLE_HOURS"]))
        if env.get("CTMONITOR_SESSION_LIFETIME_DAYS"):
            optional["session_lifetime"] = timedelta(days=float(env["CTMONITOR_SESSION_LIFETIME_DAYS"]))
        if env.get("CTMONITOR_READ_MEMORY_MB"):
            optional["read_memory_limit"] = int(float(env["CTMONITOR_READ_MEMORY_MB"]) * 1024 * 1024)
        if env.get("CTMONITOR_READ_TIMEOUT_S"):
            optional["read_timeout"] = float(env["CTMONITOR_READ_TIMEOUT_S"])
        if env.get("CTMONITOR_PROXIES"):
            optional["proxies"] = int(env["CTMONITOR_PROXIES"])
        if env.get("CTMONITOR_API_RATE_PER_MINUTE"):
            optional["api_rate_limit"] = _whole(
                env["CTMONITOR_API_RATE_PER_MINUTE"], "CTMONITOR_API_RATE_PER_MINUTE", default=120
            )
        if env.get("CTMONITOR_TOKEN_MAX_DAYS"):
            optional["token_max_days"] = max(
                1, _whole(env["CTMONITOR_TOKEN_MAX_DAYS"], "CTMONITOR_TOKEN_MAX_DAYS", default=365)
            )
        if env.get("CTMONITOR_REQUIRE_TOTP"):
            optional["require_totp"] = _roles(env["CTMONITOR_REQUIRE_TOTP"], "CTMONITOR_REQUIRE_TOTP")
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            data_dir=data_dir,
            upload_dir=upload_dir,
            programmes_dir=programmes_dir,
            upload_limit=upload_limit,
            secure_cookies=secure_cookies,
            small_cell=small_cell,
            pseudonym_key=pseudonym_key,
            **optional,
        )

    @classmethod
    def for_tests(cls, tmp: Path, **overrides: Any) -> Settings:
        settings = cls(
            database_url=f"sqlite:///{tmp / 'test.sqlite'}",
            secret_key="test-secret-key",
            data_dir=tmp,
            upload_dir=tmp / "uploads",
        )
        return replace(settings, **overrides)


class _Optional(TypedDict, total=False):
    """The settings ``from_env`` sets only when their variable is given (the class's defaults otherwise)."""

    session_idle_timeout: timedelta
    session_lifetime: timedelta
    read_memory_limit: int
    read_timeout: float
    proxies: int
    api_rate_limit: int
    token_max_days: int
    require_totp: tuple[str, ...]


def _whole(text: str | None, name: str, default: int) -> int:
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise SystemExit(f"ctmonitor: {name} must be a whole number (found {text!r})") from None
    if value < 0:
        raise SystemExit(f"ctmonitor: {name} must be 0 or more (found {value})")
    return value


def _roles(text: str, name: str) -> tuple[str, ...]:
    from indicators.store.models.accounts import ROLES

    roles = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise SystemExit(
            f"ctmonitor: {name} names unknown roles {', '.join(unknown)}; roles are {', '.join(ROLES)}"
        )
    return roles


def _kept_secret(data_dir: Path) -> str:
    """A secret generated on first run and kept beside the store, so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
