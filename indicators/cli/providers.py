"""The ``providers`` command: the service providers a case's referral may name (``indicators.programmes.providers``)."""

from __future__ import annotations

import sys

from indicators.store.db import Store
from indicators.store.settings import Settings


def register(commands) -> None:
    providers = commands.add_parser(
        "providers",
        help="the service providers a case may be referred to",
        description="A case's referred organisation is kept only when it names a known provider (the Rwanda "
        "providers shipped, and those added here); any other text is kept as 'Other provider', "
        "never as typed, since it may name a person. The referral counts either way.",
    )
    sub = providers.add_subparsers(dest="providers_command", metavar="COMMAND", required=True)
    add = sub.add_parser(
        "add",
        help="add a provider, or other names of a known one",
        description="Add a provider (or other names a known provider is written with). "
        "Each addition is kept in the audit trail. Referrals stored before stay "
        "as they are until their sheet is uploaded again.",
    )
    add.add_argument("name", metavar="NAME", help="the provider's name, as it will be stored")
    add.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="TEXT",
        help="another name it is written with (repeat for several)",
    )
    add.add_argument("--user", metavar="NAME", help="recorded in the audit trail (default: your login)")
    add.set_defaults(handler=cmd_add)
    listing = sub.add_parser("list", help="every known provider with its other names")
    listing.set_defaults(handler=cmd_list)


def cmd_add(args, settings: Settings) -> int:
    from indicators.access import audit
    from indicators.programmes import providers

    store = Store(settings)
    try:
        with store.begin() as session:
            user = args.user or audit.command_line_user()
            name, added = providers.add(session, args.name, args.alias, by=user)
    except providers.ProviderError as exc:
        print(f"ctmonitor providers add: {exc}", file=sys.stderr)
        return 1
    finally:
        store.dispose()
    others = f" (other names: {', '.join(added)})" if added else ""
    print(f"Provider {name}{others}: referrals naming it are kept from the next upload")
    return 0


def cmd_list(args, settings: Settings) -> int:
    from indicators.programmes import providers

    store = Store(settings)
    try:
        with store.Session() as session:
            rows = providers.listing(session)
    finally:
        store.dispose()
    for name, others, origin in rows:
        print(f"{name}" + (f" (also: {', '.join(others)})" if others else "") + f"  [{origin}]")
    print(f"Any other referral is kept as '{providers.OTHER}'.")
    return 0
