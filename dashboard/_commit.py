"""A commit is accepted only for the file a clean dry run checked, for the same user and programme.

The dry run answers with a token signed by the server's secret key (``vouch``): the file's SHA-256, its
name, the programme and the user, and when. The commit runs only if the token is genuine, recent, and names
the very bytes, name, programme and user of the commit (``refusal``); otherwise it is refused before the
importer runs, so a forged request stores nothing, creates no upload row, and is recorded as a refused
request. No state is kept on the server: every worker can check the token. The refusal is a ``Message``: English in
the audit trail, in the reader's language on the page.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from indicators.i18n import N_, Message

SALT = "ctmonitor.upload.dry-run"
MAX_AGE = 3600  # seconds a dry run stays good for


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def vouch(sha256: str, filename: str | None, programme: str | None, username: str) -> dict:
    """What the page keeps after a clean dry run (``upload-checked``)."""
    token = _serializer().dumps(
        {"sha256": sha256, "filename": filename or "", "programme": programme or "", "user": username}
    )
    return {"filename": filename, "sha256": sha256, "programme": programme, "token": token}


def refusal(
    checked, data: bytes, filename: str | None, programme: str | None, username: str
) -> Message | None:
    """Why this commit may not run (the sentence for the page), or None when a clean dry run vouches for it."""
    token = checked.get("token") if isinstance(checked, dict) else None
    if not isinstance(token, str) or not token:
        return Message(N_("Check the file first: only a file whose dry run found no error can be committed."))
    try:
        vouched = _serializer().loads(token, max_age=MAX_AGE)
    except BadData:
        return Message(N_("The dry run is out of date: choose the file again to check it, then commit."))
    wanted = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "filename": filename or "",
        "programme": programme or "",
        "user": username,
    }
    if not isinstance(vouched, dict) or any(vouched.get(key) != value for key, value in wanted.items()):
        return Message(
            N_(
                "The file, its programme or the user changed since the dry run: choose the file again to check it."
            )
        )
    return None
