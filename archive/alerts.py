"""E-mail alerts for saved searches, in the store's SQLite: who wants which search, and what was sent.

A visitor subscribes to a search (its URL query, e.g. ``q=Radverkehr&land=Hessen``) with an address; the alert is
pending until the link of the confirmation mail confirms it (double opt-in), and every digest carries a link that
ends it. No account is needed. Tables (created on first use):

- ``alerts``: address, the search's URL query and its German description, when it was asked for, confirmed, and
  last checked (``checked_at``: the digest after it lists what was published or changed since);
- ``alert_sent``: the documents each alert has already mailed, so a document edited after it was sent does not
  come again.

Unsubscribing deletes the alert and its rows (nothing of the address is kept). Pending alerts that nobody
confirms are deleted after ``PENDING_DAYS``. Abuse limits: at most ``MAX_PENDING`` unconfirmed alerts and
``MAX_PER_ADDRESS`` alerts per address, and one confirmation mail per alert and ``RESEND_AFTER``.

The links carry the alert's id signed by the web layer; ids are never reused (``AUTOINCREMENT``), so a link of a
deleted alert stays dead.

    >>> alerts = Alerts(store.db.conn)
    >>> alert, send_confirmation = alerts.subscribe("a@example.org", "q=Radverkehr", "Radverkehr")
    >>> alerts.confirm(alert.id)
    >>> [a.email for a in alerts.confirmed()]
    ['a@example.org']
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from archive.errors import ArchiveError

PENDING_DAYS = 7
MAX_PENDING = 5
MAX_PER_ADDRESS = 50
RESEND_AFTER = 3600  # seconds
MAX_EMAIL = 254
MAX_QUERY = 4000
EMAIL = re.compile(r"[^@\s\"<>(),;:\\\[\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL,
        query TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        mailed_at REAL NOT NULL,
        confirmed_at TEXT,
        checked_at TEXT,
        UNIQUE (email, query)
    )""",
    """CREATE TABLE IF NOT EXISTS alert_sent (
        alert_id INTEGER NOT NULL,
        doc_id INTEGER NOT NULL,
        PRIMARY KEY (alert_id, doc_id)
    )""",
)
TABLES = ("alerts", "alert_sent")


