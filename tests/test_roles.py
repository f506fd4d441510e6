"""Every writing route of the app, tried as anonymous, editor and admin, with and without a CSRF token.

The routes are read from the app's URL map, so a new writing route without an entry in ``WRITES`` fails here.
"""

import re
from pathlib import Path

import pytest

from archive import Archive
from archive.accounts import Accounts
from tests.conftest import make_app

PUBLIC, EDITOR, ADMIN, TOKEN = "public", "editor", "admin", "token"
# endpoint -> who may use it (admins have every editor right)
WRITES = {
    "staff.login": PUBLIC,
    "staff.logout": PUBLIC,
    "staff.upload": EDITOR,
    "staff.review": EDITOR,
    "staff.publish": EDITOR,
    "staff.withdraw": EDITOR,
    "staff.delete": EDITOR,
    "accounts.create_account": ADMIN,
    "accounts.delete_account": ADMIN,
    "accounts.set_password": ADMIN,
    "api.upload": TOKEN,  # tests/test_api_upload.py: a bearer token, no cookie, no CSRF
    # e-mail alerts (tests/test_alerts.py): anyone; confirm and unsubscribe are authorised by a signed token,
    # unsubscribe also without a form (RFC 8058 one-click)
    "alerts.subscribe": PUBLIC,
    "alerts.confirm": PUBLIC,
    "alerts.unsubscribe": PUBLIC,
}
PASSWORDS = {"ada": "admin-passwort-lang-1", "erika": "editor-passwort-lang-2", "opfer": "opfer-passwort-lang-3"}


@pytest.fixture
def app(store_dir: Path):
    archive = Archive(store_dir)
    accounts = Accounts(archive.store.db.conn)
    accounts.create("ada", "admin", PASSWORDS["ada"], actor="test")
    accounts.create("erika", "editor", PASSWORDS["erika"], actor="test")
    accounts.create("opfer", "editor", PASSWORDS["opfer"], actor="test")
    archive.store.db.conn.commit()
    archive.close()
    return make_app(store_dir)


def _token(client, path: str = "/anmelden") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def _login(client, name: str) -> None:
    response = client.post("/anmelden", data={"csrf_token": _token(client), "name": name,
                                              "password": PASSWORDS[name], "next": "/hochladen"})
    assert response.status_code == 302 and response.headers["Location"] == "/hochladen", name


def _url(endpoint: str) -> str:
    return {"staff.upload": "/hochladen", "staff.review": "/dokument/1/pruefen",
            "staff.publish": "/dokument/1/veroeffentlichen", "staff.withdraw": "/dokument/1/zurueckziehen",
            "staff.delete": "/dokument/1/loeschen", "accounts.create_account": "/konten",
            "accounts.delete_account": "/konten/opfer/loeschen", "accounts.set_password": "/konten/opfer/passwort",
            "staff.login": "/anmelden", "staff.logout": "/abmelden", "api.upload": "/api/documents"}[endpoint]


def _state(app) -> tuple:
    """What a writing route could change: document 1, the accounts."""
    archive = Archive(app.config["ARCHIVE_DIR"])
    try:
        doc = archive.document(1)
        names = tuple(a.name for a in Accounts(archive.store.db.conn).list())
        return doc["publication"], doc["reviewed_at"], names
    finally:
        archive.close()


def test_every_writing_route_is_listed(app):
    writes = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}
    assert writes == set(WRITES)


@pytest.mark.parametrize("endpoint", [e for e, who in WRITES.items() if who in (EDITOR, ADMIN)])
def test_anonymous_clients_are_sent_to_the_login_and_change_nothing(app, endpoint: str):
    before = _state(app)
    with app.test_client() as client:
        response = client.post(_url(endpoint), data={"csrf_token": _token(client)})
        assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden"), endpoint
    assert _state(app) == before


@pytest.mark.parametrize("endpoint", [e for e, who in WRITES.items() if who == ADMIN])
def test_editors_get_403_on_admin_routes_and_change_nothing(app, endpoint: str):
    before = _state(app)
    with app.test_client() as client:
        _login(client, "erika")
        response = client.post(_url(endpoint), data={"csrf_token": _token(client, "/hochladen"),
                                                     "name": "neu", "role": "editor", "password": "x" * 12})
        assert response.status_code == 403, endpoint
    assert _state(app) == before


@pytest.mark.parametrize("endpoint", [e for e, who in WRITES.items() if who in (EDITOR, ADMIN)])
@pytest.mark.parametrize("who", ["erika", "ada"])
def test_signed_in_posts_without_a_csrf_token_are_refused(app, endpoint: str, who: str):
    before = _state(app)
    with app.test_client() as client:
        _login(client, who)
        for token in (None, "falsch"):
            data = {"csrf_token": token} if token else {}
            assert client.post(_url(endpoint), data=data).status_code == 400, (endpoint, who, token)
    assert _state(app) == before


@pytest.mark.parametrize("who", ["erika", "ada"])
def test_editors_and_admins_publish_withdraw_and_delete(app, who: str):
    with app.test_client() as client:
        _login(client, who)
        for endpoint, publication in (("staff.withdraw", "withdrawn"), ("staff.publish", "published")):
            assert client.post(_url(endpoint), data={"csrf_token": _token(client, "/hochladen")}).status_code == 302
            assert _state(app)[0] == publication
        assert client.post(_url("staff.delete"), data={"csrf_token": _token(client, "/hochladen")}).status_code == 302
        assert client.get("/dokument/1").status_code == 404


def test_admins_use_the_admin_routes(app):
    with app.test_client() as client:
        _login(client, "ada")
        token = _token(client, "/konten")
        assert client.post("/konten", data={"csrf_token": token, "name": "neu", "role": "editor",
                                            "password": "neues-passwort-lang"}).status_code in (200, 302)
        assert client.post("/konten/opfer/loeschen", data={"csrf_token": token}).status_code in (200, 302)
    assert _state(app)[2] == ("ada", "erika", "neu")
