"""Precision and recall of the text-reuse detection ("Gleicher Mustertext") on hand-labelled dev pairs.

    .venv/bin/python tools/eval_reuse.py              # what `make eval-reuse` runs
    .venv/bin/python tools/eval_reuse.py --fresh      # ingest the dev files again into a new store
    .venv/bin/python tools/eval_reuse.py --json out.json

The dev files (../shared/corpus/dev/files) are ingested once with the product's CLI (`flask ingest --json`) into
the store (default .cache/reuse_eval/store), then `flask similar rebuild` computes every pair anew (timed). The
pairs it stores are compared with tools/reuse_eval/pairs.jsonl (see the README there for how they were judged):

- **listed** (what a document page shows under "Gleicher Mustertext"): a pair counts as found when at least one
  direction is stored (share >= archive.reuse.SHARE); right when it is labelled `same` or `contained`.
- **grouped** (what collapse=same_text folds into one hit): both directions stored; right when labelled `same`.

Every stored pair is judged: the labels cover every pair of the dev corpus with at least 15 % of a text's
shingles shared (the README says how they were found), and a found pair without a label counts as wrong. The
threshold sweep recomputes the exact shares of all pairs with the product's shingles (``archive.reuse``).
"""

import argparse
import collections
import itertools
import json
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive import reuse  # noqa: E402
from tools.eval_search import IDS, ingest, run_flask  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
LABELS = ROOT / "tools" / "reuse_eval" / "pairs.jsonl"
STORE = ROOT / ".cache" / "reuse_eval" / "store"
POSITIVE = {"same", "contained"}
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
COMMON = 50  # shingles in more documents than this are left out of the sweep's inverted index (form headers)


def read_labels(path: Path) -> dict[frozenset, dict]:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {frozenset((row["a"], row["b"])): row for row in rows}


def open_store(store: Path, files: Path, fresh: bool) -> dict[str, str]:
    if fresh or not (store / IDS).exists() or not (store / "archive.db").exists():
        print(f"ingesting {files} into {store} ...", file=sys.stderr)
        return ingest(store, files)
    return json.loads((store / IDS).read_text(encoding="utf-8"))


def stored_pairs(store: Path, file_of: dict[str, str]) -> dict[tuple[str, str], float]:
    conn = sqlite3.connect(f"file:{store / 'archive.db'}?mode=ro", uri=True)
    rows = conn.execute("SELECT doc_id, other_id, share FROM same_text").fetchall()
    conn.close()
    return {(file_of[str(a)], file_of[str(b)]): share for a, b, share in rows
            if str(a) in file_of and str(b) in file_of}


def score(found: set[frozenset], positives: set[frozenset]) -> dict:
    right = len(found & positives)
    return {"found": len(found), "right": right, "labelled": len(positives),
            "precision": round(right / len(found), 3) if found else None,
            "recall": round(right / len(positives), 3) if positives else None,
            "wrong": sorted(sorted(pair) for pair in found - positives),
            "missed": sorted(sorted(pair) for pair in positives - found)}


def all_shares(store: Path, file_of: dict[str, str]) -> dict[tuple[str, str], float]:
    """The exact share of every ordered pair with any shingle in common (the product's shingles)."""
    conn = sqlite3.connect(f"file:{store / 'archive.db'}?mode=ro", uri=True)
    sets = {file_of[str(doc_id)]: set(reuse.shingles(text or "", place).tolist())
            for doc_id, text, place in conn.execute("SELECT id, text, municipality FROM documents")
            if str(doc_id) in file_of}
    conn.close()
    sets = {name: hashes for name, hashes in sets.items() if len(hashes) >= reuse.MIN_SHINGLES}
    holders = collections.defaultdict(list)
    for name, hashes in sets.items():
        for value in hashes:
            holders[value].append(name)
    common = collections.Counter()
    for names in holders.values():
        if len(names) <= COMMON:
            common.update(itertools.combinations(sorted(names), 2))
    out = {}
    for (a, b), count in common.items():
        out[a, b], out[b, a] = count / len(sets[a]), count / len(sets[b])
    return out


def sweep(shares: dict[tuple[str, str], float], labels: dict[frozenset, dict]) -> list[dict]:
    positives = {pair for pair, row in labels.items() if row["label"] in POSITIVE}
    rows = []
    for threshold in SWEEP:
        found = {frozenset(pair) for pair, share in shares.items() if share >= threshold}
        row = score(found, positives)
        rows.append({"threshold": threshold, "precision": row["precision"], "recall": row["recall"],
                     "found": row["found"]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--store", type=Path, default=STORE)
    ap.add_argument("--fresh", action="store_true", help="ingest the dev files again")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    args = ap.parse_args()
    if not (args.corpus / "files").is_dir():
        sys.exit(f"no dev corpus at {args.corpus}")
    file_of = open_store(args.store, args.corpus / "files", args.fresh)
    started = time.monotonic()
    done = run_flask(["similar", "rebuild"], args.store)
    seconds = time.monotonic() - started
    if done.returncode:
        sys.exit(f"similar rebuild failed (exit {done.returncode}): {done.stderr[-500:]}")
    labels = read_labels(args.labels)
    pairs = stored_pairs(args.store, file_of)
    listed = {frozenset(pair) for pair in pairs}
    grouped = {frozenset(pair) for pair in pairs if (pair[1], pair[0]) in pairs}
    report = {
        "documents": len(file_of), "rebuild_s": round(seconds, 1), "share_threshold": reuse.SHARE,
        "labelled": collections.Counter(row["label"] for row in labels.values()),
        "listed": score(listed, {p for p, row in labels.items() if row["label"] in POSITIVE}),
        "grouped": score(grouped, {p for p, row in labels.items() if row["label"] == "same"}),
        "pairs": [{"a": row["a"], "b": row["b"], "label": row["label"],
                   "share_a_in_b": pairs.get((row["a"], row["b"])), "share_b_in_a": pairs.get((row["b"], row["a"]))}
                  for row in labels.values()],
        "sweep": sweep(all_shares(args.store, file_of), labels),
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def print_report(report: dict) -> None:
    print(f"{report['documents']} documents, `flask similar rebuild` {report['rebuild_s']} s, "
          f"pairs stored at share >= {report['share_threshold']}")
    print("labels: " + ", ".join(f"{n} {label}" for label, n in sorted(report["labelled"].items())))
    for kind in ("listed", "grouped"):
        row = report[kind]
        print(f"{kind:8} precision {row['precision']}  recall {row['recall']}  "
              f"({row['right']} right of {row['found']} found, {row['labelled']} labelled)")
        for pair in row["wrong"]:
            print(f"         wrong:  {' | '.join(pair)}")
        for pair in row["missed"]:
            print(f"         missed: {' | '.join(pair)}")
    print("pairs (share of a in b / b in a):")
    for row in report["pairs"]:
        shares = " / ".join("-" if value is None else f"{value:.2f}" for value in (row["share_a_in_b"],
                                                                                    row["share_b_in_a"]))
        print(f"  {row['label']:9} {shares:11} {Path(row['a']).name[:45]:45} {Path(row['b']).name[:45]}")
    print("listed at other thresholds (exact shares of all pairs):")
    for row in report["sweep"]:
        print(f"  share >= {row['threshold']:.1f}: precision {row['precision']}  recall {row['recall']}  "
              f"({row['found']} pairs)")


if __name__ == "__main__":
    main()
