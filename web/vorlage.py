"""``GET /dokument/<id>/vorlage.docx``: "Als Vorlage verwenden", the document as a DOCX template with its local
details replaced by highlighted placeholders (``archive.vorlage``). Published documents for everyone, drafts and
withdrawn ones only for staff and API clients (``web.visibility``), as the document page."""

import io

from flask import Blueprint, send_file, url_for

from archive import NotFound, vorlage
from web import visibility
from web.context import get_archive

bp = Blueprint("vorlage", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/dokument/<int:doc_id>/vorlage.docx")
def template(doc_id: int):
    doc = visibility.document(doc_id)
    try:
        original, _row = get_archive().original(doc_id)
    except NotFound:
        original = None  # rebuilt from the stored text
    data = vorlage.build(doc, url_for("pages.document", doc_id=doc_id, _external=True), original)
    response = send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"vorlage-{doc_id}.docx",
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store" if doc["publication"] != "published" else "no-cache"
    return response
