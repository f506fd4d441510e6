"""Sign-in and the admin pages: ``/konten`` (accounts: create, delete, set a new password) and ``/protokoll``
(the audit log, filtered by action, account and document, 50 rows a page; ``/protokoll.csv`` the same rows as
CSV for a spreadsheet, streamed).

The login and logout views keep their endpoints ``staff.login`` and ``staff.logout`` (``web/staff.py`` routes
them here: ``login_page()``, ``logout_page()``).
"""

import csv
import io
import math
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from archive import audit
from archive.accounts import EDITOR, ROLES
from archive.errors import AccountError, LoginFailed, LoginThrottled
from archive.store import Store
from web import security
from web.context import get_archive

bp = Blueprint("accounts", __name__)

AUDIT_PAGE = 50
CSV_COLUMNS = ("Nr.", "Zeit (UTC)", "Konto", "Aktion", "Aktion (Code)", "Dokument", "Felder", "Details")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


# -- sign-in -----------------------------------------------------------------


def login_page():
    """``GET /anmelden``: the form (or, signed in, on to ``next``); ``POST``: sign in by name and password."""
    target = security.safe_next(request.values.get("next"), url_for("staff.upload"))
    if request.method == "GET" and security.is_staff():
        return redirect(target)
    if request.method == "GET" or not security.login_possible():
        return _login_form(target, None)
    name = request.form.get("name", "")
    try:
        security.log_in(name, request.form.get("password", ""))
    except LoginThrottled as exc:
        response = _login_form(target, exc.for_user(), name, 429)
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    except LoginFailed as exc:
        return _login_form(target, exc.for_user(), name, 401)
    return redirect(target)


def _login_form(target: str, error: str | None, name: str = "", status: int = 200) -> Response:
    html = render_template("login.html", next=target, error=error, name=name, possible=security.login_possible(),
                           legacy=security.legacy_login())
    return Response(html, status)


def logout_page():
    security.log_out()
    return redirect(url_for("pages.search"))


# -- accounts ------------------------------------------------------------------


@bp.get("/konten")
@security.role_required("admin")
def accounts_page():
    return _accounts_page()


def _accounts_page(error: str | None = None, form: dict | None = None, status: int = 200):
    html = render_template("accounts.html", accounts=security.accounts().list(), roles=ROLES, error=error,
                           form=form or {"name": "", "role": EDITOR}, me=security.current_account())
    return html, status


@bp.post("/konten")
@security.role_required("admin")
def create_account():
    form = {"name": request.form.get("name", ""), "role": request.form.get("role", "")}
    try:
        account = security.accounts().create(form["name"], form["role"], request.form.get("password", ""),
                                             actor=security.account_name())
    except AccountError as exc:
        return _accounts_page(exc.for_user(), form, 400)
    flash(f"Das Konto {account.name} ({account.role_label}) ist angelegt.")
    return redirect(url_for("accounts.accounts_page"))


@bp.post("/konten/<name>/loeschen")
@security.role_required("admin")
def delete_account(name: str):
    if name.strip().lower() == security.account_name():
        return _accounts_page("Sie können Ihr eigenes Konto nicht löschen (melden Sie sich mit einem anderen "
                              "Admin-Konto an oder nutzen Sie flask user delete).", status=400)
    try:
        security.accounts().delete(name, actor=security.account_name())
    except AccountError as exc:
        return _accounts_page(exc.for_user(), status=404)
    flash(f"Das Konto {name} ist gelöscht; seine Sitzungen sind beendet.")
    return redirect(url_for("accounts.accounts_page"))


@bp.post("/konten/<name>/passwort")
@security.role_required("admin")
def set_password(name: str):
    accounts = security.accounts()
    try:
        accounts.set_password(name, request.form.get("password", ""), actor=security.account_name())
    except AccountError as exc:
        return _accounts_page(exc.for_user(), status=404 if accounts.get(name) is None else 400)
    me = security.current_account()
    if me is not None and me.name == name:  # every session ended, this one starts afresh
        security.begin_session(me, accounts.start_session(name))
    flash(f"Das Passwort von {name} ist geändert; seine anderen Sitzungen sind beendet.")
    return redirect(url_for("accounts.accounts_page"))


# -- the audit log ---------------------------------------------------------------


def _filters() -> tuple[dict, str | None]:
    """The log's filters from the query string (unknown actions and empty values mean "all"), and a German
    error for a document number that is none."""
    action = request.args.get("aktion") or None
    account = (request.args.get("konto") or "").strip() or None
    raw_doc = (request.args.get("dokument") or "").strip()
    error = None
    document_id = None
    if raw_doc:
        if raw_doc.isdigit() and len(raw_doc) < 19:
            document_id = int(raw_doc)
        else:
            error = f"„{raw_doc}“ ist keine Dokumentnummer."
    return {"action": action if action in audit.ACTIONS else None, "account": account,
            "document_id": document_id}, error


def _query(filters: dict) -> dict:
    """The filters as query parameters of the page's links."""
    return {key: value for key, value in (("aktion", filters["action"]), ("konto", filters["account"]),
                                          ("dokument", filters["document_id"])) if value is not None}


@bp.get("/protokoll")
@security.role_required("admin")
def audit_page():
    filters, error = _filters()
    page = max(request.args.get("seite", 1, type=int) or 1, 1)
    conn = get_archive().store.db.conn
    total, rows = (0, []) if error else audit.entries(conn, **filters, limit=AUDIT_PAGE,
                                                      offset=(page - 1) * AUDIT_PAGE)
    accounts_seen = audit.accounts_seen(conn)
    if filters["account"] and filters["account"] not in accounts_seen:
        accounts_seen.append(filters["account"])
    html = render_template("audit_log.html", rows=rows, total=total, page=page,
                           pages=max(math.ceil(total / AUDIT_PAGE), 1), filters=filters, query=_query(filters),
                           actions=audit.ACTIONS, accounts_seen=accounts_seen, error=error,
                           raw_document=request.args.get("dokument", ""))
    return html, 400 if error else 200


@bp.get("/protokoll.csv")
@security.role_required("admin")
def audit_csv():
    filters, error = _filters()
    if error:
        return render_template("error.html", title="Ungültige Anfrage", message=error,
                               back_url=url_for("accounts.audit_page")), 400
    # its own connection: the request's closes when the view returns, before the rows are streamed
    response = Response(_csv_lines(Store(current_app.config["ARCHIVE_DIR"]), filters), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="protokoll.csv"'
    return response


def _csv_lines(store: Store, filters: dict) -> Iterator[str]:
    """UTF-8 with a byte order mark and ``;`` between cells: what a German spreadsheet opens as is. Closes
    ``store`` when done (or when the client goes away)."""
    try:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        yield "\ufeff" + buffer.getvalue()
        for entry in audit.iter_entries(store.db.conn, **filters):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([_cell(value) for value in (
                entry.id, entry.at, entry.account or "", entry.label, entry.action, entry.document_id or "",
                ", ".join(entry.fields), entry.detail or "")])
            yield buffer.getvalue()
    finally:
        store.close()


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
