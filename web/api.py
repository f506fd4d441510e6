"""JSON API: ``/api/search`` and ``/api/documents/<id>`` (a contract other tools rely on), ``/api/suggest``
(the search box's autocomplete) and ``POST /api/documents`` (upload with a personal API token)."""

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from archive import ArchiveError, BadRequest, InvalidCorrection, NotFound, SearchResult, uploads
from archive.facets import FACETS
from archive.store.corrections import given_metadata
from archive.suggest import DEFAULT_LIMIT as DEFAULT_SUGGESTIONS
from archive.suggest import MAX_LIMIT as MAX_SUGGESTIONS
from web import receiving, security, visibility
from web.context import get_archive
from web.params import search_request

bp = Blueprint("api", __name__, url_prefix="/api")

HIT_KEYS = ("id", "title", "doc_type", "date", "municipality", "ars", "district", "state", "party", "faction",
            "topics", "snippet", "url", "download_url")


@bp.get("/search")
def search():
    result = get_archive().search(search_request(request.args))
    return jsonify(result_json(result))


def result_json(result: SearchResult) -> dict:
    rows = get_archive().documents([hit.id for hit in result.hits])
    hits = [hit_json(rows[hit.id], str(hit.snippet)) for hit in result.hits if hit.id in rows]
    if result.request.collapse:  # copies of one text folded into their first hit
        by_id = {hit.id: hit for hit in result.hits}
        for out in hits:
            out["versions"] = by_id[out["id"]].versions
            out["other_versions"] = list(by_id[out["id"]].others)
    facets = {
        facet.name: [{"value": c.value, "label": c.label, "count": c.count} for c in result.facets[facet.name]]
        for facet in FACETS
    }
    return {"total": result.total, "page": result.request.page, "per_page": result.request.per_page,
            "hits": hits, "facets": facets, "hints": list(result.hints),
            "facet_limit": result.request.facet_limit, "facet_values": dict(result.facet_values),
            "partial": result.partial, "reading": reading_json(result), "suggestion": result.suggestion,
            **({"entries": result.entries} if result.request.collapse else {})}


def reading_json(result: SearchResult) -> dict | None:
    reading = result.reading
    if reading is None or not reading.changed:
        return None
    return {"label": reading.label, "doc_types": list(reading.doc_types),
            "optional": [word.text for word in reading.optional]}


def hit_json(row: dict, snippet: str) -> dict:
    return {
        "id": row["id"], "title": row["title"], "doc_type": row["doc_type"], "date": row["date"],
        "municipality": row["municipality"], "ars": row["municipality_ars"] or row["district_ars"],
        "district": row["district"], "state": row["state"], "party": row["party"], "faction": row["faction"],
        "topics": row["topics"], "snippet": snippet,
        "url": url_for("pages.document", doc_id=row["id"], _external=True),
        "download_url": url_for("pages.original", doc_id=row["id"], _external=True),
    }


@bp.get("/suggest")
def suggest():
    """Suggestions for the last word of ``q``: ``{"q", "suggestions": [{"kind", "label", "value", "count"}]}``."""
    q = request.args.get("q", "")
    raw = request.args.get("limit") or str(DEFAULT_SUGGESTIONS)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_SUGGESTIONS):
        raise BadRequest(f"limit muss eine ganze Zahl zwischen 1 und {MAX_SUGGESTIONS} sein")
    suggestions = get_archive().suggest(q, int(raw))
    return jsonify({"q": q, "suggestions": [s.as_json() for s in suggestions]})


@bp.get("/documents/<int:doc_id>")
def document(doc_id: int):
    return jsonify(document_json(visibility.document(doc_id)))


def document_json(row: dict) -> dict:
    """A document as the API shows it: every column, ``status`` its publication state (draft, published,
    withdrawn) and ``text_status`` whether its text was read (ok, no-text; pending or failed for an upload
    the worker has not read or could not read)."""
    doc_id = row["id"]
    out = dict(row)
    out["status"] = out.pop("publication")
    out["text_status"] = row["status"]
    out["confidence"] = dict(row["confidence"] or {})  # how sure the extraction was per field, 0..1
    out["url"] = url_for("pages.document", doc_id=doc_id, _external=True)
    out["download_url"] = url_for("pages.original", doc_id=doc_id, _external=True)
    archive = get_archive()
    # published documents only: those holding at least half of this text (share of this text, highest first),
    # and up to five on the same subject with the reason
    out["same_text"] = [{"id": other["id"], "share": other["share"], "title": other["title"],
                         "municipality": other["municipality"], "date": other["date"]}
                        for other in archive.same_text(doc_id)]
    out["similar"] = [{"id": item.id, "title": item.title, "reason": item.reason}
                      for item in archive.similar_to(row)] if row.get("text") is not None else []
    return out


@bp.post("/documents")
def upload():
    """One file (multipart field ``file``, optional metadata fields as in the review form: ``title``,
    ``doc_type``, ``date``, ``municipality``, ``district``, ``state``, ``parties``, ``faction``, ``topics``
    comma-separated) with ``Authorization: Bearer TOKEN``: 201 with the new draft, 200
    with the existing document for an exact duplicate, 401 without a valid token, 400 without a file, 413
    over ``MAX_UPLOAD_MB``, 415 for content no parser reads."""
    if security.api_token_name() is None:
        response = jsonify({"error": "Ein gültiges API-Token fehlt (Authorization: Bearer …)."})
        response.headers["WWW-Authenticate"] = 'Bearer realm="antragsarchiv"'
        return response, 401
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        return jsonify({"error": "Die Anfrage enthält keine Datei (Feld „file“)."}), 400
    try:
        given = given_metadata(request.form)
    except InvalidCorrection as exc:
        return jsonify({"error": exc.for_user(), "errors": exc.errors}), 400
    [upload] = receiving.accept_uploads([storage], uploads.API, given)
    if upload.state == uploads.FAILED and upload.document_id is None:
        return jsonify({"error": upload.error, "upload": upload.as_json()}), 415
    out = document_json(get_archive().document(upload.document_id))
    out["upload"] = upload.as_json()
    return jsonify(out), 200 if upload.state == uploads.DUPLICATE else 201


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge):
    limit = current_app.config.get("MAX_UPLOAD_MB", 50)
    return jsonify({"error": f"Die Datei ist größer als {limit} MB."}), 413


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    return jsonify({"error": exc.for_user()}), 400


@bp.errorhandler(NotFound)
def not_found(exc: NotFound):
    return jsonify({"error": exc.for_user()}), 404


@bp.errorhandler(ArchiveError)
def archive_error(exc: ArchiveError):
    return jsonify({"error": exc.for_user()}), 500
