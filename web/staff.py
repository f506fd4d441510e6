"""Staff pages: login, logout, upload of new documents, the import log, and the review of metadata
(``/dokument/<id>/pruefen``: confirm or correct what was read from the file, the fields the extraction was unsure
of marked "unsicher"; ``/zu-pruefen``: the documents nobody has reviewed yet, newest or least certain first).

Uploads are written to ``ARCHIVE_DIR/uploads/`` under server-made names (a uuid plus a suffix from a fixed
list - never the name the browser sent), kept as draft documents with their originals at once
(``archive.uploads``) and parsed by the background worker; the page shows each file's state live. The format
is detected by the ingest package from the file's content; the suffix is only a hint.
"""

import math
from datetime import datetime
from pathlib import PurePath
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from archive import PUBLISHED, STATES, InvalidCorrection, uploads, vocab
from archive.store import UNSURE, unsure_fields
from archive.store.corrections import STAFF_ONLY, form_values
from web import accounts, receiving, security
from web.context import get_archive

bp = Blueprint("staff", __name__)

STATUS_LABELS = {"added": "Neu", "unchanged": "Bereits vorhanden", "failed": "Fehler"}
LOG_ROWS = 200
BERLIN = ZoneInfo("Europe/Berlin")
RECENT_UPLOADS = 50
MAX_STATUS_IDS = 200
REVIEW_PAGE = 50
SOURCE_CHARS = 4000  # the start of the text shown beside the review form: letterhead, title, first paragraphs
GAP_LABELS = {"date": "ohne Datum", "municipality": "ohne Kommune/Kreis", "party": "ohne Partei",
              "topics": "ohne Thema"}
FIELD_LABELS = {"title": "Titel", "doc_type": "Typ", "date": "Datum", "municipality": "Kommune", "district": "Kreis",
                "state": "Bundesland", "parties": "Parteien", "faction": "Fraktion", "topics": "Themen",
                "muster": "Muster"}
# form field -> the extraction's confidence field that covers it (the place's covers Kommune, Kreis, Bundesland)
FIELD_CONFIDENCE = {"title": "title", "doc_type": "doc_type", "date": "date", "municipality": "municipality",
                    "district": "municipality", "state": "municipality", "parties": "party", "topics": "topics"}
CONFIDENCE_LABELS = {"doc_type": "Typ", "title": "Titel", "date": "Datum", "municipality": "Kommune/Kreis",
                     "party": "Partei", "topics": "Themen"}
UNSURE_FIRST = "unsicher"  # ?zuerst=unsicher: the queue's least certain documents first
REUSE_WARNINGS = 3  # "textgleich mit ..." lines per upload


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    return accounts.login_page()


@bp.post("/abmelden")
def logout():
    return accounts.logout_page()


@bp.route("/hochladen", methods=["GET", "POST"])
@security.login_required
def upload():
    """Many files at once; each is stored as a draft at once and parsed by the worker. With
    ``Accept: application/json`` (the page's script sends one file a request) the answer is JSON."""
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.method == "GET":
        return _upload_page(None)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        message = "Bitte wählen Sie mindestens eine Datei aus."
        return (jsonify({"error": message}), 400) if wants_json else (_upload_page(None, message), 400)
    accepted = receiving.accept_uploads(files, uploads.WEB)
    if wants_json:
        return jsonify({"uploads": [upload_json(u) for u in accepted]})
    return _upload_page(accepted)


@bp.get("/hochladen/status")
@security.login_required
def upload_status():
    """The states of uploads ``?ids=1,2,3`` (the upload page asks every second until all are finished)."""
    raw = request.args.get("ids", "")
    try:
        ids = [int(part) for part in raw.split(",") if part][:MAX_STATUS_IDS]
    except ValueError:
        return jsonify({"error": "ids muss eine Liste von Zahlen sein"}), 400
    return jsonify({"uploads": [upload_json(u) for u in uploads.many(get_archive().store, ids)]})


def _upload_page(batch: list | None, error: str | None = None):
    store = get_archive().store
    recent = uploads.recent(store, RECENT_UPLOADS)
    return render_template("upload.html", accept=receiving.ACCEPT, batch=batch, recent=recent, error=error,
                           attachments=store.attachment_ids, reuse_warnings=reuse_warnings,
                           worker_inline=current_app.config.get("WORKER") == "inline")


def upload_json(upload) -> dict:
    """An upload's state with the links the page shows: its review (fertig) or the existing document
    (Duplikat)."""
    out = upload.as_json()
    doc_id = upload.document_id
    out["document_url"] = url_for("pages.document", doc_id=doc_id) if doc_id else None
    done = doc_id and upload.state == uploads.DONE
    out["review_url"] = url_for("staff.review", doc_id=doc_id) if done else None
    out["attachments"] = [{"id": child, "review_url": url_for("staff.review", doc_id=child)}
                          for child in (get_archive().store.attachment_ids(doc_id) if done else [])]
    out["same_text"] = reuse_warnings(doc_id) if done else []
    return out


