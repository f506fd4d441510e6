"""The archive's topic rules: ``<ARCHIVE_DIR>/topic_rules.json``, trained on what staff reviewed.

``apply(root)`` makes the extraction use the store's rules file (the built-in rules without one); the archive
calls it when it opens, before it parses anything, so the parse workers forked afterwards inherit them.
``retrain`` collects the labelled examples (documents staff reviewed, plus a labelled corpus such as
``../shared/corpus/dev``), retunes the rules leave-one-source-out (``ingest.metadata.topic_tuning``) and writes
the file only when the retuned rules generalise at least as well as the current ones. Documents already stored
keep their topics until ``reprocess --all``.
"""

import json
import logging
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ingest
from ingest.metadata import topic_tuning, topics
from ingest.records import Emphasis

RULES_FILE = "topic_rules.json"
DEFAULT_CORPUS = Path("../shared/corpus/dev")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "antragsarchiv-topic-texts"
ARCHIVE_GROUP = "archive"

log = logging.getLogger(__name__)


def rules_path(root: Path) -> Path:
    return Path(root) / RULES_FILE


def apply(root: Path) -> topics.Rules:
    """Extract topics with the rules file of the store at ``root`` if it has one, else the built-in rules; a
    broken file is logged and ignored."""
    try:
        return topics.load_rules(rules_path(root))
    except ValueError:
        log.warning("ignoring the topic rules file of %s", root, exc_info=True)
        return topics.load_rules(None)


def current(root: Path) -> topics.Rules:
    """The rules the store at ``root`` extracts with (without changing those of this process)."""
    path = rules_path(root)
    if not path.is_file():
        return topics.Rules()
    try:
        return topics.read_rules(path)
    except ValueError:
        log.warning("ignoring the topic rules file %s", path, exc_info=True)
        return topics.Rules()


def reviewed_examples(root: Path) -> list[topic_tuning.Example]:
    """The documents staff reviewed, labelled with their confirmed topics, grouped by their Kommune's ARS, else
    their party, else ARCHIVE_GROUP; text and title as the extraction now reads them (the prominent lines of the
    file are not stored, so a title may come out differently than at ingest). Without topics they count only if
    staff removed the topics (``topics`` in ``edited_fields``): an empty list nobody touched says nothing."""
    db_path = Path(root) / "archive.db"
    if not db_path.is_file():
        return []
    from ingest.metadata import MAX_CHARS

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        rows = conn.execute(
            "SELECT id, sha256, substr(text, 1, ?), topics, edited_fields, municipality_ars, party "
            "FROM documents WHERE reviewed_at IS NOT NULL ORDER BY id", [MAX_CHARS]).fetchall()
    finally:
        conn.close()
    out = []
    for doc_id, sha, text, topics_json, edited_json, ars, party in rows:
        gold = json.loads(topics_json or "[]")
        if not (text or "").strip() or (not gold and "topics" not in json.loads(edited_json or "[]")):
            continue
        out.append(topic_tuning.example(text, gold, ars or party or ARCHIVE_GROUP, name=f"{doc_id}:{sha}"))
    return out


@dataclass
class CorpusTexts:
    examples: list[topic_tuning.Example] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    cached: int = 0


def corpus_examples(corpus: Path, cache: Path | None = DEFAULT_CACHE, step: Callable[[], None] | None = None
                    ) -> CorpusTexts:
    """The documents of a labelled corpus (``manifest.jsonl``: ``file``, ``topics``, ``source_repo``) that have
    topics, grouped by source repository. Texts are read with ``ingest.read_text`` (OCR for scans) and kept in
    ``cache`` by sha256, so a second run reads no file twice."""
    out = CorpusTexts()
    manifest = Path(corpus) / "manifest.jsonl"
    labels = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    for lab in labels:
        if step:
            step()
        if not lab.get("topics"):
            continue
        path = Path(corpus) / lab["file"]
        try:
            text, emphasis, from_cache = _text(path, cache)
        except (ingest.IngestError, OSError) as exc:
            out.skipped.append((lab["file"], str(exc)))
            continue
        out.cached += from_cache
        out.examples.append(topic_tuning.example(text, lab["topics"], lab.get("source_repo") or str(corpus),
                                                 name=f"{lab['file']}:{ingest.sha256_of(path)}", emphasis=emphasis))
    return out


def _text(path: Path, cache: Path | None) -> tuple[str, tuple[Emphasis, ...], bool]:
    """The file's text and prominent lines, from the cache when it has them."""
    cached = cache / (ingest.sha256_of(path) + ".json") if cache else None
    if cached and cached.is_file():
        data = json.loads(cached.read_text(encoding="utf-8"))
        return data["text"], tuple(Emphasis(t, level) for t, level in data["emphasis"]), True
    extracted = ingest.read_text(path)[1]
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        data = {"text": extracted.text, "emphasis": [[e.text, e.level] for e in extracted.emphasis]}
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    return extracted.text, tuple(extracted.emphasis), False


@dataclass
class Retraining:
    report: topic_tuning.Report
    path: Path
    written: bool
    reviewed: int
    corpus: CorpusTexts | None


def retrain(root: Path, corpus: Path | None, cache: Path | None = DEFAULT_CACHE, dry_run: bool = False,
            step: Callable[[], None] | None = None, progress=None) -> Retraining:
    """Retune the topic rules on the reviewed documents of the store at ``root`` (and the labelled ``corpus``)
    and write ``<root>/topic_rules.json`` if the retuned rules' LOSO F1 is at least the current rules' (never
    with ``dry_run``). A document both reviewed and in the corpus counts once, with the staff's topics."""
    reviewed = reviewed_examples(root)
    texts = corpus_examples(corpus, cache, step) if corpus else None
    seen = {ex.name.rsplit(":", 1)[-1] for ex in reviewed}
    examples = reviewed + [ex for ex in (texts.examples if texts else []) if ex.name.rsplit(":", 1)[-1] not in seen]
    if not examples:
        raise ValueError("no labelled documents: none reviewed in the archive and no corpus given")
    report = topic_tuning.retune(examples, current(root), progress=progress)
    path = rules_path(root)
    written = not dry_run and report.better
    if written:
        trained_by = {"reviewed": len(reviewed), "corpus": str(corpus) if corpus else None,
                      "corpus_documents": len(examples) - len(reviewed)}
        topic_tuning.save(path, topic_tuning.rules_file(report, trained_by))
    return Retraining(report, path, written, len(reviewed), texts)
