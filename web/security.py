"""Security for the web layer: session cookie flags, CSRF tokens, security headers, staff sign-in and roles.

CSRF: every session gets a random token (``csrf_token()`` in templates, a hidden
field ``csrf_token`` in each POST form). A ``before_request`` hook rejects any
POST/PUT/PATCH/DELETE outside ``/api/`` whose token is missing or different, with
a German 400 page. The API needs no CSRF token: it writes only with an API token (``Authorization``, never a
cookie).

Sign-in: staff accounts (``archive.accounts``: name, password, role ``editor`` or ``admin``; an admin has every
editor right too). Sessions live in SQLite: the signed cookie holds only a random session token, checked on
every request that asks who is signed in (the account is kept in ``flask.g``), so logging out, a new password
and deleting the account end a session everywhere, also in a copied cookie. Failed logins slow further ones
down (a growing delay per account and per client, in SQLite, so it holds across processes). While no account
exists the shared ``STAFF_PASSWORD`` signs in as the pseudo account ``staff`` (an admin) to create the first.

``SESSION_COOKIE_SECURE``: ``auto`` (default) sets the cookie's Secure flag when the request came over HTTPS,
``1``/``0`` always/never.

Other code calls ``current_account()``, ``is_staff()``, ``is_admin()``, ``account_name()``,
``api_token_name()`` and decorates views with ``login_required`` (editors and admins) or
``role_required("admin")``.
"""

import functools
import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import RequestEntityTooLarge

from archive.accounts import ADMIN, EDITOR, Account, Accounts
from web.context import get_archive

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_FIELD = "session"  # the cookie's server-side session token
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
RANKS = {EDITOR: 1, ADMIN: 2}  # a role has the rights of every role ranked lower
AUTO = "auto"
SECURE_VALUES = {"auto": AUTO, "1": True, "true": True, "yes": True, "on": True,
                 "0": False, "false": False, "no": False, "off": False}

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask) -> None:
    """Install the security hooks on ``app``."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.extensions["cookie_secure"] = cookie_secure_mode(app.config.get("SESSION_COOKIE_SECURE", AUTO))
    app.session_interface = SessionInterface()
    app.extensions.setdefault("clock", time.time)  # seconds since the epoch; tests replace it
    app.before_request(forget_account)
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.context_processor(lambda: {"csrf_token": csrf_token, "is_staff": is_staff, "is_admin": is_admin,
                                   "current_account": current_account, "login_possible": login_possible})
    app.register_error_handler(RequestEntityTooLarge, too_large)


def cookie_secure_mode(value) -> bool | str:
    """``SESSION_COOKIE_SECURE`` as ``AUTO``, True or False."""
    if isinstance(value, bool):
        return value
    mode = SECURE_VALUES.get(str(value).strip().lower())
    if mode is None:
        raise ValueError(f"SESSION_COOKIE_SECURE must be auto, 1 or 0, not {value!r}")
    return mode


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie (it holds the CSRF token and the server-side session token), with the Secure flag
    after ``SESSION_COOKIE_SECURE``: ``auto`` sets it for requests that came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        mode = app.extensions["cookie_secure"]
        return request.is_secure if mode == AUTO else mode


# -- CSRF ----------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


_CSRF_EXEMPT: set = set()


def csrf_exempt(view):
    """Mark a view whose POST is authorised by a signed token in its URL, not by a session (the one-click
    unsubscribe of a mail program, which has no form): it needs no CSRF token."""
    _CSRF_EXEMPT.add(view)
    return view


def check_csrf():
    if request.method not in UNSAFE_METHODS or request.path.startswith("/api/"):
        return None
    if current_app.view_functions.get(request.endpoint) in _CSRF_EXEMPT:
        return None
    expected = session.get(CSRF_FIELD)
    # Reading request.form may raise RequestEntityTooLarge: handled by ``too_large``.
    given = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        message = ("Das Formular ist abgelaufen oder ungültig (Sicherheitsprüfung fehlgeschlagen). "
                   "Bitte laden Sie die Seite neu und senden Sie es noch einmal.")
        return render_template("error.html", title="Ungültiges Formular", message=message), 400
    return None


# -- headers and errors --------------------------------------------------


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if is_staff() or request.path.startswith(("/anmelden", "/hochladen", "/import-protokoll", "/konten", "/protokoll")):
        response.headers["Cache-Control"] = "no-store"
    return response


def too_large(_exc: RequestEntityTooLarge):
    limit = current_app.config.get("MAX_UPLOAD_MB", 50)
    message = (f"Die hochgeladenen Dateien sind zusammen größer als {limit} MB. "
               "Bitte laden Sie weniger oder kleinere Dateien hoch.")
    return render_template("error.html", title="Datei zu groß", message=message,
                           back_url=url_for("staff.upload")), 413


# -- accounts and sessions -------------------------------------------------


def accounts() -> Accounts:
    """The accounts on the request's SQLite connection."""
    conn = get_archive().store.db.conn
    cached = g.get("accounts")
    if cached is None or cached.conn is not conn:  # the archive's connection closes at the end of a request
        g.accounts = cached = Accounts(conn, clock=current_app.extensions["clock"])
    return cached


