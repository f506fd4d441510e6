"""Training documents for the title scorer rendered under random letterheads (tests/letterheads.py).

Each labelled dev document is rendered ``per_document`` times, cycling through DOCX, PDF and TXT, with seeds from
SEED_BASE on (apart from the seeds tools/eval_letterheads.py measures with), parsed with the product's parsers and
cached in .cache/eval/generated/ keyed by the generator's source, so that a second run only reads the cache.
"""

import hashlib
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest import IngestError, read_text
from ingest.metadata import normalise
from tests import letterheads as lh

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "eval" / "generated"
SEED_BASE = 10_000_000
FORMATS = ("docx", "pdf", "txt")


def _version() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "tests" / "letterheads.py", *sorted((ROOT / "ingest" / "formats").glob("*.py"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _render_and_parse(job: tuple[lh.Source, int, str]):
    source, seed, fmt = job
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc.{fmt}"
        try:
            lh.render_random(source, seed, fmt, path)
            return read_text(path)[1]
        except (IngestError, lh.FontMissing) as exc:
            return str(exc)


def generated_examples(labels: list[dict], corpus: Path, per_document: int, workers: int = 2):
    """``(examples, groups)`` as tools/eval_metadata.title_examples gives them, for rendered documents; the group
    of each is its dev document's source repository."""
    by_file = {lab["file"]: lab for lab in labels}
    sources = [s for s in lh.dev_sources(corpus) if s.key in by_file and s.labels.title and not s.scanned]
    version = _version()
    CACHE.mkdir(parents=True, exist_ok=True)
    jobs, keys = [], []
    for n, source in enumerate(sources):
        for k in range(per_document):
            seed = SEED_BASE + n * 97 + k
            jobs.append((source, seed, FORMATS[(n + k) % len(FORMATS)]))
            name = hashlib.sha256(f"{source.key}|{seed}|{jobs[-1][2]}".encode()).hexdigest()[:20]
            keys.append(CACHE / f"{name}-{version}.pickle")
    results = {}
    todo = [(job, key) for job, key in zip(jobs, keys, strict=True) if not key.is_file()]
    if todo:
        with ProcessPoolExecutor(workers) as pool:
            for (_job, key), result in zip(todo, pool.map(_render_and_parse, [j for j, _ in todo]), strict=True):
                key.write_bytes(pickle.dumps(result))
    examples, groups = [], []
    for (source, _, _), key in zip(jobs, keys, strict=True):
        results = pickle.loads(key.read_bytes())
        if isinstance(results, str) or not results.text.strip():
            continue
        examples.append((normalise(results.text), results.emphasis, source.labels.title))
        groups.append(by_file[source.key]["source_repo"])
    return examples, groups
