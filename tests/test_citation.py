"""The "Zitieren" box of a document page (web.citation): plain citation and BibTeX with LaTeX's special
characters escaped, and the permalink /dokument/<id> that stays when staff change the title."""

import datetime
import html
import re

import pytest

from tests.test_review import form_of
from tests.test_web import login
from web import citation

TODAY = datetime.date(2026, 12, 7)
DOC = {"id": 42, "title": "Kita & Schule: 100 % {sicher} für #alle_Kinder", "doc_type": "anfrage",
       "faction": "SPD-Fraktion im Rat der Stadt Bochum", "party": "SPD", "parties": ["SPD"],
       "municipality": "Bochum", "district": "Bochum", "state": "Nordrhein-Westfalen", "date": "2023-03-13"}
URL = "http://localhost/dokument/42"


def test_bibtex_escape_covers_latex_specials():
    assert citation.bibtex_escape("a & b % c { d } e $ f # g _ h ~ i ^ j \\ k") == (
        r"a \& b \% c \{ d \} e \$ f \# g \_ h \textasciitilde{} i \textasciicircum{} j \textbackslash{} k")
    assert citation.bibtex_escape("zwei\nZeilen  und   Leerraum") == "zwei Zeilen und Leerraum"


def test_bibtex_entry():
    assert citation.bibtex(DOC, URL, TODAY) == "\n".join([
        "@misc{antragsarchiv-42,",
        r"  title = {{Kita \& Schule: 100 \% \{sicher\} für \#alle\_Kinder}},",
        "  author = {{SPD-Fraktion im Rat der Stadt Bochum}},",
        r"  howpublished = {\url{http://localhost/dokument/42}},",
        "  note = {Anfrage, Bochum},",
        "  year = {2023},",
        "  month = mar,",
        "  urldate = {2026-12-07}",
        "}"])


def _balanced(entry: str) -> bool:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", entry):
        depth += 1 if match[0] == "{" else -1
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("title", ["}{", "{{{", "\\", "100 %", "a}b", "Ende\\"])
def test_bibtex_braces_stay_balanced_whatever_the_title(title: str):
    assert _balanced(citation.bibtex({**DOC, "title": title}, URL, TODAY))


def test_without_date_faction_or_place():
    doc = {"id": 7, "title": None, "doc_type": "pressemitteilung", "faction": None, "party": "GRÜNE",
           "parties": ["GRÜNE", "SPD"], "municipality": None, "district": "Rhein-Sieg-Kreis", "date": None}
    entry = citation.bibtex(doc, "http://localhost/dokument/7", TODAY)
    assert "year" not in entry and "month" not in entry
    assert "author = {{GRÜNE, SPD}}" in entry and "title = {{Ohne Titel}}" in entry
    assert "note = {Pressemitteilung, Rhein-Sieg-Kreis}" in entry
    assert citation.plain(doc, "http://localhost/dokument/7", TODAY) == (
        "GRÜNE, SPD: „Ohne Titel“. Pressemitteilung, Rhein-Sieg-Kreis, o. D. http://localhost/dokument/7 "
        "(abgerufen am 07.12.2026).")
    nobody = citation.bibtex({**doc, "party": None, "parties": []}, "u", TODAY)
    assert "author" not in nobody


def test_plain_citation():
    assert citation.plain(DOC, URL, TODAY) == (
        "SPD-Fraktion im Rat der Stadt Bochum: „Kita & Schule: 100 % {sicher} für #alle_Kinder“. Anfrage, "
        "Bochum, 13.03.2023. http://localhost/dokument/42 (abgerufen am 07.12.2026).")


def test_months_are_bibtex_macros():
    for month, macro in ((1, "jan"), (5, "may"), (12, "dec")):
        assert f"month = {macro}," in citation.bibtex({**DOC, "date": f"2024-{month:02d}-01"}, URL, TODAY)


def _box(page: str) -> str:
    start = page.index('<details class="cite">')
    return page[start:page.index("</details>", start)]


def test_document_page_has_the_box(client, monkeypatch):
    monkeypatch.setattr(citation, "today", lambda: TODAY)
    [hit] = client.get("/api/search?q=Sozialticket&municipality=Bochum").get_json()["hits"]
    doc_id = hit["id"]
    page = client.get(f"/dokument/{doc_id}").get_data(as_text=True)
    box = _box(page)
    assert "<summary>Zitieren</summary>" in box
    assert page.index("</table>") < page.index('<details class="cite">') < page.index('class="related"')
    plain = html.unescape(re.search(r'<dd class="cite-plain">(.*?)</dd>', box, re.S)[1])
    assert plain == ("Fraktion DIE LINKE. im Rat der Stadt Bochum: „Sozialticket für alle Leistungsberechtigten“. "
                     f"Antrag, Bochum, 13.03.2023. http://localhost/dokument/{doc_id} (abgerufen am 07.12.2026).")
    entry = html.unescape(re.search(r'<pre class="cite-bibtex">(.*?)</pre>', box, re.S)[1])
    assert entry.startswith(f"@misc{{antragsarchiv-{doc_id},\n")
    assert rf"\url{{http://localhost/dokument/{doc_id}}}" in entry
    assert "urldate = {2026-12-07}" in entry and "year = {2023}" in entry and "month = mar" in entry


def test_today_is_berlin_time():
    assert citation.today() == datetime.datetime.now(citation.BERLIN).date()


def test_permalink_survives_a_title_change(client):
    login(client)
    client.application.extensions["index"].refresh_interval = 0
    before = client.get("/dokument/1").get_data(as_text=True)
    old_title = re.search(r"<h1>(.*?)</h1>", before)[1]
    form = form_of(client.get("/dokument/1/pruefen").get_data(as_text=True))
    form["title"] = "Sozialticket & 50 % {Rabatt}"
    assert client.post("/dokument/1/pruefen", data=form).status_code == 302
    client.post("/abmelden", data={"csrf_token": _csrf(client)})
    with client.application.test_client() as public:
        response = public.get("/dokument/1")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert re.search(r"<h1>(.*?)</h1>", page)[1] == "Sozialticket &amp; 50 % {Rabatt}" != old_title
        entry = html.unescape(re.search(r'<pre class="cite-bibtex">(.*?)</pre>', _box(page), re.S)[1])
        assert r"title = {{Sozialticket \& 50 \% \{Rabatt\}}}" in entry and "antragsarchiv-1," in entry
        hit = next(h for h in public.get("/api/search?q=Rabatt").get_json()["hits"] if h["id"] == 1)
        assert hit["url"] == "http://localhost/dokument/1" and hit["title"] == "Sozialticket & 50 % {Rabatt}"


def _csrf(client) -> str:
    page = client.get("/hochladen").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
