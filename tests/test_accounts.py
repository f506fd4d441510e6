"""Staff accounts on real SQLite and the real app: hashing, sessions, throttling, roles, CSRF, the legacy
STAFF_PASSWORD, API tokens, the cookie's Secure flag and the ``flask user`` / ``flask token`` commands."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive import audit
from archive.accounts import ADMIN, EDITOR, FREE_FAILURES, MAX_DELAY, SESSION_IDLE, Accounts
from archive.errors import AccountError, LoginFailed, LoginThrottled
from archive.store import Store
from tests.conftest import STAFF_PASSWORD, make_app
from tests.test_web import token as csrf_from

ADMIN_NAME, ADMIN_PW = "anna", "admin-passphrase-01"
EDITOR_NAME, EDITOR_PW = "erika", "editor-passphrase-02"
CLIENT = "10.0.0.7"


class Clock:
    """An injectable clock: seconds since the epoch, moved by hand."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@contextmanager
def opened(root: Path, clock=None):
    store = Store(root)
    try:
        yield Accounts(store.db.conn, **({"clock": clock} if clock else {}))
    finally:
        store.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(root: Path, clock: Clock):
    with opened(root, clock) as accounts:
        yield accounts


def _with_accounts(root: Path) -> None:
    with opened(root) as accounts:
        accounts.create(ADMIN_NAME, ADMIN, ADMIN_PW, actor="test")
        accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW, actor="test")


def _actions(root: Path) -> list[tuple]:
    conn = sqlite3.connect(root / "archive.db")
    try:
        return conn.execute("SELECT account, action, detail FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


# -- archive.accounts --------------------------------------------------------------


def test_only_argon2_hashes_and_sha256_digests_are_stored(accounts: Accounts, root: Path):
    accounts.create("Erika", EDITOR, EDITOR_PW, actor="test")
    _account, session_token = accounts.sign_in("erika", EDITOR_PW, CLIENT)
    api_token = accounts.create_token("harvester", actor="test")
    accounts.set_password("erika", "ganz-neue-phrase-03", actor="test")
    with pytest.raises(LoginFailed):
        accounts.sign_in("erika", EDITOR_PW, CLIENT)
    [(stored,)] = accounts.conn.execute("SELECT password_hash FROM accounts").fetchall()
    assert stored.startswith("$argon2id$")
    dump = "\n".join(accounts.conn.iterdump())
    raw = b"".join(path.read_bytes() for path in root.glob("archive.db*"))
    for secret in (EDITOR_PW, "ganz-neue-phrase-03", session_token, api_token):
        assert secret not in dump and secret.encode() not in raw
    assert accounts.verify("erika", "ganz-neue-phrase-03") and not accounts.verify("erika", EDITOR_PW)
    assert not accounts.verify("niemand", EDITOR_PW)
    assert [a.name for a in accounts.list()] == ["erika"]  # names are kept lower case


def test_names_roles_and_passwords_are_checked_with_german_messages(accounts: Accounts):
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW)
    cases = {
        ("", EDITOR, EDITOR_PW): "Name",
        ("mit leerzeichen", EDITOR, EDITOR_PW): "Name",
        ("staff", ADMIN, EDITOR_PW): "reserviert",
        ("otto", "chef", EDITOR_PW): "Rolle",
        ("otto", EDITOR, "kurz"): "mindestens 10 Zeichen",
        ("ERIKA", EDITOR, EDITOR_PW): "gibt es schon",
    }
    for args, message in cases.items():
        with pytest.raises(AccountError) as caught:
            accounts.create(*args)
        assert message in caught.value.for_user(), args
    for call in (lambda: accounts.delete("otto"), lambda: accounts.set_password("otto", EDITOR_PW),
                 lambda: accounts.revoke_token("otto")):
        with pytest.raises(AccountError, match="gibt es nicht"):
            call()
    with pytest.raises(AccountError, match="mindestens"):
        accounts.set_password(EDITOR_NAME, "kurz")


