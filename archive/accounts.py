"""Staff accounts, server-side sessions, API tokens and login throttling, all in the store's SQLite.

Tables (created on first use): ``accounts`` (name, role ``admin`` or ``editor``, argon2id hash of the password),
``sessions`` (sha256 of a random session token, the account, when it started and was last used), ``api_tokens``
(name, sha256 of the token, created, revoked) and ``login_failures`` (one row per failed attempt and key). No
password, session token or API token is ever stored or logged in plain text; every account or token change and
every failed login is a row of the audit log.

Throttling slows guessing down instead of locking the right password out: each attempt counts for the account
name and for the client address; after ``FREE_FAILURES`` failures within ``FAILURE_WINDOW`` the next attempt for
that name or client must wait ``2 ** (n - FREE_FAILURES)`` seconds after the last one (at most ``MAX_DELAY``),
and a success clears both counters. The attempt is counted before the password is checked, in one ``BEGIN
IMMEDIATE`` transaction, so parallel attempts from several processes see each other.

    >>> accounts = Accounts(store.db.conn)
    >>> accounts.create("erika", EDITOR, "lange-geheime-phrase", actor="cli:root")
    >>> account, session_token = accounts.sign_in("erika", "lange-geheime-phrase", client="10.0.0.7")
    >>> accounts.account_for_session(session_token)
    Account(name='erika', role='editor', created_at='...')
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from archive import audit
from archive.errors import AccountError, LoginFailed, LoginThrottled

ADMIN, EDITOR = "admin", "editor"
ROLES = {ADMIN: "Administration", EDITOR: "Redaktion"}  # role -> German label
# the pseudo account of the shared STAFF_PASSWORD, an admin while no account exists (a reserved name)
LEGACY = "staff"
NAME = re.compile(r"[^\W_][\w.@-]{0,63}")
MIN_PASSWORD, MAX_PASSWORD = 10, 1024
FREE_FAILURES = 4  # failed attempts per name or client before each further one waits
FAILURE_WINDOW = 15 * 60  # seconds a failure counts
MAX_DELAY = 60  # seconds
SESSION_IDLE = 12 * 3600  # a session unused this long has ended
TOUCH_EVERY = 60  # seconds between writes of a session's last_seen

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS accounts (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sessions (
        token_hash TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS sessions_account ON sessions (account)",
    """CREATE TABLE IF NOT EXISTS api_tokens (
        name TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS login_failures (
        key TEXT NOT NULL,
        at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at)",
)
TABLES = ("accounts", "sessions", "api_tokens", "login_failures")


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created_at: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class Token:
    name: str
    created_at: str
    revoked_at: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# hasher parameters -> a hash to verify against for unknown names (as slow as for a known one)
_DUMMY: dict[tuple, str] = {}


