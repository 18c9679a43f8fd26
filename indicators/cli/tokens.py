"""The ``tokens`` command: personal access tokens for the JSON API (``/api/v1``), made, listed and revoked."""

from __future__ import annotations

import sys

from indicators.store.db import Store
from indicators.store.settings import Settings


def register(commands) -> None:
    tokens = commands.add_parser(
        "tokens",
        help="personal access tokens for the JSON API",
        description="Tokens let a partner's script read /api/v1 as a user: what the user "
        "may see, nothing more. A token is printed once; keep it secret.",
    )
    sub = tokens.add_subparsers(dest="tokens_command", metavar="COMMAND", required=True)
    add = sub.add_parser("add", help="make a token for a user (printed once)")
    add.add_argument("--user", required=True, metavar="NAME")
    add.add_argument(
        "--expires",
        type=int,
        metavar="DAYS",
        help="days until it stops working (default and longest: CTMONITOR_TOKEN_MAX_DAYS, 365)",
    )
    add.add_argument("--name", metavar="LABEL", help="what it is for, e.g. 'MEL dashboard'")
    add.set_defaults(handler=cmd_add)
    listing = sub.add_parser("list", help="tokens with their user, state and last use (never the token)")
    listing.add_argument("--user", metavar="NAME")
    listing.set_defaults(handler=cmd_list)
    revoke = sub.add_parser("revoke", help="stop a token working at once")
    revoke.add_argument(
        "token", metavar="TOKEN", help="the token's first characters, as `tokens list` shows them"
    )
    revoke.set_defaults(handler=cmd_revoke)


def cmd_add(args, settings: Settings) -> int:
    from indicators.access import audit, tokens

    store = Store(settings)
    try:
        with store.begin() as session:
            # Run by an administrator on the server: no password is asked (the browser asks the user's).
            text, row = tokens.create(
                session,
                args.user,
                by=audit.command_line_user(),
                name=args.name,
                days=args.expires,
                max_days=settings.token_max_days,
            )
            expires = f"expires {row.expires_at:%Y-%m-%d %H:%M} UTC"
    except tokens.TokenError as exc:
        print(f"ctmonitor tokens add: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(
        f"Token for {args.user.strip()} ({expires}); it is shown only now:\n  {text}\n"
        f"Send it as:  Authorization: Bearer {text[:12]}…"
    )
    return 0


def cmd_list(args, settings: Settings) -> int:
    from indicators.access import tokens

    store = Store(settings)
    with store.Session() as session:
        rows = tokens.listed(session, args.user)
        lines = [
            f"{token.prefix}…  {user:<16} {tokens.state(token, max_days=settings.token_max_days):<8} "
            f"{token.name or '':<24} "
            f"made {token.created_at:%Y-%m-%d} by {token.created_by}"
            + (f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "")
            + (f", last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else ", never used")
            for token, user in rows
        ]
    store.dispose()
    print("\n".join(lines) if lines else "No token yet: ctmonitor tokens add --user NAME")
    return 0


def cmd_revoke(args, settings: Settings) -> int:
    from indicators.access import audit, tokens

    store = Store(settings)
    try:
        with store.begin() as session:
            row = tokens.revoke(session, args.token.rstrip("…"), by=audit.command_line_user())
            prefix = row.prefix
    except tokens.TokenError as exc:
        print(f"ctmonitor tokens revoke: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(f"Token {prefix}… revoked: it no longer opens anything.")
    return 0