def test_the_delay_grows_and_the_right_password_works_after_the_wait(accounts: Accounts, clock: Clock):
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW)
    for _ in range(FREE_FAILURES + 1):
        with pytest.raises(LoginFailed):
            accounts.sign_in(EDITOR_NAME, "falsch-falsch", CLIENT)
    waits = []
    for _ in range(8):
        with pytest.raises(LoginThrottled) as caught:  # even the right password waits, unchecked
            accounts.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)
        waits.append(caught.value.seconds)
        assert f"Bitte warten Sie {caught.value.seconds} Sekunden" in caught.value.for_user()
        clock.advance(caught.value.seconds - 0.5)
        with pytest.raises(LoginThrottled):  # not a moment before
            accounts.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)
        clock.advance(0.5)
        with pytest.raises(LoginFailed):
            accounts.sign_in(EDITOR_NAME, "wieder-falsch", CLIENT)
    assert waits == [2, 4, 8, 16, 32, MAX_DELAY, MAX_DELAY, MAX_DELAY]
    clock.advance(MAX_DELAY)
    account, _token = accounts.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)
    assert account.name == EDITOR_NAME
    assert accounts.wait_seconds(EDITOR_NAME, CLIENT) == 0  # a success clears both counters
    with pytest.raises(LoginFailed):
        accounts.sign_in(EDITOR_NAME, "falsch-falsch", CLIENT)  # a failure, not a wait


def test_the_delay_counts_per_account_and_per_client(accounts: Accounts, clock: Clock):
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW)
    accounts.create(ADMIN_NAME, ADMIN, ADMIN_PW)
    for number in range(FREE_FAILURES + 1):  # one client tries many names
        with pytest.raises(LoginFailed):
            accounts.sign_in(f"name{number}", "falsch-falsch", "192.0.2.1")
    with pytest.raises(LoginThrottled):
        accounts.sign_in(ADMIN_NAME, ADMIN_PW, "192.0.2.1")
    accounts.sign_in(ADMIN_NAME, ADMIN_PW, "192.0.2.2")  # other clients are not slowed down
    for number in range(FREE_FAILURES + 1):  # many clients try one name
        with pytest.raises(LoginFailed):
            accounts.sign_in(EDITOR_NAME, "falsch-falsch", f"198.51.100.{number}")
    with pytest.raises(LoginThrottled):
        accounts.sign_in(EDITOR_NAME, EDITOR_PW, "203.0.113.9")
    clock.advance(15 * 60 + 1)  # failures older than the window no longer count
    assert accounts.wait_seconds(EDITOR_NAME, "203.0.113.9") == 0


def test_the_delay_holds_across_connections_like_several_processes(root: Path, clock: Clock):
    _with_accounts(root)
    with opened(root, clock) as first, opened(root, clock) as second:
        for number in range(FREE_FAILURES + 1):
            with pytest.raises(LoginFailed):
                (first if number % 2 else second).sign_in(EDITOR_NAME, "falsch-falsch", CLIENT)
        with pytest.raises(LoginThrottled):
            second.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)
        with pytest.raises(LoginThrottled):
            first.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)


def test_sessions_end_on_logout_new_password_deletion_and_when_idle(accounts: Accounts, clock: Clock):
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW)
    accounts.create(ADMIN_NAME, ADMIN, ADMIN_PW)
    tokens = [accounts.sign_in(EDITOR_NAME, EDITOR_PW, CLIENT)[1] for _ in range(2)]
    assert accounts.account_for_session(tokens[0]).role == EDITOR
    accounts.sign_out(tokens[0])
    assert accounts.account_for_session(tokens[0]) is None
    assert accounts.account_for_session(tokens[1]) is not None  # another browser's session lives on
    accounts.set_password(EDITOR_NAME, "ganz-neue-phrase-03")
    assert accounts.account_for_session(tokens[1]) is None
    token = accounts.start_session(EDITOR_NAME)
    assert accounts.end_sessions(EDITOR_NAME) == 1 and accounts.account_for_session(token) is None
    token = accounts.start_session(EDITOR_NAME)
    accounts.delete(EDITOR_NAME)
    assert accounts.account_for_session(token) is None
    token = accounts.start_session(ADMIN_NAME)
    clock.advance(SESSION_IDLE - 10)
    assert accounts.account_for_session(token) is not None  # in use: last_seen moves on
    clock.advance(SESSION_IDLE - 10)
    assert accounts.account_for_session(token) is not None
    clock.advance(SESSION_IDLE + 1)
    assert accounts.account_for_session(token) is None
    for bad in (None, "", "x" * 500, "unbekannt"):
        assert accounts.account_for_session(bad) is None


