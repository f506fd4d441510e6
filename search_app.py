"""The Flask app: ``create_app(config)`` builds it; ``flask --app search_app`` runs it.

Settings (Flask config keys, also read from environment variables of the same name):

ARCHIVE_DIR         store folder (default ``data``)
SECRET_KEY          session signing key (default: generated once into ARCHIVE_DIR/secret_key)
STAFF_PASSWORD      shared password for the first sign-in while no account exists (as ``staff``, an admin;
                    default: none). Once an account exists (``flask user create``) it no longer signs in.
SESSION_COOKIE_SECURE  ``auto`` (default): the session cookie gets the Secure flag when the request came over
                    HTTPS; ``1``: always; ``0``: never
MAX_UPLOAD_MB       largest accepted upload in MB (default 50)
WORKER              ``huey`` (default): uploads are parsed and the index written by ``flask worker``;
                    ``inline``: that work runs in the request itself (tests, a single-process demo)
EXPORT_ZIP_MAX_FILES  most originals one ZIP export (``/api/export?format=zip``) holds (default 500)
EXPORT_ZIP_MAX_MB   most MB of originals one ZIP export holds (default 500)
PUBLIC_URL          the archive's address, for the links in e-mails sent outside a request (default
                    ``http://127.0.0.1:5000``)
MAIL_SERVER         SMTP server for the e-mail alerts (default: none, no alerts are offered)
MAIL_PORT           its port (default 25)
MAIL_USE_TLS        ``1``: STARTTLS after connecting (default ``0``)
MAIL_USE_SSL        ``1``: SMTP over TLS from the start, usually port 465 (default ``0``)
MAIL_USERNAME       SMTP login, if the server needs one (default: none)
MAIL_PASSWORD       its password (default: none)
MAIL_FROM           sender address of the alerts (default ``antragsarchiv@localhost``)
ALERTS_AT           when the worker sends the daily alert digests, ``HH:MM`` UTC (default ``06:00``)
SEARCH_ENGINE       ``whoosh`` (default): the search index in ARCHIVE_DIR/index; ``tantivy``: in
                    ARCHIVE_DIR/index-tantivy (build it first with ``flask reindex --engine tantivy``). Every engine
                    built in the store folder gets every write, so switching back and forth loses nothing.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

from archive import Archive
from archive.account_cli import COMMANDS as ACCOUNT_COMMANDS
from archive.cli import COMMANDS as ARCHIVE_COMMANDS
from archive.engine import ENGINES, engine_path, open_engine
from archive.reuse_cli import COMMANDS as REUSE_COMMANDS
from archive.worker import Worker
from ingest.cli import inspect_command
from web import (
    accounts,
    alerts,
    api,
    citation,
    context,
    digest,
    exports,
    feeds,
    openapi,
    pages,
    security,
    staff,
    stats,
    vorlage,
)
from web.alert_cli import COMMANDS as ALERT_COMMANDS

SETTINGS = {
    "ARCHIVE_DIR": "data",
    "SECRET_KEY": None,
    "STAFF_PASSWORD": None,
    "SESSION_COOKIE_SECURE": "auto",
    "MAX_UPLOAD_MB": 50,
    "WORKER": "huey",
    "EXPORT_ZIP_MAX_FILES": 500,
    "EXPORT_ZIP_MAX_MB": 500,
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": "0",
    "MAIL_USE_SSL": "0",
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "antragsarchiv@localhost",
    "ALERTS_AT": "06:00",
    "SEARCH_ENGINE": "whoosh",
}
WORKER_MODES = ("huey", "inline")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides environment variables and defaults."""
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(_settings(config or {}))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _secret_key(Path(app.config["ARCHIVE_DIR"]))
    app.extensions["index"] = _engine(app)
    app.extensions["worker"] = _worker(app)
    _open_once(app)
    app.teardown_appcontext(context.close_archive)
    security.init_app(app)
    for blueprint in (api.bp, pages.bp, staff.bp, accounts.bp, exports.bp, feeds.bp, openapi.bp, stats.bp,
                      citation.bp, alerts.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(vorlage.bp)  # /dokument/<id>/vorlage.docx
    for command in (*ARCHIVE_COMMANDS, *ACCOUNT_COMMANDS, *REUSE_COMMANDS, *ALERT_COMMANDS, inspect_command):
        app.cli.add_command(command)
    return app


def _engine(app: Flask):
    """The search engine ``SEARCH_ENGINE`` over its index folder in the store folder."""
    kind = app.config["SEARCH_ENGINE"]
    if kind not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {kind!r}")
    return open_engine(kind, engine_path(Path(app.config["ARCHIVE_DIR"]), kind))


def _worker(app: Flask) -> Worker:
    """The job queue; in ``inline`` mode its jobs run at once, writing through the app's own index."""
    mode = app.config["WORKER"]
    if mode not in WORKER_MODES:
        raise ValueError(f"WORKER must be one of {', '.join(WORKER_MODES)}, not {mode!r}")
    root, index = Path(app.config["ARCHIVE_DIR"]), app.extensions["index"]
    daily = {"alert_digests": (_at(app.config["ALERTS_AT"]), lambda: _digests(app))}
    return Worker(root, lambda: Archive(root, index), immediate=mode == "inline", periodic=daily)


def _at(value: str) -> dict:
    """``HH:MM`` (UTC) as huey's crontab arguments."""
    hour, _, minute = str(value).partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ValueError(f"ALERTS_AT must be HH:MM (UTC), not {value!r}")
    return {"hour": str(int(hour)), "minute": str(int(minute))}


def _digests(app: Flask) -> None:
    """The worker's daily job: the alert digests, when this server sends mail."""
    if not app.config["MAIL_SERVER"]:
        return
    with app.app_context():
        report = digest.send_digests()
    app.logger.info("alert digests: %d alerts, %d mails, %d failures", report.alerts, report.mails,
                    len(report.failures))


def _settings(config: dict) -> dict:
    merged = {}
    for key, default in SETTINGS.items():
        merged[key] = config.get(key, os.environ.get(key, default))
    merged.update({k: v for k, v in config.items() if k not in SETTINGS})
    return merged


def _secret_key(root: Path) -> str:
    """A key kept in the store folder; a throw-away one while no store exists (e.g. ``inspect``)."""
    if not root.is_dir():
        return secrets.token_hex(32)
    path = root / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _open_once(app: Flask) -> None:
    """Rebuild an outdated index once at start-up, not inside a request."""
    if not (Path(app.config["ARCHIVE_DIR"]) / "archive.db").exists():
        return  # nothing stored yet; the first ingest or request creates the store
    Archive.open(app.config["ARCHIVE_DIR"], app.extensions["index"]).close()
