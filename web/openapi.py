"""The public API described as OpenAPI 3.1 (``/api/openapi.json``) and as a readable page (``/api``), both made
from one description here; ``tests/test_openapi.py`` runs schemathesis against it on the real app."""

from flask import Blueprint, jsonify, render_template, url_for

from archive.facets import FACETS
from archive.search import MAX_FACET_LIMIT, MAX_PER_PAGE, SORTS
from archive.suggest import MAX_LIMIT as MAX_SUGGESTIONS
from web.params import MAX_FACET_VALUES

bp = Blueprint("openapi", __name__)

NULLABLE_STRING = {"type": ["string", "null"]}
ERROR = {"description": "Ungültige Anfrage: `error` sagt auf Deutsch, was nicht stimmt",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
NOT_FOUND = {"description": "Kein (veröffentlichtes) Dokument mit dieser Nummer",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _param(name: str, schema: dict, description: str, required: bool = False, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


def search_parameters() -> list[dict]:
    """The parameters of ``/api/search``, which the export and the feed take too."""
    facets = [_param(f.name, {"type": "array", "items": {"type": "string"}, "maxItems": MAX_FACET_VALUES},
                     f"Filter {f.label} (wiederholbar; Werte einer Facette ODER, Facetten UND)") for f in FACETS]
    for param in facets:
        param.update({"style": "form", "explode": True})
    return [
        _param("q", {"type": "string"}, "Suchanfrage in der Abfragesprache (Wörter, \"Phrase\", OR, -nicht, "
               "präfix*, feld:wert)"),
        *facets,
        _param("date_from", {"type": "string", "format": "date"}, "Datum ab (JJJJ-MM-TT)"),
        _param("date_to", {"type": "string", "format": "date"}, "Datum bis (JJJJ-MM-TT)"),
        _param("sort", {"type": "string", "enum": list(SORTS)}, "Sortierung"),
        _param("page", {"type": "integer", "minimum": 1, "maximum": 500}, "Seite"),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Treffer pro Seite"),
        _param("facet_limit", {"type": "integer", "minimum": 1, "maximum": MAX_FACET_LIMIT},
               "Werte pro Facette"),
        _param("modified_since", {"type": "string", "format": "date-time"},
               "Nur Dokumente, die seit diesem Zeitpunkt (UTC) aufgenommen oder geändert wurden"),
        _param("literal", {"type": "string", "enum": ["0", "1", "true", "false", "ja", "nein"]},
               "Wörter wörtlich suchen (keine Deutung von Typ- und Ratswörtern)"),
        _param("collapse", {"type": "string", "enum": ["same_text", "none"]},
               "same_text: Fassungen desselben Textes als ein Treffer (mit versions); total zählt weiter Dokumente"),
    ]


def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Antragsarchiv API", "version": "1",
                 "description": "Anträge, Anfragen und Pressemitteilungen kommunaler Fraktionen: Suche, Dokumente, "
                                "Export, Feeds. Öffentlich sind nur veröffentlichte Dokumente; Entwürfe sieht nur, "
                                "wer ein API-Token sendet."},
        "servers": [{"url": url_for("pages.search", _external=True).rstrip("/")}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "Persönliches Token aus "
                      "`flask --app search_app token create NAME`"}}},
    }


def _paths() -> dict:
    return {
        "/api/search": {"get": {
            "summary": "Suchen", "operationId": "search", "parameters": search_parameters(),
            "responses": {"200": _json("Eine Seite Treffer mit Facetten", "SearchResult"), "400": ERROR}}},
        "/api/documents/{doc_id}": {"get": {
            "summary": "Ein Dokument mit Text und allen Angaben", "operationId": "document",
            "parameters": [_param("doc_id", {"type": "integer", "minimum": 1}, "Dokumentnummer", True, "path")],
            "security": [{}, {"token": []}],
            "responses": {"200": _json("Das Dokument", "Document"), "404": NOT_FOUND}}},
        "/api/documents": {"post": _upload()},
        "/api/suggest": {"get": {
            "summary": "Vorschläge für das letzte Wort", "operationId": "suggest",
            "parameters": [_param("q", {"type": "string"}, "Eingabe bis zum Cursor"),
                           _param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS},
                                  "Anzahl")],
            "responses": {"200": _json("Vorschläge", "Suggestions"), "400": ERROR}}},
        "/api/export": {"get": _export()},
        "/api/changes": {"get": {
            "summary": "Was sich seit einem Zeitpunkt geändert hat", "operationId": "changes",
            "parameters": [_param("since", {"type": "string", "format": "date-time"}, "Zeitpunkt (UTC)", True),
                           _param("limit", {"type": "integer", "minimum": 1, "maximum": 10_000}, "Höchstens")],
            "responses": {"200": _json("Geänderte und entfernte Dokumente", "Changes"), "400": ERROR}}},
        "/api/snapshot.db": {"get": {
            "summary": "Das ganze veröffentlichte Archiv als SQLite-Datei (für datasette)", "operationId": "snapshot",
            "responses": {"200": {"description": "SQLite-Datei", "content": {"application/vnd.sqlite3": {
                "schema": {"type": "string"}}}}, "404": NOT_FOUND}}},
        "/feed.atom": {"get": {
            "summary": "Eine Suche als Atom-Feed, neueste zuerst", "operationId": "feed",
            "parameters": search_parameters(),
            "responses": {"200": {"description": "Atom 1.0", "content": {"application/atom+xml": {
                "schema": {"type": "string"}}}}, "400": ERROR}}},
    }


