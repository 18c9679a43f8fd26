"""Who may see and do what, decided on the server: pages by role, programmes by donor, callbacks by page.

- A page declares ``roles=`` in ``register_page`` (default: every role) and may add ``allowed=``, a function
  of no argument that can refuse more (the Victims profile: a donor officer only when one of their
  programmes records victims' cases). ``create_app`` wraps every page's layout in ``guard_layout``: other
  users get a "not available to your role" card, never the page, and the refusal is recorded in the audit
  trail whether the page was asked for by its address or drawn by Dash's page router.
- Every callback request is checked before Dash runs it (``callback_allowed``, called by the guard in
  ``_auth``): the request's ``output`` names the callback Dash will run, whatever ids the body lists, and
  the module that defines that callback is a page; the callback runs only for users who may see that page.
  Dash's own page router runs for anyone signed in (it draws pages through ``guard_layout``); anything
  else is refused.
- Inside layouts and callbacks a programme or indicator code is checked against ``visible_programmes``: a
  donor officer sees only programmes whose donor is theirs, whatever code a URL or a request names. A page
  declares which query parameters name a programme or an indicator (``scope={"code": "indicator"}`` in
  ``register_page``); a page request naming one the user may not see is answered 403 and recorded in the
  audit trail (``answer_out_of_scope``), and the page draws "Not available to your account" in its place.
- Actions check their own roles as well (``require_role``): narratives by managers and administrators,
  sign-offs by managers, uploads by staff.
- Dash sends a "validation layout" to every browser; built from the pages as the first visitor sees them it
  would carry that visitor's data to everyone, so ``validation_skeleton`` keeps only the components that
  callbacks name, with their type and id and nothing else.
"""

from __future__ import annotations

import functools
import logging

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import current_app, g, has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from dashboard._dash_private import proxied
from indicators.i18n import N_, _, format_list
from indicators.store.models import Indicator, Programme

log = logging.getLogger("ctmonitor.access")

ALL_ROLES = ("admin", "manager", "officer", "donor")
STAFF = ("admin", "manager", "officer")
EDITORS = ("admin", "manager")  # deviation narratives
SIGNERS = ("manager",)  # quarter sign-off
AUDITORS = ("admin", "manager")  # the audit trail
ROLE_NAMES = {
    "admin": N_("administrators"),
    "manager": N_("programme managers"),
    "officer": N_("M&E officers"),
    "donor": N_("donor officers"),
}
ROLE_LABELS = {"admin": N_("admin"), "manager": N_("manager"), "officer": N_("officer"), "donor": N_("donor")}
# Components of Dash's page container, which its own (clientside) callbacks name.
PAGE_CONTAINER_IDS = ("_pages_location", "_pages_content", "_pages_store", "_pages_dummy")


class Refused(Forbidden):
    """A request for something the signed-in user may not see or do: answered 403, with no data."""

    description = N_("This is not available to your role.")


# --- the user --------------------------------------------------------------------------------------


def role_name(code: str) -> str:
    """A role as the navbar and the pages name it: manager / gestionnaire."""
    return _(ROLE_LABELS[code]) if code in ROLE_LABELS else code


def roles_named(codes) -> str:
    """``programme managers and administrators``, in the language of the request."""
    return format_list(_(ROLE_NAMES[c]) for c in codes if c in ROLE_NAMES)


def signed_in_user():
    """The signed-in user, or None (outside a request, or signed out)."""
    if not has_request_context() or getattr(current_app, "login_manager", None) is None:
        return None
    user = proxied(current_user)
    return user if getattr(user, "is_authenticated", False) else None


def role() -> str | None:
    return getattr(signed_in_user(), "role", None)


def can(roles) -> bool:
    user = signed_in_user()
    return bool(user) and user.can(roles)


def visible_programmes(db) -> list[str]:
    """Codes of the programmes the signed-in user may see: a donor officer their donor's only, staff all."""
    from indicators.access.accounts import visible_programme_codes

    user = signed_in_user()
    return [] if user is None else visible_programme_codes(db, user.role, user.donor)


def require_role(roles, action: str) -> None:
    """Refuse (403, audited) unless the signed-in user has one of ``roles``."""
    if not can(roles):
        refuse(action, reason="role")


def require_programme(db, code) -> str:
    """The programme code, upper-cased, if the user may see it; else refused (403, audited)."""
    cleaned = code.strip().upper() if isinstance(code, str) else ""
    if not cleaned or cleaned not in visible_programmes(db):
        refuse(f"programme {cleaned or '?'}", reason="programme not visible")
    return cleaned


def require_indicator(db, code) -> str:
    """The indicator code, upper-cased, if its programme is one the user may see; else refused."""
    cleaned = code.strip().upper() if isinstance(code, str) else ""
    owner = (
        db.scalar(
            select(Programme.code)
            .join(Indicator, Indicator.programme_id == Programme.id)
            .where(Indicator.code == cleaned)
        )
        if cleaned
        else None
    )
    if owner is None or owner not in visible_programmes(db):
        refuse(f"indicator {cleaned or '?'}", reason="programme not visible")
    return cleaned


