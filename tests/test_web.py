"""The HTML pages and staff pages through Flask's test client, on a real store of DOCX/PDF files."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import STAFF_PASSWORD, STORE_DOCS, make_app
from tests.docs import make_docx, motion_text


class Links(HTMLParser):
    """Anchors of a page: (classes, href, text)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self._open = [attrs.get("class") or "", attrs.get("href") or "", ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self._open[2] = " ".join(self._open[2].split())
            self.links.append(tuple(self._open))
            self._open = None


def links(html: str, cls: str | None = None) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(html)
    return [link for link in parser.links if cls is None or cls in link[0].split()]


def facet_link(html: str, label: str) -> tuple[str, int]:
    """href and count of the facet value whose label starts with ``label``."""
    for _cls, href, text in links(html, "facet-value"):
        match = re.match(r"(.+?) (?:\(aktiver Filter, entfernen\) )?([\d.]+)$", text)
        if match and match[1].startswith(label):
            return href, int(match[2].replace(".", ""))
    raise AssertionError(f"no facet value {label!r} in page")


def total(html: str) -> int:
    match = re.search(r'id="result-count"[^>]*>\s*([\d.]+) Dokument', html)
    assert match, "no result count"
    return int(match[1].replace(".", ""))


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in form"
    return match[1]


def login(client, password: str = STAFF_PASSWORD):
    page = client.get("/anmelden").get_data(as_text=True)
    return client.post("/anmelden", data={"password": password, "csrf_token": token(page), "next": "/hochladen"})


def upload(client, files: list[tuple[bytes, str]]):
    page = client.get("/hochladen").get_data(as_text=True)
    data = {"csrf_token": token(page), "files": [(io.BytesIO(content), name) for content, name in files]}
    response = client.post("/hochladen", data=data, content_type="multipart/form-data")
    response.get_data()
    # Werkzeug's test client spools big request bodies to a temporary file and closes it
    # only when following redirects: close it here (else a ResourceWarning under -W error).
    response.request.input_stream.close()
    return response


# -- search page -----------------------------------------------------------


def test_search_page_shows_ranked_hits_with_metadata_and_facet_counts(client):
    html = client.get("/?q=Sozialticket").get_data(as_text=True)
    assert total(html) == 2
    titles = [text for cls, href, text in links(html) if href.startswith("/dokument/") and "original" not in href]
    assert titles[0] == "Sozialticket für alle Leistungsberechtigten"  # title match ranks first
    assert "<mark>Sozialticket</mark>" in html
    assert facet_link(html, "Bochum")[1] == 1
    assert facet_link(html, "Freiburg im Breisgau")[1] == 1
    assert "13.03.2023" in html  # German date format
    assert 'value="Sozialticket"' in html  # the query stays in the box


def test_empty_query_lists_everything_newest_first(client):
    html = client.get("/").get_data(as_text=True)
    assert total(html) == len(STORE_DOCS)
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})"', html)
    assert dates == sorted(dates, reverse=True) and len(dates) == len(STORE_DOCS)
    assert facet_link(html, "Bochum")[1] == 2


def test_facet_link_filters_and_chip_appears(client):
    html = client.get("/?sort=oldest").get_data(as_text=True)
    href, count = facet_link(html, "Bochum")
    assert count == 2
    query = parse_qs(urlsplit(href).query)
    assert query["sort"] == ["oldest"]  # facet links keep the rest of the state
    filtered = client.get(href).get_data(as_text=True)
    assert total(filtered) == 2
    chips = links(filtered, "chip")
    assert [text for _c, _h, text in chips] == ["Kommune: Bochum × (entfernen)"]
    # the active value links to its removal
    active_href, _ = facet_link(filtered, "Bochum")
    assert "municipality" not in parse_qs(urlsplit(active_href).query)


def test_chip_removes_only_its_own_filter(client):
    html = client.get("/?q=Schule&municipality=Bochum&doc_type=antrag&date_from=2010-01-01").get_data(as_text=True)
    chips = {text.split(" ×")[0]: href for _c, href, text in links(html, "chip")}
    assert set(chips) == {"Kommune: Bochum", "Dokumenttyp: Antrag", "Von: 01.01.2010"}
    remaining = parse_qs(urlsplit(chips["Kommune: Bochum"]).query)
    assert remaining == {"q": ["Schule"], "doc_type": ["antrag"], "date_from": ["2010-01-01"]}
    clear = links(html, "chip-clear")[0][1]
    assert parse_qs(urlsplit(clear).query) == {"q": ["Schule"]}


