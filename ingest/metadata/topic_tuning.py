"""Tune the topic rules (``topics.Rules``) on labelled documents, checked leave-one-source-out.

Pure: labelled examples in, rules and a report out; no files but the rules file ``save`` writes. The examples are
(text, title, gold topics, group), the group being where the labels come from (a source repository, a council):
every figure that claims to generalise is measured leave-one-source-out (LOSO), i.e. for each group the rules
are tuned on the other groups and scored on it, and the predictions of all groups are pooled into one micro F1.

What is searched:

- the numbers (``topics.PARAMETERS``) by coordinate search over small grids, each in turn, until none improves;
- per topic, keywords to add (whole words of the training documents) and stems of LEXICON to remove, each only
  when documents of at least MIN_SOURCES different groups support it (labelled with the topic and containing
  the word; not labelled with it and containing the stem), so that no one source's labelling convention is
  fitted, and kept only when it raises the training F1 by MIN_GAIN.

Speed: the keyword hits of every stem and candidate word in every document are counted once (``Features``);
the search then only re-scores arrays. Scores of a rule set are finally measured with the real extraction
(``topics.Lexicon``), so the reported figures are those the rules will reach.
"""

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ingest.metadata import topics
from ingest.metadata.text import clean
from ingest.records import Emphasis

MIN_SOURCES = 3
MIN_GAIN = 0.002  # training micro F1 a keyword change must add (about two labels in 500)
PARAMETER_GAIN = 0.005  # training micro F1 a number must add to move off its current value (about five labels)
MIN_PRECISION = 0.7  # of a word to add: the share of the training documents containing it that have the topic
CANDIDATES = 12  # words per topic tried for adding, the best supported first
MIN_WORD = 4
MAX_WEAK_MIN_HITS = 6
GRID: dict[str, tuple[float, ...]] = {
    "title_weight": (2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0),
    "title_cap": (1, 2, 3),
    "body_weight": (0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0),
    "hits_cap": (1, 2, 3, 4, 5, 6, 8),
    "weak": (0.1, 0.2, 0.35, 0.5, 0.75, 1.0),
    "weak_min_hits": tuple(range(1, MAX_WEAK_MIN_HITS + 1)),
    "min_score": (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0),
    "relative": (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7),
    "max_topics": (1, 2, 3, 4),
}
ROUNDS = 4
_WORD = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Example:
    """One labelled document: the text (its first BODY_CHARS) and title the topic rules see, the topics a person
    gave it, and where that person's labels come from."""

    text: str
    title: str | None
    topics: frozenset[str]
    group: str
    name: str = ""


