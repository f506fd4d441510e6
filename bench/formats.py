"""Extraction throughput per format (one worker) and end-to-end ingest of a real corpus (all cores).

Uses the dev corpus in ../shared/corpus/dev when it is there (real documents,
scanned PDFs included, so OCR is measured), else the demo corpus in data/sample.
"""

import json
import os
import shutil
import time
from collections import defaultdict
from pathlib import Path

import ingest
from archive import Archive
from ingest import metadata

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def corpus() -> tuple[str, list[Path], dict[str, str]]:
    """(name, files, file -> kind) where kind is the format, 'pdf-ocr' for scans."""
    manifest = DEV / "manifest.jsonl"
    if manifest.exists():
        labels = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
        kinds = {str(DEV / lab["file"]): "pdf-ocr" if lab.get("scanned") else lab["format"] for lab in labels}
        return "dev corpus", [Path(f) for f in kinds], kinds
    files = sorted(p for p in (ROOT / "data" / "sample").iterdir() if p.suffix in (".pdf", ".docx"))
    return "demo corpus", files, {str(p): p.suffix.lstrip(".") for p in files}


def measure(work: Path) -> dict:
    name, files, kinds = corpus()
    per_kind = defaultdict(lambda: {"files": 0, "pages": 0, "seconds": 0.0, "failed": 0})
    texts = []
    for path in files:
        started = time.monotonic()
        results = dict(ingest.parse_many([path], workers=1))
        row = per_kind[kinds[str(path)]]
        row["seconds"] += time.monotonic() - started
        row["files"] += 1
        result = results[path]
        if isinstance(result, ingest.IngestError):
            row["failed"] += 1
        else:
            row["pages"] += result.pages or 0
            texts.append(result.text)
    formats = {kind: _rates(row) for kind, row in sorted(per_kind.items())}
    parse_ms = 1000 * sum(row["seconds"] for row in per_kind.values()) / max(len(files), 1)
    return {"corpus": name, "formats": formats, "metadata": _metadata_cost(texts, parse_ms),
            "end_to_end": _end_to_end(work, files)}


def _metadata_cost(texts: list[str], parse_ms: float) -> dict:
    """Milliseconds per document to read the metadata from already parsed text, beside the parse itself."""
    metadata.prepare()
    times = []
    for text in texts:
        started = time.perf_counter()
        metadata.extract_metadata(text)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    mean = sum(times) / max(len(times), 1)
    return {"docs": len(times), "mean_ms": round(mean, 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)
            if times else 0.0, "parse_mean_ms": round(parse_ms, 1)}


def _rates(row: dict) -> dict:
    seconds = row["seconds"] or 1e-9
    out = {"files": row["files"], "failed": row["failed"], "docs_per_s": round(row["files"] / seconds, 2)}
    if row["pages"]:
        out["pages_per_s"] = round(row["pages"] / seconds, 2)
    return out


def _end_to_end(work: Path, files: list[Path]) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    archive = Archive.open(work)
    workers = os.cpu_count() or 1
    started = time.monotonic()
    statuses = [o.status for o in archive.ingest(files, workers=workers)]
    seconds = time.monotonic() - started
    archive.close()
    return {"files": len(files), "added": statuses.count("added"), "failed": statuses.count("failed"),
            "seconds": round(seconds, 1), "docs_per_s": round(len(files) / seconds, 2), "workers": workers}
