"""Feeds for harvesters and readers: ``/feed.atom`` (any search as an Atom feed, newest first) and
``/api/changes?since=…`` (what changed since a time: published or updated documents, and those withdrawn or
deleted, so that mirrors can drop them). Only published documents appear in either."""

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, jsonify, request, url_for
from markupsafe import Markup

from archive import BadRequest, SearchRequest, vocab
from web import params
from web.context import get_archive

bp = Blueprint("feeds", __name__)

FEED_SIZE = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0
MAX_CHANGES = 10_000
DEFAULT_CHANGES = 1_000


@bp.get("/feed.atom")
def atom():
    """The search of the request's parameters (as ``/api/search``) as Atom: the newest 50 documents unless
    ``sort`` says otherwise."""
    args = request.args.copy()
    args.setdefault("sort", "newest")
    args.setdefault("per_page", str(FEED_SIZE))
    args.pop("page", None)
    req = params.search_request(args)
    result = get_archive().search(req)
    rows = get_archive().documents([hit.id for hit in result.hits])
    feed = _feed(req, [(rows[hit.id], hit.snippet) for hit in result.hits if hit.id in rows])
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")


@bp.app_template_global("feed_url")
def feed_url(req: SearchRequest) -> str:
    """The Atom feed of the search ``req`` (page, size and the default sort left out)."""
    pairs = [(k, v) for k, v in params.to_pairs(req) if k not in ("page", "per_page", "facet_limit")
             and not (k == "sort" and v == "relevance")]
    return url_for("feeds.atom") + ("?" + urlencode(pairs) if pairs else "")


def _feed(req: SearchRequest, entries: list[tuple[dict, str]]) -> FeedGenerator:
    pairs = [(k, v) for k, v in params.to_pairs(req) if k not in ("page", "per_page")]
    query = ("?" + urlencode(pairs)) if pairs else ""
    feed = FeedGenerator()
    feed.id(url_for("feeds.atom", _external=True) + query)
    feed.title(xml_text(f"Antragsarchiv: {req.q.strip()}" if req.q.strip() else "Antragsarchiv: neue Dokumente"))
    feed.subtitle("Anträge, Anfragen und Pressemitteilungen kommunaler Fraktionen")
    feed.link(href=url_for("pages.search", _external=True) + query, rel="alternate", type="text/html")
    feed.link(href=url_for("feeds.atom", _external=True) + query, rel="self", type="application/atom+xml")
    feed.language("de")
    feed.author({"name": "Antragsarchiv"})
    feed.updated(max((_time(row["updated_at"]) for row, _s in entries), default=datetime.now(UTC)))
    for row, snippet in reversed(entries):  # feedgen puts each new entry first
        _entry(feed, row, snippet)
    return feed


def _entry(feed: FeedGenerator, row: dict, snippet: str) -> None:
    entry = feed.add_entry()
    link = url_for("pages.document", doc_id=row["id"], _external=True)
    entry.id(link)
    entry.title(xml_text(row["title"] or "Ohne Titel"))
    entry.link(href=link, rel="alternate", type="text/html")
    entry.updated(_time(row["updated_at"]))
    entry.published(_time(row["added_at"]))
    entry.author({"name": xml_text(row["faction"] or row["party"] or "unbekannt")})
    place = ", ".join(p for p in (row["municipality"], row["state"]) if p)
    kind = vocab.DOC_TYPES.get(row["doc_type"], row["doc_type"])
    date = row["date"] or "ohne Datum"
    text = Markup(snippet).striptags() if snippet else ""
    entry.summary(xml_text(f"{kind} · {place or 'ohne Ort'} · {date}" + (f" – {text}" if text else "")))
    entry.category([{"term": row["doc_type"], "label": kind},
                    *({"term": topic, "label": topic} for topic in row["topics"] or [])])


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot carry (control characters typed into a query, or left in a
    title by a broken file)."""
    return _NOT_XML.sub("", value)


def _time(value: str | None) -> datetime:
    moment = datetime.fromisoformat(value) if value else datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@bp.get("/api/changes")
def changes():
    """``since`` (ISO time, required), ``limit`` (1..10,000, default 1,000): ``changed`` (published documents
    added or updated since, oldest change first) and ``removed`` (documents withdrawn or deleted since and not
    public now); when ``changed`` was cut at ``limit``, ``next_since`` is where to go on."""
    since = _since(request.args.get("since"))
    limit = _limit(request.args.get("limit"))
    store = get_archive().store
    sql = ("SELECT id, updated_at FROM documents WHERE publication = 'published' AND updated_at >= ? "
           "ORDER BY updated_at, id LIMIT ?")
    changed = [{"id": doc_id, "updated_at": at, "url": url_for("pages.document", doc_id=doc_id, _external=True)}
               for doc_id, at in store.db.execute(sql, [since, limit + 1])]
    more = len(changed) > limit
    changed = changed[:limit]
    return jsonify({"since": since, "changed": changed, "removed": _removed(store, since),
                    "next_since": changed[-1]["updated_at"] if more else None})


def _removed(store, since: str) -> list[dict]:
    sql = ("SELECT audit_log.document_id, max(audit_log.at), documents.id IS NULL FROM audit_log "
           "LEFT JOIN documents ON documents.id = audit_log.document_id "
           "WHERE audit_log.action IN ('withdraw', 'delete') AND audit_log.at >= ? "
           "AND (documents.id IS NULL OR documents.publication != 'published') "
           "GROUP BY audit_log.document_id ORDER BY max(audit_log.at)")
    return [{"id": doc_id, "at": at, "reason": "deleted" if gone else "withdrawn"}
            for doc_id, at, gone in store.db.execute(sql, [since])]


def _since(raw: str | None) -> str:
    if not raw:
        raise BadRequest("since fehlt: ein Zeitpunkt im Format JJJJ-MM-TTThh:mm:ss (UTC), z. B. 2024-01-31T00:00:00")
    return params.moment(raw, "since")


def _limit(raw: str | None) -> int:
    if not raw:
        return DEFAULT_CHANGES
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_CHANGES):
        raise BadRequest(f"limit muss eine ganze Zahl zwischen 1 und {MAX_CHANGES} sein")
    return int(raw)


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    return jsonify({"error": exc.for_user()}), 400