def refuse(target: str, reason: str):
    """Record the refusal in the audit trail and answer 403."""
    record_refusal(target, reason)
    raise Refused()


def record_refusal(target: str, reason: str) -> None:
    from indicators.access import audit

    user = signed_in_user()
    try:
        with current_app.extensions["ctmonitor.store"].begin() as db:
            audit.record(
                db,
                getattr(user, "username", None) or "anonymous",
                "access-refused",
                target[:200],
                reason=reason,
                role=getattr(user, "role", None),
                path=request.path if has_request_context() else None,
            )
    except Exception:  # the refusal stands even if it cannot be written down
        log.exception("could not record a refusal of %s", target)


# --- pages -----------------------------------------------------------------------------------------


def page_roles(entry: dict) -> tuple[str, ...]:
    return tuple(entry.get("roles") or ALL_ROLES)


def page_allowed(entry: dict) -> bool:
    """May the signed-in user see this page (a ``dash.page_registry`` entry)?"""
    user = signed_in_user()
    if user is None or not user.can(page_roles(entry)):
        return False
    extra = entry.get("allowed")
    return bool(extra()) if callable(extra) else True


def guard_layout(layout, entry: dict):
    """A page's layout that is drawn only for the users who may see the page, and only for programmes and
    indicators they may see."""

    @functools.wraps(layout)
    def guarded(**query):
        if g.get(DASH_DRAWS_FOR_VALIDATION):
            return html.Div()  # Dash's own validation layout: thrown away (see validation_skeleton)
        # Drawn by Dash's page router (a link followed inside the app): refused and recorded here, as a page
        # request is by ``answer_out_of_scope``.
        if not page_allowed(entry):
            record_refusal(f"page {entry['path']}", reason="page not available to the role (page router)")
            return refusal_card(entry)
        target = out_of_scope(entry, query)
        if target is not None:
            record_refusal(target, reason="programme not visible to the account (page router)")
            return not_available_card(target)
        return layout(**query)

    return guarded


def out_of_scope(entry: dict, query) -> str | None:
    """What a page request names that the signed-in user may not see (``programme PVR``), or None. A code
    that names nothing is left to the page (it says "not found")."""
    scope = entry.get("scope") or {}
    if not scope:
        return None
    with current_app.extensions["ctmonitor.store"].Session() as db:
        visible = None
        for parameter, kind in scope.items():
            value = query.get(parameter)
            value = value[-1] if isinstance(value, (list, tuple)) and value else value
            code = value.strip().upper() if isinstance(value, str) else ""
            if not code:
                continue
            if kind == "indicator":
                owner = db.scalar(
                    select(Programme.code)
                    .join(Indicator, Indicator.programme_id == Programme.id)
                    .where(Indicator.code == code)
                )
            else:
                owner = db.scalar(select(Programme.code).where(Programme.code == code))
            if owner is None:
                continue
            visible = visible_programmes(db) if visible is None else visible
            if owner not in visible:
                return f"{kind} {code}"
    return None


def answer_out_of_scope(response):
    """After a page request (the app's HTML for a page path): 403 and an audit entry when the page is not for
    the user's role, or its query names a programme or indicator the user may not see. The app still loads,
    and the page draws the refusal card in its place."""
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.mimetype != "text/html"
        or signed_in_user() is None
    ):
        return response
    entry = next((e for e in dash.page_registry.values() if e.get("path") == request.path), None)
    if entry is None:
        return response
    if not page_allowed(entry):
        record_refusal(f"page {entry['path']}", reason="page not available to the role")
        response.status_code = 403
        return response
    target = out_of_scope(entry, request.args.to_dict(flat=False))
    if target is not None:
        record_refusal(target, reason="programme not visible to the account")
        response.status_code = 403
    return response


def not_available_card(target: str) -> dbc.Alert:
    user = signed_in_user()
    who = (
        _("You are signed in as {user} ({role}).").format(
            user=user.username, role=role_name(user.role) + (" · " + user.donor if user.donor else "")
        )
        + " "
        if user
        else ""
    )
    return dbc.Alert(
        [
            html.H2(_("Not available to your account"), className="h5"),
            html.P(
                _("{what} is not available to your account.").format(what=target.split(" ", 1)[-1])
                + " "
                + who
                + _("Ask an administrator if you need it.")
            ),
            dcc.Link(_("Back to the portfolio"), href="/", className="alert-link"),
        ],
        color="secondary",
        className="mt-3 access-refused",
        id="access-not-available",
    )


