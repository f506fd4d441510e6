"""The audit log: who did what to which document or account, and when (SQLite table ``audit_log``).

Every upload, review, publish, edit, withdrawal, deletion, login failure and account or token change is one
row: ``at`` (UTC, ISO 8601), ``account`` (the name; ``None`` for an anonymous client), ``action`` (one of
``ACTIONS``), ``document_id``, ``fields`` (JSON list of the fields changed) and ``detail`` (short English text,
never a password or token). Rows are only ever added; deleting a document keeps its audit rows (they hold no
word of its text).

    >>> record(store.db.conn, "anna", PUBLISH, document_id=7)
    >>> total, rows = entries(store.db.conn, action=PUBLISH)
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

UPLOAD, REVIEW, PUBLISH, EDIT, WITHDRAW, DELETE, RESTORE = (
    "upload", "review", "publish", "edit", "withdraw", "delete", "restore")
LOGIN, LOGIN_FAILED, LOGOUT = "login", "login_failed", "logout"
ACCOUNT_CREATE, ACCOUNT_DELETE, ACCOUNT_PASSWORD = "account_create", "account_delete", "account_password"
TOKEN_CREATE, TOKEN_REVOKE = "token_create", "token_revoke"
REPAIR = "repair"
# action -> German label for the /protokoll page
ACTIONS = {
    UPLOAD: "Hochgeladen", REVIEW: "Geprüft", PUBLISH: "Veröffentlicht", EDIT: "Bearbeitet",
    WITHDRAW: "Zurückgezogen", RESTORE: "Wieder veröffentlicht", DELETE: "Gelöscht",
    LOGIN: "Anmeldung", LOGIN_FAILED: "Anmeldung fehlgeschlagen", LOGOUT: "Abmeldung",
    ACCOUNT_CREATE: "Konto angelegt", ACCOUNT_DELETE: "Konto gelöscht", ACCOUNT_PASSWORD: "Passwort geändert",
    TOKEN_CREATE: "API-Token erstellt", TOKEN_REVOKE: "API-Token widerrufen", REPAIR: "Abgleich repariert",
}
COLUMNS = ("id", "at", "account", "action", "document_id", "fields", "detail")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account TEXT,
    action TEXT NOT NULL,
    document_id INTEGER,
    fields TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, id);
CREATE INDEX IF NOT EXISTS audit_log_account ON audit_log (account, id);
CREATE INDEX IF NOT EXISTS audit_log_document ON audit_log (document_id, id);
"""


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    account: str | None
    action: str
    document_id: int | None
    fields: tuple[str, ...]
    detail: str | None

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def as_row(self) -> dict:
        return {"id": self.id, "at": self.at, "account": self.account or "", "action": self.action,
                "document_id": self.document_id, "fields": ", ".join(self.fields), "detail": self.detail or ""}


def create_table(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def record(conn: sqlite3.Connection, account: str | None, action: str, *, document_id: int | None = None,
           fields: Iterable[str] = (), detail: str | None = None) -> None:
    """Add one row. Runs inside the caller's transaction when there is one (the row commits with the change
    it describes); call ``conn.commit()`` yourself otherwise."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute("INSERT INTO audit_log (at, account, action, document_id, fields, detail) VALUES (?, ?, ?, ?, ?, ?)",
                 [_now(), account, action, document_id, json.dumps(sorted(set(fields))), detail])


def entries(conn: sqlite3.Connection, *, action: str | None = None, account: str | None = None,
            document_id: int | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Entry]]:
    """How many rows match the filters, and a page of them, newest first."""
    where, args = _where(action, account, document_id)
    total = conn.execute(f"SELECT count(*) FROM audit_log{where}", args).fetchone()[0]
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log{where} ORDER BY id DESC LIMIT ? OFFSET ?"
    return total, [_entry(row) for row in conn.execute(sql, [*args, limit, offset])]


def iter_entries(conn: sqlite3.Connection, *, action: str | None = None, account: str | None = None,
                 document_id: int | None = None, batch: int = 1000) -> Iterator[Entry]:
    """Every matching row, newest first, ``batch`` at a time (the CSV download streams these)."""
    where, args = _where(action, account, document_id)
    last = None
    while True:
        bound = "" if last is None else (" AND id < ?" if where else " WHERE id < ?")
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log{where}{bound} ORDER BY id DESC LIMIT ?"
        rows = conn.execute(sql, [*args, *([] if last is None else [last]), batch]).fetchall()
        if not rows:
            return
        yield from map(_entry, rows)
        last = rows[-1][0]


def accounts_seen(conn: sqlite3.Connection) -> list[str]:
    """The account names in the log (the page's filter choices)."""
    return [row[0] for row in conn.execute("SELECT DISTINCT account FROM audit_log WHERE account IS NOT NULL "
                                           "ORDER BY account")]


def _where(action: str | None, account: str | None, document_id: int | None) -> tuple[str, list]:
    clauses, args = [], []
    for column, value in (("action", action), ("account", account), ("document_id", document_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _entry(row: tuple) -> Entry:
    fields = tuple(json.loads(row[5])) if row[5] else ()
    return Entry(row[0], row[1], row[2], row[3], row[4], fields, row[6])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
