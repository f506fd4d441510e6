"""``flask alerts send|list|delete``: the e-mail alerts of saved searches (``web.alerts``, ``web.digest``).

Click commands run in the app's context (``search_app`` registers them on ``flask``).
"""

import sys

import click
from flask.cli import with_appcontext

from archive.alerts import AlertError, Alerts, normal_email
from web.context import get_archive
from web.digest import send_digests
from web.mail import MailError


@click.group("alerts")
def alerts_group() -> None:
    """E-mail alerts: the daily digests of saved searches."""


@alerts_group.command("send")
@with_appcontext
def send_command() -> None:
    """Mail every confirmed alert the documents published (or changed) since its last digest that match its
    search and that it has not sent before. The worker runs this once a day (setting ALERTS_AT); run it by hand
    to send at once. Exits with status 1 if a mail could not be sent (it is sent again by the next run).

    \b
    Examples:
      MAIL_SERVER=localhost flask --app search_app alerts send
      MAIL_SERVER=smtp.example.org MAIL_PORT=587 MAIL_USE_TLS=1 flask --app search_app alerts send
    """
    try:
        report = send_digests()
    except MailError as exc:
        click.echo(f"Keine Benachrichtigung gesendet: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{report.alerts} Benachrichtigungen geprüft, {report.mails} E-Mails mit {report.documents} "
               "Dokumenten gesendet")
    for failure in report.failures:
        click.echo(f"Fehler: {failure}", err=True)
    if report.failures:
        sys.exit(1)


@alerts_group.command("list")
@with_appcontext
def list_command() -> None:
    """List the confirmed alerts (id, address, search) and how many wait for confirmation.

    \b
    Example:
      flask --app search_app alerts list
    """
    store = Alerts(get_archive().store.db.conn)
    for alert in store.confirmed():
        click.echo(f"{alert.id}\t{alert.email}\t{alert.label}\t{alert.query}")
    click.echo(f"{store.pending_count()} unbestätigt", err=True)


@alerts_group.command("delete")
@click.argument("email")
@with_appcontext
def delete_command(email: str) -> None:
    """Delete every alert of an address, confirmed or not (a privacy request).

    \b
    Example:
      flask --app search_app alerts delete name@beispiel.de
    """
    store = Alerts(get_archive().store.db.conn)
    try:
        address = normal_email(email)
    except AlertError as exc:
        raise click.BadParameter(exc.for_user(), param_hint="EMAIL") from exc
    ended = store.delete_address(address)
    click.echo(f"{ended} Benachrichtigungen von {address} gelöscht")


COMMANDS = (alerts_group,)
