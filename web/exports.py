"""Exports: ``GET /api/export?format=csv|xlsx|jsonl|zip&…`` (every row of a search, streamed) and
``GET /api/snapshot.db`` (the latest SQLite snapshot of the published archive, see ``archive.store.snapshot``).

The export takes the parameters of ``/api/search`` (``page``, ``per_page`` and ``facet_limit`` are checked but
play no part: every matching row is listed, in the search's order) plus ``format``, ``text=1`` (the full text
as last column) and ``sep`` (``;``, the default, or ``,``: see ``archive.exports.write_csv``)."""

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, send_file, url_for

from archive import ArchiveError, BadRequest, NotFound, SearchRequest, exports
from archive.store import snapshot
from web import params
from web.context import get_archive

bp = Blueprint("exports", __name__, url_prefix="/api")

LINKED = ("csv", "xlsx", "jsonl")  # the formats the search page links to ("Exportieren: CSV · Excel · JSON")
_PROBE = 987_654_321  # a document id to build the URL pattern once per export (url_for per row is slow)


@bp.get("/export")
def export():
    exporter = exports.exporter(request.args.get("format", "").strip())
    req = params.search_request(request.args)
    info = exports.ExportInfo(req, with_text=params.flag(request.args, "text"), sep=_separator())
    archive = get_archive()
    ids = archive.search_ids(req)
    records = exports.records(archive.root, ids, _links(), info.with_text)
    if exporter.originals:  # checked against the cap before the answer starts
        records = exports.with_originals(archive.store, records, _zip_limits(), found=len(ids))
    # the body is written after this request's context ended: nothing in it uses Flask
    response = Response(exporter.write(records, info), mimetype=exporter.mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={info.filename(exporter.extension)}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _separator() -> str:
    sep = request.args.get("sep") or ";"
    if sep not in exports.SEPARATORS:
        raise BadRequest(f"sep muss ; oder , sein, nicht {sep!r}")
    return sep


def _links():
    """``id -> (page URL, original URL)``, from one ``url_for`` each."""
    page = url_for("pages.document", doc_id=_PROBE, _external=True)
    original = url_for("pages.original", doc_id=_PROBE, _external=True)
    probe = str(_PROBE)
    return lambda doc_id: (page.replace(probe, str(doc_id)), original.replace(probe, str(doc_id)))


def _zip_limits() -> exports.ZipLimits:
    config = current_app.config
    return exports.ZipLimits(files=int(config["EXPORT_ZIP_MAX_FILES"]), mb=float(config["EXPORT_ZIP_MAX_MB"]))


@bp.app_template_global("export_url")
def export_url(req: SearchRequest, fmt: str) -> str:
    """The export of the search ``req`` in format ``fmt`` (for the search page's links)."""
    pairs = [(k, v) for k, v in params.to_pairs(req) if k not in ("page", "per_page", "facet_limit")]
    return url_for("exports.export") + "?" + urlencode([("format", fmt), *pairs])


@bp.app_template_global("export_formats")
def export_formats() -> list[exports.Exporter]:
    return [exports.EXPORTS[name] for name in LINKED]


@bp.get("/snapshot.db")
def snapshot_file():
    """The newest snapshot in ``ARCHIVE_DIR/snapshot/`` (written by ``flask snapshot`` or the worker at night)."""
    path = snapshot.latest(Path(current_app.config["ARCHIVE_DIR"]))
    if path is None:
        raise NotFound("no snapshot yet")
    return send_file(path, mimetype="application/vnd.sqlite3", as_attachment=True,
                     download_name=snapshot.download_name(path), max_age=3600)


@bp.errorhandler(exports.TooLarge)
def too_large(exc: exports.TooLarge):
    limits = {"files": exc.limits.files, "mb": exc.limits.mb}
    return jsonify({"error": exc.for_user(), "limits": limits, "found": exc.found}), 400


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    return jsonify({"error": exc.for_user()}), 400


@bp.errorhandler(NotFound)
def not_found(exc: NotFound):
    if request.endpoint == "exports.snapshot_file":
        return jsonify({"error": "Es gibt noch keine Datenbank-Kopie des Archivs (Snapshot). Sie entsteht jede "
                                 "Nacht, wenn der Worker läuft, oder mit „flask --app search_app snapshot "
                                 "ARCHIVE_DIR/snapshot/archiv.db“."}), 404
    return jsonify({"error": exc.for_user()}), 404


@bp.errorhandler(ArchiveError)
def archive_error(exc: ArchiveError):
    return jsonify({"error": exc.for_user()}), 500
