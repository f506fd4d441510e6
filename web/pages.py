"""HTML pages: the search page, a document page and the original file."""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, request, send_file, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from archive import STATES, ArchiveError, BadRequest, NotFound, SearchRequest, vocab
from archive.facets import BY_NAME, FACETS, Facet
from archive.reflow import paragraphs as reflowed
from web import params, security, visibility
from web.context import get_archive

bp = Blueprint("pages", __name__)

MIMETYPES = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "txt": "text/plain",  # Werkzeug adds "; charset=utf-8" to text/* types
             "html": "application/octet-stream"}  # never text/html: a stored page must not run on the archive's origin
# Originals are always downloads (Content-Disposition: attachment); other formats go as application/octet-stream.
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "txt": "Text"}
SORT_LABELS = {"relevance": "Relevanz", "newest": "Neueste zuerst", "oldest": "Älteste zuerst"}
SAME_TEXT_SHOWN = 10
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_BREAK_AFTER = re.compile(r"(?<=[_\-.])")


# -- search --------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


@dataclass(frozen=True)
class FacetView:
    facet: Facet
    shown: list  # FacetCount shown at once (active ones always)
    more: list
    links: dict  # value -> href


@bp.get("/")
def search():
    try:
        req = params.search_request(request.args, default_collapse=params.PAGE_COLLAPSE)
    except BadRequest as exc:
        return render_template("search.html", error=exc.for_user(), req=None, result=None, rows={},
                               facet_views=[], chips=[], pages=None, sort_labels=SORT_LABELS), 400
    archive = get_archive()
    result = archive.search(req)
    rows = archive.documents([i for hit in result.hits for i in (hit.id, *hit.others)])
    return render_template("search.html", error=None, req=req, result=result, rows=rows,
                           facet_views=facet_views(req, result), chips=chips(req), pages=pagination(req, result),
                           sort_labels=SORT_LABELS, first_url=_page_url(req, 1),
                           literal_url=_url(_pairs(replace(req, literal=not req.literal, page=1))),
                           suggestion_url=_url(_pairs(replace(req, q=result.suggestion or "", page=1))),
                           uncollapse_url=_url(_pairs(replace(req, collapse="", page=1))),
                           clear_url=_url(_pairs_without(req, lambda k, v: k not in ("q", "sort", "per_page",
                                                                                      "collapse"))))


def _pairs(req: SearchRequest) -> list[tuple[str, str]]:
    """The search page's URL parameters for ``req`` (its default ``collapse`` left out)."""
    return params.to_pairs(req, params.PAGE_COLLAPSE)


@bp.app_template_filter("other_places")
def other_places(ids, rows: dict, shown: int = 3) -> str:
    """"Bochum, Kiel, …": the distinct Kommunen (else Kreise) of the documents ``ids``, the first ``shown``."""
    places = list(dict.fromkeys(place for i in ids if (place := _place(rows.get(i)))))
    return ", ".join(places[:shown]) + (", …" if len(places) > shown else "")


def _place(row: dict | None) -> str | None:
    return (row.get("municipality") or row.get("district")) if row else None


def _url(pairs: list[tuple[str, str]]) -> str:
    query = urlencode(pairs)
    return url_for("pages.search") + ("?" + query if query else "")


def _pairs_without(req: SearchRequest, drop) -> list[tuple[str, str]]:
    """The request's URL parameters (page reset) minus those for which ``drop(key, value)`` holds."""
    return [(k, v) for k, v in _pairs(req) if k != "page" and not drop(k, v)]


def _means(facet: Facet, raw: str, value: str) -> bool:
    """Does the URL value ``raw`` (maybe typed: ``Bochum``) select the facet value ``value`` (an ARS)?"""
    return raw == value or value in facet.resolver(raw)


