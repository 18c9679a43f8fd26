"""The two pages served outside Dash: the sign-in form and the change-password form (plain HTML forms with
a CSRF token, drawn with the app's own stylesheets and no script at all)."""

from __future__ import annotations

from html import escape

from flask import Response

from indicators.i18n import N_, _, language, translated

NO_USERS = N_("No user exists yet: create one with  ctmonitor users add NAME --role manager  (see README).")


def _page(title: str, body: str, status: int) -> Response:
    html = f"""<!DOCTYPE html>
<html lang="{language()}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · ctmonitor</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="bg-light"><main class="container form-page">
<h1 class="h3 mb-1">ctmonitor</h1>
<p class="text-muted">{_("Counter-trafficking programme monitoring · IOM Rwanda")}</p>
<div class="card shadow-sm"><div class="card-body">
{body}
</div></div></main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _alerts(message: str | None, info: str | None) -> str:
    alert = f'<div class="alert alert-danger py-2" role="alert">{escape(translated(message))}</div>' if message else ""
    if info:
        alert += f'<div class="alert alert-info py-2 small" role="status">{escape(_(info))}</div>'
    return alert


def login_page(token: str, next_url: str, message: str | None = None, status: int = 200, username: str = "",
               info: str | None = None) -> Response:
    body = f"""<form method="post" action="/login" id="login-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="login-username">{_("User name")}</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 {"" if username else "autofocus "}value="{escape(username)}"></div>
<div class="mb-3"><label class="form-label" for="login-password">{_("Password")}</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required{" autofocus" if username else ""}></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">{_("Sign in")}</button>
</form>"""
    return _page(_("Sign in"), body, status)


def password_page(token: str, username: str, forced: bool, message: str | None = None,
                  status: int = 200) -> Response:
    info = (N_("Your password was set by an administrator for one use: choose your own before going on.")
            if forced else None)
    back = "" if forced else (f'<a class="btn btn-link w-100 mt-2" href="/" id="password-back">'
                              f'{_("Back to the dashboard")}</a>')
    body = f"""<h2 class="h5">{_("Change the password of {name}").format(name=escape(username))}</h2>
<form method="post" action="/password" id="password-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}">
<input type="hidden" name="username" autocomplete="username" value="{escape(username)}">
<div class="mb-3"><label class="form-label" for="password-current">{_("Current password")}</label>
<input class="form-control" id="password-current" name="current" type="password" autocomplete="current-password"
 required autofocus></div>
<div class="mb-3"><label class="form-label" for="password-new">{
    _("New password (at least 10 characters; not a common password, not your name)")}</label>
<input class="form-control" id="password-new" name="new" type="password" autocomplete="new-password" required
 minlength="10"></div>
<div class="mb-3"><label class="form-label" for="password-again">{_("New password again")}</label>
<input class="form-control" id="password-again" name="again" type="password" autocomplete="new-password" required
 minlength="10"></div>
<button class="btn btn-primary w-100" type="submit" id="password-submit">{_("Change the password")}</button>
</form>
<form method="post" action="/logout" class="mt-2"><input type="hidden" name="csrf_token" value="{token}">
<button class="btn btn-outline-secondary w-100" type="submit" id="password-sign-out">{_("Sign out")}</button></form>{back}"""
    return _page(_("Change password"), body, status)


# --- two-step sign-in ---------------------------------------------------------------------------------------

CODE_PATH = "/login/code"
TWO_STEP_PATH = "/account/two-step"


def _hidden(token: str, step: str | None = None) -> str:
    field = f'<input type="hidden" name="step" value="{step}">' if step else ""
    return f'<input type="hidden" name="csrf_token" value="{token}">{field}'


def _field(name: str, label: str, kind: str = "password", complete: str = "current-password", extra: str = "") -> str:
    return (f'<div class="mb-3"><label class="form-label" for="two-step-{name}">{label}</label>'
            f'<input class="form-control" id="two-step-{name}" name="{name}" type="{kind}" autocomplete="{complete}"'
            f' required{extra}></div>')


def _button(text: str, ident: str, kind: str = "primary") -> str:
    return f'<button class="btn btn-{kind} w-100" type="submit" id="{ident}">{text}</button>'


def code_page(token: str, username: str, message: str | None = None, status: int = 200) -> Response:
    """The sign-in's second step: a code from the authenticator app, or a recovery code."""
    body = f"""<h2 class="h5">{_("Two-step sign-in for {name}").format(name=escape(username))}</h2>
<form method="post" action="{CODE_PATH}" id="code-form">{_alerts(message, None)}{_hidden(token)}
<p class="small">{_("Type the 6-digit code your authenticator app shows for ctmonitor, or one of your recovery codes.")}</p>
{_field("code", _("Code"), "text", "one-time-code", ' inputmode="text" autofocus maxlength="24"')}
{_button(_("Sign in"), "code-submit")}</form>
<a class="btn btn-link w-100 mt-2" href="/login" id="code-back">{_("Start again")}</a>"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_start_page(token: str, username: str, required: bool, message: str | None = None,
                        status: int = 200) -> Response:
    info = (N_("Your role signs in in two steps: set it up before going on.") if required else None)
    body = f"""<h2 class="h5">{_("Set up two-step sign-in for {name}").format(name=escape(username))}</h2>
