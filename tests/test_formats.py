"""Every format from a real file: ODT, DOC, RTF, HTML, EML and MSG with attachments, PDF running headers,
DOCX footers; detection by content; attachments stored as documents linked to their mail."""

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

import ingest
from archive import Archive, SearchRequest
from tests.docs import make_docx, make_pdf, motion_text
from tests.fixtures import cfb
from tests.fixtures.files import make_mail, make_msg, make_odt, make_rtf

ROOT = Path(__file__).resolve().parent.parent
DEV_DOC = ROOT.parent / "shared/corpus/dev/files/muenster_gruene_wahlprogramm_2014_kommunalwahlprogramm-2014-2020.doc"
BODY = "Die Stadt Bochum führt ein Sozialticket für Menschen mit geringem Einkommen ein. Der Preis beträgt 19 Euro."
LETTERHEAD = "Fraktion DIE LINKE. im Rat der Stadt Bochum"


def test_odt_headers_body_table_footers(tmp_path: Path):
    path = make_odt(tmp_path / "antrag.odt", motion_text("Bochum", "Sozialticket", BODY)[2:], header=LETTERHEAD,
                    footer="Rathaus, Willy-Brandt-Platz 2-6", table=[["Kosten", "19 Euro"], ["Start", "2024"]])
    doc = ingest.parse_file(path)
    assert doc.format == "odt"
    lines = doc.text.split("\n")
    assert lines[0] == LETTERHEAD
    assert lines[-1] == "Rathaus, Willy-Brandt-Platz 2-6"
    assert "Kosten | 19 Euro" in lines
    assert "Sozialticket für Menschen mit geringem Einkommen" in doc.text
    assert doc.metadata.municipality and doc.metadata.municipality.name == "Bochum"


@pytest.mark.parametrize("name", ["wirklich-odt.pdf", "wirklich-odt.docx", "ohne-endung"])
def test_mislabelled_odt_is_read_as_odt(tmp_path: Path, name: str):
    path = make_odt(tmp_path / name, ["Antrag: Sozialticket für Bochum einführen, sagt die Fraktion."])
    assert ingest.parse_file(path).format == "odt"


@pytest.mark.corpus
@pytest.mark.skipif(not DEV_DOC.exists(), reason="../shared corpus missing")
def test_doc_via_antiword():
    doc = ingest.parse_file(DEV_DOC)
    assert doc.format == "doc"
    assert "Münster" in doc.text and "Kommunalwahlen" in doc.text
    assert doc.chars > 50_000


def test_doc_without_converter_says_so(tmp_path: Path, monkeypatch):
    path = tmp_path / "alt.doc"
    path.write_bytes(DEV_DOC.read_bytes() if DEV_DOC.exists() else _fake_word_ole())
    monkeypatch.setenv("PATH", str(tmp_path / "leer"))
    with pytest.raises(ingest.ToolMissing) as info:
        ingest.parse_file(path)
    assert info.value.for_user() == "DOC-Konverter nicht installiert"


def _fake_word_ole() -> bytes:
    return cfb.write({"WordDocument": cfb.pad_stream(b"\xec\xa5")})


def test_rtf_with_cp1252_escapes(tmp_path: Path):
    path = make_rtf(tmp_path / "antrag.rtf", [LETTERHEAD, "Antrag", "Der Rat möge beschließen:", BODY])
    doc = ingest.parse_file(path)
    assert doc.format == "rtf"
    assert doc.text.startswith(LETTERHEAD)
    assert "Der Rat möge beschließen:" in doc.text and "Preis beträgt 19 Euro" in doc.text


def test_html_main_text_only(tmp_path: Path):
    path = tmp_path / "pm.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>PM</title><style>p{color:red}</style></head><body>"
        "<header><a href='/'>Startseite</a></header><nav><a>Presse</a><a>Kontakt</a></nav>"
        f"<main><h1>Pressemitteilung: Sozialticket</h1><p>{BODY}</p><script>var tracking = 1;</script></main>"
        "<aside>Newsletter abonnieren</aside><footer>Impressum · Datenschutz</footer></body></html>",
        encoding="utf-8")
    doc = ingest.parse_file(path)
    assert doc.format == "html"
    assert doc.text.split("\n") == ["Pressemitteilung: Sozialticket", BODY]


