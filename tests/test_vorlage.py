"""Als Vorlage verwenden, Muster, and the full text as paragraphs: real DOCX and PDF files through the real ingest,
the template opened with python-docx, the document page in Chromium (download and clipboard)."""

import io
import re
import sqlite3
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from archive import DRAFT, Archive, SearchRequest, vorlage
from archive import store as store_module
from archive.placeholders import PLACEHOLDERS, for_document, found_names
from archive.reflow import clean_text, paragraphs
from archive.store.corrections import form_values
from archive.vorlage import NOTE_PARAGRAPHS
from tests.conftest import make_app
from tests.docs import make_pdf
from tests.test_web import login, token

TOWN = "Bochum"
FACTION = "Fraktion DIE LINKE. im Rat der Stadt Bochum"
PEOPLE = ("Maria", "Schneider", "Eiskirch", "Thomas", "Anna Berg", "Jonas", "Weber")
# what must not be left in a template of the DOCX below (case-insensitive; the note on top names the source)
TRACES = (TOWN, "LINKE", "Linke", *PEOPLE, "20231234", "13.03.2023", "30.06.2024", "0234", "910-1234", "bochum.de")
TITLE = "Kostenloses Schulessen für alle Kinder"
LONG = ("Die Verwaltung wird beauftragt, gemeinsam mit den Trägern der offenen Ganztagsschulen ein Konzept für ein "
        "kostenloses, gesundes und regional erzeugtes Mittagessen an allen Grundschulen vorzulegen, das die "
        "Küchen der Schulen, die Lieferwege und die Kosten für den städtischen Haushalt berücksichtigt und die "
        "Schulsanierung nicht verzögert.")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def motion_docx(path: Path) -> Path:
    """A motion as councillors write them: a letterhead in the page header, a Heading 1 title, a bulleted list,
    a name split over two runs, a table, an e-mail link and a signature."""
    document = docx.Document()
    document.core_properties.author = "Maria Schneider"
    document.sections[0].header.paragraphs[0].text = f"{FACTION} · Willy-Brandt-Platz 2 · 44777 {TOWN}"
    document.add_paragraph(FACTION)
    document.add_paragraph(f"{TOWN}, 13.03.2023")
    document.add_paragraph("Antrag")
    document.add_heading(TITLE, level=1)
    document.add_paragraph("Drucksache Nr. 20231234 · TOP 4.1")
    document.add_paragraph(f"Der Rat der Stadt {TOWN} möge beschließen:")
    document.add_paragraph(f"Die Stadt {TOWN} führt zum 1. August 2024 ein kostenloses Mittagessen an allen "
                           "Grundschulen ein.", style="List Bullet")
    document.add_paragraph("Der Ausschuss für Schule und Bildung berichtet bis zum 30.06.2024.", style="List Bullet")
    quote = document.add_paragraph()
    for text, bold in (("Ratsmitglied Maria Schn", None), ("eider", True), (", Fraktionsvorsitzende, ", None),
                       ("betont", True), (": „Die Linke in Boch", None), ("um steht für gute Schulen.“", None)):
        quote.add_run(text).bold = bold
    document.add_heading("Begründung", level=2)
    document.add_paragraph(f"{TOWN}er Familien zahlen heute bis zu 4 Euro am Tag. Herr Oberbürgermeister Thomas "
                           "Eiskirch hat im Juni 2023 seine Unterstützung zugesagt. " + LONG)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Ansprechpartnerin"
    table.rows[0].cells[1].text = "Anna Berg, Tel. 0234 910-1234"
    contact = document.add_paragraph("Fragen an ")
    _mail_link(contact, "linke.fraktion@bochum.de")
    document.add_paragraph("Mit freundlichen Grüßen")
    document.add_paragraph("gez. Maria Schneider")
    document.add_paragraph("Jonas Weber")
    document.add_paragraph("Ratsmitglied")
    document.save(str(path))
    return path


