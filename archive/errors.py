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
