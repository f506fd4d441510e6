"""Security for the web layer: session cookie flags, CSRF tokens, security headers, staff login.

CSRF: every session gets a random token (``csrf_token()`` in templates, a hidden
field ``csrf_token`` in each POST form). A ``before_request`` hook rejects any
POST/PUT/PATCH/DELETE outside ``/api/`` whose token is missing or different, with
a German 400 page. The API is read-only (GET) and needs no token.

Login: one shared staff password (``STAFF_PASSWORD``); without it the login is
impossible. Failed attempts are counted per client address; after
``MAX_FAILURES`` within ``FAILURE_WINDOW`` seconds further attempts are refused
for the rest of the window.
"""

import functools
import hmac
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60  # seconds

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
    app.extensions["login_failures"] = FailureCounter()
    app.before_request(check_csrf)
    app.after_request(add_headers)
    app.context_processor(lambda: {"csrf_token": csrf_token, "is_staff": is_staff,
                                   "login_possible": login_possible})
    app.register_error_handler(RequestEntityTooLarge, too_large)


# -- CSRF ----------------------------------------------------------------


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf():
    if request.method not in UNSAFE_METHODS or request.path.startswith("/api/"):
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
    if is_staff() or request.path.startswith(("/anmelden", "/hochladen", "/import-protokoll")):
        response.headers["Cache-Control"] = "no-store"
    return response


def too_large(_exc: RequestEntityTooLarge):
    limit = current_app.config.get("MAX_UPLOAD_MB", 50)
    message = (f"Die hochgeladenen Dateien sind zusammen größer als {limit} MB. "
               "Bitte laden Sie weniger oder kleinere Dateien hoch.")
    return render_template("error.html", title="Datei zu groß", message=message,
                           back_url=url_for("staff.upload")), 413


# -- login ---------------------------------------------------------------


def login_possible() -> bool:
    return bool(current_app.config.get("STAFF_PASSWORD"))


def is_staff() -> bool:
    return bool(session.get("staff"))


def password_ok(given: str) -> bool:
    expected = current_app.config.get("STAFF_PASSWORD")
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))


def log_in() -> None:
    """Start a fresh staff session (new CSRF token: no fixation of a pre-login token)."""
    session.clear()
    session["staff"] = True
    csrf_token()


def log_out() -> None:
    session.clear()


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not is_staff():
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """Only local paths as redirect targets (no ``//evil.example`` or ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def client_key() -> str:
    return request.remote_addr or "unknown"


class FailureCounter:
    """Failed logins per client within a sliding window (in memory, per process)."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW):
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked_for(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(self.window - (now - times[0])))

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def failures() -> FailureCounter:
    return current_app.extensions["login_failures"]


def account_name() -> str | None:
    """The name of the logged-in staff account (the audit log's "who"); None for anonymous clients."""
    return "staff" if is_staff() else None


def api_token_name() -> str | None:
    """The name of a valid API token sent as ``Authorization: Bearer TOKEN``; None without one.
    (Tokens arrive with the accounts; until then no token is valid.)"""
    return None
