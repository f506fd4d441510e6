"""HTML pages: the search page, a document page and the original file."""

from flask import Blueprint, render_template, request, send_file

from archive import BadRequest, NotFound
from archive.facets import FACETS
from web import params
from web.context import get_archive

bp = Blueprint("pages", __name__)

MIMETYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "txt": "text/plain; charset=utf-8"}


@bp.get("/")
def search():
    try:
        search_request = params.search_request(request.args)
    except BadRequest as exc:
        return render_template("search.html", error=exc.for_user(), result=None, rows={}, facets=FACETS,
                               params=params, req=None), 400
    archive = get_archive()
    result = archive.search(search_request)
    rows = archive.documents([hit.id for hit in result.hits])
    return render_template("search.html", result=result, rows=rows, facets=FACETS, params=params,
                           req=search_request, error=None)


@bp.get("/dokument/<int:doc_id>")
def document(doc_id: int):
    row = get_archive().document(doc_id)
    return render_template("document.html", doc=row)


@bp.get("/dokument/<int:doc_id>/original")
def original(doc_id: int):
    path, file_row = get_archive().original(doc_id)
    name = file_row["original_name"] or f"dokument-{doc_id}.{file_row['format']}"
    return send_file(path, mimetype=MIMETYPES.get(file_row["format"], "application/octet-stream"),
                     as_attachment=True, download_name=name)


@bp.app_errorhandler(NotFound)
def not_found(exc: NotFound):
    return render_template("error.html", message=exc.for_user()), 404
