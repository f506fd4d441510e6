"""The tantivy engine (tantivy-py): everything that imports tantivy. Selected with ``SEARCH_ENGINE=tantivy``."""

from archive.engine.tantivy.engine import TantivyEngine
from archive.engine.tantivy.reader import TantivyReader

__all__ = ["TantivyEngine", "TantivyReader"]
