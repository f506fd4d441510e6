"""Exports of a whole search result, declared as data: CSV (for German Excel), JSON Lines, XLSX and a ZIP of
the originals.

Each exporter turns an iterable of *records* (one dict a document: ``record()``) into an iterator of bytes, so
that a response streams and memory stays flat whatever the size: CSV and JSON Lines are written in chunks of
``CHUNK_ROWS`` rows, XLSX by openpyxl's write-only mode into a temporary file (the rows go to its own temporary
file as they come) that is then read out in blocks, the ZIP through ``zipfile`` into an unseekable sink that is
emptied after every block. Rows come from SQLite in batches (``published_rows``), in the search's order; the
index may lag SQLite by a moment, so each row's ``publication`` is checked again: an export never holds a draft
or a withdrawn document.

    >>> request = SearchRequest(q="Sozialticket")
    >>> rows = records(archive.root, archive.search_ids(request), links)
    >>> for chunk in EXPORTS["csv"].write(rows, ExportInfo(request)): ...
"""

import csv
import datetime
import io
import json
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from archive.errors import BadRequest
from archive.facets import BY_NAME
from archive.search import SearchRequest
from archive.store import PUBLISHED, Store

# The columns of CSV and XLSX (``text`` last, with ``text=1``); JSON Lines has the keys of /api/search hits.
COLUMNS = ("id", "url", "doc_type", "title", "date", "municipality", "ars", "district", "state", "party", "parties",
           "faction", "topics", "pages", "format")
JSON_KEYS = ("id", "title", "doc_type", "date", "municipality", "ars", "district", "state", "party", "faction",
             "topics", "url", "download_url")
FILE_COLUMN = "file"  # the ZIP's manifest.csv: the CSV columns plus the file's name in the ZIP
SEPARATORS = (";", ",")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet
CHUNK_ROWS = 200  # rows written before a chunk is sent
BLOCK = 1 << 16  # bytes read or sent at a time (XLSX file, originals)
XLSX_CELL_MAX = 32_767  # Excel's limit for one cell: longer texts are cut
TIMEZONE = ZoneInfo("Europe/Berlin")  # export times and file names
ROW_BATCH, TEXT_ROW_BATCH = 500, 100  # rows read from SQLite at a time (with text: fewer)
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class ExportInfo:
    """What an export was made of: the request, when, with or without text, the CSV separator."""

    request: SearchRequest = field(default_factory=SearchRequest)
    at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(TIMEZONE))
    with_text: bool = False
    sep: str = ";"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*COLUMNS, "text") if self.with_text else COLUMNS

    def filename(self, extension: str) -> str:
        return f"antragsarchiv-{self.at:%Y%m%d-%H%M}.{extension}"

    def conditions(self) -> list[tuple[str, str]]:
        """The search in German words (the XLSX sheet "Abfrage"): query, each filter with its labels, dates,
        order."""
        req = self.request
        out = [("Suche", req.q or "(alle Dokumente)")]
        for name, values in req.filters.items():
            facet = BY_NAME[name]
            labels = [_label(facet, value) for value in values]
            out.append((f"{facet.label} ({name})", " oder ".join(labels)))
        if req.date_from or req.date_to:
            out.append(("Zeitraum", f"{req.date_from or '…'} bis {req.date_to or '…'}"))
        out.append(("Sortierung", req.sort))
        if req.literal:
            out.append(("Wörter wie eingegeben (literal)", "ja"))
        return out


def _label(facet, value: str) -> str:
    resolved = facet.resolver(value)
    label = facet.labeler(resolved[0]) if len(resolved) == 1 else value
    return label if label == value else f"{label} ({value})"


# -- rows ------------------------------------------------------------------


def published_rows(store: Store, ids: list[int], with_text: bool = False) -> Iterator[dict]:
    """The rows of ``ids`` in that order, read in batches, skipping any that is no longer published (or gone)."""
    batch = TEXT_ROW_BATCH if with_text else ROW_BATCH
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = store.get_many(chunk, with_text=with_text)
        for doc_id in chunk:
            row = rows.get(doc_id)
            if row is not None and row["publication"] == PUBLISHED:
                yield row


def records(root: Path, ids: list[int], links: Callable[[int], tuple[str, str]],
            with_text: bool = False) -> Iterator[dict]:
    """``record()`` of each published row of ``ids``, in that order, read through a connection of its own (a
    streamed response outlives the request's), closed when the iteration ends or is closed."""
    store = Store(root)
    try:
        for row in published_rows(store, ids, with_text):
            yield record(row, links)
    finally:
        store.close()


