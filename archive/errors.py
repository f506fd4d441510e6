"""The exception family of the archive package."""


class ArchiveError(Exception):
    """Base class: the store or the index could not do what was asked."""

    user_message = "Das Archiv konnte die Anfrage nicht ausführen"

    def for_user(self) -> str:
        return self.user_message


class NotFound(ArchiveError):
    user_message = "Dokument nicht gefunden"


class BadRequest(ArchiveError):
    """A search parameter is invalid; the message is German and shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


class IndexWriteError(ArchiveError):
    user_message = "Der Suchindex konnte nicht geschrieben werden"


class StoreError(ArchiveError):
    user_message = "Die Datenbank konnte nicht geschrieben werden"


class AccountError(ArchiveError):
    """An account, session or token request was refused (unknown name, taken name, weak password, ...); the
    message is German and shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


class LoginFailed(AccountError):
    """Wrong name or password."""


class LoginThrottled(AccountError):
    """Too many failed logins for this account or client: the next attempt must wait ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(f"Zu viele Fehlversuche. Bitte warten Sie {seconds} Sekunde{'' if seconds == 1 else 'n'}, "
                         "bevor Sie es erneut versuchen.")
        self.seconds = seconds