def _mail_link(paragraph, address: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(f"mailto:{address}", RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = address
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def motion_pdf(path: Path, town: str = TOWN) -> Path:
    """Two pages with a running header, page numbers, a sentence over the page break and a hyphenated line end;
    ``town`` another town that filed the same motion."""
    header = f"Ratsfraktion DIE LINKE. {town} | Antrag zur Ratssitzung"
    first = "\n".join([header, FACTION.replace(TOWN, town), f"{town}, 13.03.2023", "Antrag", f"Betreff: {TITLE}",
                       "Der Rat möge beschließen:", LONG, "Begründung:",
                       "Viele Familien können das Mittagessen nicht bezahlen und die Kinder der Stadt gehen",
                       "Seite 1 von 2"])
    second = "\n".join([header, "hungrig in den Unterricht. Die Schul-", "küchen sind dafür vorbereitet.",
                        "gez. Maria Schneider", "Fraktionsvorsitzende", "Seite 2 von 2"])
    return make_pdf(path, [first, second])


def _ingest(store: Path, path: Path, publication: str = "published") -> int:
    archive = Archive.open(store)
    try:
        [outcome] = list(archive.ingest([path], workers=1, publication=publication))
    finally:
        archive.close()
    assert outcome.status == "added", outcome
    return outcome.id


def _template(client, doc_id: int) -> docx.Document:
    response = client.get(f"/dokument/{doc_id}/vorlage.docx")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX_MIME
    assert response.headers["Content-Disposition"] == f"attachment; filename=vorlage-{doc_id}.docx"
    return docx.Document(io.BytesIO(response.data))


def _all_paragraphs(document) -> list:
    """Body paragraphs after the note, table cells, headers and footers."""
    found = list(document.paragraphs[NOTE_PARAGRAPHS:])
    for table in document.tables:
        found += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                found += part.paragraphs
    return found


def _package_without_note(document) -> str:
    """Every XML part of the saved template (properties, relationships, headers ...) with the note removed."""
    for paragraph in document.paragraphs[:NOTE_PARAGRAPHS]:
        paragraph._p.getparent().remove(paragraph._p)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist()
                         if name.endswith((".xml", ".rels")))


@pytest.fixture
def docx_doc(store_dir: Path, tmp_path: Path) -> int:
    return _ingest(store_dir, motion_docx(tmp_path / "schulessen.docx"))


@pytest.fixture
def pdf_doc(store_dir: Path, tmp_path: Path) -> int:
    return _ingest(store_dir, motion_pdf(tmp_path / "schulessen.pdf"))


def test_docx_template_has_highlighted_placeholders_and_no_trace_of_town_faction_or_people(store_dir, docx_doc):
    archive = Archive.open(store_dir)
    row = archive.document(docx_doc)
    archive.close()
    assert row["municipality"] == TOWN and row["party"] == "DIE LINKE" and row["faction"] == FACTION
    with make_app(store_dir).test_client() as client:
        document = _template(client, docx_doc)
    note = [p.text for p in document.paragraphs[:NOTE_PARAGRAPHS]]
    assert note[0] == "Vorlage aus dem Antragsarchiv"
    assert f"„{TITLE}“, {TOWN}, 13.03.2023" in note[1] and f"http://localhost/dokument/{docx_doc}" in note[1]
    body = _all_paragraphs(document)
    text = "\n".join(p.text for p in body)
    for placeholder in PLACEHOLDERS:
        assert placeholder in text, placeholder
    for trace in TRACES:
        assert trace.casefold() not in text.casefold(), trace
    package = _package_without_note(document)
    for trace in (TOWN, "Schneider", "Eiskirch", "bochum.de", "mailto:"):
        assert trace not in package, trace  # nor in the properties, the header part or the link targets
    runs = [run for p in body for run in p.runs if run.text in PLACEHOLDERS]
    assert runs and all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in runs)
    lines = [p.text for p in body]
    assert "[FRAKTION]" in lines and "[KOMMUNE], [DATUM]" in lines
    assert "Drucksache Nr. [DRUCKSACHE] · TOP [DRUCKSACHE]" in lines
    assert "Der [GREMIUM] möge beschließen:" in lines  # "Rat der Stadt Bochum" is the council
    assert "Ratsmitglied [NAME], Fraktionsvorsitzende, betont: „[FRAKTION] in [KOMMUNE] steht für gute Schulen.“" \
        in lines  # replacements over two runs each
    assert any(line.startswith("[KOMMUNE] Familien zahlen") and "Herr Oberbürgermeister [NAME] hat im [DATUM]" in line
               for line in lines)
    assert {"gez. [NAME]", "[NAME]", "Ratsmitglied"} <= set(lines)


