"""Per-request resources: each request gets its own Archive (SQLite connection) in ``g``."""

from flask import current_app, g

from archive import Archive


def get_archive() -> Archive:
    """The request's Archive: its own SQLite connection, the app's shared index."""
    if "archive" not in g:
        g.archive = Archive(current_app.config["ARCHIVE_DIR"], current_app.extensions["index"])
    return g.archive


def close_archive(_exc: BaseException | None = None) -> None:
    archive = g.pop("archive", None)
    if archive is not None:
        archive.close()