def test_staff_password_signs_in_only_while_no_account_exists(accounts: Accounts):
    with pytest.raises(LoginFailed, match="Das Passwort ist falsch"):
        accounts.sign_in("", "falsch", CLIENT, legacy_password=STAFF_PASSWORD)
    with pytest.raises(LoginFailed):
        accounts.sign_in("", STAFF_PASSWORD, CLIENT, legacy_password=None)
    account, legacy = accounts.sign_in("", STAFF_PASSWORD, CLIENT, legacy_password=STAFF_PASSWORD)
    assert (account.name, account.role) == ("staff", ADMIN)
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW)
    with pytest.raises(LoginFailed, match="Name oder Passwort ist falsch"):
        accounts.sign_in("", STAFF_PASSWORD, CLIENT, legacy_password=STAFF_PASSWORD)
    with pytest.raises(LoginFailed):
        accounts.sign_in("staff", STAFF_PASSWORD, "192.0.2.5", legacy_password=STAFF_PASSWORD)
    assert accounts.account_for_session(legacy).role == ADMIN  # still there to create an admin
    accounts.create(ADMIN_NAME, ADMIN, ADMIN_PW)
    assert accounts.account_for_session(legacy) is None  # an admin exists: the shared password is done


def test_api_tokens_are_shown_once_and_revocable(accounts: Accounts):
    value = accounts.create_token("Harvester", actor="test")
    assert len(value) >= 40 and accounts.token_name(value) == "harvester"
    assert accounts.token_name(value[:-1] + ("A" if value[-1] != "A" else "B")) is None
    assert accounts.token_name("") is None and accounts.token_name(None) is None
    with pytest.raises(AccountError, match="gibt es schon"):
        accounts.create_token("harvester")
    accounts.revoke_token("harvester", actor="test")
    assert accounts.token_name(value) is None
    with pytest.raises(AccountError, match="schon widerrufen"):
        accounts.revoke_token("harvester")
    [listed] = accounts.list_tokens()
    assert listed.name == "harvester" and listed.revoked_at


def test_every_change_and_failure_is_in_the_audit_log_without_secrets(accounts: Accounts, root: Path):
    accounts.create(EDITOR_NAME, EDITOR, EDITOR_PW, actor="anna")
    accounts.set_password(EDITOR_NAME, "ganz-neue-phrase-03", actor="anna")
    with pytest.raises(LoginFailed):
        accounts.sign_in(EDITOR_NAME, "falsch-falsch", CLIENT)
    with pytest.raises(LoginFailed):
        accounts.sign_in(EDITOR_PW, "falsch-falsch", CLIENT)  # a password typed into the name field
    _account, session_token = accounts.sign_in(EDITOR_NAME, "ganz-neue-phrase-03", CLIENT)
    accounts.sign_out(session_token)
    value = accounts.create_token("harvester", actor="anna")
    accounts.revoke_token("harvester", actor="anna")
    accounts.delete(EDITOR_NAME, actor="anna")
    rows = _actions(root)
    assert [(who, action) for who, action, _ in rows] == [
        ("anna", audit.ACCOUNT_CREATE), ("anna", audit.ACCOUNT_PASSWORD), (EDITOR_NAME, audit.LOGIN_FAILED),
        (None, audit.LOGIN_FAILED), (EDITOR_NAME, audit.LOGIN), (EDITOR_NAME, audit.LOGOUT),
        ("anna", audit.TOKEN_CREATE), ("anna", audit.TOKEN_REVOKE), ("anna", audit.ACCOUNT_DELETE)]
    text = repr(rows)
    for secret in (EDITOR_PW, "ganz-neue-phrase-03", "falsch-falsch", session_token, value):
        assert secret not in text
    assert CLIENT in rows[2][2] and "unknown name" in rows[3][2]


