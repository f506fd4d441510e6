"""E-mail alerts for saved searches: double opt-in, daily digest, unsubscribe. The mails go through a real SMTP
server (aiosmtpd) that the test starts on a loopback port, and the test reads what it received."""

import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from archive import DRAFT, Archive
from archive.alerts import AlertError, Alerts, normal_email
from tests.conftest import make_app
from tests.docs import make_docx, motion_text
from web.alerts import unsubscribe_url


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def take(self) -> list[EmailMessage]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app(store_dir: Path, smtp):
    controller, _inbox = smtp
    return make_app(store_dir, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="archiv@example.org",
                    PUBLIC_URL="https://archiv.example.org")


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def _text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def _links(text: str) -> list[str]:
    return re.findall(r"https://archiv\.example\.org(/\S+)", text)


def _subscribe(client, query: str, email: str = "ratsfrau@example.org"):
    form = client.get(f"/benachrichtigung?{query}").get_data(as_text=True)
    saved = re.search(r'name="query" value="([^"]*)"', form)[1].replace("&amp;", "&")
    return client.post("/benachrichtigung", data={"csrf_token": _csrf(client, f"/benachrichtigung?{query}"),
                                                  "query": saved, "email": email})


def _confirm(client, link: str):
    assert client.get(link).status_code == 200  # a page with a button: opening the link alone confirms nothing
    return client.post(link, data={"csrf_token": _csrf(client, link)})


def _subscribed(app, inbox: Inbox, query: str) -> None:
    """A confirmed alert of ``query``, through the form and the confirmation mail."""
    with app.test_client() as client:
        _subscribe(client, query)
        _confirm(client, next(link for link in _links(_text(inbox.take()[0])) if "bestaetigen" in link))


def _add(store: Path, tmp_path: Path, name: str, town: str, subject: str, body: str, **kwargs) -> int:
    path = make_docx(tmp_path / name, motion_text(town, subject, body, party="SPD"))
    archive = Archive(store)
    try:
        outcome = next(iter(archive.ingest([path], workers=1, **kwargs)))
        assert outcome.id, outcome
        return outcome.id
    finally:
        archive.close()


def _backdate(store: Path, doc_id: int) -> None:
    """As if published a day ago (the confirmation may fall into the same second)."""
    archive = Archive(store)
    try:
        with archive.store.db.conn:
            archive.store.db.conn.execute("UPDATE documents SET updated_at = '2020-01-01T00:00:00+00:00' WHERE id = ?",
                                          [doc_id])
    finally:
        archive.close()


