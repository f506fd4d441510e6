"""E-mail alerts for any search: subscribe (double opt-in), confirm, unsubscribe; no account needed.

- ``GET /benachrichtigung?<search>`` shows the form for the search of its parameters (as ``/``);
  ``POST /benachrichtigung`` stores a pending alert and mails the confirmation link.
- ``/benachrichtigung/bestaetigen/<token>``: a page with one button (``POST`` confirms), so that a mail scanner that
  opens links does not confirm on its own.
- ``/benachrichtigung/abbestellen/<token>``: the same for unsubscribing; a ``POST`` there without a form is the
  one-click unsubscribe of RFC 8058 (``List-Unsubscribe-Post``) that mail programs send: the signed token is its
  authority, so that route needs no CSRF token.

Tokens are the alert's id signed with the app's ``SECRET_KEY`` (itsdangerous); confirmation links expire with
the pending alert. The digests themselves are ``web.digest``.
"""

import logging
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import MultiDict

from archive import BadRequest, SearchRequest
from archive.alerts import AlertError, Alerts
from archive.facets import BY_NAME
from web import params, security
from web.context import get_archive
from web.mail import Mailer, MailError
from web.pages import german_date, value_label

log = logging.getLogger(__name__)
bp = Blueprint("alerts", __name__)
CONFIRM, UNSUBSCRIBE = "antragsarchiv-alert-confirm", "antragsarchiv-alert-unsubscribe"
# the parameters an alert keeps: the search, not its page, size, order or time window
DROPPED = ("page", "per_page", "sort", "facet_limit", "collapse", "modified_since")


def alerts() -> Alerts:
    return Alerts(get_archive().store.db.conn)


def mailer() -> Mailer:
    return Mailer.from_config(current_app.config)


def token(alert_id: int, purpose: str) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=purpose).dumps(alert_id)


def alert_id(raw: str, purpose: str) -> int:
    try:
        value = URLSafeSerializer(current_app.secret_key, salt=purpose).loads(raw)
    except BadSignature:
        abort(404)
    if not isinstance(value, int):
        abort(404)
    return value