# -- the CLI -----------------------------------------------------------------------


def _cli(root: Path, *args: str, input: str | None = None):
    app = make_app(root)
    return app.test_cli_runner().invoke(args=[*args, "--archive-dir", str(root)], input=input)


def test_user_commands(root: Path):
    result = _cli(root, "user", "create", "Anna", "--role", "admin", input=f"{ADMIN_PW}\n{ADMIN_PW}\n")
    assert result.exit_code == 0, result.output
    assert "Konto anna angelegt (Administration)" in result.output
    result = _cli(root, "user", "create", "erika", input=f"{EDITOR_PW}\nanders-getippt-99\n{EDITOR_PW}\n{EDITOR_PW}\n")
    assert result.exit_code == 0, result.output  # asked again after the two did not match
    assert ADMIN_PW not in result.output and EDITOR_PW not in result.output
    result = _cli(root, "user", "create", "bot", "--password-stdin", input="kurz\n")
    assert result.exit_code == 1 and "mindestens 10 Zeichen" in result.output
    result = _cli(root, "user", "create", "erika", "--password-stdin", input=f"{EDITOR_PW}\n")
    assert result.exit_code == 1 and "gibt es schon" in result.output
    listing = _cli(root, "user", "list").output
    assert "anna" in listing and "admin" in listing and "erika" in listing and "editor" in listing
    with opened(root) as accounts:
        session_token = accounts.start_session("erika")
    result = _cli(root, "user", "passwd", "erika", "--password-stdin", input="ganz-neue-phrase-03\n")
    assert result.exit_code == 0, result.output
    with opened(root) as accounts:
        assert accounts.verify("erika", "ganz-neue-phrase-03")
        assert accounts.account_for_session(session_token) is None
    assert _cli(root, "user", "delete", "erika").exit_code == 0
    result = _cli(root, "user", "delete", "erika")
    assert result.exit_code == 1 and "gibt es nicht" in result.output
    assert "erika" not in _cli(root, "user", "list").output
    assert any(who.startswith("cli") and action == audit.ACCOUNT_DELETE for who, action, _ in _actions(root))


def test_token_commands(root: Path):
    result = _cli(root, "token", "create", "scanner")
    assert result.exit_code == 0, result.output
    value = result.stdout.strip().splitlines()[-1]
    with opened(root) as accounts:
        assert accounts.token_name(value) == "scanner"
    listing = _cli(root, "token", "list").output
    assert "scanner" in listing and "gültig" in listing and value not in listing
    assert _cli(root, "token", "revoke", "scanner").exit_code == 0
    assert "widerrufen" in _cli(root, "token", "list").output
    result = _cli(root, "token", "revoke", "scanner")
    assert result.exit_code == 1 and "schon widerrufen" in result.output
    with opened(root) as accounts:
        assert accounts.token_name(value) is None


def test_every_account_command_has_examples_in_its_help(root: Path):
    for args in (["user", "create"], ["user", "list"], ["user", "delete"], ["user", "passwd"],
                 ["token", "create"], ["token", "list"], ["token", "revoke"]):
        result = make_app(root).test_cli_runner().invoke(args=[*args, "--help"])
        assert result.exit_code == 0 and "Examples:" in result.output
        assert f"flask --app search_app {' '.join(args)}" in result.output, args


# -- the web -----------------------------------------------------------------------


@pytest.fixture
def app(root: Path, clock: Clock):
    app = make_app(root)
    app.extensions["clock"] = clock
    return app


