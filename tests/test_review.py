"""Staff review of metadata through the real app: confirm or correct, errors per field, the review queue."""

import re
import sqlite3
from html.parser import HTMLParser

import pytest

from tests.docs import make_docx, motion_text
from tests.fixtures.files import make_mail
from tests.test_web import login, upload

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Form(HTMLParser):
    """The review form's current values: inputs, selected options, checked topics."""

    def __init__(self):
        super().__init__()
        self.values: dict = {"topics": []}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and attrs.get("type") == "checkbox":
            if "checked" in attrs:
                self.values[name].append(attrs["value"])
        elif tag == "input" and name:
            self.values[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self.values[name] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value")

    def handle_data(self, data):
        if self._select and self.values[self._select] is None:
            self.values[self._select] = data  # <option selected>Bayern</option> has no value attribute

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_of(html: str) -> dict:
    parser = Form()
    parser.feed(html[html.index('class="review-form"'):])
    return parser.values


def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="e-(\w+)">([^<]*)</p>', html))


@pytest.fixture
def staff(client):
    login(client)
    client.application.extensions["index"].refresh_interval = 0
    return client


def test_review_pages_need_a_login(client):
    for url in ("/dokument/1/pruefen", "/zu-pruefen"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden?next=")
    assert client.post("/dokument/1/pruefen", data={"title": "x"}).status_code == 400  # no CSRF token
    assert "Angaben prüfen" not in client.get("/dokument/1").get_data(as_text=True)


def test_the_form_shows_what_was_read_and_confirming_marks_the_document_reviewed(staff):
    page = staff.get("/dokument/1").get_data(as_text=True)
    assert "noch nicht geprüft" in page and "/dokument/1/pruefen" in page
    html = staff.get("/dokument/1/pruefen").get_data(as_text=True)
    form = form_of(html)
    stored = staff.get("/api/documents/1").get_json()
    for topic in stored["topics"]:
        assert re.search(rf'value="{topic}"[^>]*>[^<]*</label>\s*<span class="evidence"', html), topic
    assert (form["title"], form["date"], form["municipality"]) == (stored["title"], stored["date"],
                                                                  stored["municipality"])
    assert form["topics"] == stored["topics"] and form["doc_type"] == stored["doc_type"]
    response = staff.post("/dokument/1/pruefen", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/dokument/1"
    page = staff.get("/dokument/1").get_data(as_text=True)
    assert "Die Angaben wurden gespeichert" in page and "von der Redaktion geprüft" in page
    confirmed = staff.get("/api/documents/1").get_json()
    assert confirmed["reviewed_at"] and confirmed["edited_fields"] == []
    assert {k: confirmed[k] for k in ("title", "date", "topics", "parties")} == {
        k: stored[k] for k in ("title", "date", "topics", "parties")}


def test_a_correction_changes_the_facets_and_errors_come_back_per_field(staff):
    html = staff.get("/dokument/1/pruefen").get_data(as_text=True)
    form = form_of(html)
    bad = {**form, "title": "<script>alert(1)</script>", "date": "31.02.2023", "municipality": "Brühl",
           "district": "", "state": "", "topics": ["wohnen", "verkehr", "bildung", "kultur"]}
    response = staff.post("/dokument/1/pruefen", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert set(field_errors(page)) == {"date", "municipality", "topics"}
    assert "Brühl (Rhein-Erft-Kreis)" in field_errors(page)["municipality"]
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page  # typed values come back escaped
    assert staff.get("/api/documents/1").get_json()["reviewed_at"] is None  # nothing stored

    good = {**form, "date": "2021-05-06", "municipality": "Brühl (Rhein-Neckar-Kreis)", "district": "",
            "parties": "grüne", "topics": ["wohnen"]}
    assert staff.post("/dokument/1/pruefen", data=good).status_code == 302
    result = staff.get("/api/search?topic=wohnen&state=Baden-W%C3%BCrttemberg").get_json()
    assert [hit["id"] for hit in result["hits"]] == [1]
    hit = result["hits"][0]
    assert (hit["party"], hit["date"], hit["district"]) == ("GRÜNE", "2021-05-06", "Rhein-Neckar-Kreis")
    assert {"value": "2021", "label": "2021", "count": 1} in result["facets"]["year"]


def test_the_words_that_suggest_a_topic_are_shown_under_it(staff):
    [hit] = staff.get("/api/search?q=Sozialticket&municipality=Bochum").get_json()["hits"]
    html = staff.get(f"/dokument/{hit['id']}/pruefen").get_data(as_text=True)
    assert re.search(r'value="verkehr"[^>]*> Verkehr &amp; Mobilität</label>\s*<span class="evidence"[^>]*>'
                     r'Sozialticket, Deutschlandtickets</span>', html)


def test_the_start_of_the_text_is_shown_beside_the_form_escaped(staff):
    [hit] = staff.get("/api/search?q=Webseite&municipality=Hannover").get_json()["hits"]
    html = staff.get(f"/dokument/{hit['id']}/pruefen").get_data(as_text=True)
    source = html[html.index('<pre class="source-text">'):html.index("</pre>")]
    assert "Sicherheit der Webseite der Stadt" in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source and "<script>" not in source
    assert f'href="/dokument/{hit["id"]}/original"' in html


def test_the_queue_lists_unreviewed_documents_and_save_and_next_walks_it(staff):
    queue = staff.get("/zu-pruefen").get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'href="/dokument/(\d+)/pruefen"', queue)]
    assert sorted(ids) == [1, 2, 3, 4] and "4 Dokumente" in queue
    seen = []
    url = f"/dokument/{ids[0]}/pruefen"
    while url.endswith("/pruefen"):
        seen.append(int(url.split("/")[2]))
        form = {**form_of(staff.get(url).get_data(as_text=True)), "then": "next"}
        url = staff.post(url, data=form).headers["Location"]
    assert url == "/zu-pruefen" and sorted(seen) == [1, 2, 3, 4]
    page = staff.get("/zu-pruefen").get_data(as_text=True)
    assert "Alle Dokumente sind geprüft" in page
    assert "Von 4 geprüften Dokumenten" in page and "<th scope=\"row\">Titel</th><td>0</td><td>0 %</td>" in page


def test_the_queue_counts_what_staff_corrected(staff):
    url = "/dokument/2/pruefen"
    form = form_of(staff.get(url).get_data(as_text=True))
    assert staff.post(url, data={**form, "title": "Besserer Titel", "topics": ["kultur"]}).status_code == 302
    assert staff.post("/dokument/3/pruefen", data=form_of(staff.get("/dokument/3/pruefen").get_data(
        as_text=True))).status_code == 302
    page = staff.get("/zu-pruefen").get_data(as_text=True)
    assert "Von 2 geprüften Dokumenten" in page
    assert '<th scope="row">Titel</th><td>1</td><td>50 %</td>' in page
    assert '<th scope="row">Themen</th><td>1</td><td>50 %</td>' in page
    assert '<th scope="row">Datum</th><td>0</td><td>0 %</td>' in page


def test_an_uploaded_mail_links_the_review_of_each_attachment(staff, tmp_path):
    lines = motion_text("Kiel", "Trinkbrunnen in der Innenstadt", "In Kiel werden zehn Trinkbrunnen aufgestellt.",
                        date="04.09.2023", party="SPD")
    attachment = make_docx(tmp_path / "antrag.docx", lines).read_bytes()
    mail = make_mail("Antrag Trinkbrunnen", "Anbei unser Antrag.", [("antrag.docx", attachment, DOCX_MIME)])
    html = upload(staff, [(mail, "weitergeleitet.eml")]).get_data(as_text=True)
    reviews = re.findall(r'href="/dokument/(\d+)/pruefen"', html)
    assert len(reviews) == 2, "the mail and its attachment"
    attachment_id = reviews[1]
    assert "Trinkbrunnen in der Innenstadt" in staff.get(f"/dokument/{attachment_id}/pruefen").get_data(as_text=True)


def test_the_queue_shows_documents_lacking_a_field_and_save_and_next_stays_with_them(staff, store_dir):
    db = sqlite3.connect(store_dir / "archive.db")  # as if no topic had been found in two documents
    with db:
        db.execute("UPDATE documents SET topics = '[]' WHERE id IN (2, 3)")
    db.close()
    queue = staff.get("/zu-pruefen").get_data(as_text=True)
    assert re.search(r"ohne Thema <span class=\"muted\">\(2\)</span>", queue)
    gap = staff.get("/zu-pruefen?fehlt=topics").get_data(as_text=True)
    listed = [int(i) for i in re.findall(r'href="/dokument/(\d+)/pruefen\?fehlt=topics"', gap)]
    assert sorted(listed) == [2, 3] and "ohne Thema, neueste zuerst" in gap
    url = f"/dokument/{listed[0]}/pruefen?fehlt=topics"
    form = {**form_of(staff.get(url).get_data(as_text=True)), "topics": ["kultur"], "then": "next"}
    assert form["fehlt"] == "topics"
    assert staff.post(url, data=form).headers["Location"] == f"/dokument/{listed[1]}/pruefen?fehlt=topics"
    assert staff.get("/zu-pruefen?fehlt=unsinn").status_code == 400
    odd = {**form_of(staff.get(f"/dokument/{listed[1]}/pruefen").get_data(as_text=True)), "fehlt": "unsinn",
           "then": "next"}
    response = staff.post(f"/dokument/{listed[1]}/pruefen", data=odd)  # saved; an odd choice means "all"
    assert response.status_code == 302 and "fehlt" not in response.headers["Location"]