def test_pagination_keeps_state(client):
    html = client.get("/?per_page=1&sort=newest").get_data(as_text=True)
    assert "Seite 1 von 4" in html
    next_href = next(href for _c, href, text in links(html) if text.startswith("Weiter"))
    assert parse_qs(urlsplit(next_href).query) == {"per_page": ["1"], "sort": ["newest"], "page": ["2"]}
    assert "Seite 2 von 4" in client.get(next_href).get_data(as_text=True)


def test_no_results_gives_friendly_advice(client):
    html = client.get("/?q=Sozialticket&municipality=Hannover").get_data(as_text=True)
    assert "Keine Treffer" in html
    assert "Entfernen Sie einen Filter" in html


def test_script_in_document_text_is_escaped_in_snippet_and_document_page(client):
    html = client.get("/?q=Webseite").get_data(as_text=True)
    assert total(html) == 1
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    doc_href = next(h for _c, h, t in links(html) if t == "Sicherheit der Webseite der Stadt")
    page = client.get(doc_href).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("query", "message"), [
    ("page=abc", "Seite (page) muss eine ganze Zahl sein"),
    ("sort=beliebt", "Unbekannte Sortierung"),
    ("date_from=13.03.2023", "date_from muss das Format JJJJ-MM-TT haben"),
    ("per_page=1000", "(per_page) muss zwischen"),
    ("page=99999", "Seite (page) muss zwischen"),
])
def test_bad_parameters_give_a_german_400_page(client, query, message):
    response = client.get("/?" + query)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert message in html
    assert "Traceback" not in html
    assert 'name="q"' in html  # the search form is still there


# -- document page -----------------------------------------------------------


def test_document_page_shows_metadata_links_and_download(client, built_store: Path):
    html = client.get("/?municipality=Bochum&doc_type=antrag&q=Sozialticket").get_data(as_text=True)
    doc_href = next(h for _c, h, t in links(html) if t == "Sozialticket für alle Leistungsberechtigten")
    page = client.get(doc_href).get_data(as_text=True)
    for label in ("Typ", "Datum", "Kommune", "Kreis", "Bundesland", "Partei", "Fraktion", "Themen", "Seiten",
                  "Format", "Datei"):
        assert f'<th scope="row">{label}' in page
    assert "13.03.2023" in page and "Bochum" in page and "Nordrhein-Westfalen" in page
    assert "bochum-sozialticket.docx" in page.replace("<wbr>", "")  # file names get break opportunities
    page_links = {text: href for _c, href, text in links(page)}
    assert parse_qs(urlsplit(page_links["Mehr aus dieser Kommune"]).query)["municipality"][0].isdigit()
    assert "faction" in parse_qs(urlsplit(page_links["Mehr von dieser Fraktion"]).query)
    assert page_links["JSON"].startswith("/api/documents/")
    download = next(href for text, href in page_links.items() if text.startswith("Original herunterladen"))
    response = client.get(download)
    assert response.status_code == 200
    assert response.data == (built_store.parent / "files" / "bochum-sozialticket.docx").read_bytes()
    assert "bochum-sozialticket.docx" in response.headers["Content-Disposition"]
    response.close()
    municipality = client.get(page_links["Mehr aus dieser Kommune"]).get_data(as_text=True)
    assert total(municipality) == 2


def test_unknown_document_and_page_are_german_404s(client):
    response = client.get("/dokument/9999")
    assert response.status_code == 404 and "Dokument nicht gefunden" in response.get_data(as_text=True)
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404 and "Diese Seite gibt es nicht" in response.get_data(as_text=True)


# -- security ----------------------------------------------------------------


def test_security_headers_and_cookie_flags(client):
    response = client.get("/anmelden")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_upload_requires_login(client):
    response = client.get("/hochladen")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden?next=/hochladen")
    assert client.get("/import-protokoll").status_code == 302


def test_wrong_password_is_rejected(client):
    response = login(client, "falsch")
    assert response.status_code == 401
    assert "Das Passwort ist falsch" in response.get_data(as_text=True)
    assert client.get("/hochladen").status_code == 302


def test_repeated_failures_are_throttled(client):
    for _ in range(5):
        assert login(client, "falsch").status_code == 401
    response = login(client)  # even the right password waits now
    assert response.status_code == 429
    assert "Zu viele Fehlversuche" in response.get_data(as_text=True)


