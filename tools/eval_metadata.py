"""Score the metadata extraction on the labelled dev corpus: in-sample, per source, and leave-one-source-out.

    .venv/bin/python tools/eval_metadata.py                          # the table, as `make eval` prints it
    .venv/bin/python tools/eval_metadata.py --misses title           # every title miss, with its source
    .venv/bin/python tools/eval_metadata.py --source karlsruhe       # only sources whose name contains this
    .venv/bin/python tools/eval_metadata.py --json                   # the summary as one JSON object

Each file is parsed once (in parallel, with the product's parsers) and its text and layout are cached under
.cache/eval/, keyed by the file's sha256 and a hash of the parser sources, so that tuning the metadata rules
re-runs only the extraction (seconds, not minutes). Fields are judged exactly as ../shared/tools/score-extraction
judges them (title: difflib ratio >= 0.85 after folding; municipality by ARS; topics as micro F1).

Figures:
- in-sample: all documents, every source, the numbers score-extraction prints;
- macro: the mean over sources of each source's score, so that the 150 documents of one source do not hide
  the others (a rule that only fits the large sources shows here);
- LOSO (leave-one-source-out): for each source, the trained parts of the extraction (the title line scorer,
  ingest/metadata/title_model.py) are trained on the other sources (their documents and, with --generated, their
  renderings under random letterheads) and scored on it; rules without trained parameters score the same as
  in-sample there.
"""

import argparse
import difflib
import hashlib
import json
import pickle
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import IngestError, read_text, sha256_of  # noqa: E402
from ingest.metadata import extract_metadata, normalise, prepare, title_model  # noqa: E402
from tools.generated_titles import generated_examples  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
CACHE = ROOT / ".cache" / "eval"
FIELDS = ("doc_type", "municipality", "state", "date", "party", "title", "topics")


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def parser_version() -> str:
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "ingest" / "formats").glob("*.py"), ROOT / "ingest" / "ocr.py",
                        ROOT / "ingest" / "records.py", ROOT / "ingest" / "pipeline.py"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _parse(path: str):
    try:
        return read_text(Path(path))[1]
    except IngestError as exc:
        return exc.user_message if hasattr(exc, "user_message") else str(exc)


def load_texts(labels: list[dict], corpus: Path, workers: int) -> dict[str, object]:
    """file -> ExtractedText (or an error message), from the cache or parsed now."""
    CACHE.mkdir(parents=True, exist_ok=True)
    version = parser_version()
    out, todo, keys = {}, [], {}
    for lab in labels:
        keys[lab["file"]] = CACHE / f"{sha256_of(corpus / lab['file'])}-{version}.pickle"
        if keys[lab["file"]].is_file():
            out[lab["file"]] = pickle.loads(keys[lab["file"]].read_bytes())
        else:
            todo.append(lab)
    if todo:
        print(f"parsing {len(todo)} files (cached afterwards) ...", file=sys.stderr)
        with ProcessPoolExecutor(workers) as pool:
            paths = [str(corpus / lab["file"]) for lab in todo]
            for lab, result in zip(todo, pool.map(_parse, paths), strict=True):
                keys[lab["file"]].write_bytes(pickle.dumps(result))
                out[lab["file"]] = result
    return out


def as_record(meta) -> dict:
    """The metadata as `inspect` prints it."""
    place = lambda p: {"name": p.name, "ars": p.ars} if p else None  # noqa: E731
    return {"doc_type": meta.doc_type, "title": meta.title, "date": meta.date,
            "municipality": place(meta.municipality), "district": place(meta.district), "state": meta.state,
            "party": meta.party, "topics": list(meta.topics)}


def judge(field: str, label: dict, got: dict):
    """(counted, correct) for one field, as score-extraction judges it; topics give (counted, (tp, fp, fn))."""
    want = label.get(field)
    if field == "municipality":
        want_ars = label.get("ars")
        if not want_ars:
            return False, False
        m = (got.get("municipality") or {}).get("ars")
        d = (got.get("district") or {}).get("ars")
        return True, m == want_ars or (len(want_ars) == 5 and not m and d == want_ars)
    if want in (None, "", []):
        return False, False
    value = got.get(field)
    if field == "title":
        return True, difflib.SequenceMatcher(None, norm(want), norm(value)).ratio() >= 0.85
    if field == "topics":
        w, g = set(want), set(value or [])
        return True, (len(w & g), len(g - w), len(w - g))
    if field in ("party", "state", "doc_type"):
        return True, norm(want) == norm(value)
    return True, want == value


class Tally:
    """Counts per field for one group of documents."""

    def __init__(self):
        self.n = dict.fromkeys(FIELDS, 0)
        self.ok = dict.fromkeys(FIELDS, 0)
        self.tp = self.fp = self.fn = 0

    def add(self, label: dict, got: dict, misses: list | None = None) -> None:
        for field in FIELDS:
            counted, ok = judge(field, label, got)
            if not counted:
                continue
            self.n[field] += 1
            if field == "topics":
                self.tp, self.fp, self.fn = self.tp + ok[0], self.fp + ok[1], self.fn + ok[2]
                continue
            self.ok[field] += bool(ok)
            if not ok and misses is not None:
                misses.append((field, label, got))

    def score(self, field: str) -> float | None:
        if field == "topics":
            p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
            r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
            return 2 * p * r / (p + r) if p + r else (None if not self.n[field] else 0.0)
        return self.ok[field] / self.n[field] if self.n[field] else None