class Accounts:
    """Accounts, sessions, tokens and throttling on one SQLite connection (the store's ``db.conn``).

    ``clock`` (seconds since the epoch) is injectable for tests of the throttling and the session expiry;
    ``hasher`` too (an ``argon2.PasswordHasher``, by default with argon2-cffi's RFC 9106 parameters).
    Methods that write commit their own transaction.
    """

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time,
                 hasher: PasswordHasher | None = None):
        self.conn = conn
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self._ensure_tables()

    def _ensure_tables(self) -> None:
        marks = ", ".join("?" * len(TABLES))
        found = self.conn.execute(f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
                                  TABLES).fetchone()[0]
        if found < len(TABLES):
            with self.conn:
                for statement in SCHEMA:
                    self.conn.execute(statement)

    def _now_iso(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).isoformat(timespec="seconds")

    # -- accounts ------------------------------------------------------------

    def create(self, name: str, role: str, password: str, *, actor: str | None = None) -> Account:
        """A new account; AccountError for a bad or taken name, an unknown role or a too short password."""
        name = _valid_name(name, "Konto")
        if name == LEGACY:
            raise AccountError(f"Der Name „{LEGACY}“ ist für die Anmeldung mit STAFF_PASSWORD reserviert.")
        if role not in ROLES:
            raise AccountError(f"Die Rolle muss {' oder '.join(ROLES)} sein.")
        password_hash = self.hasher.hash(_valid_password(password))
        created = self._now_iso()
        try:
            with self.conn:
                self.conn.execute("INSERT INTO accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                                  [name, role, password_hash, created])
                audit.record(self.conn, actor, audit.ACCOUNT_CREATE, detail=f"account {name}, role {role}")
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"Ein Konto „{name}“ gibt es schon.") from exc
        return Account(name, role, created)

    def delete(self, name: str, *, actor: str | None = None) -> None:
        """Delete an account and end its sessions."""
        name = self._existing(name).name
        with self.conn:
            self.conn.execute("DELETE FROM accounts WHERE name = ?", [name])
            ended = self.conn.execute("DELETE FROM sessions WHERE account = ?", [name]).rowcount
            audit.record(self.conn, actor, audit.ACCOUNT_DELETE, detail=f"account {name}, {ended} session(s) ended")

    def set_password(self, name: str, password: str, *, actor: str | None = None) -> None:
        """A new password; every session of the account ends (a stolen cookie stops working)."""
        name = self._existing(name).name
        password_hash = self.hasher.hash(_valid_password(password))
        with self.conn:
            self.conn.execute("UPDATE accounts SET password_hash = ? WHERE name = ?", [password_hash, name])
            ended = self.conn.execute("DELETE FROM sessions WHERE account = ?", [name]).rowcount
            audit.record(self.conn, actor, audit.ACCOUNT_PASSWORD,
                         detail=f"account {name}, {ended} session(s) ended")

    def list(self) -> list[Account]:
        rows = self.conn.execute("SELECT name, role, created_at FROM accounts ORDER BY name")
        return [Account(*row) for row in rows]

    def get(self, name: str) -> Account | None:
        row = self.conn.execute("SELECT name, role, created_at FROM accounts WHERE name = ?",
                                [_normal(name)]).fetchone()
        return Account(*row) if row else None

    def _existing(self, name: str) -> Account:
        account = self.get(name)
        if account is None:
            raise AccountError(f"Ein Konto „{_normal(name)}“ gibt es nicht.")
        return account

    def has_accounts(self) -> bool:
        return self.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def _has_admin(self) -> bool:
        return self.conn.execute("SELECT 1 FROM accounts WHERE role = ? LIMIT 1", [ADMIN]).fetchone() is not None

    def verify(self, name: str, password: str) -> bool:
        """Whether ``password`` is the account's (an unknown name takes as long as a wrong password). A hash
        made with older parameters is renewed."""
        row = self.conn.execute("SELECT password_hash FROM accounts WHERE name = ?", [_normal(name)]).fetchone()
        if row is None or not password or len(password) > MAX_PASSWORD:
            self._verify_dummy(password or "")
            return False
        try:
            self.hasher.verify(row[0], password)
        except (VerificationError, InvalidHashError):
            return False
        if self.hasher.check_needs_rehash(row[0]):
            with self.conn:
                self.conn.execute("UPDATE accounts SET password_hash = ? WHERE name = ?",
                                  [self.hasher.hash(password), _normal(name)])
        return True

    def _verify_dummy(self, password: str) -> None:
        hasher = self.hasher
        key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len)
        if key not in _DUMMY:
            _DUMMY[key] = hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(_DUMMY[key], password[:MAX_PASSWORD])
        except VerificationError:
            pass

    # -- signing in ----------------------------------------------------------

    def sign_in(self, name: str, password: str, client: str,
                legacy_password: str | None = None) -> tuple[Account, str]:
        """Check a login and start a session: the account and the session token (for the cookie).

        While no account exists, ``legacy_password`` (the shared STAFF_PASSWORD) signs in as the pseudo
        account ``staff``, an admin, whatever the name. Raises LoginThrottled (wait first; the password is not
        checked) or LoginFailed; both are recorded against the name and the client."""
        name = _normal(name)
        keys = [f"client:{client}"] + ([f"account:{name}"] if name else [])
        self._count_attempt(keys)
        if self.has_accounts():
            account = self.get(name) if self.verify(name, password) else None
        else:
            account = Account(LEGACY, ADMIN) if _legacy_ok(password, legacy_password) else None
        if account is None:
            self._record_failure(name, client)
            raise LoginFailed("Name oder Passwort ist falsch." if self.has_accounts() else "Das Passwort ist falsch.")
        with self.conn:
            self.conn.execute(f"DELETE FROM login_failures WHERE key IN ({', '.join('?' * len(keys))})", keys)
            token = self._start_session(account.name)
            audit.record(self.conn, account.name, audit.LOGIN, detail=f"client {client}")
        return account, token

    def sign_out(self, token: str) -> None:
        """End the session of ``token`` and record the logout."""
        account = self.account_for_session(token)
        with self.conn:
            self.conn.execute("DELETE FROM sessions WHERE token_hash = ?", [_hash(token)])
            if account is not None:
                audit.record(self.conn, account.name, audit.LOGOUT)

    def wait_seconds(self, name: str, client: str) -> int:
        """Seconds before the next attempt for ``name`` from ``client`` is checked (0: at once)."""
        name = _normal(name)
        return self._wait([f"client:{client}"] + ([f"account:{name}"] if name else []), self.clock())

    def _wait(self, keys: list[str], now: float) -> int:
        longest = 0.0
        for key in keys:
            count, last = self.conn.execute("SELECT count(*), max(at) FROM login_failures WHERE key = ? AND at > ?",
                                            [key, now - FAILURE_WINDOW]).fetchone()
            if count > FREE_FAILURES:
                longest = max(longest, last + min(2 ** (count - FREE_FAILURES), MAX_DELAY) - now)
        return math.ceil(longest) if longest > 0 else 0

    def _count_attempt(self, keys: list[str]) -> None:
        """Count the attempt as failed before the password is checked (a success removes it again), in one
        write transaction: parallel attempts, also from other processes, see each other."""
        now = self.clock()
        if self.conn.in_transaction:
            self.conn.commit()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            wait = self._wait(keys, now)
            if wait:
                raise LoginThrottled(wait)
            self.conn.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)", [(key, now) for key in keys])
            self.conn.execute("DELETE FROM login_failures WHERE at <= ?", [now - FAILURE_WINDOW])
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def _record_failure(self, name: str, client: str) -> None:
        known = bool(name) and self.get(name) is not None
        # an unknown name is not logged: people type their password into the name field
        detail = f"client {client}" + ("" if known or not name else ", unknown name")
        with self.conn:
            audit.record(self.conn, name if known else None, audit.LOGIN_FAILED, detail=detail)

    # -- sessions ------------------------------------------------------------

    def start_session(self, name: str) -> str:
        """A new session of the account ``name`` (or of the pseudo account ``staff``): its token, for the
        cookie; only its hash is stored."""
        name = _normal(name)
        if name != LEGACY:
            self._existing(name)
        with self.conn:
            return self._start_session(name)

    def _start_session(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.conn.execute("DELETE FROM sessions WHERE last_seen < ?", [now - SESSION_IDLE])
        self.conn.execute("INSERT INTO sessions (token_hash, account, created_at, last_seen) VALUES (?, ?, ?, ?)",
                          [_hash(token), name, self._now_iso(), now])
        return token

    def account_for_session(self, token: str | None) -> Account | None:
        """The account of a live session; None for an unknown, ended or expired one. A session of the pseudo
        account ``staff`` lives only while no admin account exists."""
        if not token or not isinstance(token, str) or len(token) > 200:
            return None
        row = self.conn.execute(
            "SELECT s.account, s.last_seen, a.role, a.created_at FROM sessions s "
            "LEFT JOIN accounts a ON a.name = s.account WHERE s.token_hash = ?", [_hash(token)]).fetchone()
        if row is None:
            return None
        name, last_seen, role, created = row
        now = self.clock()
        if now - last_seen > SESSION_IDLE or (role is None and (name != LEGACY or self._has_admin())):
            self.end_session(token)
            return None
        if now - last_seen > TOUCH_EVERY:
            with self.conn:
                self.conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, _hash(token)])
        return Account(name, role, created) if role else Account(LEGACY, ADMIN)

    def end_session(self, token: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM sessions WHERE token_hash = ?", [_hash(token)])

    def end_sessions(self, name: str) -> int:
        """End every session of an account; how many there were."""
        with self.conn:
            return self.conn.execute("DELETE FROM sessions WHERE account = ?", [_normal(name)]).rowcount

    # -- API tokens ----------------------------------------------------------

    def create_token(self, name: str, *, actor: str | None = None) -> str:
        """A new API token: the plain text, to be shown once (only its sha256 is stored)."""
        name = _valid_name(name, "Token")
        token = secrets.token_urlsafe(32)
        try:
            with self.conn:
                self.conn.execute("INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, ?)",
                                  [name, _hash(token), self._now_iso()])
                audit.record(self.conn, actor, audit.TOKEN_CREATE, detail=f"token {name}")
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"Ein Token „{name}“ gibt es schon (auch widerrufene behalten ihren Namen).") from exc
        return token

    def list_tokens(self) -> list[Token]:
        return [Token(*row) for row in self.conn.execute(
            "SELECT name, created_at, revoked_at FROM api_tokens ORDER BY name")]

    def revoke_token(self, name: str, *, actor: str | None = None) -> None:
        name = _normal(name)
        row = self.conn.execute("SELECT revoked_at FROM api_tokens WHERE name = ?", [name]).fetchone()
        if row is None:
            raise AccountError(f"Ein Token „{name}“ gibt es nicht.")
        if row[0] is not None:
            raise AccountError(f"Das Token „{name}“ ist schon widerrufen.")
        with self.conn:
            self.conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE name = ?", [self._now_iso(), name])
            audit.record(self.conn, actor, audit.TOKEN_REVOKE, detail=f"token {name}")

    def token_name(self, token: str | None) -> str | None:
        """The name of a valid token; None for an unknown or revoked one. The lookup is by the token's sha256,
        so its time says nothing about how much of a guess was right."""
        if not token or len(token) > 200:
            return None
        row = self.conn.execute("SELECT name FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                                [_hash(token)]).fetchone()
        return row[0] if row else None


def _normal(name: str | None) -> str:
    return (name or "").strip().lower()


def _valid_name(name: str, what: str) -> str:
    name = _normal(name)
    if not NAME.fullmatch(name):
        raise AccountError(f"Der Name des {what}s muss 1 bis 64 Zeichen lang sein: Buchstaben, Ziffern und . _ - @, "
                           "beginnend mit einem Buchstaben oder einer Ziffer.")
    return name


def _valid_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"Das Passwort muss mindestens {MIN_PASSWORD} Zeichen lang sein.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Das Passwort darf höchstens {MAX_PASSWORD} Zeichen lang sein.")
    return password


def _legacy_ok(given: str, expected: str | None) -> bool:
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), str(expected).encode("utf-8"))
