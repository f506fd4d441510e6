"""Text reuse: which documents share most of their text ("Gleicher Mustertext").

Many motions are filed nearly word for word in several towns (a party's Musterantrag), and one text often
reaches the archive twice (the programme as PDF and as DOCX). Each document's text becomes a set of word
shingles: 5 consecutive words of the folded text (lower case, ß -> ss, letters only, so dates, phone numbers and
page numbers drop out), without contact lines (e-mail, web addresses), and with the words of its own Kommune
replaced by one placeholder, so that "Der Rat der Stadt Bochum" and "Der Rat der Stadt Kiel" agree. A MinHash
signature of that set (datasketch, 128 permutations) is stored per document in ``reuse_signatures``, and the
signature cut into 64 bands of 2 values gives 64 keys in ``reuse_bands`` (an indexed table): documents that
share a band key are candidates, found by one SQL query instead of an in-memory LSH that every process would
have to rebuild. Candidates whose signatures promise enough overlap are verified exactly on their shingles,
and every pair of which at least ``SHARE`` of one text is in the other is stored in ``same_text``:

    same_text(doc_id, other_id, share)   share = |shingles(doc) & shingles(other)| / |shingles(doc)|

``share`` is directional: the part of *this* document's text found in the other one (a short motion quoted
whole in a long programme has share 1.0 there, the programme only a small share in the motion, which is not
stored). Two documents are *copies of one text* (grouped by ``collapse=same_text``) when the pair is stored in
both directions.

Signatures and pairs are computed for every document with text, drafts and withdrawn ones too (staff see a
draft's matches before publishing); every public reading joins ``documents`` and keeps published ones only.
They are brought up to date where SQLite writes reach the index (``archive.indexing``: every write queues the
ids it touched), on upload processing (so the warning is there when the upload is done) and for ``flask
similar rebuild``. A document whose text did not change (same hash of its shingle text) is not computed again;
a deleted one loses its rows with its ``documents`` row.
"""

import hashlib
import logging
import re
import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from archive.analysis import STOPWORDS, fold

log = logging.getLogger(__name__)

SHINGLE = 5  # words per shingle
NUM_PERM = 128  # MinHash permutations
BAND_ROWS = 2  # signature values per LSH band: 64 bands; a pair with Jaccard 0.2 shares a band with p = 0.93
SEED = 20261207  # of the permutations: changing it (or the above) needs `flask similar rebuild`
SHARE = 0.5  # pairs are stored when at least this share of one text is in the other
MARGIN = 0.15  # signature estimates below SHARE - MARGIN are not verified
MIN_SHINGLES = 20  # texts with fewer shingles (about 25 words) are too short to call anything the same text
PLACE = "ort"  # what the words of a document's own Kommune become
PUBLISHED = "published"  # archive.store.PUBLISHED (the store imports this module)
MAX_CANDIDATES = 2000  # per document, most shared bands first

_WORD = re.compile(r"[^\W\d_]+")
_CONTACT = re.compile(r"@|https?:|www\.", re.IGNORECASE)

SCHEMA = """
CREATE TABLE IF NOT EXISTS reuse_signatures (
    doc_id INTEGER PRIMARY KEY,
    text_hash TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB
);
CREATE TABLE IF NOT EXISTS reuse_bands (
    band INTEGER NOT NULL,
    doc_id INTEGER NOT NULL,
    PRIMARY KEY (band, doc_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS same_text (
    doc_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    share REAL NOT NULL,
    PRIMARY KEY (doc_id, other_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS same_text_other ON same_text (other_id);
-- archive.similar: a document's similar documents, computed on its first view
CREATE TABLE IF NOT EXISTS similar_cache (
    doc_id INTEGER PRIMARY KEY,
    computed_at TEXT NOT NULL,
    items TEXT NOT NULL
);
"""


def create_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)


# -- shingles and signatures ---------------------------------------------------------------------------------


