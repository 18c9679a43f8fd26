"""The two pages served outside Dash: the sign-in form and the change-password form (plain HTML forms with
a CSRF token, drawn with the app's own stylesheets and no script at all)."""

from __future__ import annotations

from html import escape

from flask import Response

NO_USERS = "No user exists yet: create one with  ctmonitor users add NAME --role manager  (see README)."


def _page(title: str, body: str, status: int) -> Response:
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · ctmonitor</title>
<link rel="stylesheet" href="/assets/00-bootstrap.min.css"><link rel="stylesheet" href="/assets/app.css"></head>
<body class="bg-light"><main class="container form-page">
<h1 class="h3 mb-1">ctmonitor</h1>
<p class="text-muted">Counter-trafficking programme monitoring · IOM Rwanda</p>
<div class="card shadow-sm"><div class="card-body">
{body}
</div></div></main></body></html>"""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _alerts(message: str | None, info: str | None) -> str:
    alert = f'<div class="alert alert-danger py-2" role="alert">{escape(message)}</div>' if message else ""
    if info:
        alert += f'<div class="alert alert-info py-2 small" role="status">{escape(info)}</div>'
    return alert


def login_page(token: str, next_url: str, message: str | None = None, status: int = 200, username: str = "",
               info: str | None = None) -> Response:
    body = f"""<form method="post" action="/login" id="login-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="login-username">User name</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required
 {"" if username else "autofocus "}value="{escape(username)}"></div>
<div class="mb-3"><label class="form-label" for="login-password">Password</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required{" autofocus" if username else ""}></div>
<button class="btn btn-primary w-100" type="submit" id="login-submit">Sign in</button>
</form>"""
    return _page("Sign in", body, status)


def password_page(token: str, username: str, forced: bool, message: str | None = None,
                  status: int = 200) -> Response:
    info = ("Your password was set by an administrator for one use: choose your own before going on."
            if forced else None)
    back = "" if forced else '<a class="btn btn-link w-100 mt-2" href="/" id="password-back">Back to the dashboard</a>'
    body = f"""<h2 class="h5">Change the password of {escape(username)}</h2>
<form method="post" action="/password" id="password-form">{_alerts(message, info)}
<input type="hidden" name="csrf_token" value="{token}">
<input type="hidden" name="username" autocomplete="username" value="{escape(username)}">
<div class="mb-3"><label class="form-label" for="password-current">Current password</label>
<input class="form-control" id="password-current" name="current" type="password" autocomplete="current-password"
 required autofocus></div>
<div class="mb-3"><label class="form-label" for="password-new">New password (at least 10 characters)</label>
<input class="form-control" id="password-new" name="new" type="password" autocomplete="new-password" required
 minlength="10"></div>
<div class="mb-3"><label class="form-label" for="password-again">New password again</label>
<input class="form-control" id="password-again" name="again" type="password" autocomplete="new-password" required
 minlength="10"></div>
<button class="btn btn-primary w-100" type="submit" id="password-submit">Change the password</button>
</form>
<form method="post" action="/logout" class="mt-2"><input type="hidden" name="csrf_token" value="{token}">
<button class="btn btn-outline-secondary w-100" type="submit" id="password-sign-out">Sign out</button></form>{back}"""
    return _page("Change password", body, status)
