"""ctmonitor's shell: ``create_app(settings)`` builds the Dash app; ``main()`` is the ``ctmonitor`` command."""

from __future__ import annotations

import argparse
import functools
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from indicators.store.db import Store
from indicators.store.settings import Settings

if TYPE_CHECKING:
    from dash import Dash

# Dash, plotly and the pages are imported only where the dashboard is built or served, so the other
# commands (import, export, init, ...) start in a fraction of the time and memory.

DASHBOARD = Path(__file__).resolve().parent / "dashboard"


def page_modules() -> list[str]:
    """Every page module under dashboard/ (those not starting with an underscore), imported by name once
    per process so their callbacks register once."""
    return sorted(
        f"dashboard.{path.stem}" for path in DASHBOARD.glob("*.py") if not path.stem.startswith("_")
    )


@functools.cache
def _app_class() -> type[Dash]:
    """The Dash subclass the dashboard runs on (made on first use, so only serving imports Dash)."""
    from dash import Dash

    class _App(Dash):
        """Dash, but the validation layout it sends every browser holds component types and ids only.

        Dash builds that layout on its first request by drawing every page for whoever made it, and would
        then send that person's figures and records to everyone (see
        ``dashboard._access.validation_skeleton``)."""

        _validation_skeleton = None

        def interpolate_index(self, **kwargs):
            """The page in the language of the request: ``<html lang>`` for screen readers (WCAG 3.1.1); AG
            Grid's library asked for from the head of a page whose first screen is a grid."""
            import dash
            from flask import request

            from dashboard._delivery import grid_first
            from indicators.i18n import language

            page = super().interpolate_index(**kwargs).replace("<html>", f'<html lang="{language()}">', 1)
            return grid_first(page, request.path, dash.page_registry.values())

        @property
        def validation_layout(self):
            return self._validation_skeleton

        @validation_layout.setter
        def validation_layout(self, drawn):
            from dashboard._access import validation_skeleton

            self._validation_skeleton = None if drawn is None else validation_skeleton(self)

    return _App


def request_limit(upload_limit: int) -> int:
    """The largest request accepted: dcc.Upload sends the file base64-encoded (4/3 of its size) in JSON."""
    return int(upload_limit * 4 / 3) + 1024 * 1024


def create_app(settings: Settings | None = None, store: Store | None = None) -> Dash:
    import dash
    from flask import Flask

    from dashboard import _access, _api, _auth, _dash_private, _delivery, _language, _two_step

    settings = settings or Settings.from_env()
    store = store or Store(settings)
    server = Flask(__name__)
    server.config.update(
        SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=request_limit(settings.upload_limit)
    )
    server.extensions["ctmonitor.store"] = store
    server.extensions["ctmonitor.settings"] = settings
    app = _app_class()(
        __name__,
        server=server,  # type: ignore[arg-type]  # Dash takes a Flask instance (its docs); its hint says callable
        use_pages=True,
        pages_folder="",
        assets_folder=str(DASHBOARD / "assets"),
        assets_path_ignore=["vendor"],  # plotly.js: served when a chart asks for it (dashboard._delivery)
        serve_locally=True,
        title="ctmonitor",
        update_title=None,  # type: ignore[arg-type]  # None keeps the tab title (Dash's docs); its hint says str
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        on_error=_on_callback_error,
    )
    server.extensions["ctmonitor.dash"] = app
    # Before Dash's own request hooks (the first of which draws every page once, for nothing: see _App) ...
    server.before_request_funcs.setdefault(None, []).insert(0, _access.before_dash_setup)
    # ... and after them (they set up the pages), before any page or callback runs: the guard.
    _auth.init_app(server, store, secure_cookies=settings.secure_cookies)
    _two_step.init_app(server)  # the code after the password, and setting it up
    server.after_request(_access.answer_out_of_scope)
    _language.init_app(server)  # each request's language, first of all hooks; the navbar's menu posts here
    _api.init_app(server)  # /api/v1, read with personal access tokens
    _delivery.init_app(server)  # compression, caching of versioned files, plotly.js's basic bundle
    # Pages register themselves on import, which Dash allows only once an app exists.
    # As Dash's own pages-folder loader does, a page's module-level layout() is its layout; it is drawn
    # only for the roles the page allows.
    callbacks, callback_list, inline_scripts = _page_callbacks()
    for name in page_modules():
        module = importlib.import_module(name)
        entry = dash.page_registry.get(name)
        if entry is not None and not entry.get("supplied_layout"):
            entry["layout"] = _access.guard_layout(module.layout, entry)
    # Every app answers the pages' callbacks, not only the first one built in the process (see _page_callbacks).
    _dash_private.give_callbacks(app, callbacks, callback_list, inline_scripts)
    with server.app_context():  # Dash calls a layout function once when it is set
        app.layout = _shell
    return app