def example(text: str, gold: Iterable[str], group: str, name: str = "", emphasis: tuple[Emphasis, ...] = (),
            title: str | None = None) -> Example:
    """An Example from a document's raw text (and the lines its file marks as prominent), holding the text and
    title the extraction gives the topic rules (``extract_metadata`` run, its topic input recorded); with
    ``title`` given, the text is only cleaned (synthetic examples)."""
    from ingest import metadata  # the package imports this module's siblings first

    if title is not None:
        prepared = clean(text[: metadata.MAX_CHARS])
    else:
        with topics.recording() as seen:
            metadata.extract_metadata(text, emphasis)
        prepared, title = seen[-1]
    return Example(prepared[: topics.BODY_CHARS], title, frozenset(gold), group, name)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.tp + self.fn, 1)

    @property
    def f1(self) -> float:
        return 2 * self.tp / max(2 * self.tp + self.fp + self.fn, 1)

    def __add__(self, other: "Score") -> "Score":
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_json(self) -> dict:
        return {"f1": round(self.f1, 4), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def score(pairs: Iterable[tuple[frozenset[str], Sequence[str]]]) -> Score:
    """Micro counts of (gold, predicted) pairs."""
    tp = fp = fn = 0
    for gold, got in pairs:
        got = set(got)
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return Score(tp, fp, fn)


def evaluate(examples: Sequence[Example], rules: topics.Rules) -> Score:
    """The real extraction's micro counts under ``rules``."""
    lexicon = topics.Lexicon(rules)
    return score((ex.topics, lexicon.extract(ex.text, ex.title)) for ex in examples)


# -- counting once -------------------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One stem (or candidate word) of one topic: the documents it occurs in, its hits there, whether in the title."""

    topic: int
    raw: str
    weak: bool
    rows: np.ndarray
    body: np.ndarray
    title: np.ndarray
    builtin: bool


@dataclass
class Features:
    """The keyword hits of every document, counted once: per built-in stem, and per word that could be added."""

    examples: Sequence[Example]
    slugs: list[str]
    gold: np.ndarray  # documents x topics, bool
    words: np.ndarray  # documents, the word count the density divides by
    groups: np.ndarray  # documents, group index
    group_names: list[str]
    stems: list[_Entry]
    vocabulary: list[str]  # candidate words
    word_rows: list[np.ndarray]  # per candidate word: the documents whose body has it
    word_counts: list[np.ndarray]
    word_title: list[np.ndarray]
    covered: np.ndarray  # candidate words x topics: a built-in stem of the topic already matches in the word
    _entries: dict[tuple[int, int], _Entry] = field(default_factory=dict)

    def word_entry(self, topic: int, word: int) -> _Entry:
        key = (topic, word)
        if key not in self._entries:
            self._entries[key] = _Entry(topic, "^" + re.escape(self.vocabulary[word]) + r"\b", False,
                                        self.word_rows[word], self.word_counts[word], self.word_title[word], False)
        return self._entries[key]


def features(examples: Sequence[Example]) -> Features:
    """Count the built-in stems and the words of ``examples`` (about 10 ms a document)."""
    lexicon = topics.Lexicon(topics.Rules())
    slugs = sorted(lexicon.topics)
    gold = np.array([[slug in ex.topics for slug in slugs] for ex in examples], dtype=bool).reshape(-1, len(slugs))
    group_names = sorted({ex.group for ex in examples})
    groups = np.array([group_names.index(ex.group) for ex in examples], dtype=int)
    words = np.zeros(len(examples))
    stem_hits: dict[tuple[int, int], dict[int, tuple[int, bool]]] = {}
    word_docs: dict[str, dict[int, tuple[int, bool]]] = {}
    for d, ex in enumerate(examples):
        body = ex.text[: topics.BODY_CHARS].casefold()
        title = (ex.title or "").casefold()
        words[d] = max(len(body.split()), 50)
        for t, slug in enumerate(slugs):
            in_body = lexicon.stem_counts(slug, body)
            if not in_body:
                continue  # a topic without body hits gets no score at all
            in_title = lexicon.stem_counts(slug, title)
            for j in set(in_body) | set(in_title):
                stem_hits.setdefault((t, j), {})[d] = (in_body.get(j, 0), j in in_title)
        title_words = set(_WORD.findall(title))
        for word, n in Counter(_WORD.findall(body)).items():
            if len(word) >= MIN_WORD and not word.replace("-", "").isdigit():
                word_docs.setdefault(word, {})[d] = (n, word in title_words)
    stems = []
    for (t, j), hits in sorted(stem_hits.items()):
        stem = lexicon.topics[slugs[t]][1][j]
        rows = np.array(sorted(hits), dtype=int)
        stems.append(_Entry(t, stem.raw, stem.weak, rows, np.array([hits[r][0] for r in rows]),
                            np.array([hits[r][1] for r in rows], dtype=bool), True))
    # a word can only ever be added where documents of MIN_SOURCES groups have it
    vocabulary = sorted(w for w, docs in word_docs.items() if len({groups[d] for d in docs}) >= MIN_SOURCES)
    word_rows, word_counts, word_title = [], [], []
    for word in vocabulary:
        docs = word_docs[word]
        rows = np.array(sorted(docs), dtype=int)
        word_rows.append(rows)
        word_counts.append(np.array([docs[r][0] for r in rows]))
        word_title.append(np.array([docs[r][1] for r in rows], dtype=bool))
    covered = np.array([[bool(lexicon.stem_counts(slug, word)) for slug in slugs] for word in vocabulary],
                       dtype=bool).reshape(-1, len(slugs))
    return Features(examples, slugs, gold, words, groups, group_names, stems, vocabulary, word_rows, word_counts,
                    word_title, covered)


# -- re-scoring ----------------------------------------------------------------------------------------------


class _Model:
    """The per-document, per-topic sums the score needs, for the stems switched on; updated per stem."""

    def __init__(self, f: Features, train: np.ndarray):
        n, t = f.gold.shape
        self.f = f
        self.train = train  # bool per document
        self.strong = np.zeros((n, t))
        self.weak = np.zeros((MAX_WEAK_MIN_HITS, n, t))  # [k]: hits of weak stems found at least k + 1 times
        self.title_strong = np.zeros((n, t))
        self.title_weak = np.zeros((n, t))
        self.stems = np.zeros((n, t), dtype=int)  # stems with body hits: the topic has a score at all
        self.on: set[int] = set()  # ids of the entries switched on
        self.rows_tp = np.zeros(n, dtype=int)
        self.rows_fp = np.zeros(n, dtype=int)
        self.rows_fn = np.zeros(n, dtype=int)
        for entry in f.stems:
            self.toggle(entry, 1)

    def toggle(self, entry: _Entry, sign: int) -> None:
        rows, t, body = entry.rows, entry.topic, entry.body
        if entry.weak:
            for k in range(MAX_WEAK_MIN_HITS):
                self.weak[k, rows, t] += sign * body * (body >= k + 1)
            self.title_weak[rows, t] += sign * entry.title
        else:
            self.strong[rows, t] += sign * body
            self.title_strong[rows, t] += sign * entry.title
        self.stems[rows, t] += sign * (body > 0)
        if sign > 0:
            self.on.add(id(entry))
        else:
            self.on.discard(id(entry))

    def decide(self, p: dict, rows: np.ndarray | slice) -> np.ndarray:
        """documents x topics: chosen, under the parameters ``p``."""
        hits = self.strong[rows] + p["weak"] * self.weak[int(p["weak_min_hits"]) - 1][rows]
        title = np.minimum(self.title_strong[rows] + p["weak"] * self.title_weak[rows], p["title_cap"])
        density = np.log1p(hits * 300 / self.f.words[rows][:, None])
        found = self.stems[rows] > 0
        body = p["body_weight"] * density * np.minimum(hits, p["hits_cap"])
        values = np.where(found, p["title_weight"] * title + body, -np.inf)
        top = values.max(axis=1, keepdims=True) if values.shape[1] else values
        chosen = found & (values >= p["min_score"]) & (values >= p["relative"] * top)
        k = int(p["max_topics"])
        if k < chosen.shape[1]:
            order = np.argsort(-np.where(chosen, values, -np.inf), axis=1, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.broadcast_to(np.arange(order.shape[1]), order.shape), axis=1)
            chosen &= rank < k
        return chosen

    def counts(self, p: dict, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chosen = self.decide(p, rows)
        gold = self.f.gold[rows]
        return (chosen & gold).sum(1), (chosen & ~gold).sum(1), (~chosen & gold).sum(1)

    def rescore(self, p: dict) -> float:
        rows = np.flatnonzero(self.train)
        self.rows_tp[rows], self.rows_fp[rows], self.rows_fn[rows] = self.counts(p, rows)
        return self.f1()

    def f1(self) -> float:
        tp, fp, fn = self.rows_tp.sum(), self.rows_fp.sum(), self.rows_fn.sum()
        return 2 * tp / max(2 * tp + fp + fn, 1)

    def try_toggle(self, entry: _Entry, sign: int, p: dict, gain: float) -> bool:
        """Switch ``entry`` on (1) or off (-1) if that raises the training F1 by ``gain``; else leave it."""
        rows = entry.rows[self.train[entry.rows]]
        if not len(rows):
            return False
        before = self.f1()
        old = self.rows_tp[rows].copy(), self.rows_fp[rows].copy(), self.rows_fn[rows].copy()
        self.toggle(entry, sign)
        self.rows_tp[rows], self.rows_fp[rows], self.rows_fn[rows] = self.counts(p, rows)
        if self.f1() >= before + gain:
            return True
        self.toggle(entry, -sign)
        self.rows_tp[rows], self.rows_fp[rows], self.rows_fn[rows] = old
        return False


def _search_parameters(model: _Model, p: dict) -> tuple[dict, float]:
    """Coordinate search: each number in turn set to its best grid value, if that adds PARAMETER_GAIN."""
    best = model.rescore(p)
    for _ in range(ROUNDS):
        improved = False
        for name, grid in GRID.items():
            base, choice = best, None
            for value in grid:
                if value == p[name]:
                    continue
                trial = {**p, name: value}
                f1 = model.rescore(trial)
                if f1 >= base + PARAMETER_GAIN and (choice is None or f1 > best + 1e-9):
                    best, choice = f1, trial
            if choice is not None:
                p, improved = choice, True
        model.rescore(p)
        if not improved:
            break
    return p, best


def _removals(model: _Model) -> list[_Entry]:
    """Built-in stems switched on that match in training documents without the topic, of MIN_SOURCES groups,
    most such documents first."""
    f, out = model.f, []
    for entry in f.stems:
        if id(entry) not in model.on:
            continue
        rows = entry.rows[model.train[entry.rows]]
        wrong = rows[~f.gold[rows, entry.topic]]
        if len(set(f.groups[wrong])) >= MIN_SOURCES:
            out.append((-len(wrong), entry.raw, entry))
    return [entry for *_, entry in sorted(out, key=lambda x: (x[0], x[1]))]


def _additions(model: _Model) -> list[_Entry]:
    """Per topic up to CANDIDATES words not yet covered by its stems, in training documents with the topic of
    MIN_SOURCES groups, at least MIN_PRECISION of the training documents with the word having the topic."""
    f, out = model.f, []
    train = model.train
    for w, rows in enumerate(f.word_rows):
        rows = rows[train[rows]]
        if len(rows) < MIN_SOURCES:
            continue
        gold = f.gold[rows]
        with_topic = gold.sum(0)
        for t in np.flatnonzero((with_topic >= MIN_SOURCES) & ~f.covered[w]):
            precision = with_topic[t] / len(rows)
            if precision >= MIN_PRECISION and len(set(f.groups[rows[gold[:, t]]])) >= MIN_SOURCES:
                out.append((t, -with_topic[t] * precision, f.vocabulary[w], w))
    chosen: list[_Entry] = []
    per_topic: Counter = Counter()
    for t, _, _, w in sorted(out):
        if per_topic[t] < CANDIDATES:
            per_topic[t] += 1
            entry = f.word_entry(t, w)
            if id(entry) not in model.on:
                chosen.append(entry)
    return chosen


def tune(f: Features, train: np.ndarray | None = None, start: topics.Rules | None = None,
         keywords: bool = True) -> topics.Rules:
    """The rules that maximise the micro F1 on the documents ``train`` (bool per document; default all), from
    ``start`` (default the built-in rules; its keyword changes are not carried over, keywords are searched
    afresh against LEXICON)."""
    train = np.ones(len(f.examples), dtype=bool) if train is None else train
    model = _Model(f, train)
    p = dict((start or topics.Rules()).parameters())
    p, _ = _search_parameters(model, p)
    if keywords:
        for _ in range(2):
            changed = False
            for entry in _removals(model):
                changed |= model.try_toggle(entry, -1, p, MIN_GAIN)
            for entry in _additions(model):
                changed |= model.try_toggle(entry, 1, p, MIN_GAIN)
            if not changed:
                break
        p, _ = _search_parameters(model, p)
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for entry in f.stems:
        if id(entry) not in model.on:
            removed.setdefault(f.slugs[entry.topic], []).append(entry.raw)
    for entry in f._entries.values():
        if id(entry) in model.on:
            added.setdefault(f.slugs[entry.topic], []).append(entry.raw)
    values = {name: topics.PARAMETERS[name](value) for name, value in p.items()}
    return topics.Rules(**values, added={s: tuple(sorted(v)) for s, v in added.items()},
                        removed={s: tuple(sorted(v)) for s, v in removed.items()})


# -- the report ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Current rules against retuned ones: LOSO and in-sample micro counts, and the rules tuned on everything."""

    documents: int
    sources: dict[str, int]
    current: topics.Rules
    retuned: topics.Rules
    current_loso: Score | None
    current_in_sample: Score
    retuned_loso: Score | None
    retuned_in_sample: Score
    per_source: dict[str, dict[str, float | int]]
    seconds: float = 0.0

    @property
    def better(self) -> bool:
        """Whether the retuned rules generalise at least as well as the current ones (LOSO; needs two groups)."""
        return (self.retuned_loso is not None and self.current_loso is not None
                and self.retuned_loso.f1 >= self.current_loso.f1)

    def as_json(self) -> dict:
        def fig(s: Score | None) -> dict | None:
            return s.as_json() if s else None

        return {
            "documents": self.documents,
            "sources": self.sources,
            "current": {"rules": self.current.source or "built-in", "loso": fig(self.current_loso),
                        "in_sample": fig(self.current_in_sample)},
            "retuned": {"loso": fig(self.retuned_loso), "in_sample": fig(self.retuned_in_sample),
                        **self.retuned.as_json()},
            "per_source": self.per_source,
            "better": self.better,
            "seconds": round(self.seconds, 1),
        }


def retune(examples: Sequence[Example], current: topics.Rules | None = None, keywords: bool = True,
           progress=None) -> Report:
    """Tune on ``examples`` and compare with ``current`` (default: the rules in effect). LOSO: for each group,
    the rules tuned on the other groups predict its documents; the predictions of all groups are pooled.
    The current rules are fixed, so their LOSO and in-sample figures are the same counts (their own tuning,
    if they came from a rules file, may have seen these documents). ``progress(done, total)`` after each group."""
    started = datetime.now(UTC)
    current = current or topics.current_rules()
    f = features(examples)
    groups = f.group_names
    now = topics.Lexicon(current)
    current_pred = [now.extract(ex.text, ex.title) for ex in examples]
    current_score = score((ex.topics, got) for ex, got in zip(examples, current_pred, strict=True))
    retuned_pred: list[tuple[str, ...] | None] = [None] * len(examples)
    per_source: dict[str, dict[str, float | int]] = {}
    if len(groups) >= 2:
        for g, name in enumerate(groups):
            held = f.groups == g
            rules = tune(f, ~held, current, keywords)
            lexicon = topics.Lexicon(rules)
            for d in np.flatnonzero(held):
                retuned_pred[d] = lexicon.extract(examples[d].text, examples[d].title)
            rows = np.flatnonzero(held)
            per_source[name] = {
                "documents": len(rows),
                "current_f1": round(score((examples[d].topics, current_pred[d]) for d in rows).f1, 4),
                "retuned_f1": round(score((examples[d].topics, retuned_pred[d]) for d in rows).f1, 4),
            }
            if progress:
                progress(g + 1, len(groups) + 1)
    final = tune(f, None, current, keywords)
    if progress:
        progress(len(groups) + 1, len(groups) + 1)
    loso = (score((ex.topics, got) for ex, got in zip(examples, retuned_pred, strict=True))
            if len(groups) >= 2 else None)
    return Report(
        documents=len(examples),
        sources=dict(sorted(Counter(ex.group for ex in examples).items(), key=lambda kv: (-kv[1], kv[0]))),
        current=current,
        retuned=final,
        current_loso=current_score if len(groups) >= 2 else None,
        current_in_sample=current_score,
        retuned_loso=loso,
        retuned_in_sample=evaluate(examples, final),
        per_source=per_source,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )


def rules_file(report: Report, trained_by: dict | None = None) -> dict:
    """The JSON object of a rules file: the retuned rules, their LOSO and in-sample figures against the rules
    they replace, when, and from how many documents of which sources."""
    return {
        "version": topics.RULES_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **report.retuned.as_json(),
        "evaluation": {
            "loso": {"current": report.current_loso and report.current_loso.as_json(),
                     "retuned": report.retuned_loso and report.retuned_loso.as_json()},
            "in_sample": {"current": report.current_in_sample.as_json(),
                          "retuned": report.retuned_in_sample.as_json()},
            "replaced": report.current.source or "built-in",
        },
        "training": {"documents": report.documents, "sources": report.sources, **(trained_by or {})},
    }


def save(path: Path, data: dict) -> None:
    """Write a rules file atomically (a reader sees the old or the new one), after checking it reads back."""
    topics.rules_from_json(data)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