def test_login_without_configured_password_is_impossible(store_dir):
    app = make_app(store_dir, STAFF_PASSWORD=None)
    with app.test_client() as client:
        page = client.get("/anmelden").get_data(as_text=True)
        assert "Die Anmeldung ist nicht möglich" in page
        client.post("/anmelden", data={"password": "", "csrf_token": "x"})
        assert client.get("/hochladen").status_code == 302


def test_login_and_logout(client):
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/hochladen"
    page = client.get("/hochladen").get_data(as_text=True)
    assert "Dokumente hochladen" in page and "Abmelden" in page
    response = client.post("/abmelden", data={"csrf_token": token(page)})
    assert response.status_code == 302
    assert client.get("/hochladen").status_code == 302


def test_login_redirect_target_must_be_local(client):
    page = client.get("/anmelden").get_data(as_text=True)
    response = client.post("/anmelden", data={"password": STAFF_PASSWORD, "csrf_token": token(page),
                                              "next": "//evil.example/x"})
    assert response.headers["Location"] == "/hochladen"


def test_post_without_csrf_token_is_refused(client):
    client.get("/anmelden")
    response = client.post("/anmelden", data={"password": STAFF_PASSWORD})
    assert response.status_code == 400
    assert "Sicherheitsprüfung fehlgeschlagen" in response.get_data(as_text=True)
    assert client.get("/hochladen").status_code == 302  # not logged in
    login(client)
    response = client.post("/abmelden", data={"csrf_token": "falsch"})
    assert response.status_code == 400
    assert client.get("/hochladen").status_code == 200  # still logged in


# -- upload ------------------------------------------------------------------


def test_upload_docx_adds_a_searchable_document(client, tmp_path: Path):
    lines = motion_text("Kiel", "Trinkbrunnen in der Innenstadt", "In der Kieler Innenstadt werden zehn "
                        "öffentliche Trinkbrunnen aufgestellt.", date="04.09.2023", party="SPD")
    content = make_docx(tmp_path / "kiel.docx", lines).read_bytes()
    login(client)
    response = upload(client, [(content, "Kiel Trinkbrunnen.docx")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kiel Trinkbrunnen.docx" in html.replace("<wbr>", "") and ">fertig<" in html
    review_href = next(h for _c, h, t in links(html) if t == "Prüfen und veröffentlichen")
    doc_href = review_href.removesuffix("/pruefen")
    assert "Trinkbrunnen in der Innenstadt" in client.get(doc_href).get_data(as_text=True)
    download = client.get(doc_href + "/original")
    assert "Kiel Trinkbrunnen.docx" in download.headers["Content-Disposition"], "the user's file name, not the uuid"
    download.close()
    assert total(client.get("/?q=Trinkbrunnen").get_data(as_text=True)) == 0  # a draft until published
    assert "Prüfen und veröffentlichen" in client.get(review_href).get_data(as_text=True)
    page = client.get(doc_href).get_data(as_text=True)
    assert client.post(doc_href + "/veroeffentlichen", data={"csrf_token": token(page)}).status_code == 302
    assert total(client.get("/?q=Trinkbrunnen").get_data(as_text=True)) == 1
    again = upload(client, [(content, "nochmal.docx")]).get_data(as_text=True)
    assert ">Duplikat<" in again and f'href="{doc_href}"' in again
    uploads = Path(client.application.config["ARCHIVE_DIR"]) / "uploads"
    assert not any(uploads.iterdir())  # temporary files are gone


def test_upload_of_unsupported_file_shows_german_error(client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    login(client)
    response = upload(client, [(png, "bild.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ">Fehler<" in html and "Format nicht unterstützt" in html
    assert total(client.get("/").get_data(as_text=True)) == len(STORE_DOCS)


def test_upload_without_files_asks_for_one(client):
    login(client)
    page = client.get("/hochladen").get_data(as_text=True)
    response = client.post("/hochladen", data={"csrf_token": token(page)}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "mindestens eine Datei" in response.get_data(as_text=True)


def test_oversize_upload_gets_a_friendly_413_page(store_dir):
    app = make_app(store_dir, MAX_UPLOAD_MB=1)
    with app.test_client() as client:
        login(client)
        response = upload(client, [(b"x" * (2 * 1024 * 1024), "gross.pdf")])
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "größer als 1 MB" in html
        assert client.get("/").status_code == 200
