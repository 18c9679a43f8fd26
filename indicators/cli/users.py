"""User commands: ``users add``, ``list``, ``disable``, ``enable``, ``reset-password``, ``set-role`` and
``reset-two-step`` (every change written to the audit trail, the command line named as where it came from)."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import ArgumentParser, Namespace
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from indicators.access import audit
from indicators.store.db import Store
from indicators.store.models.accounts import ROLES
from indicators.store.settings import Settings

if TYPE_CHECKING:
    from argparse import _SubParsersAction  # the type of add_subparsers(), private to argparse


def register(commands: _SubParsersAction[ArgumentParser]) -> None:
    users = commands.add_parser("users", help="manage who can sign in")
    user_commands = users.add_subparsers(dest="users_command", metavar="COMMAND", required=True)
    add = user_commands.add_parser(
        "add",
        help="add a user",
        description="Add a user. The password comes from CTMONITOR_PASSWORD or a prompt: "
        "at least 10 characters, not one of the 100,000 most common "
        "passwords, not the user's name.",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--donor", help="for --role donor: the donor whose programmes the user may see")
    add.set_defaults(handler=cmd_users_add)
    listing = user_commands.add_parser("list", help="list the users with role, donor, state and last sign-in")
    listing.set_defaults(handler=cmd_users_list)
    for name, text in (
        ("disable", "stop a user signing in; every session of theirs ends at once"),
        ("enable", "let a disabled user sign in again"),
    ):
        change = user_commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        change.add_argument("name")
        change.set_defaults(handler=cmd_users_active, active=name == "enable")
    reset = user_commands.add_parser(
        "reset-password",
        help="give a user a one-time password, printed once",
        description="Set a random one-time password, print it once, and end the user's sessions; the user "
        "must choose their own password at the next sign-in.",
    )
    reset.add_argument("name")
    reset.set_defaults(handler=cmd_users_reset)
    role = user_commands.add_parser(
        "set-role",
        help="change a user's role (and donor)",
        description="Change a user's role (and, for donor officers, their donor); their sessions end so the "
        "new role holds at once.",
    )
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=list(ROLES))
    role.add_argument("--donor", help="for --role donor: the donor whose programmes the user may see")
    role.set_defaults(handler=cmd_users_role)
    second = user_commands.add_parser(
        "reset-two-step",
        help="turn a user's two-step sign-in off (a lost phone and recovery codes)",
        description="Turn off a user's two-step sign-in and end their sessions, for someone who lost both their "
        "phone and their recovery codes; they set it up again at their next sign-in if their role "
        "requires it (CTMONITOR_REQUIRE_TOTP).",
    )
    second.add_argument("name")
    second.set_defaults(handler=cmd_users_reset_two_step)


def cmd_users_add(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts

    password = os.environ.get("CTMONITOR_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            print(
                "ctmonitor users add: set CTMONITOR_PASSWORD or run in a terminal to be asked",
                file=sys.stderr,
            )
            return 2
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("ctmonitor users add: the passwords differ", file=sys.stderr)
            return 1
    store = Store(settings)
    try:
        with store.begin() as session:
            user = accounts.add_user(session, args.name, password, args.role, args.donor)
            audit.record(
                session,
                login_name(),
                "user-added",
                user.username,
                role=user.role,
                donor=user.donor,
                via="command line",
            )
            print(f"User {user.username} added ({user.role}{', ' + user.donor if user.donor else ''})")
    except accounts.AccountError as exc:
        print(f"ctmonitor users add: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    return 0


def cmd_users_list(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts  # argon2: for the user commands alone

    store = Store(settings)
    try:
        with store.Session() as session:
            users = accounts.list_users(session)
    finally:
        store.dispose()
    if not users:
        print("No user yet; add one with `ctmonitor users add NAME --role manager`.")
    for user in users:
        state = "active" if user.active else "disabled"
        if user.must_change_password:
            state += ", one-time password"
        seen = f"{user.last_sign_in_at:%Y-%m-%d %H:%M} UTC" if user.last_sign_in_at else "never"
        role = user.role + (f" ({user.donor})" if user.donor else "")
        print(f"{user.username:<20} {role:<34} {state:<28} last sign-in {seen}")
    return 0


def _change_user(settings: Settings, command: str, change: Callable[[Session], str]) -> int:
    """Run ``change(session) -> message`` on the store; an AccountError is the user's mistake (exit 1)."""
    from indicators.access import accounts  # argon2: for the user commands alone

    store = Store(settings)
    try:
        with store.begin() as session:
            message = change(session)
    except accounts.AccountError as exc:
        print(f"ctmonitor users {command}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(message)
    return 0


def cmd_users_active(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts  # argon2: for the user commands alone

    def change(session: Session) -> str:
        user = accounts.set_active(session, args.name, args.active, by=login_name())
        audit.record(
            session,
            login_name(),
            "user-enabled" if args.active else "user-disabled",
            user.username,
            via="command line",
        )
        return f"User {user.username} {'enabled' if args.active else 'disabled; their sessions have ended'}"

    return _change_user(settings, "enable" if args.active else "disable", change)


def cmd_users_reset(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts  # argon2: for the user commands alone

    def change(session: Session) -> str:
        user, password = accounts.reset_password(session, args.name, by=login_name())
        audit.record(session, login_name(), "password-reset", user.username, via="command line")
        return (
            f"One-time password for {user.username}: {password}\n"
            "Give it to them in person; they must choose their own at the next sign-in."
        )

    return _change_user(settings, "reset-password", change)


def cmd_users_role(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts  # argon2: for the user commands alone

    def change(session: Session) -> str:
        before = accounts.get_user(session, args.name)
        old = before.role + (f" ({before.donor})" if before.donor else "")
        user = accounts.set_role(session, args.name, args.role, args.donor, by=login_name())
        audit.record(
            session,
            login_name(),
            "role-changed",
            user.username,
            role=user.role,
            donor=user.donor,
            before=old,
            via="command line",
        )
        return f"User {user.username} is now {user.role}{' for ' + user.donor if user.donor else ''}"

    return _change_user(settings, "set-role", change)


def cmd_users_reset_two_step(args: Namespace, settings: Settings) -> int:
    from indicators.access import accounts, sessions, two_step  # argon2: for the user commands alone

    def change(session: Session) -> str:
        user = accounts.get_user(session, args.name)
        if not two_step.enabled(user):
            raise accounts.AccountError(f"{user.username} has no two-step sign-in")
        two_step.turn_off(user)
        sessions.end_all(session, user.id)
        audit.record(session, login_name(), "two-step-disabled", user.username, via="command line")
        return f"Two-step sign-in of {user.username} turned off; their sessions have ended"

    return _change_user(settings, "reset-two-step", change)


def login_name() -> str:
    """Who runs a command, as the audit trail and a narrative name them by default."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return "cli"