@functools.cache
def _page_callbacks() -> tuple[dict, list, list]:
    """What the pages (and the widgets they share) register with ``dash.callback`` when imported, taken once
    per process: callback map, callback list and inline scripts.

    Dash keeps what ``dash.callback`` registers in module-level lists and hands them to whichever app sets up
    first, leaving nothing for another app built in the same process (tests build one per store and settings).
    So they are taken from Dash here, right after the pages' first import, and given to every app built."""
    from dashboard._dash_private import take_registered_callbacks

    for name in page_modules():
        importlib.import_module(name)
    return take_registered_callbacks()


def _on_callback_error(err: Exception):
    """A friendly toast instead of a traceback when a callback fails (see dashboard._components); a refusal
    stays a refusal (403, no data)."""
    from werkzeug.exceptions import HTTPException

    from dashboard._components import on_callback_error

    if isinstance(err, HTTPException):
        raise err
    return on_callback_error(err)


def _shell():
    """The frame around every page: navbar built from the page registry, the pages and programmes one may
    see and who is signed in, the page itself, and a toast for anything that went wrong in a callback."""
    import dash
    import dash_bootstrap_components as dbc
    from dash import html

    from indicators.i18n import _

    return html.Div(
        [
            # the first thing the keyboard reaches: past the navbar, to the page itself (WCAG 2.4.1)
            html.A("Skip to the main content", href="#main-content", className="skip-link", id="skip-link"),
            _navbar(_nav_items()),
            html.Main(dash.page_container, className="container-xxl", id="main-content", tabIndex="-1"),
            dbc.Toast(
                id="app-error",
                header=_("Something went wrong"),
                icon="danger",
                is_open=False,
                dismissable=True,
                duration=12000,
                className="app-error-toast",
            ),
        ]
    )


def _nav_items() -> list:
    """The portfolio, the logframes of the programmes one may see, the pages one may open (in their order),
    and who is signed in."""
    import dash
    import dash_bootstrap_components as dbc
    from sqlalchemy import select

    from dashboard._access import page_allowed
    from dashboard._components import read_session, visible_programme_codes
    from indicators.i18n import _
    from indicators.store.models import Programme

    with read_session() as session:
        visible = visible_programme_codes(session)
        programmes = session.execute(
            select(Programme.code, Programme.short_title, Programme.title)
            .where(Programme.code.in_(visible))
            .order_by(Programme.code)
        ).all()
        pages = [
            p
            for p in dash.page_registry.values()
            if p.get("order") is not None and p["path"] != "/" and page_allowed(p)
        ]
    nav: list = [dbc.NavItem(dbc.NavLink(_("Portfolio"), href="/", active="exact"))]
    if programmes:
        nav.append(
            dbc.DropdownMenu(
                [
                    dbc.DropdownMenuItem(f"{code} · {short or title}", href=f"/programme?code={code}")
                    for code, short, title in programmes
                ],
                label=_("Logframes"),
                nav=True,
                in_navbar=True,
                id="nav-programmes",
            )
        )
    nav += [
        dbc.NavItem(dbc.NavLink(_(p["name"]), href=p["path"], active="exact"))
        for p in sorted(pages, key=lambda p: p["order"])
    ]
    nav.append(_user_item())
    return nav


def _navbar(nav: list):
    """The IOM-blue bar: the brand, and the items, folded behind a toggler on narrow screens."""
    import dash_bootstrap_components as dbc
    from dash import html

    from indicators.i18n import _

    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span("ctmonitor", className="brand-name"),
                        html.Span(_("IOM Rwanda · counter trafficking"), className="brand-sub"),
                    ],
                    href="/",
                ),
                dbc.NavbarToggler(id="nav-toggler", n_clicks=0),
                dbc.Collapse(
                    dbc.Nav(nav, navbar=True, className="ms-auto"),
                    id="nav-collapse",
                    navbar=True,
                    is_open=False,
                ),
            ],
            fluid="xxl",
        ),
        color="#0033a0",
        dark=True,
        className="mb-0 navbar-iom",
        expand="lg",
    )


