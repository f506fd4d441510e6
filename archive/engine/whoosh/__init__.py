"""The Whoosh engine: everything that imports whoosh for searching (the default engine, nothing to install)."""

from archive.engine.whoosh.index import Index, create_empty, rebuild
from archive.engine.whoosh.plan import WhooshTerms, to_query, to_whoosh
from archive.engine.whoosh.reader import WhooshReader

__all__ = ["Index", "WhooshReader", "WhooshTerms", "create_empty", "rebuild", "to_query", "to_whoosh"]
