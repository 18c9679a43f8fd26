"""The two pages served outside Dash: the sign-in form and the change-password form (plain HTML forms with
a CSRF token, drawn with the app's own stylesheets and no script at all)."""

from __future__ import annotations

from html import escape

from flask import Response

from indicators.i18n import N_, _, language, translated

NO_USERS = N_("No user exists yet: create one with  ctmonitor users add NAME --role manager  (see README).")


# Words drawn inside the pages' f-strings (marked here, where pybabel finds them; translated where drawn).
TEXT = {
    "t1": N_("Counter-trafficking programme monitoring · IOM Rwanda"),
    "t2": N_("User name"),
    "t3": N_("Password"),
    "t4": N_("Sign in"),
    "t5": N_("Back to the dashboard"),
    "t6": N_("Change the password of {name}"),
    "t7": N_("Current password"),
    "t8": N_("New password (at least 10 characters; not a common password, not your name)"),
    "t9": N_("New password again"),
    "t10": N_("Change the password"),
    "t11": N_("Sign out"),
    "t12": N_("Two-step sign-in for {name}"),
    "t13": N_(
        "Type the 6-digit code your authenticator app shows for ctmonitor, or one of your recovery codes."
    ),
    "t14": N_("Start again"),
    "t15": N_("Set up two-step sign-in for {name}"),
    "t16": N_(
        "After your password, ctmonitor will ask for a code from an authenticator app on your phone (FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator, …). Confirm your password to begin."
    ),
    "t17": N_("1. In your authenticator app, add an account by scanning this code:"),
    "t18": N_("QR code of the secret"),
    "t19": N_("or by typing this secret (time-based, 6 digits, every 30 seconds):"),
    "t20": N_("2. Type the code the app now shows for ctmonitor:"),
    "t21": N_("Two-step sign-in is on for {name}"),
    "t22": N_("From now on ctmonitor asks for a code after your password."),
    "t23": N_("Your recovery codes, shown only now."),
    "t24": N_(
        "Each one signs you in once instead of a code, if your phone is lost. Print them or keep them somewhere safe, apart from your phone."
    ),
    "t25": N_("Continue to the dashboard"),
    "t26": N_("Your role must sign in in two steps, so it cannot be turned off."),
    "t27": N_("To turn it off, confirm your password and a code:"),
    "t28": N_(
        "Two-step sign-in is on: after your password ctmonitor asks for a code from your authenticator app. Recovery codes left: {count}."
    ),
    "t29": N_("Back to My account"),
    "t30": N_("Code"),
    "t31": N_("Begin"),
    "t32": N_("Turn two-step sign-in on"),
    "t33": N_("Code or recovery code"),
    "t34": N_("Turn two-step sign-in off"),
}


def _page(title: str, body: str, status: int) -> Response:
    html = f"""<!DOCTYPE html>
<html lang="{language()}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · ctmonitor</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="bg-light"><main class="container form-page">
<h1 class="h3 mb-1">ctmonitor</h1>
<p class="text-muted">{_(TEXT["t1"])}</p>
<div class="card shadow-sm"><div class="card-body">
{body}
</div></div></main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _alerts(message: str | None, info: str | None) -> str:
    alert = (
        f'<div class="alert alert-danger py-2" role="alert">{escape(translated(message))}</div>'
        if message
        else ""
    )
    if info:
        alert += f'<div class="alert alert-info py-2 small" role="status">{escape(_(info))}</div>'
    return alert


def login_page(
    token: str,
    next_url: str,
    message: str | None = None,
    status: int = 200,
    username: str = "",
    info: str | None = None,
) -> Response:
    body = f"""<form method="post" action="/login" id="login-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="login-username">{_(TEXT["t2"])}</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 {"" if username else "autofocus "}value="{escape(username)}"></div>
<div class="mb-3"><label class="form-label" for="login-password">{_(TEXT["t3"])}</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required{" autofocus" if username else ""}></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">{_(TEXT["t4"])}</button>
</form>"""
    return _page(_("Sign in"), body, status)


def password_page(
    token: str, username: str, forced: bool, message: str | None = None, status: int = 200
) -> Response:
    info = (
        N_("Your password was set by an administrator for one use: choose your own before going on.")
        if forced
        else None
    )
    back = (
        ""
        if forced
        else (f'<a class="btn btn-link w-100 mt-2" href="/" id="password-back">{_(TEXT["t5"])}</a>')
    )
    body = f"""<h2 class="h5">{_(TEXT["t6"]).format(name=escape(username))}</h2>
<form method="post" action="/password" id="password-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}">
<input type="hidden" name="username" autocomplete="username" value="{escape(username)}">
<div class="mb-3"><label class="form-label" for="password-current">{_(TEXT["t7"])}</label>
<input class="form-control" id="password-current" name="current" type="password" autocomplete="current-password"
 required autofocus></div>
<div class="mb-3"><label class="form-label" for="password-new">{_(TEXT["t8"])}</label>
<input class="form-control" id="password-new" name="new" type="password" autocomplete="new-password" required
 minlength="10"></div>
<div class="mb-3"><label class="form-label" for="password-again">{_(TEXT["t9"])}</label>
<input class="form-control" id="password-again" name="again" type="password" autocomplete="new-password" required
 minlength="10"></div>