def test_html_without_main_drops_page_chrome(tmp_path: Path):
    path = tmp_path / "seite.htm"
    path.write_bytes(
        "<html><meta charset='windows-1252'><body><div role='navigation'>Menü</div><header>Logo</header>"
        f"<div><h2>Antrag</h2><p>{BODY}</p><table><tr><td>Kosten</td><td>19 €</td></tr></table></div>"
        "<footer>Impressum</footer></body></html>".encode("cp1252"))
    doc = ingest.parse_file(path)
    assert doc.text.split("\n") == ["Antrag", BODY, "Kosten | 19 €"]


PAGE = ("<!DOCTYPE html><html><head><title>Sozialticket jetzt! – DIE LINKE. Ratsfraktion Herne</title>{meta}</head>"
        "<body><header>DIE LINKE. Ratsfraktion Herne</header><main><h1>Sozialticket jetzt!</h1>"
        "<p>Wir fordern ein Sozialticket für 19 Euro im Monat.</p>{extra}</main></body></html>")


def test_html_page_keeps_its_publisher_and_date_as_a_letterhead(tmp_path: Path):
    path = tmp_path / "pm.html"
    meta = '<meta property="article:published_time" content="2023-03-13T10:00:00+01:00">'
    path.write_text(PAGE.format(meta=meta, extra=""), encoding="utf-8")
    doc = ingest.parse_file(path)
    assert doc.text.split("\n")[:3] == ["DIE LINKE. Ratsfraktion Herne", "13.03.2023", "Sozialticket jetzt!"]
    meta_ = doc.metadata
    assert (meta_.title, meta_.date, meta_.municipality.name, meta_.party) == (
        "Sozialticket jetzt!", "2023-03-13", "Herne", "DIE LINKE")


def test_html_page_adds_nothing_its_main_text_already_has(tmp_path: Path):
    path = tmp_path / "pm.html"
    extra = "<p>DIE LINKE. Ratsfraktion Herne, 14. März 2023</p>"
    path.write_text(PAGE.format(meta='<meta name="date" content="2023-03-13">', extra=extra), encoding="utf-8")
    doc = ingest.parse_file(path)
    assert doc.text.split("\n")[0] == "Sozialticket jetzt!"
    assert doc.metadata.date == "2023-03-14"
    site = tmp_path / "og.html"
    site.write_text(PAGE.format(meta='<meta property="og:site_name" content="Grüne Herne">', extra=""),
                    encoding="utf-8")
    assert ingest.parse_file(site).text.split("\n")[0] == "Grüne Herne"