def test_docx_template_keeps_headings_lists_and_styles(store_dir, docx_doc):
    with make_app(store_dir).test_client() as client:
        document = _template(client, docx_doc)
    styles = {p.text: p.style.name for p in document.paragraphs[NOTE_PARAGRAPHS:]}
    assert styles[TITLE] == "Heading 1"
    assert styles["Begründung"] == "Heading 2"
    bullets = [text for text, style in styles.items() if style == "List Bullet"]
    assert bullets == ["Die Stadt [KOMMUNE] führt zum [DATUM] ein kostenloses Mittagessen an allen Grundschulen ein.",
                       "Der [GREMIUM] berichtet bis zum [DATUM]."]
    quote = next(p for p in document.paragraphs if p.text.startswith("Ratsmitglied [NAME]"))
    assert [(run.text, run.bold) for run in quote.runs[:5]] == [
        ("Ratsmitglied ", None), ("[NAME]", None), (", Fraktionsvorsitzende, ", None), ("betont", True),
        (": „", None)]  # the runs keep their formatting; "Schn" + "eider" is one placeholder
    assert document.core_properties.author == ""
    assert document.core_properties.title == f"Vorlage: {TITLE}"


def test_a_docx_too_large_to_unpack_in_the_web_process_is_rebuilt_from_its_text(store_dir, docx_doc, monkeypatch):
    monkeypatch.setattr(vorlage, "MAX_UNPACKED", 10_000)  # the DOCX unpacks to about 40 KB
    with make_app(store_dir).test_client() as client:
        document = _template(client, docx_doc)
    styles = {p.text: p.style.name for p in document.paragraphs[NOTE_PARAGRAPHS:]}
    assert styles[TITLE] == "Heading 1" and "List Bullet" not in styles.values()  # rebuilt, not edited
    text = "\n".join(styles)
    assert "[KOMMUNE]" in text and TOWN not in text and "Schneider" not in text


def test_pdf_template_is_rebuilt_as_clean_paragraphs(store_dir, pdf_doc):
    with make_app(store_dir).test_client() as client:
        document = _template(client, pdf_doc)
    body = document.paragraphs[NOTE_PARAGRAPHS:]
    texts = [p.text for p in body]
    joined = "\n".join(texts)
    assert LONG in texts  # one paragraph, no line breaks inside
    assert ("Viele Familien können das Mittagessen nicht bezahlen und die Kinder der Stadt gehen hungrig in den "
            "Unterricht. Die Schulküchen sind dafür vorbereitet.") in texts  # over the page break, "Schul-/küchen"
    assert "Seite" not in joined  # no page numbers
    assert sum("Antrag zur Ratssitzung" in text for text in texts) == 1  # the running header once, not per page
    styles = {p.text: p.style.name for p in body}
    assert styles[f"Betreff: {TITLE}"] == "Heading 1" and styles["Begründung"] == "Heading 2"
    for trace in (TOWN, "LINKE", "Schneider", "13.03.2023"):
        assert trace not in joined, trace
    assert "gez. [NAME]" in texts and "[KOMMUNE], [DATUM]" in texts
    highlighted = [run for p in body for run in p.runs if run.text in PLACEHOLDERS]
    assert highlighted and all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in highlighted)


def test_document_page_shows_paragraphs_without_pdf_line_breaks_and_the_buttons(store_dir, pdf_doc):
    with make_app(store_dir).test_client() as client:
        html = client.get(f"/dokument/{pdf_doc}").get_data(as_text=True)
    shown = [re.sub(r"\s+", " ", p) for p in re.findall(r'<p class="para">(.*?)</p>', html, re.S)]
    assert LONG in shown
    assert any("gehen hungrig in den Unterricht. Die Schulküchen sind" in p for p in shown)
    assert not any(re.fullmatch(r"Seite \d von \d", p) for p in shown)
    assert f'href="/dokument/{pdf_doc}/vorlage.docx" download>Als Vorlage verwenden' in html
    assert re.search(r'<button type="button" class="secondary" data-copy-text="[^"]+" hidden>Text kopieren</button>',
                     html)
    assert '<p id="copy-status" class="copy-status" role="status" aria-live="polite"></p>' in html
    assert 'src="/static/copy.js"' in html


