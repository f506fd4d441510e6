"""CLI commands for staff accounts and API tokens: ``user create|list|delete|passwd`` and ``token
create|list|revoke``. Thin wrappers around ``archive.accounts``; ``search_app`` registers them on ``flask``.

Changes are recorded in the audit log under ``cli:<operating-system user>``.
"""

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from archive.accounts import EDITOR, ROLES, Accounts
from archive.cli import archive_dir_option
from archive.errors import ArchiveError
from archive.store import Store

password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of stdin instead of prompting (for scripts).")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def _accounts(archive_dir: Path) -> Iterator[Accounts]:
    """The store's accounts; archive errors become a German message and exit status 1."""
    store = Store(archive_dir)
    try:
        yield Accounts(store.db.conn)
    except ArchiveError as exc:
        raise click.ClickException(exc.for_user()) from exc
    finally:
        store.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")


@click.group("user")
def user_group() -> None:
    """Staff accounts: editors (upload, review, publish, withdraw, delete documents) and admins (also accounts
    and the audit log on /konten and /protokoll)."""


@user_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), default=EDITOR, show_default=True,
              help="editor: the staff pages; admin: also accounts and the audit log.")
@password_stdin_option
@archive_dir_option
def user_create(name: str, role: str, password_stdin: bool, archive_dir: Path) -> None:
    """Create the account NAME; asks for its password twice (at least 10 characters).

    Once an account exists, STAFF_PASSWORD no longer logs in.

    \b
    Examples:
      flask --app search_app user create anna --role admin
      flask --app search_app user create erika
      printf '%s\\n' "$PASSWORT" | flask --app search_app user create bot-import --password-stdin
    """
    password = _password(password_stdin)
    with _accounts(archive_dir) as accounts:
        account = accounts.create(name, role, password, actor=_actor())
    click.echo(f"Konto {account.name} angelegt ({account.role_label}).")


@user_group.command("list")
@archive_dir_option
def user_list(archive_dir: Path) -> None:
    """List the accounts with role and creation date.

    \b
    Examples:
      flask --app search_app user list
      ARCHIVE_DIR=/srv/archiv flask --app search_app user list
    """
    with _accounts(archive_dir) as accounts:
        rows = accounts.list()
    if not rows:
        click.echo("Keine Konten. Solange keines existiert, meldet STAFF_PASSWORD als Admin an.")
    for account in rows:
        click.echo(f"{account.name:<24} {account.role:<8} angelegt {account.created_at}")


@user_group.command("delete")
@click.argument("name")
@archive_dir_option
def user_delete(name: str, archive_dir: Path) -> None:
    """Delete the account NAME; its sessions end at once.

    \b
    Examples:
      flask --app search_app user delete erika
    """
    with _accounts(archive_dir) as accounts:
        accounts.delete(name, actor=_actor())
    click.echo(f"Konto {name.strip().lower()} gelöscht, seine Sitzungen sind beendet.")


@user_group.command("passwd")
@click.argument("name")
@password_stdin_option
@archive_dir_option
def user_passwd(name: str, password_stdin: bool, archive_dir: Path) -> None:
    """Set a new password for NAME (asked twice); every session of the account ends.

    \b
    Examples:
      flask --app search_app user passwd erika
      printf '%s\\n' "$NEUES_PASSWORT" | flask --app search_app user passwd erika --password-stdin
    """
    password = _password(password_stdin)
    with _accounts(archive_dir) as accounts:
        accounts.set_password(name, password, actor=_actor())
    click.echo(f"Passwort von {name.strip().lower()} geändert, seine Sitzungen sind beendet.")


@click.group("token")
def token_group() -> None:
    """API tokens for `Authorization: Bearer TOKEN` (uploads over POST /api/documents, drafts in the API)."""


@token_group.command("create")
@click.argument("name")
@archive_dir_option
def token_create(name: str, archive_dir: Path) -> None:
    """Create the API token NAME and print it once (only its hash is stored; a lost token cannot be shown
    again: revoke it and create a new one).

    The token alone goes to stdout, the notice to stderr.

    \b
    Examples:
      flask --app search_app token create import-skript
      TOKEN=$(flask --app search_app token create scanner-buero)
    """
    with _accounts(archive_dir) as accounts:
        token = accounts.create_token(name, actor=_actor())
    click.echo(f"API-Token {name.strip().lower()} erstellt. Es wird nur dieses eine Mal angezeigt:", err=True)
    click.echo(token)


@token_group.command("list")
@archive_dir_option
def token_list(archive_dir: Path) -> None:
    """List the API tokens (names and dates, never the tokens).

    \b
    Examples:
      flask --app search_app token list
    """
    with _accounts(archive_dir) as accounts:
        rows = accounts.list_tokens()
    if not rows:
        click.echo("Keine API-Tokens.")
    for token in rows:
        state = f"widerrufen {token.revoked_at}" if token.revoked_at else "gültig"
        click.echo(f"{token.name:<24} erstellt {token.created_at}  {state}")


@token_group.command("revoke")
@click.argument("name")
@archive_dir_option
def token_revoke(name: str, archive_dir: Path) -> None:
    """Revoke the API token NAME: requests with it get 401 from now on.

    \b
    Examples:
      flask --app search_app token revoke scanner-buero
    """
    with _accounts(archive_dir) as accounts:
        accounts.revoke_token(name, actor=_actor())
    click.echo(f"API-Token {name.strip().lower()} widerrufen.")


COMMANDS = (user_group, token_group)
