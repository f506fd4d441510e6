"""Per-request resources: each request gets its own Archive (SQLite connection) in ``g``; its writes queue
their index work on the app's worker."""

from flask import current_app, g

from archive import Archive


def get_archive() -> Archive:
    """The request's Archive: its own SQLite connection, the app's shared index."""
    if "archive" not in g:
        g.archive = Archive(current_app.config["ARCHIVE_DIR"], current_app.extensions["index"],
                            on_change=get_worker().sync)
    return g.archive


def get_worker():
    """The background worker's queue (``archive.worker.Worker``): writes hand the index work to it."""
    return current_app.extensions["worker"]


def close_archive(_exc: BaseException | None = None) -> None:
    archive = g.pop("archive", None)
    if archive is not None:
        archive.close()