def words(text: str, place: str | None = None) -> list[str]:
    """The folded words of ``text`` that shingles are made of: letters only, no contact lines, the words of
    ``place`` (the document's Kommune) as ``PLACE``."""
    own = _place_words(place)
    out = []
    for line in (text or "").splitlines():
        if _CONTACT.search(line):
            continue
        for word in _WORD.findall(fold(line)):
            if len(word) > 1:
                out.append(PLACE if word in own else word)
    return out


@lru_cache(maxsize=4096)
def _place_words(place: str | None) -> frozenset[str]:
    if not place:
        return frozenset()
    return frozenset(w for w in _WORD.findall(fold(place)) if len(w) > 2 and w not in STOPWORDS)


def shingles(text: str, place: str | None = None) -> np.ndarray:
    """The sorted distinct 32-bit hashes (CRC-32) of the text's ``SHINGLE``-word shingles."""
    found = words(text, place)
    if len(found) < SHINGLE:
        return np.zeros(0, dtype=np.uint32)
    hashes = [zlib.crc32(" ".join(found[i:i + SHINGLE]).encode()) for i in range(len(found) - SHINGLE + 1)]
    return np.unique(np.array(hashes, dtype=np.uint32))


def _identity(value: int) -> int:
    return value


def signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a set of shingle hashes."""
    from datasketch import MinHash  # imported on first use: it loads scipy, which the web pages do not need

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity)
    minhash.update_batch(hashes.tolist())
    return minhash.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band of ``BAND_ROWS`` values (the band's number is part of the key)."""
    keys = []
    for band in range(NUM_PERM // BAND_ROWS):
        part = sig[band * BAND_ROWS:(band + 1) * BAND_ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + part, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


@dataclass(frozen=True)
class Text:
    """One document's text as shingles, with its signature (None when too short)."""

    doc_id: int
    hashes: np.ndarray
    text_hash: str
    sig: np.ndarray | None

    @property
    def size(self) -> int:
        return int(self.hashes.size)


def text_of(row: Mapping) -> Text:
    hashes = shingles(row.get("text") or "", row.get("municipality"))
    text_hash = hashlib.sha1(hashes.tobytes()).hexdigest()
    sig = signature(hashes) if hashes.size >= MIN_SHINGLES else None
    return Text(row["id"], hashes, text_hash, sig)


def estimate(a: Text, size_b: int, sig_b: np.ndarray) -> float:
    """The larger of the two shares the signatures estimate (Jaccard -> intersection -> share)."""
    jaccard = float(np.mean(a.sig == sig_b))
    common = jaccard * (a.size + size_b) / (1 + jaccard)
    return common / min(a.size, size_b)


# -- keeping the tables in line ----------------------------------------------------------------------------


def update(conn: sqlite3.Connection, rows: Mapping[int, Mapping], ids: Iterable[int],
           cache: "Cache | None" = None) -> int:
    """Bring the signatures and pairs of ``ids`` in line with their rows (``rows``: id -> documents row with
    text and municipality; an id without a row was deleted). Each document is committed on its own, unless the
    caller's transaction is open (then the caller commits). Returns how many documents were computed anew."""
    done = 0
    for doc_id in ids:
        row = rows.get(doc_id)
        if row is None:
            _in_transaction(conn, lambda i=doc_id: forget(conn, [i]))
            continue
        text = text_of(row)
        if cache is not None:
            cache.put(text)
        stored = conn.execute("SELECT text_hash FROM reuse_signatures WHERE doc_id = ?", [doc_id]).fetchone()
        if stored and stored[0] == text.text_hash:
            continue
        _in_transaction(conn, lambda t=text: _store(conn, t, cache))
        done += 1
    return done


def _in_transaction(conn: sqlite3.Connection, work: Callable[[], None]) -> None:
    if conn.in_transaction:
        work()
        return
    with conn:
        work()


def _store(conn: sqlite3.Connection, text: Text, cache: "Cache | None" = None) -> None:
    """Replace one document's signature, bands and pairs. Its first write (in ``forget``) comes before the
    candidates are read, so SQLite's write lock is held from there on: a copy being stored by another thread or
    process at the same time is either committed already (and found) or waits and finds this one. No lock of
    our own: an upload computes inside its transaction, which holds the write lock already, and a lock taken
    after it could deadlock with a sync holding that lock and waiting for SQLite."""
    forget(conn, [text.doc_id])
    forget_cached(conn, [text.doc_id])
    sig = None if text.sig is None else text.sig.tobytes()
    conn.execute("INSERT INTO reuse_signatures (doc_id, text_hash, shingles, signature) VALUES (?, ?, ?, ?)",
                 [text.doc_id, text.text_hash, text.size, sig])
    if text.sig is None:
        return
    keys = band_keys(text.sig)
    pairs = _pairs(conn, text, keys, cache)
    conn.executemany("INSERT INTO reuse_bands (band, doc_id) VALUES (?, ?)", [(key, text.doc_id) for key in keys])
    conn.executemany("INSERT OR REPLACE INTO same_text (doc_id, other_id, share) VALUES (?, ?, ?)", pairs)


def _pairs(conn: sqlite3.Connection, text: Text, keys: list[int], cache: "Cache | None" = None
           ) -> list[tuple[int, int, float]]:
    """The same_text rows between ``text`` and the documents stored so far (both directions)."""
    marks = ",".join("?" * len(keys))
    sql = (f"SELECT doc_id FROM reuse_bands WHERE band IN ({marks}) AND doc_id != ? "
           f"GROUP BY doc_id ORDER BY count(*) DESC LIMIT ?")
    candidates = [row[0] for row in conn.execute(sql, [*keys, text.doc_id, MAX_CANDIDATES])]
    if not candidates:
        return []
    cmarks = ",".join("?" * len(candidates))
    promising = [doc_id for doc_id, size, blob in
                 conn.execute(f"SELECT doc_id, shingles, signature FROM reuse_signatures WHERE doc_id IN ({cmarks})",
                              candidates)
                 if blob and estimate(text, size, np.frombuffer(blob, dtype=np.uint32)) >= SHARE - MARGIN]
    out = []
    for other in _texts(conn, promising, cache):
        common = np.intersect1d(text.hashes, other.hashes, assume_unique=True).size
        mine, theirs = common / text.size, common / max(other.size, 1)
        if mine >= SHARE:
            out.append((text.doc_id, other.doc_id, round(mine, 4)))
        if theirs >= SHARE:
            out.append((other.doc_id, text.doc_id, round(theirs, 4)))
    return out


def _texts(conn: sqlite3.Connection, ids: list[int], cache: "Cache | None" = None) -> list[Text]:
    found = [cache.get(doc_id) for doc_id in ids] if cache is not None else []
    out = [text for text in found if text is not None]
    missing = [doc_id for doc_id in ids if cache is None or cache.get(doc_id) is None]
    if missing:
        marks = ",".join("?" * len(missing))
        sql = f"SELECT id, text, municipality FROM documents WHERE id IN ({marks})"
        for doc_id, body, place in conn.execute(sql, missing):
            text = Text(doc_id, shingles(body or "", place), "", None)
            out.append(text)
            if cache is not None:
                cache.put(text)
    return out


class Cache:
    """The shingles of the documents seen last (a rebuild verifies each pair against texts it had before)."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._texts: OrderedDict[int, Text] = OrderedDict()

    def get(self, doc_id: int) -> Text | None:
        text = self._texts.get(doc_id)
        if text is not None:
            self._texts.move_to_end(doc_id)
        return text

    def put(self, text: Text) -> None:
        self._texts[text.doc_id] = text
        self._texts.move_to_end(text.doc_id)
        while len(self._texts) > self.size:
            self._texts.popitem(last=False)


def rebuild(conn: sqlite3.Connection, batch: int = 200, on_batch: Callable[[int], None] | None = None) -> int:
    """Compute every document's signature and pairs anew (``flask similar rebuild``), in id order and
    ``batch`` rows at a time; ``on_batch(n)`` after each batch. Returns the documents read."""
    clear(conn)
    cache = Cache()
    last, seen = 0, 0
    while True:
        rows = conn.execute("SELECT id, text, municipality FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                            [last, batch]).fetchall()
        if not rows:
            return seen
        by_id = {doc_id: {"id": doc_id, "text": body, "municipality": place} for doc_id, body, place in rows}
        update(conn, by_id, list(by_id), cache)
        last, seen = rows[-1][0], seen + len(rows)
        if on_batch:
            on_batch(len(rows))


def forget(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Remove the signatures, bands and pairs of ``ids`` (deleted documents, or before computing them anew);
    call inside a transaction."""
    for doc_id in ids:
        found = conn.execute("SELECT signature FROM reuse_signatures WHERE doc_id = ?", [doc_id]).fetchone()
        if found and found[0]:
            keys = band_keys(np.frombuffer(found[0], dtype=np.uint32))
            conn.executemany("DELETE FROM reuse_bands WHERE band = ? AND doc_id = ?", [(k, doc_id) for k in keys])
        conn.execute("DELETE FROM reuse_signatures WHERE doc_id = ?", [doc_id])
        conn.execute("DELETE FROM same_text WHERE doc_id = ? OR other_id = ?", [doc_id, doc_id])


def forget_cached(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Drop the cached similar documents of ``ids`` (``archive.similar``), whose text changed or went."""
    conn.executemany("DELETE FROM similar_cache WHERE doc_id = ?", [(doc_id,) for doc_id in ids])


def clear(conn: sqlite3.Connection) -> None:
    with conn:
        for table in ("reuse_signatures", "reuse_bands", "same_text", "similar_cache"):
            conn.execute(f"DELETE FROM {table}")


# -- reading (published documents only) ------------------------------------------------------------------------


def same_text(conn: sqlite3.Connection, doc_id: int, limit: int = 20) -> list[dict]:
    """The published documents that hold at least ``SHARE`` of this document's text, highest share first:
    ``{"id", "share", "title", "municipality", "municipality_ars", "district", "party", "date", "doc_type"}``."""
    sql = ("SELECT d.id, s.share, d.title, d.municipality, d.municipality_ars, d.district, d.party, d.date, "
           "d.doc_type FROM same_text s JOIN documents d ON d.id = s.other_id "
           "WHERE s.doc_id = ? AND d.publication = ? ORDER BY s.share DESC, d.date DESC, d.id LIMIT ?")
    cols = ("id", "share", "title", "municipality", "municipality_ars", "district", "party", "date", "doc_type")
    return [dict(zip(cols, row, strict=True)) for row in conn.execute(sql, [doc_id, PUBLISHED, limit])]


def copies(conn: sqlite3.Connection, ids: list[int]) -> dict[int, set[int]]:
    """For each of ``ids``: the published documents that are copies of its text (the pair stored in both
    directions: at least ``SHARE`` of each text is in the other)."""
    out: dict[int, set[int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        sql = (f"SELECT s.doc_id, s.other_id FROM same_text s "
               f"JOIN same_text back ON back.doc_id = s.other_id AND back.other_id = s.doc_id "
               f"JOIN documents d ON d.id = s.other_id "
               f"WHERE s.doc_id IN ({marks}) AND d.publication = ?")
        for doc_id, other in conn.execute(sql, [*chunk, PUBLISHED]):
            out.setdefault(doc_id, set()).add(other)
    return out


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (for the rebuild's report)."""
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("reuse_signatures", "reuse_bands", "same_text")}