class _Links:
    """The request's URL parameters (page reset), each encoded once: every facet link and chip is this query with
    one pair added or a few left out, so a page's links take time linear in their length (no re-reading of every
    parameter, no resolving of every value, per link)."""

    def __init__(self, req: SearchRequest):
        pairs = [(k, v) for k, v in _pairs(req) if k != "page"]
        self.pairs = pairs
        self.encoded = [urlencode([pair]) for pair in pairs]
        self.query = "&".join(self.encoded)
        self.base = url_for("pages.search")
        self.positions: dict[tuple[str, str], list[int]] = {}
        for i, pair in enumerate(pairs):
            self.positions.setdefault(pair, []).append(i)

    def adding(self, name: str, value: str) -> str:
        extra = urlencode([(name, value)])
        return f"{self.base}?{self.query}&{extra}" if self.query else f"{self.base}?{extra}"

    def without(self, drop) -> str:
        """The URL without the pairs at the positions ``drop``."""
        drop = set(drop)
        query = "&".join(part for i, part in enumerate(self.encoded) if i not in drop)
        return self.base + ("?" + query if query else "")

    def where(self, keep) -> list[int]:
        """Positions of the pairs for which ``keep(key, value)`` holds."""
        return [i for i, (k, v) in enumerate(self.pairs) if keep(k, v)]


def _toggles(links: _Links, facet: Facet, counts) -> dict:
    """value -> toggle URL for a facet's values; each URL value of the facet is resolved once."""
    selected = [(i, v, set(facet.resolver(v))) for i, (k, v) in enumerate(links.pairs) if k == facet.name]
    out = {}
    for c in counts:
        if c.active:
            out[c.value] = links.without(i for i, raw, resolved in selected if raw == c.value or c.value in resolved)
        else:
            out[c.value] = links.adding(facet.name, c.value)
    return out


def facet_views(req: SearchRequest, result) -> list[FacetView]:
    links = _Links(req)
    views = []
    for facet in FACETS:
        counts = result.facets.get(facet.name, [])
        if not counts:
            continue
        head = counts[: facet.show]
        tail = counts[facet.show:]
        shown = head + [c for c in tail if c.active]
        more = [c for c in tail if not c.active]
        views.append(FacetView(facet, shown, more, _toggles(links, facet, (*shown, *more))))
    return views


def value_label(facet: Facet, raw: str) -> str:
    resolved = facet.resolver(raw)
    if len(resolved) == 1:
        return facet.labeler(resolved[0])
    return raw


def chips(req: SearchRequest) -> list[Chip]:
    links = _Links(req)
    out = []
    for name, values in req.filters.items():
        facet = BY_NAME[name]
        for raw in values:
            out.append(Chip(f"{facet.label}: {value_label(facet, raw)}", links.without(links.positions[(name, raw)])))
    for name, label in (("date_from", "Von"), ("date_to", "Bis")):
        value = getattr(req, name)
        if value:
            out.append(Chip(f"{label}: {german_date(value)}", links.without(links.positions[(name, value)])))
    return out


def _page_url(req: SearchRequest, page: int) -> str:
    query = params.query_string(req, params.PAGE_COLLAPSE, page=page if page > 1 else None)
    return url_for("pages.search") + ("?" + query if query else "")