def _attachments(tmp_path: Path) -> list[tuple[str, bytes, str]]:
    docx_file = make_docx(tmp_path / "a.docx", motion_text("Bochum", "Sozialticket", BODY))
    kiel = motion_text("Kiel", "Tempo 30", BODY.replace("Bochum", "Kiel"))
    pdf_file = make_pdf(tmp_path / "b.pdf", ["\n".join(kiel)])
    return [("Antrag Sozialticket.docx", docx_file.read_bytes(),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("Anfrage Tempo 30.pdf", pdf_file.read_bytes(), "application/pdf"),
            ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")]


def test_eml_body_and_attachments(tmp_path: Path):
    path = tmp_path / "weiterleitung.eml"
    path.write_bytes(make_mail("Antrag Sozialticket zur Ratssitzung", "Hallo,\nanbei unser Antrag und die Anfrage.",
                               _attachments(tmp_path)))
    doc = ingest.parse_file(path)
    assert doc.format == "eml"
    head = "Antrag Sozialticket zur Ratssitzung\nVon: Fraktion DIE LINKE. Bochum\nDatum: 13.03.2023"
    assert doc.text.startswith(head)
    assert "anbei unser Antrag" in doc.text
    assert [(a.format, a.display_name) for a in doc.attachments] == [
        ("docx", "Antrag Sozialticket.docx"), ("pdf", "Anfrage Tempo 30.pdf")]
    assert doc.attachments[0].path == f"{path}#Antrag Sozialticket.docx"
    assert "Sozialticket für Menschen" in doc.attachments[0].text
    assert doc.attachments[1].metadata.municipality.name == "Kiel"
    assert len(doc.attachments[1].content) == doc.attachments[1].size


def test_eml_html_only_body(tmp_path: Path):
    path = tmp_path / "html.eml"
    data = make_mail("PM Sozialticket", "", [], html=f"<html><body><nav>Menü</nav><p>{BODY}</p></body></html>")
    path.write_bytes(data)
    assert BODY in ingest.parse_file(path).text


def test_msg_body_and_attachment(tmp_path: Path):
    [docx_attachment, *_] = _attachments(tmp_path)
    path = make_msg(tmp_path / "mail.msg", "Antrag Sozialticket", "Anbei der Antrag der Fraktion zur Ratssitzung.",
                    [(docx_attachment[0], docx_attachment[1])])
    doc = ingest.parse_file(path)
    assert doc.format == "msg"
    assert doc.text.startswith("Antrag Sozialticket\nVon: Fraktion DIE LINKE. Bochum")
    assert "Anbei der Antrag der Fraktion" in doc.text
    [attachment] = doc.attachments
    assert attachment.format == "docx" and attachment.display_name == "Antrag Sozialticket.docx"
    assert "Sozialticket für Menschen" in attachment.text


def test_mail_and_attachments_are_stored_linked(tmp_path: Path):
    path = tmp_path / "eingang" / "mail.eml"
    path.parent.mkdir()
    attachments = _attachments(tmp_path)
    path.write_bytes(make_mail("Antrag Sozialticket", "Anbei unser Antrag.", attachments))
    archive = Archive.open(tmp_path / "store")
    try:
        [outcome] = list(archive.ingest([path], workers=1))
        assert outcome.status == "added" and len(outcome.attachments) == 2
        mail = archive.document(outcome.id)
        children = [archive.document(i) for i in outcome.attachments]
        assert mail["format"] == "eml" and mail["parent_id"] is None
        assert [c["parent_id"] for c in children] == [outcome.id, outcome.id]
        assert [c["original_name"] for c in children] == ["Antrag Sozialticket.docx", "Anfrage Tempo 30.pdf"]
        original, _row = archive.original(outcome.attachments[1])
        assert original.read_bytes() == attachments[1][1] and original.suffix == ".pdf"
        assert [hit.id for hit in archive.search(SearchRequest(q="Kiel")).hits] == [outcome.attachments[1]]
        again = list(archive.ingest([path], workers=1))
        assert [o.status for o in again] == ["unchanged"]
        assert archive.count() == 3
    finally:
        archive.close()


def test_inspect_lists_attachments(tmp_path: Path):
    path = tmp_path / "mail.eml"
    path.write_bytes(make_mail("Antrag Sozialticket", "Anbei unser Antrag.", _attachments(tmp_path)))
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "search_app", "inspect", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [line] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert line["file"] == str(path) and line["format"] == "eml" and line["error"] is None
    names = [a["file"].removeprefix(f"{path}#") for a in line["attachments"]]
    assert names == ["Antrag Sozialticket.docx", "Anfrage Tempo 30.pdf"]
    assert line["attachments"][0]["format"] == "docx" and line["attachments"][0]["sha256"]
    assert line["ocr"] is False and line["status"] == "ok"


def test_pdf_running_headers_and_page_numbers_are_dropped_after_the_first_page(tmp_path: Path):
    pages = [f"{LETTERHEAD}\nAbsatz {n}: Die Stadt prüft das Sozialticket im Ausschuss Nummer {n}.\nSeite {n} von 3"
             for n in (1, 2, 3)]
    doc = ingest.parse_file(make_pdf(tmp_path / "lang.pdf", pages))
    assert doc.text.count(LETTERHEAD) == 1 and doc.text.startswith(LETTERHEAD)
    assert doc.text.count("von 3") == 1
    assert all(f"Absatz {n}:" in doc.text for n in (1, 2, 3))


def test_docx_footer_after_body_once(tmp_path: Path):
    path = tmp_path / "fuss.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = LETTERHEAD
    document.sections[0].footer.paragraphs[0].text = "Fraktionsbüro, Willy-Brandt-Platz 2"
    document.add_paragraph(BODY)
    document.add_section()
    document.add_paragraph("Zweiter Abschnitt mit mehr Text.")
    document.save(str(path))
    text = ingest.parse_file(path).text
    assert text.split("\n") == [LETTERHEAD, BODY, "Zweiter Abschnitt mit mehr Text.",
                                "Fraktionsbüro, Willy-Brandt-Platz 2"]