class AlertError(ArchiveError):
    """An alert request was refused (bad address, too many alerts, unknown alert); the message is German."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


@dataclass(frozen=True)
class Alert:
    id: int
    email: str
    query: str
    label: str
    created_at: str
    confirmed_at: str | None
    checked_at: str | None

    @property
    def since(self) -> str:
        """The time from which new documents count: the last check, or the confirmation."""
        return self.checked_at or self.confirmed_at or self.created_at


def normal_email(raw: str) -> str:
    """The address as stored: trimmed, the domain in lower case; ``AlertError`` (German) if it is none."""
    email = (raw or "").strip()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise AlertError("Bitte geben Sie eine gültige E-Mail-Adresse an (zum Beispiel name@beispiel.de).")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


class Alerts:
    """The alerts on one SQLite connection (the store's ``db.conn``); ``clock`` is injectable for tests."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], float] = time.time):
        self.conn = conn
        self.clock = clock
        found = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                             TABLES).fetchone()[0]
        if found < len(TABLES):
            with conn:
                for statement in SCHEMA:
                    conn.execute(statement)

    def _iso(self, seconds: float | None = None) -> str:
        return datetime.fromtimestamp(self.clock() if seconds is None else seconds, UTC).isoformat(
            timespec="seconds")

    # -- subscribing -----------------------------------------------------------

    def subscribe(self, email: str, query: str, label: str) -> tuple[Alert, bool]:
        """Ask for an alert of the search ``query`` (a URL query) at ``email``. Returns the alert and whether a
        confirmation mail is to be sent now (not for an alert already confirmed, nor again within
        ``RESEND_AFTER``). Raises ``AlertError`` over the limits."""
        email = normal_email(email)
        if len(query) > MAX_QUERY:
            raise AlertError("Diese Suche ist zu lang für eine Benachrichtigung.")
        now = self.clock()
        with self.conn:
            self._purge_pending(now)
            existing = self._find(email, query)
            if existing is not None:
                return self._again(existing, now)
            self._check_limits(email)
            cursor = self.conn.execute(
                "INSERT INTO alerts (email, query, label, created_at, mailed_at) VALUES (?, ?, ?, ?, ?)",
                [email, query, label[:300], self._iso(now), now])
        return self.get(cursor.lastrowid), True

    def _again(self, alert: Alert, now: float) -> tuple[Alert, bool]:
        if alert.confirmed_at:
            return alert, False
        mailed = self.conn.execute("SELECT mailed_at FROM alerts WHERE id = ?", [alert.id]).fetchone()[0]
        if now - mailed < RESEND_AFTER:
            return alert, False
        self.conn.execute("UPDATE alerts SET mailed_at = ? WHERE id = ?", [now, alert.id])
        return alert, True

    def _check_limits(self, email: str) -> None:
        pending, total = self.conn.execute(
            "SELECT count(*) FILTER (WHERE confirmed_at IS NULL), count(*) FROM alerts WHERE email = ?",
            [email]).fetchone()
        if pending >= MAX_PENDING:
            raise AlertError("Für diese Adresse warten schon mehrere Benachrichtigungen auf die Bestätigung. "
                             "Bitte bestätigen Sie zuerst die Links in den E-Mails, die wir Ihnen gesendet haben.")
        if total >= MAX_PER_ADDRESS:
            raise AlertError(f"Eine Adresse kann höchstens {MAX_PER_ADDRESS} Benachrichtigungen haben. "
                             "Bitte bestellen Sie zuerst eine ab.")

    def _purge_pending(self, now: float) -> None:
        cutoff = self._iso(now - PENDING_DAYS * 86400)
        self.conn.execute("DELETE FROM alerts WHERE confirmed_at IS NULL AND created_at < ?", [cutoff])

    def confirm(self, alert_id: int) -> Alert:
        """Confirm a pending alert (again is harmless); ``AlertError`` if it does not exist (any more)."""
        with self.conn:
            self._purge_pending(self.clock())
            self.conn.execute("UPDATE alerts SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
                              [self._iso(), alert_id])
        return self._existing(alert_id)

    def unsubscribe(self, alert_id: int) -> Alert:
        """End an alert: its row and what it sent are deleted. Returns it as it was."""
        alert = self._existing(alert_id)
        with self.conn:
            self.conn.execute("DELETE FROM alert_sent WHERE alert_id = ?", [alert_id])
            self.conn.execute("DELETE FROM alerts WHERE id = ?", [alert_id])
        return alert

    def delete_address(self, email: str) -> int:
        """Delete every alert of ``email`` (a privacy request); how many there were."""
        with self.conn:
            ids = [i for (i,) in self.conn.execute("SELECT id FROM alerts WHERE email = ?", [email])]
            self.conn.executemany("DELETE FROM alert_sent WHERE alert_id = ?", [(i,) for i in ids])
            self.conn.execute("DELETE FROM alerts WHERE email = ?", [email])
        return len(ids)

    # -- reading -------------------------------------------------------------

    def get(self, alert_id: int) -> Alert | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", [alert_id]).fetchone()
        return Alert(*row) if row else None

    def _existing(self, alert_id: int) -> Alert:
        alert = self.get(alert_id)
        if alert is None:
            raise AlertError("Diese Benachrichtigung gibt es nicht (mehr). Vielleicht wurde sie schon abbestellt "
                             f"oder nicht innerhalb von {PENDING_DAYS} Tagen bestätigt.")
        return alert

    def _find(self, email: str, query: str) -> Alert | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE email = ? AND query = ?",
                                [email, query]).fetchone()
        return Alert(*row) if row else None

    def confirmed(self) -> list[Alert]:
        """Every confirmed alert, oldest first."""
        rows = self.conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE confirmed_at IS NOT NULL ORDER BY id")
        return [Alert(*row) for row in rows]

    def pending_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM alerts WHERE confirmed_at IS NULL").fetchone()[0]

    def sent_ids(self, alert_id: int) -> set[int]:
        """The documents this alert has mailed already."""
        rows = self.conn.execute("SELECT doc_id FROM alert_sent WHERE alert_id = ?", [alert_id])
        return {doc_id for (doc_id,) in rows}

    # -- digests -------------------------------------------------------------

    def checked(self, alert_id: int, at: str, sent: Iterable[int] = ()) -> None:
        """Record a digest: the alert was checked at ``at`` (the digest run's start) and mailed ``sent``."""
        with self.conn:
            self.conn.executemany("INSERT OR IGNORE INTO alert_sent (alert_id, doc_id) VALUES (?, ?)",
                                  [(alert_id, doc_id) for doc_id in sent])
            self.conn.execute("UPDATE alerts SET checked_at = ? WHERE id = ?", [at, alert_id])

    def now(self) -> str:
        return self._iso()


_COLUMNS = "id, email, query, label, created_at, confirmed_at, checked_at"


def forget(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> None:
    """Deleted documents leave no trace in what alerts sent (a privacy request); inside the caller's
    transaction."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_sent'").fetchone():
        conn.executemany("DELETE FROM alert_sent WHERE doc_id = ?", [(doc_id,) for doc_id in doc_ids])


def since_minus(at: str, seconds: int) -> str:
    """``at`` (ISO) moved back by ``seconds``: a margin for documents written while a digest ran."""
    return (datetime.fromisoformat(at) - timedelta(seconds=seconds)).isoformat(timespec="seconds")