def extract(texts: dict, lab: dict) -> dict:
    extracted = texts[lab["file"]]
    if isinstance(extracted, str) or not extracted.text.strip():
        return {}
    return as_record(extract_metadata(extracted.text, extracted.emphasis))


def evaluate(labels: list[dict], texts: dict, loso: bool, generated: tuple[list, list] = ([], [])) -> dict:
    sources = sorted({lab["source_repo"] for lab in labels})
    overall, per_source, held_out = Tally(), {s: Tally() for s in sources}, Tally()
    misses: list = []
    for lab in labels:
        got = extract(texts, lab)
        overall.add(lab, got, misses)
        per_source[lab["source_repo"]].add(lab, got)
    if loso:
        for source in sources:
            train = [lab for lab in labels if lab["source_repo"] != source]
            examples, groups = title_examples(train, texts)
            kept = [k for k, group in enumerate(generated[1]) if group != source]
            examples += [generated[0][k] for k in kept]
            groups += [generated[1][k] for k in kept]
            with title_model.trained_on(examples, groups):
                for lab in labels:
                    if lab["source_repo"] == source:
                        held_out.add(lab, extract(texts, lab))
    return {"overall": overall, "per_source": per_source, "loso": held_out if loso else None, "misses": misses}


def title_examples(labels: list[dict], texts: dict) -> tuple[list[tuple], list[str]]:
    """(text, emphasis, gold title) for training the title line scorer, and the source of each."""
    out, groups = [], []
    for lab in labels:
        extracted = texts[lab["file"]]
        if lab.get("title") and not isinstance(extracted, str) and extracted.text.strip():
            out.append((normalise(extracted.text), extracted.emphasis, lab["title"]))
            groups.append(lab["source_repo"])
    return out, groups


def macro(per_source: dict, field: str) -> float | None:
    values = [t.score(field) for t in per_source.values() if t.score(field) is not None]
    return sum(values) / len(values) if values else None


def fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def report(result: dict, args) -> dict:
    overall, per_source, loso = result["overall"], result["per_source"], result["loso"]
    summary = {"documents": sum(t.n["doc_type"] for t in per_source.values())}
    for field in FIELDS:
        summary[field] = {"in_sample": overall.score(field), "macro": macro(per_source, field),
                          "loso": loso.score(field) if loso else None}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return summary
    print(f"{'':28}" + "".join(f"{f:>13}" for f in FIELDS))
    rows = [("in-sample", overall), *(("LOSO", loso),) * bool(loso)]
    for name, tally in rows:
        print(f"{name:28}" + "".join(f"{fmt(tally.score(f)):>13}" for f in FIELDS))
    print(f"{'macro over sources':28}" + "".join(f"{fmt(macro(per_source, f)):>13}" for f in FIELDS))
    print()
    for source, tally in sorted(per_source.items(), key=lambda kv: -kv[1].n["doc_type"]):
        print(f"{source[:24]:24}{tally.n['doc_type']:4}" + "".join(f"{fmt(tally.score(f)):>13}" for f in FIELDS))
    for field in args.misses:
        print(f"\nmisses of {field}:")
        for missed, lab, got in result["misses"]:
            if missed == field:
                want = lab.get("ars") if field == "municipality" else lab.get(field)
                value = got.get(field)
                print(f"  {lab['file']}\n    want {want!r}\n    got  {value!r}")
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.jsonl (default: the dev corpus)")
    ap.add_argument("--source", help="only sources whose name contains this")
    ap.add_argument("--misses", action="append", default=[], metavar="FIELD", help="list the misses of FIELD")
    ap.add_argument("--no-loso", action="store_true", help="skip the leave-one-source-out runs")
    ap.add_argument("--generated", type=int, default=1, metavar="K",
                    help="LOSO trains on K renderings per document of the other sources too, as tools/train_titles.py")
    ap.add_argument("--workers", type=int, default=2, help="parse processes for files not yet cached")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args()
    manifest = args.corpus / "manifest.jsonl"
    if not manifest.is_file():
        sys.exit(f"{manifest} not found: the labelled corpus is needed (../shared/corpus/dev)")
    labels = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = load_texts(labels, args.corpus, args.workers)
    if args.source:
        labels = [lab for lab in labels if args.source in lab["source_repo"]]
    prepare()
    generated = ([], [])
    if not args.no_loso and args.generated:
        generated = generated_examples(labels, args.corpus, args.generated)
    report(evaluate(labels, texts, loso=not args.no_loso, generated=generated), args)


if __name__ == "__main__":
    main()