def sign_in(client, name: str, password: str, next_url: str = "/hochladen"):
    page = client.get("/anmelden").get_data(as_text=True)
    return client.post("/anmelden", data={"name": name, "password": password, "csrf_token": csrf_from(page),
                                          "next": next_url})


def _csrf(client, path: str = "/anmelden") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def test_login_by_name_and_password_and_a_copied_cookie_dies_with_the_logout(app, root: Path):
    _with_accounts(root)
    with app.test_client() as client:
        assert "Name" in client.get("/anmelden").get_data(as_text=True)
        response = sign_in(client, "erika", "falsch-falsch")
        assert response.status_code == 401 and "Name oder Passwort ist falsch" in response.get_data(as_text=True)
        response = sign_in(client, "Erika", EDITOR_PW)
        assert response.status_code == 302 and response.headers["Location"] == "/hochladen"
        copied = _cookie(client)
        assert EDITOR_PW not in copied
        assert _with_cookie(app, copied).get("/hochladen").status_code == 200  # the copy works, for now
        page = client.get("/hochladen").get_data(as_text=True)
        assert client.post("/abmelden", data={"csrf_token": csrf_from(page)}).status_code == 302
        assert client.get("/hochladen").status_code == 302
        assert _with_cookie(app, copied).get("/hochladen").status_code == 302
    assert [action for _, action, _ in _actions(root)][-3:] == [audit.LOGIN_FAILED, audit.LOGIN, audit.LOGOUT]


def test_a_copied_cookie_dies_with_a_password_change_and_the_deletion(app, root: Path):
    _with_accounts(root)
    with app.test_client() as client:
        sign_in(client, EDITOR_NAME, EDITOR_PW)
        copied = _cookie(client)
        with opened(root) as accounts:
            accounts.set_password(EDITOR_NAME, "ganz-neue-phrase-03")
        assert _with_cookie(app, copied).get("/hochladen").status_code == 302
        assert client.get("/hochladen").status_code == 302
        sign_in(client, EDITOR_NAME, "ganz-neue-phrase-03")
        copied = _cookie(client)
        admin = app.test_client()  # a second browser (not a `with` block: their contexts would interleave)
        sign_in(admin, ADMIN_NAME, ADMIN_PW)
        response = admin.post(f"/konten/{EDITOR_NAME}/loeschen", data={"csrf_token": _csrf(admin, "/konten")})
        assert response.status_code == 302
        assert _with_cookie(app, copied).get("/hochladen").status_code == 302


def test_throttled_logins_answer_429_until_the_wait_is_over(app, root: Path, clock: Clock):
    _with_accounts(root)
    with app.test_client() as client:
        for _ in range(FREE_FAILURES + 1):
            assert sign_in(client, EDITOR_NAME, "falsch-falsch").status_code == 401
        response = sign_in(client, EDITOR_NAME, EDITOR_PW)
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
        assert "Bitte warten Sie 2 Sekunden" in response.get_data(as_text=True)
        clock.advance(2)
        assert sign_in(client, EDITOR_NAME, EDITOR_PW).status_code == 302
        assert client.get("/hochladen").status_code == 200


def test_the_staff_password_works_only_until_the_first_account_exists(app, root: Path):
    with app.test_client() as legacy:
        assert "Name leer lassen" in legacy.get("/anmelden").get_data(as_text=True)
        assert sign_in(legacy, "", STAFF_PASSWORD, "/konten").status_code == 302
        page = legacy.get("/konten").get_data(as_text=True)
        assert "mit dem gemeinsamen Mitarbeiter-Passwort" in page
        response = legacy.post("/konten", data={"name": EDITOR_NAME, "role": EDITOR, "password": EDITOR_PW,
                                                "csrf_token": csrf_from(page)})
        assert response.status_code == 302
        assert EDITOR_NAME in legacy.get("/konten").get_data(as_text=True)  # the legacy session lives on ...
        other = app.test_client()
        assert "Name leer lassen" not in other.get("/anmelden").get_data(as_text=True)
        response = sign_in(other, "", STAFF_PASSWORD)
        assert response.status_code == 401 and other.get("/hochladen").status_code == 302
        legacy.post("/konten", data={"name": ADMIN_NAME, "role": ADMIN, "password": ADMIN_PW,
                                     "csrf_token": _csrf(legacy, "/konten")})
        assert legacy.get("/konten").status_code == 302  # ... until an admin account exists
    assert [who for who, action, _ in _actions(root) if action == audit.ACCOUNT_CREATE] == ["staff", "staff"]


