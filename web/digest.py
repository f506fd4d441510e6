"""The daily digest of every confirmed alert: the new published documents that match its search, one mail each.

``send_digests()`` runs in an app context (``flask alerts send``, or the worker once a day at ``ALERTS_AT``):
for each confirmed alert it runs the alert's search over what was published or changed since its last check
(``modified_since``, a few minutes of margin), leaves out what the alert has mailed before, and sends the rest
(newest first, at most ``DIGEST_SIZE``, with a link to all). Only after a mail went out is the alert's check
recorded: a failed send is retried by the next run, and the other alerts go on. Links point at ``PUBLIC_URL``.
"""

import logging
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from flask import current_app, render_template

from archive import BadRequest
from archive.alerts import Alert, Alerts, since_minus
from web import alerts as alert_pages
from web.alerts import external
from web.context import get_archive
from web.mail import Mailer, MailError

log = logging.getLogger(__name__)
DIGEST_SIZE = 50
MARGIN = 300  # seconds: documents written while the previous run read the store come again (and are skipped)


@dataclass
class Report:
    alerts: int = 0
    mails: int = 0
    documents: int = 0
    failures: list[str] = field(default_factory=list)


def send_digests() -> Report:
    """Send every due digest; needs an app context. Raises ``MailError`` only if SMTP is not configured."""
    mailer = Mailer.from_config(current_app.config)
    if not mailer.configured:
        raise MailError("MAIL_SERVER is not set: no alert can be sent")
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        store = Alerts(get_archive().store.db.conn)
        report = Report()
        with mailer.connect() as smtp:
            for alert in store.confirmed():
                report.alerts += 1
                _one(alert, store, mailer, smtp, report)
    return report


def _one(alert: Alert, store: Alerts, mailer: Mailer, smtp, report: Report) -> None:
    started = store.now()
    try:
        req = replace(alert_pages.request_of(alert.query), sort="newest", per_page=DIGEST_SIZE, page=1,
                      modified_since=_since(alert))
    except BadRequest as exc:
        log.warning("alert %s: its search no longer parses (%s); skipped", alert.id, exc)
        report.failures.append(f"alert {alert.id}: search does not parse")
        return
    result = get_archive().search(req)
    sent = store.sent_ids(alert.id)
    new = [hit.id for hit in result.hits if hit.id not in sent]
    if not new:
        store.checked(alert.id, started)
        return
    rows = get_archive().documents(new)
    documents = [rows[i] for i in new if i in rows]
    try:
        total = result.total - (len(result.hits) - len(new))  # those mailed before left out
        smtp.send_message(_message(mailer, alert, documents, total, req))
    except MailError as exc:
        log.error("alert %s: digest not sent, retried next run: %s", alert.id, exc)
        report.failures.append(f"alert {alert.id}: {exc}")
        return
    store.checked(alert.id, started, new)
    report.mails += 1
    report.documents += len(documents)
    log.info("alert %s: digest of %d documents sent", alert.id, len(documents))


def _since(alert: Alert) -> str:
    """From when documents count: the confirmation for the first digest, then the last check (with a margin)."""
    return since_minus(alert.checked_at, MARGIN) if alert.checked_at else alert.since


def _message(mailer: Mailer, alert: Alert, documents: list[dict], total: int, req):
    search_url = external("pages.search") + ("?" + alert.query if alert.query else "")
    new_url = external("pages.search") + "?" + urlencode(
        [*parse_qsl(alert.query), ("modified_since", req.modified_since), ("sort", "newest")])
    unsubscribe = alert_pages.unsubscribe_url(alert.id)
    context = {"alert": alert, "documents": documents, "total": total, "search_url": search_url, "new_url": new_url,
               "unsubscribe_url": unsubscribe, "document_url": _document_url}
    count = f"{len(documents)} neue{'s' if len(documents) == 1 else ''} Dokument{'' if len(documents) == 1 else 'e'}"
    message = mailer.message(alert.email, f"Antragsarchiv: {count} zu {alert.label}"[:200],
                             render_template("mail/digest.txt", **context),
                             render_template("mail/digest.html", **context))
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    return message


def _document_url(doc_id: int) -> str:
    return external("pages.document", doc_id=doc_id)
