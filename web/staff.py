"""Staff pages: login, logout, upload of new documents, the import log, and the review of metadata
(``/dokument/<id>/pruefen``: confirm or correct what was read from the file, the fields the extraction was unsure
of marked "unsicher"; ``/zu-pruefen``: the documents nobody has reviewed yet, newest or least certain first).

Uploads are written to ``ARCHIVE_DIR/uploads/<random>/`` under server-made
names (a uuid plus a suffix from a fixed list - never the name the browser
sent), ingested, and deleted again. The format is detected by the ingest
package from the file's content; the suffix is only a hint.
"""

import math
import shutil
import uuid
from pathlib import Path, PurePath

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from archive import ArchiveError, InvalidCorrection, vocab
from archive.store import UNSURE, unsure_fields
from web import security
from web.context import get_archive

bp = Blueprint("staff", __name__)

# What the file picker offers; the server still detects the real type by content.
ALLOWED_SUFFIXES = (".pdf", ".docx", ".odt", ".doc", ".rtf", ".txt", ".md", ".html", ".htm", ".eml", ".msg")
ACCEPT = ",".join((*ALLOWED_SUFFIXES, "application/pdf", "text/plain", "text/html", "message/rfc822",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "application/vnd.oasis.opendocument.text", "application/msword", "application/rtf"))
STATUS_LABELS = {"added": "Neu", "unchanged": "Bereits vorhanden", "failed": "Fehler"}
LOG_ROWS = 200
REVIEW_PAGE = 50
SOURCE_CHARS = 4000  # the start of the text shown beside the review form: letterhead, title, first paragraphs
GAP_LABELS = {"date": "ohne Datum", "municipality": "ohne Kommune/Kreis", "party": "ohne Partei",
              "topics": "ohne Thema"}
FIELD_LABELS = {"title": "Titel", "doc_type": "Typ", "date": "Datum", "municipality": "Kommune", "district": "Kreis",
                "state": "Bundesland", "parties": "Parteien", "faction": "Fraktion", "topics": "Themen"}
# form field -> the extraction's confidence field that covers it (the place's covers Kommune, Kreis, Bundesland)
FIELD_CONFIDENCE = {"title": "title", "doc_type": "doc_type", "date": "date", "municipality": "municipality",
                    "district": "municipality", "state": "municipality", "parties": "party", "topics": "topics"}
CONFIDENCE_LABELS = {"doc_type": "Typ", "title": "Titel", "date": "Datum", "municipality": "Kommune/Kreis",
                     "party": "Partei", "topics": "Themen"}
UNSURE_FIRST = "unsicher"  # ?zuerst=unsicher: the queue's least certain documents first


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    target = security.safe_next(request.values.get("next"), url_for("staff.upload"))
    if not security.login_possible():
        return render_template("login.html", next=target, error=None), 200
    if request.method == "GET":
        if security.is_staff():
            return redirect(target)
        return render_template("login.html", next=target, error=None)
    key = security.client_key()
    wait = security.failures().blocked_for(key)
    if wait:
        minutes = (wait + 59) // 60
        error = f"Zu viele Fehlversuche. Bitte versuchen Sie es in {minutes} Minute(n) erneut."
        return render_template("login.html", next=target, error=error), 429
    if not security.password_ok(request.form.get("password", "")):
        security.failures().fail(key)
        return render_template("login.html", next=target, error="Das Passwort ist falsch."), 401
    security.failures().reset(key)
    security.log_in()
    return redirect(target)


@bp.post("/abmelden")
def logout():
    security.log_out()
    return redirect(url_for("pages.search"))


@bp.route("/hochladen", methods=["GET", "POST"])
@security.login_required
def upload():
    if request.method == "GET":
        return render_template("upload.html", accept=ACCEPT, results=None, error=None)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return render_template("upload.html", accept=ACCEPT, results=None,
                               error="Bitte wählen Sie mindestens eine Datei aus."), 400
    results = ingest_uploads(files)
    return render_template("upload.html", accept=ACCEPT, results=results, error=None)


def ingest_uploads(files) -> list[dict]:
    """Save, ingest and delete the uploads; one result row per file, in upload order."""
    folder = Path(current_app.config["ARCHIVE_DIR"]) / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        names = {}
        for storage in files:
            path = folder / (uuid.uuid4().hex + _suffix(storage.filename))
            storage.save(path)
            names[str(path)] = _display_name(storage.filename)
        try:
            outcomes = {o.file: o for o in get_archive().ingest(list(map(Path, names)), names=names)}
        except ArchiveError as exc:
            current_app.logger.exception("upload ingest failed")
            return [_row(name, "failed", None, exc.for_user()) for name in names.values()]
        return [_outcome_row(names[path], outcomes.get(path)) for path in names]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _outcome_row(name: str, outcome) -> dict:
    if outcome is None:
        return _row(name, "failed", None, "Datei wurde nicht verarbeitet")
    return _row(name, outcome.status, outcome.id, outcome.error, outcome.attachments)


def _row(name: str, status: str, doc_id: int | None, error: str | None, attachments: tuple[int, ...] = ()) -> dict:
    return {"name": name, "status": status, "label": STATUS_LABELS.get(status, status), "id": doc_id,
            "error": error, "attachments": attachments}


def _suffix(filename: str) -> str:
    suffix = PurePath(filename.replace("\\", "/")).suffix.lower()
    return suffix if suffix in ALLOWED_SUFFIXES else ".bin"


