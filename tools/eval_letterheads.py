"""Measure metadata extraction on letterheads it has not seen: render documents with random letterheads and
footers (tests/letterheads.py) as DOCX, PDF and TXT, parse them and score title, date, type, Kommune and party.

Prints the accuracy per field overall, per format and per letterhead form (each dimension=value of the layout, see
FORMS in tests/letterheads.py); state is shown for information. Labels come from the 50 fictional demo documents
(tools/sample_corpus/*.json) or from a corpus folder with a manifest.jsonl (the dev corpus); a field that a
document's labels leave empty (a dev document without date) is not scored. Rendered files go to a temporary folder
outside the project (--keep DIR keeps them). Deterministic for a seed.
"""

import argparse
import dataclasses
import json
import random
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import IngestError, parse_many  # noqa: E402
from ingest.metadata import prepare  # noqa: E402
from tests import letterheads as lh  # noqa: E402

SCORED = (*lh.FIELDS, "state")
EXAMPLES = """examples:
  .venv/bin/python tools/eval_letterheads.py                                   # 300 documents from the demo samples
  .venv/bin/python tools/eval_letterheads.py --corpus ../shared/corpus/dev     # from the dev corpus labels and texts
  .venv/bin/python tools/eval_letterheads.py --n 90 --formats pdf --misses title
  .venv/bin/python tools/eval_letterheads.py --misses date --keep /tmp/letters # keep the files to open them
  .venv/bin/python tools/eval_letterheads.py --json > letterheads.json
  .venv/bin/python tools/eval_letterheads.py --isolate 10 --min-n 1          # what each form costs on its own
  .venv/bin/python tools/eval_letterheads.py --pairs 8 --min-n 10           # which forms fail together
  make eval-letterheads EVAL_ARGS="--corpus ../shared/corpus/dev"
"""


def _load(source: lh.Source) -> tuple[bool, str]:
    return source.loader()


def usable_sources(corpus: str, workers: int) -> tuple[list[lh.Source], dict[str, int]]:
    """Sources with a title, a Kommune and a body text; the counts of those left out."""
    if corpus == "samples":
        sources = lh.sample_sources()
    else:
        if not (Path(corpus) / "manifest.jsonl").is_file():
            raise SystemExit(f"no manifest.jsonl in {corpus}")
        sources = lh.dev_sources(Path(corpus))
    skipped: dict[str, int] = defaultdict(int)
    labelled = []
    for s in sources:
        if not s.labels.title or not s.labels.municipality:
            skipped["no title or Kommune label"] += 1
        else:
            labelled.append(s)
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        for source, (cut, body) in zip(labelled, pool.map(_load, labelled, chunksize=4), strict=True):
            source._body, source.cut = body, cut
    out = []
    for s in labelled:
        if not s.body().strip():
            skipped["empty text"] += 1
        else:
            out.append(s)
    return out, dict(skipped)


@dataclass(frozen=True)
class Job:
    source: lh.Source
    format: str
    seed: int
    layout: lh.Layout | None = None  # None: drawn from the seed
    group: str | None = None  # --isolate: the one form changed from the plainest layout


def plan(sources: list[lh.Source], n: int, formats: list[str], seed: int) -> list[Job]:
    """``n`` jobs with random layouts: every source before any repeats, formats in turn."""
    rng = random.Random(seed)
    order = sources[:]
    rng.shuffle(order)
    return [Job(order[i % len(order)], formats[i % len(formats)], rng.randrange(2**32)) for i in range(n)]


def single_forms() -> list[tuple[str, object]]:
    """Every form that differs from the plainest layout ``Layout()``, and ("base", None) for that layout."""
    base = lh.Layout()
    return [("base", None)] + [(name, value) for name, values in lh.FORMS.items() for value in values
                               if value != getattr(base, name) and name != "type_variant"]


def plan_isolated(sources: list[lh.Source], per_form: int, formats: list[str], seed: int) -> list[Job]:
    """For each single form and format, ``per_form`` sources on which the form applies (after normalisation), each
    rendered with the plainest layout but that form: what each form costs on its own."""
    rng = random.Random(seed)
    jobs = []
    for name, value in single_forms():
        layout = lh.Layout() if name == "base" else dataclasses.replace(lh.Layout(), **{name: value})
        for fmt in formats:
            order = sources[:]
            rng.shuffle(order)
            fitting = [s for s in order
                       if name == "base" or getattr(lh.normalise(layout, s.labels, fmt), name) == value]
            group = "base" if name == "base" else f"{name}={value}"
            jobs += [Job(s, fmt, rng.randrange(2**32), layout, group) for s in fitting[:per_form]]
    return jobs


