"""A synthetic corpus with realistic German council vocabulary, for benchmarks only.

Words come from the demo corpus and the topic vocabulary, drawn with a Zipf
distribution; metadata is drawn from the gazetteer and the vocabularies.
"""

import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ingest import Metadata, ParsedDocument, Place, iter_files, read_text, reference

DOC_TYPES = ("antrag", "antrag", "antrag", "anfrage", "anfrage", "pressemitteilung", "aenderungsantrag",
             "resolution", "rede", "stellungnahme", "sonstiges")
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß\-]{1,30}")


def vocabulary(sample_dir: Path) -> list[str]:
    """Words by frequency from the demo corpus plus topic scope words."""
    counts: Counter = Counter()
    for path in iter_files([sample_dir]):
        if path.suffix in (".pdf", ".docx", ".txt"):
            counts.update(_WORD.findall(read_text(path)[1].text))
    for topic in reference.topics():
        counts.update(_WORD.findall(topic.scope + " " + topic.label))
    return [word for word, _ in counts.most_common()]


class Generator:
    def __init__(self, words: list[str], seed: int = 42):
        self.random = random.Random(seed)
        self.words = words
        self.weights = [1.0 / (rank + 2.7) for rank in range(len(words))]
        towns = [m for m in reference.municipalities() if m.population > 20_000]
        self.towns = towns
        self.districts = {d.ars: d for d in reference.districts()}
        self.parties = reference.parties()[:9]
        self.topics = [t.slug for t in reference.topics()]

    def text(self, n_words: int) -> str:
        words = self.random.choices(self.words, cum_weights=self._cum(), k=n_words)
        sentences = []
        for start in range(0, n_words, 14):
            chunk = words[start:start + 14]
            sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        return "\n".join(" ".join(sentences[i:i + 6]) for i in range(0, len(sentences), 6))

    def _cum(self) -> list[float]:
        if not hasattr(self, "_cum_weights"):
            total, cum = 0.0, []
            for w in self.weights:
                total += w
                cum.append(total)
            self._cum_weights = cum
        return self._cum_weights

    def document(self, number: int, min_words: int = 300, max_words: int = 3000) -> ParsedDocument:
        rnd = self.random
        town = rnd.choice(self.towns)
        district = self.districts.get(town.district_ars)
        title = " ".join(rnd.choices(self.words[:3000], k=rnd.randint(3, 8))).capitalize()
        body = self.text(rnd.randint(min_words, max_words))
        party = rnd.choice(self.parties)
        meta = Metadata(
            doc_type=rnd.choice(DOC_TYPES), title=title,
            date=f"{rnd.randint(2014, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            municipality=Place(town.name, town.ars),
            district=Place(district.name, district.ars) if district else None,
            state=town.state, party=party, parties=(party,), faction=f"{party}-Fraktion im Rat der Stadt {town.name}",
            topics=tuple(rnd.sample(self.topics, rnd.randint(0, 3))),
        )
        text = f"{meta.faction}\n{town.name}, den {meta.date}\nAntrag\n{title}\n\n{body}"
        sha = f"{number:064x}"
        return ParsedDocument(path=f"synthetic-{number}.txt", sha256=sha, size=len(text.encode()), format="txt",
                              text=text, pages=None, metadata=meta)

    def documents(self, count: int) -> Iterator[ParsedDocument]:
        for number in range(1, count + 1):
            yield self.document(number)