def refusal_card(entry: dict) -> dbc.Alert:
    user = signed_in_user()
    who = (
        _("You are signed in as {user} ({role}).").format(user=user.username, role=role_name(user.role))
        if user
        else _("You are not signed in.")
    )
    allowed = [r for r in page_roles(entry) if r in ROLE_NAMES]
    page = _(entry["name"]) if entry.get("name") else _("This page")
    return dbc.Alert(
        [
            html.H2(_("Not available to your role"), className="h5"),
            html.P(
                [
                    _("“{page}” is not available to your role.").format(page=page) + f" {who} ",
                    _("It is for {roles}.").format(roles=roles_named(allowed)) if allowed else "",
                ]
            ),
            dcc.Link(_("Back to the portfolio"), href="/", className="alert-link"),
        ],
        color="secondary",
        className="mt-3 access-refused",
        id="access-refused",
    )


# --- callbacks -------------------------------------------------------------------------------------


def callback_allowed(app: dash.Dash, body) -> tuple[bool, str]:
    """May the signed-in user run the callback this request body asks for? And what it is, for the record."""
    output = body.get("output") if isinstance(body, dict) else None
    spec = app.callback_map.get(output) if isinstance(output, str) else None
    module = getattr((spec or {}).get("callback"), "__module__", None)
    if module is None:  # unknown, or a clientside callback, which never runs on the server
        return False, f"callback {str(output)[:80]}"
    if module.startswith("dash."):  # Dash's page router: it draws pages through guard_layout
        return signed_in_user() is not None, module
    entry = dash.page_registry.get(module)
    if entry is None:
        return False, module
    return page_allowed(entry), entry["path"]


DASH_DRAWS_FOR_VALIDATION = "ctmonitor_dash_validation_draw"


def before_dash_setup() -> None:
    """Run before Dash's own request hooks: a page drawn from here until the guard (``after_dash_setup``) is
    Dash drawing every page for its validation layout, on the first request the app serves, and gets an empty
    page. ``validation_skeleton`` replaces that drawing, so the real pages would only double the first
    request's time, and record a refusal of every page its visitor may not see (the sign-in form's visitor:
    all of them). Whether the validation layout exists yet cannot tell: Dash makes one as soon as the app's
    layout, a function, is set."""
    g.setdefault(DASH_DRAWS_FOR_VALIDATION, True)


def after_dash_setup() -> None:
    """Run after Dash's request hooks (from the guard): pages are drawn for real from here on."""
    if has_app_context():
        g.pop(DASH_DRAWS_FOR_VALIDATION, None)


def output_ids(output: str) -> list[str]:
    """The component ids of a callback-map key (``id.prop`` or ``..id.prop...id.prop..``)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [part.rsplit(".", 1)[0] for part in parts]


def callback_ids(app: dash.Dash) -> set[str]:
    """Every plain (not pattern-matching) component id some callback of the app names."""
    found: set[object] = set(PAGE_CONTAINER_IDS)
    for output, spec in app.callback_map.items():
        found.update(output_ids(output))
        for dep in list(spec.get("inputs", [])) + list(spec.get("state", [])):
            if isinstance(dep, dict):
                found.add(dep.get("id"))
    return {i for i in found if isinstance(i, str) and not i.startswith("{")}


class _Everything:
    """The user the validation skeleton is drawn for: every page and every part of it, no user's data kept."""

    id = 0
    username = "validation"
    role = "admin"
    donor = None
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self):
        return "0"

    def can(self, roles) -> bool:
        return True


def validation_skeleton(app: dash.Dash) -> html.Div:
    """What Dash may send every browser to check callbacks against: each component a callback names, as
    its type and id only, found by drawing every page (in a request of its own) for a user who sees all.

    A page whose layout draws some of its callbacks' components only in some states (the sign-off button,
    until the quarter is signed off) lists them in a module-level ``CALLBACK_COMPONENTS``."""
    import sys

    from flask_login import login_user

    after_dash_setup()
    wanted = callback_ids(app)
    server = app.server
    with server.app_context(), server.test_request_context("/"):  # its own g: the real request's user stays
        login_user(_Everything())
        drawn = [
            entry["layout"]() if callable(entry["layout"]) else entry["layout"]
            for entry in dash.page_registry.values()
        ]
        drawn.append(app.layout() if callable(app.layout) else app.layout)
    drawn += [
        getattr(sys.modules.get(entry["module"]), "CALLBACK_COMPONENTS", [])
        for entry in dash.page_registry.values()
    ]
    kinds: dict[str, type] = {}

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            node_id = getattr(node, "id", None)
            if isinstance(node_id, str) and node_id in wanted:
                kinds.setdefault(node_id, type(node))
            walk(getattr(node, "children", None))

    walk(drawn)
    missing = wanted - set(kinds)
    if missing:  # the browser will report these callbacks as broken; say which
        log.warning(
            "callback components drawn by no page for the validation layout: %s", ", ".join(sorted(missing))
        )
    return html.Div([cls(id=node_id) for node_id, cls in sorted(kinds.items())])