def _send(app) -> str:
    # the documents were added through another Archive (as the worker adds them): the app's index sees writes of
    # other processes within its refresh interval, so the digest runs after it, as a daily run always does
    time.sleep(app.extensions["index"].refresh_interval)
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_subscribe_confirm_digest_and_unsubscribe(mail_app, smtp, store_dir: Path, tmp_path: Path):
    _controller, inbox = smtp
    with mail_app.test_client() as client:
        page = client.get("/?q=Radweg&state=Hessen").get_data(as_text=True)
        assert 'href="/benachrichtigung?q=Radweg&amp;state=Hessen"' in page  # the search page offers it
        response = _subscribe(client, "q=Radweg")
        assert response.status_code == 200
        assert "Bitte bestätigen Sie" in response.get_data(as_text=True)
        (confirmation,) = inbox.take()
        assert confirmation["To"] == "ratsfrau@example.org"
        assert "archiv@example.org" in confirmation["From"]
        confirm_link = next(link for link in _links(_text(confirmation)) if "bestaetigen" in link)

        before = _add(store_dir, tmp_path, "vorher.docx", "Kassel", "Radweg am Fluss", "Ein Radweg entlang der Fulda.")
        _backdate(store_dir, before)
        assert "0 E-Mails" in _send(mail_app) and inbox.take() == []  # not confirmed yet: nothing is sent

        assert "bestätigt" in _confirm(client, confirm_link).get_data(as_text=True)
        radweg = _add(store_dir, tmp_path, "radweg.docx", "Marburg", "Neuer Radweg zur Uni",
                      "Die Stadt baut einen Radweg zur Universität.")
        _add(store_dir, tmp_path, "hunde.docx", "Marburg", "Hundewiese im Park", "Eine Wiese für Hunde.")
        _add(store_dir, tmp_path, "entwurf.docx", "Gießen", "Radweg als Entwurf", "Ein Radweg, noch Entwurf.",
             publication=DRAFT)
        assert "1 E-Mails mit 1 Dokumenten" in _send(mail_app)
        (digest,) = inbox.take()
        text = _text(digest)
        assert "Neuer Radweg zur Uni" in text and f"https://archiv.example.org/dokument/{radweg}" in text
        assert "Hundewiese" not in text and "Entwurf" not in text  # no other search, no draft
        assert "Radweg am Fluss" not in text  # published before the confirmation
        html = digest.get_body(("html",)).get_content()
        assert "Neuer Radweg zur Uni" in html and "Abbestellen" in html
        assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = re.fullmatch(r"<https://archiv\.example\.org(/\S+)>", digest["List-Unsubscribe"])[1]
        assert unsubscribe in text

        assert "0 E-Mails" in _send(mail_app) and inbox.take() == []  # nothing new: no mail, nothing twice

        assert client.get(unsubscribe).status_code == 200
        assert "abbestellt" in client.post(unsubscribe, data={"csrf_token": _csrf(client, unsubscribe)}
                                           ).get_data(as_text=True)
        _add(store_dir, tmp_path, "radweg2.docx", "Fulda", "Zweiter Radweg", "Noch ein Radweg in Fulda.")
        assert "0 Benachrichtigungen geprüft" in _send(mail_app) and inbox.take() == []
        assert client.get(unsubscribe).status_code == 404  # the link of an ended alert is dead
        assert client.get(confirm_link).status_code == 404


def test_a_republished_document_is_not_sent_twice_and_filters_hold(mail_app, smtp, store_dir: Path, tmp_path: Path):
    _controller, inbox = smtp
    _subscribed(mail_app, inbox, "q=Spielplatz&municipality=Marburg")
    first = _add(store_dir, tmp_path, "a.docx", "Marburg", "Spielplatz am Markt", "Ein Spielplatz am Markt.")
    _add(store_dir, tmp_path, "b.docx", "Kassel", "Spielplatz in Kassel", "Ein Spielplatz in Kassel.")
    _send(mail_app)
    (digest,) = inbox.take()
    assert "Spielplatz am Markt" in _text(digest) and "Kassel" not in _text(digest)
    archive = Archive(store_dir)
    try:
        archive.withdraw(first, account="test")  # taken back and published again: changed since the digest
        archive.publish(first, account="test")
        archive.sync_index()
    finally:
        archive.close()
    _send(mail_app)
    assert inbox.take() == []  # changed, but mailed before


def test_a_failed_send_is_retried_by_the_next_run(store_dir: Path, smtp, tmp_path: Path):
    controller, inbox = smtp
    app = make_app(store_dir, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_URL="https://archiv.example.org")
    _subscribed(app, inbox, "q=Bücherei")
    _add(store_dir, tmp_path, "buch.docx", "Marburg", "Bücherei länger offen", "Die Bücherei öffnet länger.")
    down = make_app(store_dir, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), PUBLIC_URL="https://archiv.example.org")
    result = down.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 1 and "SMTP" in result.output
    assert "1 E-Mails" in _send(app)
    assert "Bücherei länger offen" in _text(inbox.take()[0])


def test_one_click_unsubscribe_needs_no_form(mail_app, smtp):
    _controller, inbox = smtp
    _subscribed(mail_app, inbox, "q=Kita")
    alerts = _alerts(mail_app)
    (alert,) = alerts
    with mail_app.test_request_context():
        link = unsubscribe_url(alert.id).removeprefix("https://archiv.example.org")
    with mail_app.test_client() as fresh:  # a mail program: no session, no CSRF token
        assert fresh.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _alerts(mail_app) == []