def pagination(req: SearchRequest, result) -> dict | None:
    listed = result.total if result.entries is None else result.entries  # entries, when copies were folded
    last = min((listed + req.per_page - 1) // req.per_page, 10_000 // req.per_page)
    if last <= 1:
        return None
    current = req.page
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    items, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            items.append(None)  # gap
        items.append((n, _page_url(req, n)))
        previous = n
    prev_url = _page_url(req, current - 1) if current > 1 else None
    next_url = _page_url(req, current + 1) if current < last else None
    return {"items": items, "current": current, "last": last, "prev": prev_url, "next": next_url}


# -- document ------------------------------------------------------------


@bp.get("/dokument/<int:doc_id>")
def document(doc_id: int):
    archive = get_archive()
    doc = visibility.document(doc_id)
    try:
        _path, file_row = archive.original(doc_id)
    except NotFound:
        file_row = None
    return render_template("document.html", doc=doc, file=file_row, paragraphs=paragraphs(doc.get("text") or ""),
                           same_text=same_text(doc), similar=similar(doc), format_labels=FORMAT_LABELS,
                           publication_labels=STATES,
                           history=archive.history(doc_id) if security.is_staff() else [])


def paragraphs(text: str) -> list[str]:
    """The full text's paragraphs without the line breaks of a page inside sentences (``archive.reflow``); short
    lines of a letterhead or an address stay lines of one paragraph (CSS ``white-space: pre-line``)."""
    return reflowed(text)


def same_text(doc: dict, limit: int = SAME_TEXT_SHOWN) -> list[dict]:
    """"Gleicher Mustertext": the published documents holding most of this one's text, those of other towns
    first, each with ``percent`` (share of this text, rounded down)."""
    rows = get_archive().same_text(doc["id"], limit)
    here = doc.get("municipality_ars")
    for row in rows:
        row["percent"] = percent_of(row["share"])
    return sorted(rows, key=lambda row: bool(here) and row["municipality_ars"] == here)


def percent_of(share: float) -> int:
    """A share 0..1 as whole percent, rounded down (0.999 is 99 %, only an identical text is 100 %)."""
    return int(share * 100 + 1e-9)


def similar(doc: dict) -> list:
    """"Ähnliche Dokumente": up to five by content, each with its reason (``archive.similar``)."""
    try:
        return get_archive().similar_to(doc)
    except ArchiveError:
        return []


@bp.get("/dokument/<int:doc_id>/original")
def original(doc_id: int):
    visibility.document(doc_id)
    path, file_row = get_archive().original(doc_id)
    name = file_row["original_name"] or f"dokument-{doc_id}.{file_row['format']}"
    return send_file(path, mimetype=MIMETYPES.get(file_row["format"], "application/octet-stream"),
                     as_attachment=True, download_name=name)


# -- template helpers and errors -----------------------------------------


@bp.app_template_filter("german_date")
def german_date(value: str | None) -> str:
    """``2023-03-13`` -> ``13.03.2023``; anything else unchanged."""
    if not value:
        return ""
    match = _DATE.match(value)
    return f"{match[3]}.{match[2]}.{match[1]}" if match else value


@bp.app_template_filter("doc_type_label")
def doc_type_label(value: str | None) -> str:
    return vocab.DOC_TYPES.get(value or "", value or "")


@bp.app_template_filter("topic_label")
def topic_label(value: str) -> str:
    return vocab.topic_label(value)


@bp.app_template_filter("place_line")
def place_line(row: dict) -> str:
    """``Bochum`` or ``Bad Honnef, Rhein-Sieg-Kreis``: the Kommune and, if different, its Kreis."""
    parts = [row.get("municipality"), row.get("district")]
    if parts[0] and parts[1] == parts[0]:
        parts = parts[:1]
    return ", ".join(p for p in parts if p)


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} Byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


@bp.app_template_filter("breakable")
def breakable(value: str | None) -> Markup:
    """Escaped text with optional line breaks after ``_ - .`` (long file names in narrow cells)."""
    return Markup("<wbr>").join(escape(part) for part in _BREAK_AFTER.split(value or "")) if value else Markup("–")


@bp.app_template_filter("thousands")
def thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@bp.app_errorhandler(NotFound)
def not_found(exc: NotFound):
    return render_template("error.html", title="Nicht gefunden", message=exc.for_user()), 404


@bp.app_errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    return render_template("error.html", title="Ungültige Anfrage", message=exc.for_user()), 400


@bp.app_errorhandler(ArchiveError)
def archive_error(exc: ArchiveError):
    return render_template("error.html", title="Fehler", message=exc.for_user()), 500


HTTP_MESSAGES = {
    400: ("Ungültige Anfrage", "Die Anfrage konnte nicht verstanden werden."),
    404: ("Nicht gefunden", "Diese Seite gibt es nicht."),
    405: ("Nicht erlaubt", "Diese Aktion ist an dieser Adresse nicht erlaubt."),
    500: ("Fehler", "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."),
}


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    code = exc.code or 500
    title, message = HTTP_MESSAGES.get(code, (exc.name, exc.description or ""))
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), code
    return render_template("error.html", title=title, message=message), code