def _json(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _upload() -> dict:
    fields = {name: {"type": "string"} for name in ("title", "doc_type", "date", "municipality", "district",
                                                   "state", "parties", "faction", "topics")}
    body = {"type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}, **fields}}
    return {"summary": "Eine Datei hochladen (wird Entwurf)", "operationId": "upload",
            "security": [{"token": []}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": body}}},
            "responses": {"201": _json("Gespeichert und zum Lesen eingereiht", "Document"),
                          "200": _json("Dieselbe Datei ist schon im Archiv", "Document"),
                          "400": ERROR,
                          "401": {"description": "Kein gültiges Token",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "413": {"description": "Größer als MAX_UPLOAD_MB",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                          "415": {"description": "Format nicht unterstützt (am Inhalt erkannt)",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}


def _export() -> dict:
    formats = _param("format", {"type": "string", "enum": ["csv", "jsonl", "xlsx", "zip"]}, "Format", True)
    extra = [_param("text", {"type": "string", "enum": ["0", "1"]}, "Mit Volltext (`text`)"),
             _param("sep", {"type": "string", "enum": [";", ","]}, "Trennzeichen der CSV")]
    content = {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}},
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string"}},
               "application/zip": {"schema": {"type": "string"}}}
    return {"summary": "Alle Treffer einer Suche als Datei", "operationId": "export",
            "parameters": [formats, *search_parameters(), *extra],
            "responses": {"200": {"description": "Die Datei (Anhang)", "content": content}, "400": ERROR,
                          "413": {"description": "Zu viele Originale für ein ZIP",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}


_HIT = {
    "type": "object",
    "required": ["id", "title", "doc_type", "date", "municipality", "url"],
    "properties": {
        "id": {"type": "integer"}, "title": NULLABLE_STRING, "doc_type": {"type": "string"},
        "date": NULLABLE_STRING, "municipality": NULLABLE_STRING, "ars": NULLABLE_STRING,
        "district": NULLABLE_STRING, "state": NULLABLE_STRING, "party": NULLABLE_STRING,
        "faction": NULLABLE_STRING, "topics": {"type": ["array", "null"], "items": {"type": "string"}},
        "snippet": {"type": "string"}, "url": {"type": "string"}, "download_url": {"type": "string"},
        # with collapse=same_text: the documents this hit stands for (itself and the copies of its text)
        "versions": {"type": "integer", "minimum": 1},
        "other_versions": {"type": "array", "items": {"type": "integer"}},
    },
}
SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Hit": _HIT,
    "FacetCount": {"type": "object", "required": ["value", "label", "count"],
                   "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                                  "count": {"type": "integer"}}},
    "SearchResult": {
        "type": "object", "required": ["total", "page", "per_page", "hits", "facets"],
        "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"$ref": "#/components/schemas/FacetCount"}}},
            "hints": {"type": "array", "items": {"type": "string"}}, "partial": {"type": "integer"},
            "suggestion": NULLABLE_STRING, "reading": {"type": ["object", "null"]},
            "entries": {"type": ["integer", "null"]},
        },
    },
    "Document": {
        "type": "object", "required": ["id", "status", "text_status", "doc_type", "url"],
        "properties": {**_HIT["properties"], "status": {"type": "string", "enum": ["draft", "published",
                                                                                     "withdrawn"]},
                       "text_status": {"type": "string"}, "text": NULLABLE_STRING,
                       "confidence": {"type": "object"},
                       "muster": {"type": "boolean", "description": "von der Redaktion als Muster (Vorlage für "
                                                                    "andere Kommunen) markiert: muster:ja"},
                       "same_text": {"type": "array", "items": {
                           "type": "object", "required": ["id", "share", "title", "municipality", "date"],
                           "properties": {"id": {"type": "integer"}, "share": {"type": "number", "minimum": 0,
                                                                               "maximum": 1},
                                          "title": NULLABLE_STRING, "municipality": NULLABLE_STRING,
                                          "date": NULLABLE_STRING}}},
                       "similar": {"type": "array", "items": {
                           "type": "object", "required": ["id", "title", "reason"],
                           "properties": {"id": {"type": "integer"}, "title": NULLABLE_STRING,
                                          "reason": {"type": "string"}}}}},
    },
    "Suggestions": {"type": "object", "required": ["q", "suggestions"], "properties": {
        "q": {"type": "string"}, "suggestions": {"type": "array", "items": {
            "type": "object", "required": ["kind", "label", "value", "count"]}}}},
    "Changes": {"type": "object", "required": ["since", "changed", "removed"], "properties": {
        "since": {"type": "string"}, "next_since": NULLABLE_STRING,
        "changed": {"type": "array", "items": {"type": "object", "required": ["id", "updated_at", "url"]}},
        "removed": {"type": "array", "items": {"type": "object", "required": ["id", "at", "reason"]}}}},
}


@bp.get("/api/openapi.json")
def openapi_json():
    return jsonify(spec())


@bp.get("/api")
def api_page():
    """The same description as a page, made by the app itself (no CDN, no script)."""
    return render_template("api.html", spec=spec())