def test_no_account_and_no_staff_password_means_no_login(root: Path):
    app = make_app(root, STAFF_PASSWORD=None)
    with app.test_client() as client:
        assert "Die Anmeldung ist nicht möglich" in client.get("/anmelden").get_data(as_text=True)
    _with_accounts(root)
    with app.test_client() as client:
        assert sign_in(client, EDITOR_NAME, EDITOR_PW).status_code == 302


ADMIN_GETS = ("/konten", "/protokoll", "/protokoll.csv")
ADMIN_POSTS = {"/konten": {"name": "neu", "role": EDITOR, "password": "neue-passphrase-04"},
               f"/konten/{EDITOR_NAME}/loeschen": {},
               f"/konten/{EDITOR_NAME}/passwort": {"password": "neue-passphrase-04"}}


def _state(root: Path) -> tuple:
    with opened(root) as accounts:
        return tuple(accounts.list()), accounts.verify(EDITOR_NAME, EDITOR_PW)


def test_admin_pages_need_an_admin(app, root: Path):
    _with_accounts(root)
    before = _state(root)
    with app.test_client() as anonymous:
        for path in ADMIN_GETS:
            response = anonymous.get(path)
            assert response.status_code == 302 and response.headers["Location"].startswith("/anmelden?next="), path
        for path, data in ADMIN_POSTS.items():
            response = anonymous.post(path, data={**data, "csrf_token": _csrf(anonymous)})
            assert response.status_code == 302 and "/anmelden" in response.headers["Location"], path
    with app.test_client() as editor:
        sign_in(editor, EDITOR_NAME, EDITOR_PW)
        assert "Konten" not in editor.get("/hochladen").get_data(as_text=True)  # no nav link
        for path in ADMIN_GETS:
            response = editor.get(path)
            assert response.status_code == 403, path
            assert "der Administration vorbehalten" in response.get_data(as_text=True)
        for path, data in ADMIN_POSTS.items():
            assert editor.post(path, data={**data, "csrf_token": _csrf(editor, "/hochladen")}).status_code == 403
    assert _state(root) == before
    with app.test_client() as admin:
        sign_in(admin, ADMIN_NAME, ADMIN_PW)
        nav = admin.get("/hochladen").get_data(as_text=True)
        assert 'href="/konten"' in nav and 'href="/protokoll"' in nav
        for path in ADMIN_GETS:
            assert admin.get(path).status_code == 200, path
        assert admin.get("/zu-pruefen").status_code == 200  # an admin has the editor's rights too


def test_every_admin_post_refuses_a_missing_or_wrong_csrf_token(app, root: Path):
    _with_accounts(root)
    before = _state(root)
    with app.test_client() as admin:
        sign_in(admin, ADMIN_NAME, ADMIN_PW)
        for path, data in ADMIN_POSTS.items():
            for csrf in ({}, {"csrf_token": "falsch"}):
                response = admin.post(path, data={**data, **csrf})
                assert response.status_code == 400, path
                assert "Sicherheitsprüfung fehlgeschlagen" in response.get_data(as_text=True)
    assert _state(root) == before