def external(endpoint: str, **values) -> str:
    """An address for a mail: on ``PUBLIC_URL``, never on the Host header of the request that caused it (which a
    client chooses)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def unsubscribe_url(alert_id_: int) -> str:
    return external("alerts.unsubscribe", token=token(alert_id_, UNSUBSCRIBE))


# -- what an alert keeps -----------------------------------------------------


def saved_query(req: SearchRequest) -> str:
    """The URL query an alert stores for ``req``: the search and its filters only."""
    return urlencode([(k, v) for k, v in params.to_pairs(req) if k not in DROPPED])


def request_of(query: str) -> SearchRequest:
    """The search of a stored alert query (BadRequest if it no longer parses)."""
    return params.search_request(MultiDict(parse_qsl(query, keep_blank_values=False)))


def describe(req: SearchRequest) -> str:
    """The search in German words: „Radverkehr“ · Bundesland: Hessen · Von: 01.01.2023."""
    parts = [f"„{' '.join(req.q.split())}“"] if req.q.strip() else []
    for name, values in req.filters.items():
        facet = BY_NAME[name]
        parts.append(f"{facet.label}: " + ", ".join(value_label(facet, v) for v in values))
    for name, label in (("date_from", "Von"), ("date_to", "Bis")):
        if getattr(req, name):
            parts.append(f"{label}: {german_date(getattr(req, name))}")
    return " · ".join(parts) or "alle neuen Dokumente"


@bp.app_template_global("alert_url")
def alert_url(req: SearchRequest) -> str | None:
    """The subscribe page of the search ``req``; None when this server sends no mail."""
    if not mailer().configured:
        return None
    query = saved_query(req)
    return url_for("alerts.subscribe") + ("?" + query if query else "")


# -- subscribing -----------------------------------------------------------


@bp.route("/benachrichtigung", methods=["GET", "POST"])
def subscribe():
    source = request.form if request.method == "POST" else request.args
    query = source.get("query", "") if request.method == "POST" else saved_query_of(request.args)
    try:
        req = request_of(query)
    except BadRequest as exc:
        return _page("alert_subscribe.html", 400, error=exc.for_user(), req=None, query="", label="")
    label = describe(req)
    if request.method == "GET" or not mailer().configured:
        return _page("alert_subscribe.html", 200, req=req, query=query, label=label, email="")
    email = request.form.get("email", "")
    try:
        alert, send = alerts().subscribe(email, query, label)
    except AlertError as exc:
        return _page("alert_subscribe.html", 400, error=exc.for_user(), req=req, query=query, label=label,
                     email=email)
    if send:
        try:
            _send_confirmation(alert)
        except MailError as exc:
            log.error("confirmation mail for alert %s not sent: %s", alert.id, exc)
            return _page("alert_subscribe.html", 503, error=exc.user_message, req=req, query=query, label=label,
                         email=email)
    return _page("alert_message.html", 200, title="Bitte bestätigen Sie Ihre E-Mail-Adresse",
                 message=f"Wir haben eine E-Mail an {alert.email} gesendet. Erst wenn Sie den Link darin bestätigen, "
                         f"erhalten Sie die tägliche Benachrichtigung zu: {label}.")


def saved_query_of(args: MultiDict) -> str:
    """The alert query for the search of the URL ``args`` (as on ``/``)."""
    try:
        return saved_query(params.search_request(args))
    except BadRequest:
        return urlencode(list(args.items(multi=True)))  # parsed again, and refused with its message


def _send_confirmation(alert) -> None:
    link = external("alerts.confirm", token=token(alert.id, CONFIRM))
    search = external("pages.search") + ("?" + alert.query if alert.query else "")
    context = {"alert": alert, "confirm_url": link, "search_url": search}
    message = mailer().message(alert.email, "Antragsarchiv: Bitte bestätigen Sie Ihre Benachrichtigung",
                               render_template("mail/confirm.txt", **context))
    mailer().send(message)
    log.info("confirmation mail for alert %s sent", alert.id)


@bp.route("/benachrichtigung/bestaetigen/<token>", methods=["GET", "POST"])
def confirm(token: str):
    def done(alert):
        return _page("alert_message.html", 200, title="Benachrichtigung bestätigt",
                     message=f"Sie erhalten ab jetzt einmal am Tag eine E-Mail, wenn neue Dokumente zu {alert.label} "
                             "veröffentlicht werden. Jede dieser E-Mails enthält einen Link zum Abbestellen.")

    return _by_link(alert_id(token, CONFIRM), "bestaetigen", Alerts.confirm, done)


@bp.route("/benachrichtigung/abbestellen/<token>", methods=["GET", "POST"])
@security.csrf_exempt
def unsubscribe(token: str):
    def done(alert):
        log.info("alert %s unsubscribed", alert.id)
        return _page("alert_message.html", 200, title="Benachrichtigung abbestellt",
                     message=f"Sie erhalten keine E-Mails mehr zu {alert.label}. Ihre Adresse ist für diese "
                             "Benachrichtigung gelöscht.")

    return _by_link(alert_id(token, UNSUBSCRIBE), "abbestellen", Alerts.unsubscribe, done)


def _by_link(number: int, action: str, act, done):
    """A link from a mail: ``GET`` shows the alert and one button, ``POST`` does ``act`` and shows ``done``."""
    store = alerts()
    if request.method == "GET":
        alert = store.get(number)
        return _page("alert_confirm.html", 200, alert=alert, action=action) if alert else _gone()
    try:
        return done(act(store, number))
    except AlertError as exc:
        return _page("alert_message.html", 404, title="Benachrichtigung nicht gefunden", message=exc.for_user())


def _gone():
    return _page("alert_message.html", 404, title="Benachrichtigung nicht gefunden",
                 message="Diese Benachrichtigung gibt es nicht (mehr). Vielleicht wurde sie schon abbestellt oder "
                         "nicht rechtzeitig bestätigt.")


def _page(template: str, status: int, **context):
    return render_template(template, mail_configured=mailer().configured, **context), status