def record(row: dict, links: Callable[[int], tuple[str, str]]) -> dict:
    """One document as the exporters see it; ``links(id)`` gives its page's and its original's URL."""
    url, download_url = links(row["id"])
    out = {
        "id": row["id"], "url": url, "download_url": download_url, "doc_type": row["doc_type"],
        "title": row["title"], "date": row["date"], "municipality": row["municipality"],
        "ars": row["municipality_ars"] or row["district_ars"], "district": row["district"], "state": row["state"],
        "party": row["party"], "parties": row["parties"], "faction": row["faction"], "topics": row["topics"],
        "pages": row["pages"], "format": row["format"],
    }
    if "text" in row:
        out["text"] = row["text"] or ""
    return out


# -- CSV -------------------------------------------------------------------


def csv_cell(value) -> str:
    """A value as CSV text: lists joined with ``, ``, nothing as empty, and text a spreadsheet would take for a
    formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(map(str, value))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(records: Iterable[dict], info: ExportInfo, columns: tuple[str, ...] | None = None) -> Iterator[bytes]:
    """UTF-8 CSV with CRLF line ends. With ``;`` (the default) for German Excel: a BOM first, so that Excel reads
    UTF-8. With ``,`` for scripts: no BOM. Both escape formula cells (see ``csv_cell``)."""
    columns = columns or info.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=info.sep, lineterminator="\r\n")
    if info.sep == ";":
        buffer.write("\ufeff")
    writer.writerow(columns)
    for number, rec in enumerate(records, 1):
        writer.writerow([csv_cell(rec.get(column)) for column in columns])
        if number % CHUNK_ROWS == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    out = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return out


# -- JSON Lines ------------------------------------------------------------


def write_jsonl(records: Iterable[dict], info: ExportInfo) -> Iterator[bytes]:
    """One JSON object a line (UTF-8, ``\\n``): the keys of an /api/search hit without ``snippet``, plus ``text``."""
    keys = (*JSON_KEYS, "text") if info.with_text else JSON_KEYS
    lines: list[str] = []
    for rec in records:
        lines.append(json.dumps({key: rec.get(key) for key in keys}, ensure_ascii=False))
        if len(lines) == CHUNK_ROWS:
            yield ("\n".join(lines) + "\n").encode("utf-8")
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode("utf-8")


# -- XLSX ------------------------------------------------------------------

XLSX_WIDTHS = {"id": 8, "url": 34, "doc_type": 16, "title": 60, "date": 11, "municipality": 22, "ars": 14,
               "district": 20, "state": 18, "party": 12, "parties": 16, "faction": 30, "topics": 24, "pages": 7,
               "format": 7, "text": 80}


def write_xlsx(records: Iterable[dict], info: ExportInfo) -> Iterator[bytes]:
    """A workbook with the sheet "Dokumente" (header row frozen, with an autofilter; dates as dates) and the
    sheet "Abfrage" (the search, its filters, the export time and the row count), written by openpyxl in
    write-only mode to a temporary file that is then sent in blocks."""
    columns = info.columns
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dokumente")
    sheet.freeze_panes = "A2"
    for number, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(number)].width = XLSX_WIDTHS.get(column, 14)
    bold = Font(bold=True)
    sheet.append([_styled(sheet, column, bold) for column in columns])
    count = 0
    for rec in records:
        sheet.append([_xlsx_cell(sheet, rec.get(column)) for column in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    about = book.create_sheet("Abfrage")
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 80
    for label, value in [*info.conditions(), ("Exportiert am", f"{info.at:%Y-%m-%d %H:%M} ({TIMEZONE.key})"),
                         ("Zeilen", count)]:
        about.append([_styled(about, label, bold), _xlsx_cell(about, value)])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while block := out.read(BLOCK):
            yield block


def _styled(sheet, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _xlsx_cell(sheet, value):
    """Lists joined, dates as dates, text without the control characters XML forbids and at most
    ``XLSX_CELL_MAX`` characters, and never a formula (openpyxl takes text starting with ``=`` for one)."""
    if isinstance(value, list | tuple):
        value = ", ".join(map(str, value))
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


# -- ZIP of the originals ----------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    files: int = 500
    mb: float = 500


class TooLarge(BadRequest):
    """A ZIP export over its cap; ``for_user()`` names the cap and how to narrow the search."""

    def __init__(self, message: str, found: dict, limits: ZipLimits):
        super().__init__(message)
        self.found = found
        self.limits = limits


NARROW = ("Grenzen Sie die Suche ein – mit weiteren Suchwörtern, einer Kommune, einer Partei, einem Dokumenttyp "
          "oder einem Zeitraum (Von/Bis, date_from/date_to) – oder exportieren Sie die Trefferliste als CSV, "
          "Excel oder JSON, die keine Grenze haben.")


def with_originals(store: Store, records: Iterable[dict], limits: ZipLimits, found: int | None = None) -> list[dict]:
    """The records with their original's path (``_path``) and name in the ZIP (``file``; empty when no
    original is stored), checked against the cap before anything is sent: ``TooLarge`` over it. Reads at most
    ``limits.files + 1`` originals' rows; ``found`` (the search's total) is named in the message."""
    out, files, size = [], 0, 0
    for rec in records:
        path, stored = _original(store, rec)
        if path is not None:
            files += 1
            size += path.stat().st_size
            if files > limits.files:
                many = f"{found:,}".replace(",", ".") if found and found > limits.files else "mehr"
                raise TooLarge(f"Der ZIP-Export ist auf {limits.files} Dateien begrenzt (Einstellung "
                               f"EXPORT_ZIP_MAX_FILES); diese Suche findet {many} Dokumente. {NARROW}",
                               {"files": found if found and found > limits.files else files}, limits)
        out.append({**rec, "_path": path, FILE_COLUMN: zip_name(rec, stored) if path else ""})
    if size > limits.mb * 2**20:
        raise TooLarge(f"Der ZIP-Export ist auf {limits.mb:g} MB begrenzt (Einstellung EXPORT_ZIP_MAX_MB); die "
                       f"{files} Originale dieser Suche sind zusammen {size / 2**20:.1f} MB groß. {NARROW}",
                       {"files": files, "mb": round(size / 2**20, 1)}, limits)
    return out


def _original(store: Store, rec: dict) -> tuple[Path | None, str]:
    row = store.db.execute("SELECT f.stored_path FROM documents d JOIN files f ON f.sha256 = d.sha256 "
                           "WHERE d.id = ?", [rec["id"]]).fetchone()
    if not row or not row[0]:
        return None, ""
    path = store.root / row[0]
    return (path, row[0]) if path.is_file() else (None, "")


def zip_name(rec: dict, stored_path: str) -> str:
    """``originale/<id>-<title>.<ext>``: unique by id, readable, safe on every file system."""
    stem = _UNSAFE_NAME.sub("_", rec.get("title") or "dokument").strip("._")[:80] or "dokument"
    return f"originale/{rec['id']}-{stem}{Path(stored_path).suffix}"


class _Sink:
    """An unseekable file for ``zipfile``: it collects what is written until ``take()``."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts, self.size = [], 0
        return out