def test_a_draft_template_is_404_for_the_public_and_served_to_staff(store_dir, tmp_path):
    draft = _ingest(store_dir, motion_docx(tmp_path / "entwurf.docx"), publication=DRAFT)
    with make_app(store_dir).test_client() as client:
        assert client.get(f"/dokument/{draft}/vorlage.docx").status_code == 404
        assert client.get("/dokument/999999/vorlage.docx").status_code == 404
        login(client)
        assert client.get(f"/dokument/{draft}/vorlage.docx").status_code == 200


def test_every_document_of_the_store_gets_a_template(client):
    for hit in client.get("/api/search?per_page=100").get_json()["hits"]:
        document = _template(client, hit["id"])
        assert document.paragraphs[0].text == "Vorlage aus dem Antragsarchiv"
        text = "\n".join(p.text for p in _all_paragraphs(document))
        assert hit["municipality"] not in text and "[KOMMUNE]" in text


# -- the rules on their own ----------------------------------------------------


def test_names_are_found_by_titles_first_names_and_signatures():
    text = ("Sehr geehrte Frau Dr. Kowalski,\nwie Stadtverordneter Peter von Berg und die Sprecherin Lea Yilmaz-Ott "
            "sagten, ist Herr Oberbürgermeister nicht erreichbar.\nMit freundlichen Grüßen\nKarl-Heinz Duvenbeck\n"
            "Fraktionsgeschäftsführer\nAn der Anne Frank Schule und in der Konrad-Adenauer-Straße")
    names = found_names(text)
    assert {"Kowalski", "Peter von Berg", "Lea Yilmaz-Ott", "Karl-Heinz Duvenbeck", "Duvenbeck"} <= names
    replaced = for_document({"text": text}).apply(text)
    assert replaced.startswith("Sehr geehrte Frau Dr. [NAME],\nwie Stadtverordneter [NAME] und die Sprecherin [NAME]")
    assert "Herr Oberbürgermeister nicht" in replaced  # an office alone is no name
    assert "Grüßen\n[NAME]\nFraktionsgeschäftsführer" in replaced
    assert "Anne Frank Schule" in replaced and "Konrad-Adenauer-Straße" in replaced  # places named after people


def test_town_faction_council_dates_and_numbers_from_the_metadata():
    row = {"municipality": "Freiburg im Breisgau", "municipality_ars": "083110000000", "faction": "SPD-Fraktion",
           "parties": ["SPD"], "party": "SPD", "text": ""}
    replacer = for_document(row)
    text = ("FREIBURG. Die SPD-Fraktion im Gemeinderat der Stadt Freiburg im Breisgau und die Freiburger SPD "
            "fordern am Montag, 3. März 2025 im Ausschuss für Umwelt, Klima und Mobilität (Vorlage G-25/017) "
            "mehr Bäume; Schuljahr 2024/2025, Beschluss 2019/0936, Kontakt: info@spd-freiburg.de, "
            "www.spd-freiburg.de, Tel. 0761 123456. Das Essen bleibt.")
    assert replacer.apply(text) == (
        "[KOMMUNE]. Die [FRAKTION] im [GREMIUM] und die [KOMMUNE] [FRAKTION] fordern am [DATUM] im [GREMIUM] "
        "(Vorlage [DRUCKSACHE]) mehr Bäume; Schuljahr 2024/2025, Beschluss [DRUCKSACHE], Kontakt: [KONTAKT], "
        "[KONTAKT], Tel. [KONTAKT]. Das Essen bleibt.")
    other = ("Verordnung (EU) 2016/679 und Antrag: 29-Euro-Ticket, Antrag 121/II/2014; die Bezirksverordneten "
             "Sitzungsgelder; Redebeitrag im Stadtrat Freiburg, Fax: 0761 2012")
    assert replacer.apply(other) == ("Verordnung (EU) 2016/679 und Antrag: 29-Euro-Ticket, Antrag [DRUCKSACHE]; die "
                                     "Bezirksverordneten Sitzungsgelder; Redebeitrag im [GREMIUM] [KOMMUNE], Fax: "
                                     "[KONTAKT]")
    essen = for_document({"municipality": "Essen", "municipality_ars": "051130000000", "text": ""})
    assert essen.apply("Das Essen in Essen, 12.03.2024") == "Das Essen in [KOMMUNE], [DATUM]"