def render_all(jobs: list[Job], folder: Path, max_body: int) -> list[lh.Rendered]:
    out = []
    for i, job in enumerate(jobs):
        path = folder / f"{i:04d}.{job.format}"
        if job.layout is None:
            out.append(lh.render_random(job.source, job.seed, job.format, path, max_body=max_body))
        else:
            out.append(lh.render(job.source, job.layout, job.format, path, seed=job.seed, max_body=max_body))
    return out


def score(jobs: list[Job], rendered: list[lh.Rendered], workers: int) -> list[dict]:
    """One row per document: its source, format, forms and per field True/False (None: not labelled)."""
    results = dict(parse_many([r.path for r in rendered], workers=workers))
    rows = []
    for job, doc in zip(jobs, rendered, strict=True):
        source, fmt = job.source, job.format
        parsed = results.get(doc.path)
        meta = None if parsed is None or isinstance(parsed, IngestError) else parsed.metadata
        forms = doc.layout.forms() if job.group is None else [job.group, f"{job.group} @{fmt}"]
        row = {"source": source.key, "format": fmt, "path": str(doc.path), "forms": forms,
               "body": "cut" if source.cut else "whole", "ok": {}, "got": {}, "want": {},
               "error": str(parsed) if isinstance(parsed, IngestError) else None}
        for field in SCORED:
            want = getattr(source.labels, field)
            row["want"][field] = want
            if want is None and field in ("date", "state"):
                row["ok"][field] = None
                continue
            row["ok"][field] = bool(meta) and lh.field_ok(field, source.labels, meta)
            row["got"][field] = lh.shown(field, meta) if meta else None
        rows.append(row)
    return rows


def _rate(rows: list[dict], field: str) -> tuple[float | None, int]:
    marks = [r["ok"][field] for r in rows if r["ok"][field] is not None]
    return (sum(marks) / len(marks) if marks else None), len(marks)


def _all_five(rows: list[dict]) -> float:
    return sum(all(r["ok"][f] is not False for f in lh.FIELDS) for r in rows) / max(1, len(rows))


def summarise(rows: list[dict], config: dict) -> dict:
    def block(group: list[dict]) -> dict:
        out = {"n": len(group), "all_five": round(_all_five(group), 3)}
        for field in SCORED:
            rate, _ = _rate(group, field)
            out[field] = None if rate is None else round(rate, 3)
        return out

    by_format, by_form, by_body = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in rows:
        by_format[r["format"]].append(r)
        by_body[r["body"]].append(r)
        for form in r["forms"]:
            by_form[form].append(r)
    order = {name: i for i, name in enumerate(["base", *lh.FORMS, "type_word"])}
    forms = sorted(by_form, key=lambda f: (order.get(f.split("=")[0], 99), f))
    return {
        "config": config,
        "overall": block(rows),
        "per_format": {fmt: block(by_format[fmt]) for fmt in sorted(by_format)},
        "per_body": {b: block(by_body[b]) for b in sorted(by_body)},
        "per_form": {f: block(by_form[f]) for f in forms},
    }


COLUMNS = {"title": "title", "date": "date", "doc_type": "type", "municipality": "kommune", "party": "party",
           "state": "(state)", "all_five": "all 5"}


def _cells(values: dict) -> str:
    return "".join(f"{'–' if values[f] is None else format(values[f], '.3f'):>9}" for f in COLUMNS)


def print_summary(summary: dict, min_n: int) -> None:
    cfg = summary["config"]
    mode = f"each form alone, {cfg['isolate']} sources per form and format" if cfg.get("isolate") else "random layouts"
    print(f"Letterhead eval, {mode}: {summary['overall']['n']} documents from {cfg['corpus']} (seed {cfg['seed']}, "
          f"formats {', '.join(cfg['formats'])}); sources used {cfg['sources']}, left out {cfg['skipped'] or 'none'}")
    head = "".join(f"{c:>9}" for c in COLUMNS.values())
    print(f"\n{'':34}{'n':>5}{head}")
    print(f"{'all':34}{summary['overall']['n']:>5}{_cells(summary['overall'])}")
    for name, group in [*summary["per_format"].items(), *((f"body {k}", v) for k, v in summary["per_body"].items())]:
        print(f"{name:34}{group['n']:>5}{_cells(group)}")
    print(f"\nper letterhead form (a document counts under each of its forms; n < {min_n} not shown):")
    print(f"{'':34}{'n':>5}{head}")
    last = None
    for form, group in summary["per_form"].items():
        if group["n"] < min_n:
            continue
        dim = form.split("=")[0]
        if last and dim != last:
            print()
        last = dim
        print(f"{form[:34]:34}{group['n']:>5}{_cells(group)}")
    print(f"\nweakest forms per field (n >= {min_n}):")
    for field in lh.FIELDS:
        ranked = sorted((g[field], f) for f, g in summary["per_form"].items()
                        if g["n"] >= min_n and g[field] is not None)
        print(f"  {field:13}" + "; ".join(f"{f} {rate:.3f}" for rate, f in ranked[:5]))