def _user_item():
    """Who is signed in, and the sign-out button: a plain form POSTed with the session's CSRF token."""
    import dash_bootstrap_components as dbc
    from dash import dcc, html

    from dashboard._access import role_name, signed_in_user
    from dashboard._auth import csrf_token
    from dashboard._language import menu
    from indicators.i18n import _

    user = signed_in_user()
    if user is None:
        return None
    return dbc.NavItem(
        html.Div(
            [
                menu(),
                html.Span(
                    [
                        html.Span(user.username, className="fw-semibold", id="nav-user"),
                        html.Span(
                            role_name(user.role) + (f" · {user.donor}" if user.donor else ""),
                            className="nav-role",
                        ),
                    ],
                    className="nav-user",
                ),
                html.A(
                    _("Account"),
                    href="/account",
                    className="btn btn-sm btn-outline-light",
                    id="nav-account-page",
                    title=_("Your password and API tokens"),
                ),
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
                        html.Button(
                            _("Sign out"),
                            type="submit",
                            className="btn btn-sm btn-outline-light",
                            id="nav-sign-out",
                        ),
                    ],
                    method="post",
                    action="/logout",
                    className="m-0",
                ),
            ],
            className="d-flex align-items-center gap-2 ms-lg-3 nav-account",
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctmonitor",
        description="Monitoring and donor reporting for IOM Rwanda's counter-trafficking programmes.",
        epilog="Settings come from the environment: CTMONITOR_DATABASE_URL, CTMONITOR_DATA_DIR, "
        "CTMONITOR_SECRET_KEY, CTMONITOR_PSEUDONYM_KEY, CTMONITOR_UPLOAD_LIMIT_MB, "
        "CTMONITOR_UPLOAD_DIR, CTMONITOR_SECURE_COOKIES, CTMONITOR_SESSION_IDLE_HOURS, "
        "CTMONITOR_SESSION_LIFETIME_DAYS, CTMONITOR_READ_MEMORY_MB, CTMONITOR_READ_TIMEOUT_S, "
        "CTMONITOR_PROXIES, CTMONITOR_API_RATE_PER_MINUTE, CTMONITOR_TOKEN_MAX_DAYS, "
        "CTMONITOR_REQUIRE_TOTP. See README.md.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the dashboard",
        description="Serve the dashboard (default http://127.0.0.1:8050).",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes; more than one runs under gunicorn (for a team)",
    )
    serve.set_defaults(handler=cmd_serve)
    # Each package's commands; the report formats are the exports package's, handed to the store's commands,
    # and so is the importer's tidying of a store an earlier ctmonitor wrote (run by init).
    from exports.formats import FORMATS
    from importers import cli as import_commands
    from importers import legacy
    from indicators.cli import backup as backup_commands
    from indicators.cli import cases as case_commands
    from indicators.cli import export as export_commands
    from indicators.cli import providers as provider_commands
    from indicators.cli import store as store_commands
    from indicators.cli import tokens as token_commands
    from indicators.cli import versions as version_commands

    store_commands.register(commands, FORMATS, upkeep=(legacy.tidy_case_referrals,))
    version_commands.register(commands)
    token_commands.register(commands)
    case_commands.register(commands)
    backup_commands.register(commands)
    provider_commands.register(commands)
    import_commands.register(commands)
    export_commands.register_export(commands, FORMATS)
    return parser


def cmd_serve(args, settings: Settings) -> int:
    print(f"ctmonitor serving on http://{args.host}:{args.port}", flush=True)
    if settings.secure_cookies and args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "Session cookies are marked Secure: browsers sign in over HTTPS only (put a proxy serving HTTPS "
            "in front, see README), or set CTMONITOR_SECURE_COOKIES=0 on a trusted network.",
            flush=True,
        )
    if args.workers > 1:
        from gunicorn.app.base import BaseApplication

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{args.host}:{args.port}")
                self.cfg.set("workers", args.workers)
                self.cfg.set("threads", 4)
                self.cfg.set("timeout", 120)
                self.cfg.set("accesslog", "-")

            def load(self):
                # Each worker builds its own app and database connections after the fork.
                return create_app(settings).server

        Server().run()
        return 0
    create_app(settings).run(host=args.host, port=args.port, debug=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        return args.handler(args, settings)
    except SQLAlchemyError as exc:  # one line that says what to do, never a traceback
        print(f"ctmonitor {args.command}: {_store_problem(settings, exc)}", file=sys.stderr)
        return 2


def _store_problem(settings: Settings, exc: Exception) -> str:
    """Why a command's store failed it, in words: not initialised, out of reach, or (otherwise) the error's kind."""
    store = Store(settings)
    try:
        from sqlalchemy import inspect

        initialised = inspect(store.engine).has_table("alembic_version")
    except Exception:  # noqa: BLE001 — the store cannot even be opened
        return (
            f"the store cannot be reached ({type(exc).__name__}); check CTMONITOR_DATABASE_URL and that the "
            "database server is running"
        )
    finally:
        store.dispose()
    if not initialised:
        return "the store is not initialised; run `ctmonitor init` first"
    return (
        f"the store refused the command ({type(exc).__name__}); run `ctmonitor init` to bring it up to date"
    )


if __name__ == "__main__":
    sys.exit(main())