def _display_name(filename: str) -> str:
    """The browser's file name, for display only (escaped by the template), never a path."""
    return PurePath(filename.replace("\\", "/")).name[:200] or "Datei"


@bp.get("/import-protokoll")
@security.login_required
def import_log():
    sql = ("SELECT id, at, file, status, error, document_id FROM ingest_log ORDER BY id DESC LIMIT ?")
    cols = ("id", "at", "file", "status", "error", "document_id")
    rows = [dict(zip(cols, r, strict=True)) for r in get_archive().store.db.execute(sql, [LOG_ROWS]).fetchall()]
    for row in rows:
        row["label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["name"] = PurePath(row["file"] or "").name
    return render_template("import_log.html", rows=rows, limit=LOG_ROWS)


# -- review of metadata ----------------------------------------------------


@bp.route("/dokument/<int:doc_id>/pruefen", methods=["GET", "POST"])
@security.login_required
def review(doc_id: int):
    archive = get_archive()
    doc = archive.document(doc_id)
    if request.method == "GET":
        return _review_page(doc, form_values(doc), {})
    values = {key: request.form.get(key, "") for key in FIELD_LABELS if key != "topics"}
    values["topics"] = request.form.getlist("topics")
    try:
        archive.correct(doc_id, values)
    except InvalidCorrection as exc:
        return _review_page(doc, values, exc.errors), 400
    flash("Die Angaben wurden gespeichert und als geprüft markiert.")
    if request.form.get("then") == "next":
        return redirect(_next_to_review(_gap(request.form.get("fehlt")), _first(request.form.get("zuerst"))))
    return redirect(url_for("pages.document", doc_id=doc_id))


def form_values(doc: dict) -> dict:
    """The stored metadata as the review form shows it."""
    return {"title": doc["title"] or "", "doc_type": doc["doc_type"], "date": doc["date"] or "",
            "municipality": doc["municipality"] or "", "district": doc["district"] or "", "state": doc["state"] or "",
            "parties": ", ".join(doc["parties"] or ([doc["party"]] if doc["party"] else [])),
            "faction": doc["faction"] or "", "topics": list(doc["topics"] or [])}


def _review_page(doc: dict, form: dict, errors: dict[str, str]):
    text = (doc.get("text") or "").strip()
    unsure = unsure_fields(doc)
    return render_template("review.html", doc=doc, form=form, errors=errors, labels=FIELD_LABELS,
                           source=text[:SOURCE_CHARS], source_cut=len(text) > SOURCE_CHARS,
                           missing=_gap(request.values.get("fehlt")), first=_first(request.values.get("zuerst")),
                           lowest=percent(doc["min_confidence"]) if not doc["reviewed_at"] else None,
                           unsure={field: percent((doc["confidence"] or {}).get(covered, 0.0))
                                   for field, covered in FIELD_CONFIDENCE.items() if covered in unsure},
                           unsure_limit=percent(UNSURE),
                           evidence=get_archive().topic_evidence(doc["id"]),
                           doc_types=vocab.DOC_TYPES, topics=vocab.topics(), states=vocab.states(),
                           parties=vocab.parties())


def _gap(value: str | None) -> str | None:
    """The queue's "lacking a field" choice carried through the review form; anything else means none."""
    return value if value in GAP_LABELS else None


def _first(value: str | None) -> str | None:
    """The queue's order carried through the review form: ``unsicher`` (least certain first); anything else
    means the default, newest first."""
    return value if value == UNSURE_FIRST else None


def percent(value: float | None) -> int | None:
    """A confidence 0..1 as a whole percentage, rounded down (0.495 is 49 %, below the 50 % of UNSURE)."""
    return None if value is None else math.floor(round(value * 100, 6))


def _next_to_review(missing: str | None, first: str | None = None) -> str:
    """The next document of the queue the reviewer works through (all, or those lacking a field; newest or
    least certain first)."""
    _total, rows = get_archive().store.unreviewed(1, missing=missing, unsure_first=first == UNSURE_FIRST)
    if rows:
        return url_for("staff.review", doc_id=rows[0]["id"], fehlt=missing, zuerst=first)
    return url_for("staff.review_queue", fehlt=missing, zuerst=first)


@bp.get("/zu-pruefen")
@security.login_required
def review_queue():
    page = max(request.args.get("seite", 1, type=int) or 1, 1)
    missing = request.args.get("fehlt") or None
    first = _first(request.args.get("zuerst"))
    archive = get_archive()
    total, rows = archive.store.unreviewed(REVIEW_PAGE, (page - 1) * REVIEW_PAGE, missing,
                                           unsure_first=first == UNSURE_FIRST)
    for row in rows:
        row["lowest"] = percent(row["min_confidence"])
        row["unsure"] = [CONFIDENCE_LABELS[field] for field in unsure_fields(row)]
    reviewed, corrected = archive.review_stats()
    return render_template("review_queue.html", rows=rows, total=total, page=page, missing=missing, first=first,
                           unsure_count=archive.store.unreviewed_unsure(),
                           pages=max(math.ceil(total / REVIEW_PAGE), 1), reviewed=reviewed,
                           gaps=archive.unreviewed_missing(), gap_labels=GAP_LABELS,
                           corrected=[(label, corrected.get(field, 0)) for field, label in FIELD_LABELS.items()])