def weakest_pairs(rows: list[dict], field: str, min_n: int, top: int) -> list[tuple[float, int, str, str]]:
    """The pairs of forms (of different dimensions) whose documents miss ``field`` most: (rate, n, form, form)."""
    seen: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in rows:
        if r["ok"][field] is None:
            continue
        forms = sorted(f for f in r["forms"] if "@" not in f)
        for i, a in enumerate(forms):
            for b in forms[i + 1:]:
                if a.split("=")[0] != b.split("=")[0]:
                    seen[(a, b)].append(r["ok"][field])
    ranked = sorted((sum(v) / len(v), -len(v), a, b) for (a, b), v in seen.items() if len(v) >= min_n)
    return [(rate, -n, a, b) for rate, n, a, b in ranked[:top]]


def print_pairs(rows: list[dict], min_n: int, top: int) -> None:
    print(f"\nweakest pairs of forms per field (n >= {min_n}):")
    for field in lh.FIELDS:
        pairs = weakest_pairs(rows, field, min_n, top)
        if pairs and pairs[0][0] < 1:
            print(f"  {field}:")
            for rate, n, a, b in pairs:
                print(f"    {rate:.3f} (n={n:3})  {a} + {b}")


def print_misses(rows: list[dict], field: str) -> None:
    misses = [r for r in rows if r["ok"][field] is False]
    print(f"\n{len(misses)} misses of {field}:")
    for r in misses:
        print(f"- {r['source']} [{r['format']}] {r['path']}")
        print(f"    expected {r['want'][field]!r}, got {r['got'].get(field)!r}" + (f" ({r['error']})" if r["error"]
                                                                                     else ""))
        print(f"    forms: {', '.join(r['forms'])}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="samples",
                        help='"samples" (the demo documents, default) or a folder with manifest.jsonl')
    parser.add_argument("--n", type=int, default=300, help="documents to render (default 300)")
    parser.add_argument("--seed", type=int, default=20240503, help="seed of the plan and layouts (default fixed)")
    parser.add_argument("--formats", default=",".join(lh.FORMATS), help="comma-separated (default docx,pdf,txt)")
    parser.add_argument("--workers", type=int, default=2, help="parallel parsers (default 2)")
    parser.add_argument("--max-body", type=int, default=6000, help="characters of body text per document")
    parser.add_argument("--misses", choices=SCORED, action="append", default=[], metavar="FIELD",
                        help=f"list the documents whose FIELD was missed ({', '.join(SCORED)}); repeatable")
    parser.add_argument("--min-n", type=int, default=8, help="hide forms seen on fewer documents (default 8)")
    parser.add_argument("--isolate", type=int, metavar="K",
                        help="instead of random layouts: each form alone on the plainest layout, K sources per form "
                             "and format (rows 'form' and 'form @format'); --n is ignored")
    parser.add_argument("--pairs", type=int, default=0, metavar="K",
                        help="also show the K weakest pairs of forms per field (interactions)")
    parser.add_argument("--rows", action="store_true", help="with --json: every document's row (forms, marks)")
    parser.add_argument("--keep", type=Path, help="write the rendered files here and keep them")
    parser.add_argument("--json", action="store_true", help="print the summary (and misses) as JSON")
    args = parser.parse_args(argv)

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if "pdf" in formats and lh.pdf_fonts() is None:
        print("no Unicode TTF font found: PDF left out", file=sys.stderr)
        formats.remove("pdf")
    if not formats or set(formats) - set(lh.FORMATS):
        parser.error(f"--formats: choose from {', '.join(lh.FORMATS)}")
    prepare()
    sources, skipped = usable_sources(args.corpus, args.workers)
    if args.isolate:
        jobs = plan_isolated(sources, args.isolate, formats, args.seed)
    else:
        jobs = plan(sources, args.n, formats, args.seed)
    with tempfile.TemporaryDirectory(prefix="letterheads-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = score(jobs, render_all(jobs, folder, args.max_body), args.workers)
    config = {"corpus": args.corpus, "n": len(jobs), "isolate": args.isolate, "seed": args.seed, "formats": formats,
              "sources": len(sources), "skipped": skipped, "max_body": args.max_body}
    summary = summarise(rows, config)
    if args.json:
        summary["misses"] = {f: [r for r in rows if r["ok"][f] is False] for f in args.misses}
        if args.pairs:
            summary["pairs"] = {f: weakest_pairs(rows, f, args.min_n, args.pairs) for f in lh.FIELDS}
        if args.rows:
            summary["rows"] = rows
        print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
        return 0
    print_summary(summary, args.min_n)
    if args.pairs:
        print_pairs(rows, args.min_n, args.pairs)
    for field in args.misses:
        print_misses(rows, field)
    return 0


if __name__ == "__main__":
    sys.exit(main())