def test_paragraphs_join_wrapped_lines_and_drop_page_numbers():
    wrapped = ("Fraktion im Rat\nRathausplatz 1\n\nDie Verwaltung wird gebeten, die Schul-\nsanierung zu planen und "
               "dabei die Kita-\n\nGebühren sowie die Schul- und Sportstätten im Blick zu haben, denn viele\n\n"
               "Familien warten seit Jahren darauf, dass etwas geschieht.\n\n- 2 -\n\n"
               "• Erstens\n• Zweitens\n\n3\n\nBegründung:\n\ngez. Anna Muster")
    assert paragraphs(wrapped) == [
        "Fraktion im Rat\nRathausplatz 1",
        "Die Verwaltung wird gebeten, die Schulsanierung zu planen und dabei die Kita-Gebühren sowie die Schul- und "
        "Sportstätten im Blick zu haben, denn viele Familien warten seit Jahren darauf, dass etwas geschieht.",
        "• Erstens", "• Zweitens", "Begründung:", "gez. Anna Muster"]
    docx_text = "Titel\nEin Absatz, der lang ist und mit einem Punkt endet.\nEin zweiter Absatz.\nund weiter"
    assert paragraphs(docx_text) == ["Titel", "Ein Absatz, der lang ist und mit einem Punkt endet.",
                                     "Ein zweiter Absatz. und weiter"]
    assert clean_text("Eins\n\nzwei\n\nDrei.") == "Eins zwei\n\nDrei."


# -- Muster -------------------------------------------------------------------


def _review(client, doc_id: int, **changes):
    page = client.get(f"/dokument/{doc_id}/pruefen").get_data(as_text=True)
    values = {"csrf_token": token(page), "then": "document"}
    for field in ("title", "doc_type", "date", "municipality", "district", "state", "parties", "faction"):
        found = re.search(rf'name="{field}"[^>]*value="([^"]*)"', page)
        values[field] = found[1] if found else ""
    values["doc_type"] = re.search(r'<option value="(\w+)" selected>', page)[1]
    values["state"] = (re.search(r"<option selected>([^<]+)</option>", page) or [None, ""])[1]
    values.update(changes)
    return client.post(f"/dokument/{doc_id}/pruefen", data=values)


def _api(client, **params) -> dict:
    return client.get("/api/search", query_string=params).get_json()


def test_muster_is_set_in_review_and_found_by_query_and_facet(client):
    login(client)
    client.application.extensions["index"].refresh_interval = 0
    before = _api(client)
    doc_id = next(h["id"] for h in before["hits"] if h["title"] == "Sozialticket für alle Leistungsberechtigten")
    page = client.get(f"/dokument/{doc_id}/pruefen").get_data(as_text=True)
    assert '<input type="checkbox" id="f-muster" name="muster" value="ja" aria-describedby="h-muster">' in page
    assert _review(client, doc_id, muster="ja").status_code == 302
    row = client.get(f"/api/documents/{doc_id}").get_json()
    assert row["muster"] is True and "muster" not in row["edited_fields"]  # no error of the extraction
    assert 'name="muster" value="ja" checked' in client.get(f"/dokument/{doc_id}/pruefen").get_data(as_text=True)

    found = _api(client, q="muster:ja")
    assert [h["id"] for h in found["hits"]] == [doc_id]
    assert doc_id not in [h["id"] for h in _api(client, q="muster:nein")["hits"]]
    assert _api(client, q="muster:nein")["total"] == before["total"] - 1
    assert [h["id"] for h in _api(client, q="Sozialticket muster:ja")["hits"]] == [doc_id]
    assert _api(client, q="Schulgebäude muster:ja")["total"] == 0
    everything = _api(client)
    assert everything["facets"]["muster"] == [{"value": "ja", "label": "Muster (Vorlage)", "count": 1}]
    assert set(before["facets"]) <= set(everything["facets"])  # the other facets' keys as before
    assert [h["id"] for h in _api(client, muster="ja")["hits"]] == [doc_id]
    html = client.get("/?muster=ja").get_data(as_text=True)
    assert "Muster (Vorlage)" in html and "Muster: Muster (Vorlage)" in html

    assert _review(client, doc_id).status_code == 302  # the box left unchecked: no longer Muster
    assert client.get(f"/api/documents/{doc_id}").get_json()["muster"] is False
    assert _api(client, q="muster:ja")["total"] == 0
    assert _api(client)["facets"]["muster"] == []