def test_admins_create_accounts_set_passwords_and_delete_accounts_on_the_web(app, root: Path):
    _with_accounts(root)
    with app.test_client() as admin:
        sign_in(admin, ADMIN_NAME, ADMIN_PW)
        page = admin.get("/konten").get_data(as_text=True)
        assert 'for="new-name">Name<' in page and 'for="new-role">Rolle<' in page
        assert 'for="new-password">Passwort<' in page and "Redaktion" in page and "Administration" in page
        csrf = csrf_from(page)
        response = admin.post("/konten", data={"name": "otto", "role": EDITOR, "password": "kurz", "csrf_token": csrf})
        assert response.status_code == 400 and "mindestens 10 Zeichen" in response.get_data(as_text=True)
        assert 'value="otto"' in response.get_data(as_text=True)  # what was typed is kept
        response = admin.post("/konten", data={"name": "otto", "role": EDITOR, "password": "otto-passphrase-05",
                                               "csrf_token": csrf})
        assert response.status_code == 302
        assert "Das Konto otto (Redaktion) ist angelegt" in admin.get("/konten").get_data(as_text=True)
        otto = app.test_client()
        assert sign_in(otto, "otto", "otto-passphrase-05").status_code == 302
        response = admin.post("/konten/otto/passwort", data={"password": "otto-passphrase-06", "csrf_token": csrf})
        assert response.status_code == 302
        assert otto.get("/hochladen").status_code == 302  # his session ended
        assert sign_in(otto, "otto", "otto-passphrase-06").status_code == 302
        assert admin.post("/konten/otto/loeschen", data={"csrf_token": csrf}).status_code == 302
        assert otto.get("/hochladen").status_code == 302
        assert admin.post("/konten/niemand/loeschen", data={"csrf_token": csrf}).status_code == 404
        response = admin.post(f"/konten/{ADMIN_NAME}/loeschen", data={"csrf_token": csrf})
        assert response.status_code == 400 and "eigenes Konto" in response.get_data(as_text=True)
        copied = _cookie(admin)
        response = admin.post(f"/konten/{ADMIN_NAME}/passwort", data={"password": "anna-passphrase-07",
                                                                      "csrf_token": csrf})
        assert response.status_code == 302
        assert admin.get("/konten").status_code == 200  # this browser stays signed in, with a new session
        assert _with_cookie(app, copied).get("/konten").status_code == 302  # the old cookie is dead
    actions = [action for who, action, _ in _actions(root) if who == ADMIN_NAME]
    assert actions.count(audit.ACCOUNT_CREATE) == 1 and actions.count(audit.ACCOUNT_PASSWORD) == 2
    assert actions.count(audit.ACCOUNT_DELETE) == 1


def test_api_token_name_reads_the_bearer_header(app, root: Path):
    from web import security

    with opened(root) as accounts:
        value = accounts.create_token("harvester")
        accounts.create_token("alt")
        old = accounts.create_token("alt2")
        accounts.revoke_token("alt2")
    cases = {f"Bearer {value}": "harvester", f"bearer  {value} ": "harvester", f"Basic {value}": None,
             "Bearer ": None, "Bearer falsch": None, f"Bearer {old}": None, "": None}
    for header, expected in cases.items():
        with app.test_request_context("/api/documents", headers={"Authorization": header} if header else {}):
            assert security.api_token_name() == expected, header
            assert security.account_name() is None and not security.is_staff()


def test_the_secure_flag_follows_the_scheme_or_the_setting(root: Path):
    def cookie(app, base_url: str) -> str:
        with app.test_client() as client:
            return client.get("/anmelden", base_url=base_url).headers["Set-Cookie"]

    auto = make_app(root)
    assert "Secure" in cookie(auto, "https://archiv.example") and "Secure" not in cookie(auto, "http://localhost")
    always = make_app(root, SESSION_COOKIE_SECURE="1")
    assert "Secure" in cookie(always, "http://localhost")
    never = make_app(root, SESSION_COOKIE_SECURE="0")
    assert "Secure" not in cookie(never, "https://archiv.example")
    with pytest.raises(ValueError, match="SESSION_COOKIE_SECURE"):
        make_app(root, SESSION_COOKIE_SECURE="manchmal")