def _alerts(app) -> list:
    archive = Archive(app.config["ARCHIVE_DIR"])
    try:
        return Alerts(archive.store.db.conn).confirmed()
    finally:
        archive.close()


def test_forged_or_tampered_links_are_refused(mail_app, smtp):
    _controller, inbox = smtp
    with mail_app.test_client() as client:
        _subscribe(client, "q=Kita")
        link = next(link for link in _links(_text(inbox.take()[0])) if "bestaetigen" in link)
        for bad in (link[:-2] + "xx", "/benachrichtigung/bestaetigen/1", "/benachrichtigung/abbestellen/1"):
            assert client.get(bad).status_code == 404
            assert client.post(bad, data={"csrf_token": _csrf(client, "/benachrichtigung?q=x")}).status_code == 404
        # a confirmation token does not unsubscribe, nor the other way round
        token = link.rsplit("/", 1)[1]
        assert client.get(f"/benachrichtigung/abbestellen/{token}").status_code == 404


def test_bad_addresses_and_limits_get_a_german_message(mail_app, smtp):
    _controller, inbox = smtp
    with mail_app.test_client() as client:
        for bad in ("", "keine-adresse", "a@b", "x" * 300 + "@example.org", "a@example.org\r\nBcc: b@example.org"):
            response = _subscribe(client, "q=Kita", email=bad)
            assert response.status_code == 400 and "gültige E-Mail-Adresse" in response.get_data(as_text=True)
        assert inbox.take() == []
        for n in range(5):
            assert _subscribe(client, f"q=Thema{n}", email="viel@example.org").status_code == 200
        refused = _subscribe(client, "q=Thema6", email="viel@example.org")
        assert refused.status_code == 400 and "Bestätigung" in refused.get_data(as_text=True)
        assert len(inbox.take()) == 5
        _subscribe(client, "q=Thema1", email="viel@example.org")  # the same again within the hour: no new mail
        assert inbox.take() == []


def test_the_same_search_twice_is_one_alert(store_dir: Path):
    archive = Archive(store_dir)
    try:
        alerts = Alerts(archive.store.db.conn)
        first, send = alerts.subscribe("A@Example.ORG", "q=Kita", "„Kita“")
        again, send_again = alerts.subscribe("A@example.org", "q=Kita", "„Kita“")
        assert first.id == again.id and send and not send_again
        assert first.email == "A@example.org"
        alerts.confirm(first.id)
        assert alerts.delete_address("A@example.org") == 1 and alerts.get(first.id) is None
        with pytest.raises(AlertError):
            alerts.confirm(first.id)
    finally:
        archive.close()


def test_pending_alerts_expire_after_a_week(store_dir: Path):
    archive = Archive(store_dir)
    now = [1_800_000_000.0]
    try:
        alerts = Alerts(archive.store.db.conn, clock=lambda: now[0])
        alert, _send = alerts.subscribe("b@example.org", "q=Kita", "Kita")
        now[0] += 8 * 86400
        with pytest.raises(AlertError):
            alerts.confirm(alert.id)
    finally:
        archive.close()


def test_without_a_mail_server_no_alert_is_offered(app):
    with app.test_client() as client:
        assert "/benachrichtigung" not in client.get("/?q=Kita").get_data(as_text=True)
        page = client.get("/benachrichtigung?q=Kita").get_data(as_text=True)
        assert "nicht eingerichtet" in page and 'name="email"' not in page
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output


def test_deleting_a_document_forgets_that_it_was_sent(mail_app, smtp, store_dir: Path, tmp_path: Path):
    _controller, inbox = smtp
    _subscribed(mail_app, inbox, "q=Freibad")
    doc = _add(store_dir, tmp_path, "bad.docx", "Marburg", "Freibad sanieren", "Das Freibad wird saniert.")
    _send(mail_app)
    archive = Archive(store_dir)
    try:
        assert archive.store.db.conn.execute("SELECT count(*) FROM alert_sent WHERE doc_id = ?", [doc]).fetchone()[0]
        archive.delete(doc, account="test")
        assert not archive.store.db.conn.execute("SELECT count(*) FROM alert_sent WHERE doc_id = ?",
                                                 [doc]).fetchone()[0]
    finally:
        archive.close()