def test_muster_survives_reprocessing_and_an_old_store_gets_the_column(store_dir):
    archive = Archive.open(store_dir)
    doc_id = archive.store.all_ids()[0]
    archive.correct(doc_id, {**form_values(archive.document(doc_id)), "muster": "ja"})
    list(archive.reprocess(everything=True, workers=1))
    assert archive.document(doc_id)["muster"] is True
    assert archive.search(SearchRequest(q="muster:ja")).total == 1
    archive.close()
    conn = sqlite3.connect(store_dir / "archive.db")
    conn.execute("ALTER TABLE documents DROP COLUMN muster")
    conn.commit()
    conn.close()
    store_module._PREPARED.clear()
    reopened = Archive.open(store_dir)
    assert reopened.document(doc_id)["muster"] is False
    reopened.close()


# -- in Chromium ----------------------------------------------------------------


@pytest.mark.browser
def test_open_a_document_see_its_same_text_download_its_template_and_copy_its_text(store_dir: Path, tmp_path: Path):
    from playwright.sync_api import expect

    from tests.test_browser import chromium, new_page, serving

    pdf = _ingest(store_dir, motion_pdf(tmp_path / "schulessen.pdf"))
    same = _ingest(store_dir, motion_pdf(tmp_path / "kiel.pdf", town="Kiel"))  # the same motion, filed in Kiel
    with serving(store_dir) as url, chromium() as browser:
        page, errors = new_page(browser, accept_downloads=True, permissions=["clipboard-read", "clipboard-write"])
        page.goto(url + "/?q=Schulessen")
        page.get_by_role("link", name=f"Betreff: {TITLE}").or_(page.get_by_role("link", name=TITLE)).first.click()
        page.wait_for_url(re.compile(rf"/dokument/{pdf}$"))

        reuse = page.get_by_role("list", name="Gleicher Mustertext")
        expect(reuse).to_be_visible()
        expect(reuse.locator(f'a[href="/dokument/{same}"]')).to_be_visible()
        expect(reuse).to_contain_text("textgleich")
        expect(reuse).to_contain_text("Kiel")

        template = page.get_by_role("link", name=re.compile("Als Vorlage verwenden"))
        with page.expect_download() as info:
            template.click()
        download = info.value
        assert download.suggested_filename == f"vorlage-{pdf}.docx"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        document = docx.Document(str(saved))
        texts = [p.text for p in document.paragraphs[NOTE_PARAGRAPHS:]]
        assert LONG in texts and "[KOMMUNE], [DATUM]" in texts and TOWN not in "\n".join(texts)

        copy = page.get_by_role("button", name="Text kopieren")
        expect(copy).to_be_visible()
        copy.focus()
        page.keyboard.press("Enter")  # a real button: the keyboard works
        status = page.get_by_role("status").filter(has_text="kopiert")
        expect(status).to_have_text("Der Text wurde in die Zwischenablage kopiert.")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert LONG in copied.split("\n\n")
        assert "Viele Familien können das Mittagessen nicht bezahlen und die Kinder der Stadt gehen hungrig" in copied
        assert "Seite 1 von 2" not in copied and "\n\n\n" not in copied
        page.close()
        assert errors == []  # no CSP violation, no script error


def test_note_font_is_small():
    from archive.vorlage import build

    data = build({"id": 1, "title": "T", "text": "Ein Text.", "format": "txt"}, "http://x/dokument/1")
    first = docx.Document(io.BytesIO(data)).paragraphs[0]
    assert first.runs[0].font.size == Pt(9) and first.runs[0].bold