def reuse_warnings(doc_id: int, limit: int = REUSE_WARNINGS) -> list[dict]:
    """The published documents holding most of this (draft's) text, as staff see them on upload and review:
    ``{"id", "share", "percent", "label", "url"}``, label "92 % textgleich mit Antrag „…“ (Bochum, 2021)".
    A warning only: the draft can be published all the same."""
    out = []
    for row in get_archive().same_text(doc_id, limit):
        place = row["municipality"] or row["district"]
        where = ", ".join(str(part) for part in (place, (row["date"] or "")[:4]) if part)
        percent = int(row["share"] * 100 + 1e-9)
        kind = vocab.DOC_TYPES.get(row["doc_type"] or "", "Dokument")
        label = f"{percent} % textgleich mit {kind} „{row['title'] or 'Ohne Titel'}“" + (f" ({where})" if where else "")
        out.append({"id": row["id"], "share": row["share"], "percent": percent, "label": label,
                    "url": url_for("pages.document", doc_id=row["id"])})
    return out


@bp.get("/import-protokoll")
@security.login_required
def import_log():
    sql = ("SELECT id, at, file, status, error, document_id FROM ingest_log ORDER BY id DESC LIMIT ?")
    cols = ("id", "at", "file", "status", "error", "document_id")
    rows = [dict(zip(cols, r, strict=True)) for r in get_archive().store.db.execute(sql, [LOG_ROWS]).fetchall()]
    for row in rows:
        row["label"] = STATUS_LABELS.get(row["status"], row["status"])
        row["name"] = PurePath(row["file"] or "").name
    # Uploads (parsed by the worker) are logged in their own table, under the name they were uploaded with.
    upload_status = {uploads.DONE: "added", uploads.DUPLICATE: "unchanged", uploads.FAILED: "failed"}
    for upload in uploads.recent(get_archive().store, LOG_ROWS):
        status = upload_status.get(upload.state, upload.state)
        rows.append({"id": None, "at": upload.updated_at, "file": upload.name, "name": upload.name, "status": status,
                     "label": STATUS_LABELS.get(status, upload.label), "error": upload.error,
                     "document_id": upload.document_id})
    rows.sort(key=lambda row: row["at"] or "", reverse=True)
    return render_template("import_log.html", rows=rows[:LOG_ROWS], limit=LOG_ROWS)


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
        archive.correct(doc_id, values, security.account_name())
    except InvalidCorrection as exc:
        return _review_page(doc, values, exc.errors), 400
    if request.form.get("then") == "publish" and doc["publication"] != PUBLISHED:
        archive.publish(doc_id, security.account_name())
        flash("Die Angaben wurden geprüft und das Dokument veröffentlicht.")
    else:
        flash("Die Angaben wurden gespeichert und als geprüft markiert.")
    if request.form.get("then") == "next":
        return redirect(_next_to_review(_gap(request.form.get("fehlt")), _first(request.form.get("zuerst"))))
    return redirect(url_for("pages.document", doc_id=doc_id))


# -- publishing, withdrawing, deleting ---------------------------------------


@bp.post("/dokument/<int:doc_id>/veroeffentlichen")
@security.login_required
def publish(doc_id: int):
    get_archive().publish(doc_id, security.account_name())
    flash("Das Dokument ist veröffentlicht.")
    return redirect(url_for("pages.document", doc_id=doc_id))


@bp.post("/dokument/<int:doc_id>/zurueckziehen")
@security.login_required
def withdraw(doc_id: int):
    get_archive().withdraw(doc_id, security.account_name())
    flash("Das Dokument ist zurückgezogen: es bleibt gespeichert, ist aber nicht mehr öffentlich.")
    return redirect(url_for("pages.document", doc_id=doc_id))


@bp.route("/dokument/<int:doc_id>/loeschen", methods=["GET", "POST"])
@security.login_required
def delete(doc_id: int):
    """A confirmation page, then deletion for good (a privacy request)."""
    archive = get_archive()
    doc = archive.document(doc_id)
    if request.method == "GET":
        return render_template("delete.html", doc=doc, attachments=archive.store.attachment_ids(doc_id))
    ids = archive.delete(doc_id, security.account_name())
    flash(f"Dokument {doc_id} ist endgültig gelöscht" + (f" (mit {len(ids) - 1} Anhängen)." if len(ids) > 1 else "."))
    return redirect(url_for("staff.review_queue"))


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
                           evidence=get_archive().topic_evidence(doc["id"]), same_text=reuse_warnings(doc["id"]),
                           history=get_archive().history(doc["id"]),
                           doc_types=vocab.DOC_TYPES, topics=vocab.topics(), states=vocab.states(),
                           parties=vocab.parties())


@bp.app_template_filter("german_datetime")
def german_datetime(value: str | None) -> str:
    """An ISO time stamp (UTC) as German local time: ``07.12.2026, 21:03``."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return value or ""
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M")


@bp.app_template_filter("field_label")
def field_label(value: str) -> str:
    return FIELD_LABELS.get(value, value)


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
                           gaps=archive.unreviewed_missing(), gap_labels=GAP_LABELS, publication_labels=STATES,
                           corrected=[(label, corrected.get(field, 0)) for field, label in FIELD_LABELS.items()
                                      if field not in STAFF_ONLY])
