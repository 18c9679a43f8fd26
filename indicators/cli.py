"""Store commands: ``init``, ``programmes`` and ``users``."""

from __future__ import annotations

import getpass
import os
import sys

from sqlalchemy import func, select

from indicators import accounts, definitions, migrate
from indicators.db import Store
from indicators.models import Indicator, Programme
from indicators.settings import Settings


def register(commands) -> None:
    init = commands.add_parser("init", help="create or migrate the store and load the programme definitions",
                               description="Create or migrate the store, then load every programme definition "
                                           "file (programmes/*.yaml). Safe to run again: it only applies changes.")
    init.set_defaults(handler=cmd_init)

    listing = commands.add_parser("programmes", help="list the programmes with donor, period and indicators")
    listing.set_defaults(handler=cmd_programmes)

    users = commands.add_parser("users", help="manage who can sign in")
    user_commands = users.add_subparsers(dest="users_command", metavar="COMMAND", required=True)
    add = user_commands.add_parser(
        "add", help="add a user", description="Add a user. The password comes from CTMONITOR_PASSWORD or a prompt.")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["admin", "manager", "officer", "donor"])
    add.add_argument("--donor", help="for --role donor: the donor whose programmes the user may see")
    add.set_defaults(handler=cmd_users_add)


def cmd_init(args, settings: Settings) -> int:
    store = Store(settings)
    try:
        migrate.upgrade(store.engine)
        with store.begin() as session:
            codes = definitions.load_directory(session, settings.programmes_dir)
    except definitions.DefinitionError as exc:
        print(f"ctmonitor init: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    print(f"Store ready ({_describe(settings.database_url)}); programmes loaded: {', '.join(codes)}")
    return 0


def cmd_programmes(args, settings: Settings) -> int:
    store = Store(settings)
    with store.Session() as session:
        rows = session.execute(
            select(Programme, func.count(Indicator.id))
            .outerjoin(Indicator, Indicator.programme_id == Programme.id)
            .group_by(Programme.id).order_by(Programme.code)
        ).all()
    store.dispose()
    if not rows:
        print("No programme loaded; run `ctmonitor init`.")
    for programme, count in rows:
        print(f"{programme.code:<6} {programme.title} | {programme.donor} | "
              f"{programme.start_date:%Y-%m-%d} – {programme.end_date:%Y-%m-%d} | {count} indicators")
    return 0


def cmd_users_add(args, settings: Settings) -> int:
    password = os.environ.get("CTMONITOR_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            print("ctmonitor users add: set CTMONITOR_PASSWORD or run in a terminal to be asked", file=sys.stderr)
            return 2
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("ctmonitor users add: the passwords differ", file=sys.stderr)
            return 1
    store = Store(settings)
    try:
        with store.begin() as session:
            user = accounts.add_user(session, args.name, password, args.role, args.donor)
            print(f"User {user.username} added ({user.role}{', ' + user.donor if user.donor else ''})")
    except accounts.AccountError as exc:
        print(f"ctmonitor users add: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    return 0


def _describe(url: str) -> str:
    return url.split("///", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
