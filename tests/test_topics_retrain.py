"""Topic rules learnt from labelled documents: the tuning (ingest), the rules file, ``flask topics retrain``."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive, topic_training
from archive.store import Store
from ingest.metadata import topic_tuning, topics

ROOT = Path(__file__).resolve().parent.parent
FILLER = ("Wir bitten um Beratung und Beschluss in der nächsten Sitzung des Rates. Der Antrag wurde fristgerecht "
          "eingereicht und liegt allen Mitgliedern vor. ")
NEW_WORD = "Quidditchturnier"  # no stem of any topic matches it


@pytest.fixture(autouse=True)
def built_in_rules():
    """Rules are process-wide: every test starts and ends with the built-in ones."""
    topics.use_rules(topics.Rules())
    yield
    topics.use_rules(topics.Rules())


def one_hit(word: str, n: int = 0) -> str:
    """About 60 words without any keyword, then ``word`` once."""
    return FILLER * 3 + f"Es geht um das Thema {word} Nummer {n}."


def word_docs(word: str, slug: str, groups: list[str], per_group: int = 2, hits: int = 3) -> list[tuple]:
    """(text, topics, group) of documents labelled ``slug`` whose only evidence is ``word``, ``hits`` times."""
    return [(FILLER * 2 + " ".join([f"Das {word} {i}."] * hits), [slug], group)
            for group in groups for i in range(per_group)]


def negatives(groups: list[str], per_group: int = 2) -> list[tuple]:
    """Documents about children's day care (which the built-in rules get right)."""
    text = FILLER + "Die Kita braucht mehr Kitaplätze, die Kindertagesstätte mehr Erzieher. " * 3
    return [(text, ["kinder-jugend"], group) for group in groups for _ in range(per_group)]


def examples(rows: list[tuple]) -> list[topic_tuning.Example]:
    return [topic_tuning.example(text, gold, group, title="") for text, gold, group in rows]


def test_thresholds_are_retuned_where_the_defaults_are_clearly_wrong():
    rows = [(one_hit(word, i), [slug], f"quelle-{i % 4}")
            for i in range(8) for word, slug in (("Radweg", "verkehr"), ("Spielplatz", "kinder-jugend"),
                                                  ("Schwimmbad", "sport"))]
    data = examples(rows)
    assert topic_tuning.evaluate(data, topics.Rules()).tp == 0  # one keyword in passing: below MIN_SCORE
    rules = topic_tuning.tune(topic_tuning.features(data))
    assert rules.min_score < topics.MIN_SCORE
    assert topic_tuning.evaluate(data, rules).f1 == 1.0
    report = topic_tuning.retune(data, topics.Rules())
    assert report.current_loso.f1 == 0.0 and report.retuned_loso.f1 == 1.0 and report.better
    assert set(report.per_source) == {"quelle-0", "quelle-1", "quelle-2", "quelle-3"}


def test_a_word_is_added_only_when_three_sources_support_it():
    rows = (word_docs(NEW_WORD, "sport", ["a", "b", "c"])
            + word_docs("Zauberbesen", "kultur", ["a"], per_group=6)  # one source's convention
            + negatives(["a", "b", "c", "d"]))
    data = examples(rows)
    rules = topic_tuning.tune(topic_tuning.features(data))
    assert rules.added == {"sport": (r"^quidditchturnier\b",)}
    two_sources = examples(word_docs(NEW_WORD, "sport", ["a", "b"], per_group=3) + negatives(["a", "b", "c"]))
    assert topic_tuning.tune(topic_tuning.features(two_sources)).added == {}


def test_rules_file_round_trip_changes_extraction(tmp_path: Path):
    text = FILLER + f"Das {NEW_WORD} im Stadtpark. " * 3
    assert topics.extract_topics(text, "Antrag") == ()
    rules = topics.Rules(added={"sport": (r"^quidditchturnier\b",)}, min_score=5.0)
    path = tmp_path / "topic_rules.json"
    topic_tuning.save(path, {**rules.as_json(), "version": topics.RULES_VERSION})
    loaded = topics.load_rules(path)
    assert loaded == rules and loaded.source == str(path)
    assert topics.extract_topics(text, "Antrag") == ("sport",)
    assert "sport" in topics.evidence(text, "Antrag") and topics.confidence(text, "Antrag", ("sport",)) > 0
    path.unlink()
    assert topics.load_rules(path) == topics.Rules()  # the file gone: built-in rules again
    assert topics.extract_topics(text, "Antrag") == ()


@pytest.mark.parametrize("content", [
    "{not json", '{"parameters": {"min_scor": 3}}', '{"parameters": {"max_topics": 0}}',
    '{"keywords": {"added": {"quidditch": ["x"]}}}', '{"keywords": {"added": {"sport": ["(unclosed"]}}}',
])
def test_a_broken_rules_file_is_refused_and_the_archive_ignores_it(tmp_path: Path, content: str):
    (tmp_path / "topic_rules.json").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        topics.load_rules(tmp_path / "topic_rules.json")
    assert topic_training.apply(tmp_path) == topics.Rules()


# -- the command, on a real store ----------------------------------------------------------------------------


