"""The exception family of the ingest package.

Every error carries an English ``message`` for logs and a German ``user_message``
for staff. Callers at a boundary (CLI, web) show ``user_message``.
"""


class IngestError(Exception):
    """Base class: a file could not be turned into a document."""

    user_message = "Datei konnte nicht verarbeitet werden"

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message, detail)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def for_user(self) -> str:
        if self.detail:
            return f"{self.user_message}: {self.detail}"
        return self.user_message


class UnsupportedFormat(IngestError):
    user_message = "Format nicht unterstützt"


class CorruptFile(IngestError):
    user_message = "Datei ist beschädigt"


class EncryptedFile(IngestError):
    """``detail`` names the format: ``EncryptedFile(msg, "PDF")`` reads "PDF ist verschlüsselt"."""

    user_message = "Datei ist verschlüsselt"

    def for_user(self) -> str:
        return f"{self.detail} ist verschlüsselt" if self.detail else self.user_message


class ToolMissing(IngestError):
    """An external converter is not installed; ``detail`` names the format ("DOC")."""

    user_message = "Konverter nicht installiert"

    def for_user(self) -> str:
        return f"{self.detail}-Konverter nicht installiert" if self.detail else self.user_message


class NoText(IngestError):
    """``detail`` names the format; only a PDF without text is probably a scan."""

    user_message = "kein Text gefunden"

    def for_user(self) -> str:
        return f"{self.user_message} (gescannt?)" if self.detail == "pdf" else self.user_message


class ParseTimeout(IngestError):
    user_message = "Zeitlimit beim Lesen überschritten"


class ParseMemoryError(IngestError):
    user_message = "Speicherlimit beim Lesen überschritten"


class FileUnreadable(IngestError):
    """The file is gone or cannot be opened; ``detail`` is the reason in German."""

    user_message = "Datei nicht lesbar"

    def for_user(self) -> str:
        return self.detail or self.user_message


class FileTooLarge(IngestError):
    user_message = "Datei ist zu groß"
