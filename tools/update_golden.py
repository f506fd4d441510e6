"""Regenerate the golden metadata files tests/golden/*.json from real dev-corpus documents.

    .venv/bin/python tools/update_golden.py            # pick the documents, extract, write tests/golden/
    git diff tests/golden/                              # review every change before committing it

The selection is deterministic: per format (pdf, docx, txt, doc) every n-th document of the manifest sorted by
file name, so that each format and many sources are covered. Each golden file holds the document's path relative
to the corpus, its sha256 (the test skips a file that changed) and the extracted fields as `inspect` prints them.
A .doc document is included only when the installed parsers can read it.
"""

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import IngestError, parse_in_process  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
GOLDEN = ROOT / "tests" / "golden"
PER_FORMAT = {"pdf": 14, "docx": 12, "txt": 8, "doc": 2}
FIELDS = ("doc_type", "title", "date", "municipality", "district", "state", "party", "parties", "faction", "topics")


def as_json(metadata) -> dict:
    out = {}
    for field in FIELDS:
        value = getattr(metadata, field)
        if dataclasses.is_dataclass(value):
            value = dataclasses.asdict(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[field] = value
    return out


def selection() -> list[dict]:
    labels = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    chosen = []
    for fmt, count in PER_FORMAT.items():
        docs = sorted((lab for lab in labels if lab["format"] == fmt and not lab.get("scanned")),
                      key=lambda lab: lab["file"])
        step = max(len(docs) // count, 1)
        chosen += docs[::step][:count]
    return chosen


def main() -> None:
    if not (CORPUS / "manifest.jsonl").is_file():
        sys.exit(f"no corpus at {CORPUS}")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    written = 0
    for lab in selection():
        try:
            doc = parse_in_process(CORPUS / lab["file"])
        except IngestError as exc:
            print(f"skipped {lab['file']}: {exc}")
            continue
        record = {"file": lab["file"], "sha256": doc.sha256, "format": doc.format, "metadata": as_json(doc.metadata)}
        name = Path(lab["file"]).name + ".json"
        (GOLDEN / name).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written += 1
    print(f"wrote {written} golden files to {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