<form method="post" action="{TWO_STEP_PATH}" id="two-step-form">{_alerts(message, info)}{_hidden(token, "begin")}
<p class="small">{_("After your password, ctmonitor will ask for a code from an authenticator app on your phone "
                    "(FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator, …). Confirm your password to begin.")}</p>
{_field("password", _("Current password"), extra=" autofocus")}
{_button(_("Begin"), "two-step-begin")}</form>{_leave(token, required)}"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_scan_page(token: str, username: str, qr_svg: str, secret: str, required: bool,
                       message: str | None = None, status: int = 200) -> Response:
    body = f"""<h2 class="h5">{_("Set up two-step sign-in for {name}").format(name=escape(username))}</h2>
<form method="post" action="{TWO_STEP_PATH}" id="two-step-form">{_alerts(message, None)}{_hidden(token, "confirm")}
<p class="small">{_("1. In your authenticator app, add an account by scanning this code:")}</p>
<div class="text-center mb-2" id="two-step-qr" role="img" aria-label="{_("QR code of the secret")}">{qr_svg}</div>
<p class="small">{_("or by typing this secret (time-based, 6 digits, every 30 seconds):")}</p>
<p class="text-center"><code class="fs-6" id="two-step-secret">{escape(secret)}</code></p>
<p class="small">{_("2. Type the code the app now shows for ctmonitor:")}</p>
{_field("code", _("Code"), "text", "one-time-code", ' inputmode="numeric" autofocus maxlength="7"')}
{_button(_("Turn two-step sign-in on"), "two-step-confirm")}</form>{_leave(token, required)}"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_codes_page(username: str, codes: list[str]) -> Response:
    listed = "".join(f"<li><code>{escape(code)}</code></li>" for code in codes)
    body = f"""<h2 class="h5">{_("Two-step sign-in is on for {name}").format(name=escape(username))}</h2>
<div class="alert alert-success py-2 small" role="status">{_("From now on ctmonitor asks for a code after your password.")}</div>
<p class="small"><strong>{_("Your recovery codes, shown only now.")}</strong> {
    _("Each one signs you in once instead of a code, if your phone is lost. Print them or keep them somewhere "
      "safe, apart from your phone.")}</p>
<ol class="recovery-codes" id="two-step-recovery">{listed}</ol>
<a class="btn btn-primary w-100" href="/" id="two-step-continue">{_("Continue to the dashboard")}</a>"""
    return _page(_("Two-step sign-in"), body, 200)


def two_step_on_page(token: str, username: str, codes_left: int, required: bool, message: str | None = None,
                     status: int = 200) -> Response:
    if required:
        off = f'<p class="small">{_("Your role must sign in in two steps, so it cannot be turned off.")}</p>'
    else:
        off = f"""<form method="post" action="{TWO_STEP_PATH}" id="two-step-off-form">{_hidden(token, "off")}
<p class="small">{_("To turn it off, confirm your password and a code:")}</p>
{_field("password", _("Current password"))}{_field("code", _("Code or recovery code"), "text", "one-time-code")}
{_button(_("Turn two-step sign-in off"), "two-step-off", "outline-danger")}</form>"""
    body = f"""<h2 class="h5">{_("Two-step sign-in for {name}").format(name=escape(username))}</h2>{_alerts(message, None)}
<p id="two-step-state">{_("Two-step sign-in is on: after your password ctmonitor asks for a code from your "
                          "authenticator app. Recovery codes left: {count}.").format(count=codes_left)}</p>{off}
<a class="btn btn-link w-100 mt-2" href="/account" id="two-step-back">{_("Back to My account")}</a>"""
    return _page(_("Two-step sign-in"), body, status)


def _leave(token: str, required: bool) -> str:
    if required:
        return (f'<form method="post" action="/logout" class="mt-2">{_hidden(token)}'
                f'<button class="btn btn-outline-secondary w-100" type="submit" id="two-step-sign-out">{_("Sign out")}'
                '</button></form>')
    return f'<a class="btn btn-link w-100 mt-2" href="/account" id="two-step-back">{_("Back to My account")}</a>'