def flask(*args: str, archive_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ARCHIVE_DIR=str(archive_dir))
    return subprocess.run([sys.executable, "-m", "flask", "--app", "search_app", *args], env=env,
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def reviewed_store(root: Path) -> Path:
    """A store whose staff reviewed documents from four places (ARS, party, neither): the sports documents name
    their tournament only by a word no topic knows; one document was never reviewed."""
    store = Store(root)
    places = [{"municipality_ars": "051140000000"}, {"municipality_ars": "010020000000"}, {"party": "SPD"}, {}]
    rows = []
    for i, place in enumerate(places):
        for text, gold, _ in word_docs(NEW_WORD, "sport", ["x"]) + negatives(["x"], per_group=1):
            rows.append({"sha256": f"{i}-{len(rows)}", "doc_type": "antrag", "status": "ok", "text": text,
                         "topics": json.dumps(gold), "reviewed_at": "2024-05-01T10:00:00+00:00",
                         "edited_fields": json.dumps(["topics"] if gold == ["sport"] else []), **place})
    rows.append({"sha256": "unreviewed", "doc_type": "antrag", "status": "ok", "text": FILLER, "topics": "[]"})
    store.db["documents"].insert_all(rows)
    store.close()
    return root


def topics_in_store(root: Path) -> list:
    db = sqlite3.connect(root / "archive.db")
    try:
        return db.execute("SELECT sha256, topics FROM documents ORDER BY id").fetchall()
    finally:
        db.close()


def test_retrain_on_reviewed_documents_writes_rules_the_archive_then_uses(tmp_path: Path):
    root = reviewed_store(tmp_path / "store")
    before = topics_in_store(root)
    proc = flask("topics", "retrain", "--no-corpus", archive_dir=root)
    assert proc.returncode == 0, proc.stderr
    assert "12 Dokumenten aus 4 Quellen (12 geprüft" in proc.stdout  # the unreviewed one is no example
    assert "leave-one-source-out" in proc.stdout
    assert "aktuell (eingebaut)" in proc.stdout and "neu abgestimmt" in proc.stdout
    assert "sport: ^quidditchturnier" in proc.stdout
    assert "Geschrieben:" in proc.stdout and "reprocess --all" in proc.stdout
    saved = json.loads((root / "topic_rules.json").read_text(encoding="utf-8"))
    assert saved["keywords"]["added"] == {"sport": [r"^quidditchturnier\b"]}
    assert saved["training"]["documents"] == saved["training"]["reviewed"] == 12
    assert set(saved["training"]["sources"]) == {"051140000000", "010020000000", "SPD", "archive"}
    loso = saved["evaluation"]["loso"]
    assert loso["retuned"]["f1"] > loso["current"]["f1"] and saved["trained_at"]
    assert topics_in_store(root) == before  # retraining changes no stored document
    text = FILLER + f"Das {NEW_WORD} im Stadtpark. " * 3
    assert topics.extract_topics(text, "Antrag") == ()
    Archive(root).close()  # opening the archive loads its rules
    assert topics.current_rules().source == str(root / "topic_rules.json")
    assert topics.extract_topics(text, "Antrag") == ("sport",)
    again = flask("topics", "retrain", "--no-corpus", "--json", "--dry-run", archive_dir=root)
    report = json.loads(again.stdout)
    assert report["current"]["rules"] == str(root / "topic_rules.json") and report["written"] is False


def test_dry_run_writes_nothing_and_json_has_the_figures(tmp_path: Path):
    root = reviewed_store(tmp_path / "store")
    proc = flask("topics", "retrain", "--no-corpus", "--dry-run", archive_dir=root)
    assert proc.returncode == 0, proc.stderr
    assert "Nicht geschrieben (--dry-run)" in proc.stdout
    assert not (root / "topic_rules.json").exists()
    as_json = flask("topics", "retrain", "--no-corpus", "--dry-run", "--json", archive_dir=root)
    report = json.loads(as_json.stdout)
    assert report["written"] is False and report["better"] is True and report["documents"] == 12
    for side in ("current", "retuned"):
        assert {"f1", "precision", "recall"} <= set(report[side]["loso"]) and report[side]["in_sample"]
    assert not (root / "topic_rules.json").exists()


def test_retrain_on_a_corpus_caches_its_texts(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "files").mkdir(parents=True)
    manifest = []
    for i, (text, gold, group) in enumerate(word_docs(NEW_WORD, "sport", ["r1", "r2", "r3", "r4"])
                                            + negatives(["r1", "r2", "r3", "r4"], per_group=1)):
        (corpus / "files" / f"{i}.txt").write_text(f"{text} Vorlage {i}.", encoding="utf-8")
        manifest.append({"file": f"files/{i}.txt", "topics": gold, "source_repo": group})
    manifest.append({"file": "files/unlabelled.txt", "topics": [], "source_repo": "r1"})
    (corpus / "manifest.jsonl").write_text("\n".join(map(json.dumps, manifest)), encoding="utf-8")
    cache, root = tmp_path / "cache", tmp_path / "store"
    proc = flask("topics", "retrain", "--corpus", str(corpus), "--cache", str(cache), "--dry-run", "--json",
                 archive_dir=root)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["documents"] == 12 and report["reviewed"] == 0 and set(report["sources"]) == {"r1", "r2", "r3", "r4"}
    assert report["retuned"]["loso"]["f1"] > report["current"]["loso"]["f1"]
    assert len(list(cache.glob("*.json"))) == 12  # keyed by sha256; the unlabelled file is not read
    assert not (root / "topic_rules.json").exists()
    texts = topic_training.corpus_examples(corpus, cache)
    assert texts.cached == 12 and len(texts.examples) == 12


def test_retrain_without_labelled_documents_says_so(tmp_path: Path):
    proc = flask("topics", "retrain", "--no-corpus", archive_dir=tmp_path / "leer")
    assert proc.returncode != 0 and "Keine gelabelten Dokumente" in proc.stderr


def test_retrain_help_has_examples(tmp_path: Path):
    proc = flask("topics", "retrain", "--help", archive_dir=tmp_path / "store")
    assert proc.returncode == 0
    assert "Examples:" in proc.stdout and "flask --app search_app topics retrain" in proc.stdout