def forget_account() -> None:
    """Every request asks SQLite again (also when a test keeps one app context over several requests)."""
    for key in ("account", "accounts", "api_token_name"):
        g.pop(key, None)


def current_account() -> Account | None:
    """The signed-in account (a live server-side session); None for anonymous clients."""
    if "account" not in g:
        token = session.get(SESSION_FIELD)
        account = accounts().account_for_session(token) if token else None
        if token and account is None:
            session.pop(SESSION_FIELD, None)  # ended elsewhere (logout, new password, deleted) or expired
        g.account = account
    return g.account


def has_role(role: str) -> bool:
    account = current_account()
    return account is not None and RANKS.get(account.role, 0) >= RANKS[role]


def is_staff() -> bool:
    """Signed in as an editor or an admin."""
    return has_role(EDITOR)


def is_admin() -> bool:
    return has_role(ADMIN)


def account_name() -> str | None:
    """The name of the signed-in account (the audit log's "who"); None for anonymous clients."""
    account = current_account()
    return account.name if account else None


def api_token_name() -> str | None:
    """The name of a valid API token sent as ``Authorization: Bearer TOKEN``; None when there is none or it is
    unknown or revoked."""
    if "api_token_name" not in g:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        value = value.strip()
        g.api_token_name = accounts().token_name(value) if scheme.lower() == "bearer" and value else None
    return g.api_token_name


def login_possible() -> bool:
    """An account exists, or ``STAFF_PASSWORD`` is set for the first sign-in."""
    return bool(current_app.config.get("STAFF_PASSWORD")) or accounts().has_accounts()


def legacy_login() -> bool:
    """No account exists yet: ``STAFF_PASSWORD`` signs in (as ``staff``, an admin)."""
    return bool(current_app.config.get("STAFF_PASSWORD")) and not accounts().has_accounts()


def log_in(name: str, password: str) -> Account:
    """Check name and password and start a fresh session (new session and CSRF tokens: no fixation of a
    pre-login cookie). Raises LoginThrottled or LoginFailed (``archive.errors``)."""
    account, token = accounts().sign_in(name, password, client_key(),
                                        legacy_password=current_app.config.get("STAFF_PASSWORD"))
    begin_session(account, token)
    return account


def begin_session(account: Account, token: str) -> None:
    session.clear()
    session[SESSION_FIELD] = token
    csrf_token()
    g.account = account


def log_out() -> None:
    """End the session in SQLite (a copy of the cookie stops working) and clear the cookie."""
    token = session.get(SESSION_FIELD)
    if token:
        accounts().sign_out(token)
    session.clear()
    g.account = None


def _to_login():
    return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))


def role_required(role: str):
    """A view for accounts with ``role`` or a higher one: anonymous clients are sent to the login, signed-in
    accounts with too little rights get a German 403 page."""
    if role not in RANKS:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if current_account() is None:
                return _to_login()
            if not has_role(role):
                message = ("Diese Seite ist der Administration vorbehalten." if role == ADMIN
                           else "Dafür fehlen Ihrem Konto die Rechte.")
                return render_template("error.html", title="Kein Zugriff", message=message), 403
            return view(*args, **kwargs)

        return wrapped

    return decorate


def login_required(view):
    """A view for staff: editors and admins."""
    return role_required(EDITOR)(view)


def safe_next(target: str | None, default: str) -> str:
    """Only local paths as redirect targets (no ``//evil.example`` or ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def client_key() -> str:
    """The client's address (the throttling's per-client key)."""
    return request.remote_addr or "unknown"
