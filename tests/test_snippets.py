"""Snippets: escaping, highlighting through stems and folds, window choice, length bounds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from archive.analysis import TOKEN_RE, analyze, token_terms
from archive.snippets import SCAN_CHARS, _find_matches, make_snippet


def terms(text: str) -> set[str]:
    return set(analyze(text))


def visible(snippet: str) -> str:
    """Snippet text as a reader sees it (no marks, no ellipses, entities left as they are)."""
    return re.sub(r"</?mark>", "", str(snippet)).strip("…")


def test_returns_markup():
    assert isinstance(make_snippet("Kita", terms("Kita")), Markup)


def test_hostile_text_is_escaped():
    text = "<script>alert(\"x\")</script> & 'Kita' <b>Straße</b>"
    snippet = make_snippet(text, terms("Kita Straße script"))
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "&lt;<mark>script</mark>&gt;" in snippet
    assert "&amp;" in snippet
    assert "&#34;x&#34;" in snippet
    assert "&#39;<mark>Kita</mark>&#39;" in snippet
    assert "&lt;b&gt;<mark>Straße</mark>&lt;/b&gt;" in snippet


def test_hostile_text_without_matches_is_escaped():
    snippet = make_snippet("<img src=x onerror=alert(1)> Text", set())
    assert snippet == Markup("&lt;img src=x onerror=alert(1)&gt; Text")


def test_stems_and_folds_are_highlighted():
    text = "Die Mieten in der Strasse steigen, sagt die Bürger*innen-Initiative aus Muenster."
    snippet = make_snippet(text, terms("Miete Straße Bürgerinnen Münster"))
    assert "<mark>Mieten</mark>" in snippet
    assert "<mark>Strasse</mark>" in snippet
    assert "<mark>Bürger*innen-Initiative</mark>" in snippet
    assert "<mark>Muenster</mark>" in snippet
    assert "<mark>Die</mark>" not in snippet


def test_compound_highlighted_by_joined_form():
    snippet = make_snippet("Wir wollen die Kita-Gebühren abschaffen.", terms("Kitagebühren"))
    assert "<mark>Kita-Gebühren</mark>" in snippet


def test_window_with_most_distinct_terms_wins():
    filler = "Lorem ipsum dolor sit amet. " * 30
    text = f"Kita am Anfang. {filler} Kita und Gebühren und Bochum stehen hier zusammen. {filler} Kita Kita Kita."
    snippet = make_snippet(text, terms("Kita Gebühren Bochum"))
    assert "<mark>Gebühren</mark>" in snippet
    assert "<mark>Bochum</mark>" in snippet
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "Anfang" not in snippet


def test_length_is_bounded_and_cut_at_word_boundaries():
    words = " ".join(f"wort{i}" for i in range(400))
    text = f"{words} Kita {words}"
    snippet = make_snippet(text, terms("Kita"), width=120)
    shown = visible(snippet)
    assert len(shown) <= 120
    assert "<mark>Kita</mark>" in snippet
    for piece in shown.split():
        assert re.fullmatch(r"wort\d+|Kita", piece), piece


def test_no_terms_gives_escaped_start():
    text = "Erster Satz des Antrags. " * 40
    snippet = make_snippet(text, set(), width=100)
    assert snippet.startswith("Erster Satz")
    assert snippet.endswith("…")
    assert len(visible(snippet)) <= 100
    assert "<mark>" not in snippet


def test_no_matches_gives_escaped_start():
    assert make_snippet("Kurzer Text", terms("Hafen")) == Markup("Kurzer Text")


def test_whitespace_is_collapsed():
    snippet = make_snippet("\n\n  Kita\n\n\tGebühren  ", terms("Kita"))
    assert snippet == Markup("<mark>Kita</mark> Gebühren")


def test_only_the_beginning_of_huge_documents_is_scanned():
    text = "Text " * (SCAN_CHARS // 5) + "Kita"
    assert "<mark>" not in make_snippet(text, terms("Kita"))


def test_a_20k_document_gets_one_bounded_snippet():
    """Correctness on a long repetitive document (speed is measured by ``make bench``, not here)."""
    sentence = "Der Rat der Stadt Bochum beschließt die Senkung der Kita-Gebühren für alle Familien. "
    text = (sentence * (20_000 // len(sentence) + 1))[:20_000]
    snippet = make_snippet(text, terms("Kita Gebühren Sozialticket"))
    assert "<mark>Kita-Gebühren</mark>" in snippet
    assert len(visible(snippet)) <= 240
    assert make_snippet(text, terms("Kita Gebühren Sozialticket")) == snippet  # deterministic


SURFACES = ["Straße", "Strasse", "Münster", "Muenster", "Bürger*innen", "BürgerInnen", "Kita-Gebühren",
            "Kitagebühren", "Mieten", "Wohnungsbau", "Radverkehr", "Fußgänger", "Stadt", "Rat", "und", "die",
            "Öffentlichkeit", "OEFFENTLICH", "Häuser", "E-Mobilität", "Schulen", "Kindertagesstätten"]


@given(st.lists(st.sampled_from(SURFACES), min_size=1, max_size=40), st.lists(st.sampled_from(SURFACES), min_size=1,
       max_size=3), st.integers(min_value=0, max_value=6_000))
def test_probe_scan_finds_the_first_match_a_full_scan_finds(words, query, filler):
    """Only tokens where a term's probe occurs are analysed: the first match must be the full scan's first."""
    text = "x " * filler + " ".join(words)
    wanted = terms(" ".join(query))
    full = [m for m in TOKEN_RE.finditer(text, 0, SCAN_CHARS)
            if not wanted.isdisjoint(token_terms(m.group()).all_terms)]
    found = _find_matches(text, frozenset(wanted)) if wanted else []
    assert bool(found) == bool(full)
    if full:
        assert (found[0].start, found[0].end) == full[0].span()


def test_without_matches_the_snippet_skips_the_letterhead():
    letterhead = "SPD-Fraktion im Rat der Stadt Bochum\nRathausplatz 2-6\n44787 Bochum\n\nBochum, 12.03.2023\n\n"
    body = ("Der Rat möge beschließen: Die Verwaltung wird beauftragt, ein Sozialticket für alle "
            "Leistungsberechtigten einzuführen.")
    snippet = str(make_snippet(letterhead + "Antrag\n\n" + body, set()))
    assert snippet.startswith("Der Rat möge beschließen")
    assert str(make_snippet("Kurzer Text\nohne lange Zeile", set())).startswith("Kurzer Text")
