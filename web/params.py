"""Turn URL parameters into a SearchRequest and back (the URL holds the whole search state)."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from archive import BadRequest, SearchRequest
from archive.facets import FACETS
from archive.search import DEFAULT_FACET_LIMIT, SAME_TEXT

MAX_FACET_VALUES = 50  # values per facet parameter: more is refused (each value costs a facet lookup and a link)
LABELS = {"page": "Seite (page)", "per_page": "Treffer pro Seite (per_page)",
          "facet_limit": "Werte pro Facette (facet_limit)"}


# Every URL parameter of the search page and /api/search, then those /api/export adds (web/exports.py); the
# README documents each.
PARAMETERS = ("q", *(facet.name for facet in FACETS), "date_from", "date_to", "sort", "page", "per_page",
              "facet_limit", "literal", "collapse", "modified_since", "format", "text", "sep")


# copies of one text are one entry on the search page unless ?collapse=none; /api/search only with ?collapse=same_text
PAGE_COLLAPSE = SAME_TEXT
NO_COLLAPSE = ("", "none", "0")


def search_request(args: MultiDict, default_per_page: int = 20, default_collapse: str = "") -> SearchRequest:
    """Build a SearchRequest; raise BadRequest (German message) on invalid values. ``default_collapse`` is the
    surface's ``collapse`` when the URL has none (the search page's is ``same_text``)."""
    filters = {}
    for facet in FACETS:
        values = tuple(v.strip() for v in args.getlist(facet.name) if v.strip())
        if len(values) > MAX_FACET_VALUES:
            raise BadRequest(f"Zu viele Werte für {facet.label} ({facet.name}): höchstens {MAX_FACET_VALUES} Werte "
                             f"je Filter, angegeben waren {len(values)}")
        if values:
            filters[facet.name] = values
    return SearchRequest(
        q=args.get("q", ""),
        filters=filters,
        date_from=args.get("date_from") or None,
        date_to=args.get("date_to") or None,
        sort=args.get("sort") or "relevance",
        page=_int(args, "page", 1),
        per_page=_int(args, "per_page", default_per_page),
        facet_limit=_int(args, "facet_limit", DEFAULT_FACET_LIMIT),
        literal=flag(args, "literal"),
        collapse=collapse(args, default_collapse),
        modified_since=moment(args.get("modified_since")),
    )


def moment(raw: str | None, name: str = "modified_since") -> str | None:
    """An ISO time parameter (``modified_since``, ``since``: ``2024-01-31T00:00:00Z``; UTC without an offset), as
    the store writes times; BadRequest otherwise."""
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as exc:
        raise BadRequest(f"{name} ist kein gültiger Zeitpunkt: {raw!r} (Format JJJJ-MM-TTThh:mm:ss)") from exc
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")


def collapse(args: MultiDict, default: str) -> str:
    """``collapse=same_text`` folds copies of one text into one entry; ``none`` (or empty) does not."""
    raw = args.get("collapse")
    if raw is None:
        return default
    raw = raw.strip().lower()
    if raw in NO_COLLAPSE:
        return ""
    if raw == SAME_TEXT:
        return SAME_TEXT
    raise BadRequest(f"collapse muss {SAME_TEXT} oder none sein")


def flag(args: MultiDict, name: str) -> bool:
    """A yes/no parameter: ``1``/``true``/``ja`` or ``0``/``false``/``nein``/empty; BadRequest otherwise."""
    raw = (args.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "nein"):
        return False
    if raw in ("1", "true", "ja"):
        return True
    raise BadRequest(f"{name} muss 1 oder 0 sein")


def _int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadRequest(f"{LABELS.get(name, name)} muss eine ganze Zahl sein") from exc


def to_pairs(request: SearchRequest, collapse_default: str | None = None) -> list[tuple[str, str]]:
    """URL parameters for a request, defaults left out; ``collapse`` only for a surface that names its default
    (the search page: ``PAGE_COLLAPSE``), exports and feeds list every document anyway."""
    pairs = [("q", request.q)] if request.q else []
    for name, values in request.filters.items():
        pairs.extend((name, v) for v in values)
    for name in ("date_from", "date_to"):
        if getattr(request, name):
            pairs.append((name, getattr(request, name)))
    if request.sort != "relevance":
        pairs.append(("sort", request.sort))
    if request.per_page != 20:
        pairs.append(("per_page", str(request.per_page)))
    if request.facet_limit != DEFAULT_FACET_LIMIT:
        pairs.append(("facet_limit", str(request.facet_limit)))
    if request.literal:
        pairs.append(("literal", "1"))
    if request.modified_since:
        pairs.append(("modified_since", request.modified_since))
    if collapse_default is not None and request.collapse != collapse_default:
        pairs.append(("collapse", request.collapse or "none"))
    if request.page != 1:
        pairs.append(("page", str(request.page)))
    return pairs


def query_string(request: SearchRequest, collapse_default: str | None = None, **changes) -> str:
    """The URL query for ``request`` with parameters replaced (None removes one)."""
    pairs = [(k, v) for k, v in to_pairs(request, collapse_default) if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is not None:
            pairs.append((key, str(value)))
    return urlencode(pairs)