def write_zip(records: Iterable[dict], info: ExportInfo) -> Iterator[bytes]:
    """``manifest.csv`` (the CSV columns plus ``file``, the original's name in the ZIP) and the originals,
    deflated, streamed (records as ``with_originals`` returns them)."""
    records = list(records)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        manifest = b"".join(write_csv(records, info, (*info.columns, FILE_COLUMN)))
        archive.writestr(_entry("manifest.csv", time.time()), manifest)
        yield sink.take()
        for rec in records:
            path = rec["_path"]
            if path is None:
                continue
            entry = _entry(rec[FILE_COLUMN], path.stat().st_mtime)
            entry.file_size = path.stat().st_size
            with path.open("rb") as source, archive.open(entry, "w") as target:
                while block := source.read(BLOCK):
                    target.write(block)
                    if sink.size >= BLOCK:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def _entry(name: str, mtime: float) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, time.localtime(max(mtime, 315532800))[:6])  # ZIP dates start in 1980
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


# -- the registry ------------------------------------------------------------


@dataclass(frozen=True)
class Exporter:
    name: str  # the value of ``format=``
    label: str  # the link text on the search page
    description: str  # what the link downloads, for screen readers ("alle 12 Treffer als …")
    mimetype: str
    extension: str
    write: Callable[[Iterable[dict], ExportInfo], Iterator[bytes]]
    originals: bool = False  # the files themselves: capped (``with_originals``)


EXPORTS = {exporter.name: exporter for exporter in (
    Exporter("csv", "CSV", "Tabelle (CSV mit Semikolon, für Excel)", "text/csv; charset=utf-8", "csv", write_csv),
    Exporter("xlsx", "Excel", "Excel-Arbeitsmappe (XLSX)",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", write_xlsx),
    Exporter("jsonl", "JSON", "JSON Lines (ein Dokument je Zeile)", "application/x-ndjson; charset=utf-8", "jsonl",
             write_jsonl),
    Exporter("zip", "Originale (ZIP)", "ZIP-Archiv der Originaldateien", "application/zip", "zip", write_zip,
             originals=True),
)}


def exporter(name: str) -> Exporter:
    """The exporter of ``format=name``; BadRequest (German) for another."""
    if name not in EXPORTS:
        raise BadRequest(f"Unbekanntes Exportformat: {name!r} (erlaubt: {', '.join(EXPORTS)})" if name else
                         f"Das Exportformat fehlt: format={' oder format='.join(EXPORTS)}")
    return EXPORTS[name]