<button class="btn btn-primary w-100" type="submit" id="password-submit">{_(TEXT["t10"])}</button>
</form>
<form method="post" action="/logout" class="mt-2"><input type="hidden" name="csrf_token" value="{token}">
<button class="btn btn-outline-secondary w-100" type="submit" id="password-sign-out">{_(TEXT["t11"])}</button></form>{back}"""
    return _page(_("Change password"), body, status)


# --- two-step sign-in ---------------------------------------------------------------------------------------

CODE_PATH = "/login/code"
TWO_STEP_PATH = "/account/two-step"


def _hidden(token: str, step: str | None = None) -> str:
    field = f'<input type="hidden" name="step" value="{step}">' if step else ""
    return f'<input type="hidden" name="csrf_token" value="{token}">{field}'


def _field(
    name: str, label: str, kind: str = "password", complete: str = "current-password", extra: str = ""
) -> str:
    return (
        f'<div class="mb-3"><label class="form-label" for="two-step-{name}">{label}</label>'
        f'<input class="form-control" id="two-step-{name}" name="{name}" type="{kind}" autocomplete="{complete}"'
        f" required{extra}></div>"
    )


def _button(text: str, ident: str, kind: str = "primary") -> str:
    return f'<button class="btn btn-{kind} w-100" type="submit" id="{ident}">{text}</button>'


def code_page(token: str, username: str, message: str | None = None, status: int = 200) -> Response:
    """The sign-in's second step: a code from the authenticator app, or a recovery code."""
    body = f"""<h2 class="h5">{_(TEXT["t12"]).format(name=escape(username))}</h2>
<form method="post" action="{CODE_PATH}" id="code-form">{_alerts(message, None)}{_hidden(token)}
<p class="small">{_(TEXT["t13"])}</p>
{_field("code", _(TEXT["t30"]), "text", "one-time-code", ' inputmode="text" autofocus maxlength="24"')}
{_button(_(TEXT["t4"]), "code-submit")}</form>
<a class="btn btn-link w-100 mt-2" href="/login" id="code-back">{_(TEXT["t14"])}</a>"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_start_page(
    token: str, username: str, required: bool, message: str | None = None, status: int = 200
) -> Response:
    info = N_("Your role signs in in two steps: set it up before going on.") if required else None
    body = f"""<h2 class="h5">{_(TEXT["t15"]).format(name=escape(username))}</h2>
<form method="post" action="{TWO_STEP_PATH}" id="two-step-form">{_alerts(message, info)}{_hidden(token, "begin")}
<p class="small">{_(TEXT["t16"])}</p>
{_field("password", _(TEXT["t7"]), extra=" autofocus")}
{_button(_(TEXT["t31"]), "two-step-begin")}</form>{_leave(token, required)}"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_scan_page(
    token: str,
    username: str,
    qr_svg: str,
    secret: str,
    required: bool,
    message: str | None = None,
    status: int = 200,
) -> Response:
    body = f"""<h2 class="h5">{_(TEXT["t15"]).format(name=escape(username))}</h2>
<form method="post" action="{TWO_STEP_PATH}" id="two-step-form">{_alerts(message, None)}{_hidden(token, "confirm")}
<p class="small">{_(TEXT["t17"])}</p>
<div class="text-center mb-2" id="two-step-qr" role="img" aria-label="{_(TEXT["t18"])}">{qr_svg}</div>
<p class="small">{_(TEXT["t19"])}</p>
<p class="text-center"><code class="fs-6" id="two-step-secret">{escape(secret)}</code></p>
<p class="small">{_(TEXT["t20"])}</p>
{_field("code", _(TEXT["t30"]), "text", "one-time-code", ' inputmode="numeric" autofocus maxlength="7"')}
{_button(_(TEXT["t32"]), "two-step-confirm")}</form>{_leave(token, required)}"""
    return _page(_("Two-step sign-in"), body, status)


def two_step_codes_page(username: str, codes: list[str]) -> Response:
    listed = "".join(f"<li><code>{escape(code)}</code></li>" for code in codes)
    body = f"""<h2 class="h5">{_(TEXT["t21"]).format(name=escape(username))}</h2>
<div class="alert alert-success py-2 small" role="status">{_(TEXT["t22"])}</div>
<p class="small"><strong>{_(TEXT["t23"])}</strong> {_(TEXT["t24"])}</p>
<ol class="recovery-codes" id="two-step-recovery">{listed}</ol>
<a class="btn btn-primary w-100" href="/" id="two-step-continue">{_(TEXT["t25"])}</a>"""
    return _page(_("Two-step sign-in"), body, 200)


def two_step_on_page(
    token: str, username: str, codes_left: int, required: bool, message: str | None = None, status: int = 200
) -> Response:
    if required:
        off = f'<p class="small">{_(TEXT["t26"])}</p>'
    else:
        off = f"""<form method="post" action="{TWO_STEP_PATH}" id="two-step-off-form">{_hidden(token, "off")}
<p class="small">{_(TEXT["t27"])}</p>
{_field("password", _(TEXT["t7"]))}{_field("code", _(TEXT["t33"]), "text", "one-time-code")}
{_button(_(TEXT["t34"]), "two-step-off", "outline-danger")}</form>"""
    body = f"""<h2 class="h5">{_(TEXT["t12"]).format(name=escape(username))}</h2>{_alerts(message, None)}
<p id="two-step-state">{_(TEXT["t28"]).format(count=codes_left)}</p>{off}
<a class="btn btn-link w-100 mt-2" href="/account" id="two-step-back">{_(TEXT["t29"])}</a>"""
    return _page(_("Two-step sign-in"), body, status)


def _leave(token: str, required: bool) -> str:
    if required:
        return (
            f'<form method="post" action="/logout" class="mt-2">{_hidden(token)}'
            f'<button class="btn btn-outline-secondary w-100" type="submit" id="two-step-sign-out">{_(TEXT["t11"])}'
            "</button></form>"
        )
    return f'<a class="btn btn-link w-100 mt-2" href="/account" id="two-step-back">{_(TEXT["t29"])}</a>'