def test_the_worker_schedules_the_daily_digest(store_dir: Path):
    app = make_app(store_dir, ALERTS_AT="07:30")
    registry = app.extensions["worker"].huey._registry._registry
    assert any(name.endswith("alert_digests") for name in registry)
    with pytest.raises(ValueError):
        make_app(store_dir, ALERTS_AT="25:00")


@pytest.mark.parametrize("raw", ["name@beispiel.de", " Name@Beispiel.DE ", "a.b+c@sub.example.org"])
def test_normal_email(raw):
    assert normal_email(raw).endswith(raw.strip().rsplit("@", 1)[1].lower())


def test_subscribing_without_a_csrf_token_is_refused(mail_app, smtp):
    _controller, inbox = smtp
    with mail_app.test_client() as client:
        client.get("/benachrichtigung?q=Kita")
        response = client.post("/benachrichtigung", data={"query": "q=Kita", "email": "c@example.org"})
        assert response.status_code == 400
        for path in ("/benachrichtigung/bestaetigen/x", "/benachrichtigung/abbestellen/x"):
            assert client.post(path, data={}).status_code in (400, 404)
    assert inbox.take() == [] and _alerts(mail_app) == []


@pytest.mark.browser
def test_browser_subscribe_confirm_from_the_mail_and_unsubscribe(store_dir: Path, smtp, tmp_path: Path):
    """A visitor subscribes to a filtered search from the search page, confirms from the mail, receives a digest
    and unsubscribes from it; axe checks each alert page."""
    from playwright.sync_api import expect

    from tests.test_accessibility import assert_accessible
    from tests.test_browser import chromium, new_page, serving

    controller, inbox = smtp
    with serving(store_dir, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                 PUBLIC_URL="http://placeholder") as url, chromium() as browser:
        page, errors = new_page(browser, bypass_csp=True)  # axe is injected as a script
        page.goto(url + "/?q=Radweg&doc_type=antrag")
        page.get_by_role("link", name="Per E-Mail benachrichtigen").click()
        expect(page.locator("h1")).to_have_text("Per E-Mail benachrichtigen")
        expect(page.locator(".alert-search")).to_contain_text("„Radweg“ · Dokumenttyp: Antrag")
        assert_accessible(page, "alert form")
        page.get_by_label("Ihre E-Mail-Adresse").fill("ratsherr@example.org")
        page.get_by_role("button", name="Benachrichtigung bestellen").click()
        expect(page.locator("h1")).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")
        assert_accessible(page, "alert requested")

        (mail,) = inbox.take()
        confirm = re.search(r"http://placeholder(/benachrichtigung/bestaetigen/\S+)", _text(mail))[1]
        page.goto(url + confirm)
        assert_accessible(page, "alert confirmation page")
        page.get_by_role("button", name="Ja, Benachrichtigung bestätigen").click()
        expect(page.locator("h1")).to_have_text("Benachrichtigung bestätigt")

        _add(store_dir, tmp_path, "radweg.docx", "Marburg", "Antrag Radweg zur Uni", "Ein Radweg zur Universität.")
        _send(make_app(store_dir, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_URL="http://placeholder"))
        (digest,) = inbox.take()
        unsubscribe = re.search(r"http://placeholder(/benachrichtigung/abbestellen/\S+)", _text(digest))[1]
        page.goto(url + unsubscribe)
        page.get_by_role("button", name="Ja, abbestellen").click()
        expect(page.locator("h1")).to_have_text("Benachrichtigung abbestellt")
        assert_accessible(page, "alert ended")
        page.close()
        assert errors == []
    assert _alerts(make_app(store_dir)) == []
