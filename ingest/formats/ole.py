"""OLE2 compound files (magic D0CF11E0) hold old Word files, Outlook mails and encrypted Office files."""

from pathlib import Path

import olefile

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOC, MSG, ENCRYPTED = "doc", "msg", "encrypted"


def kind(head: bytes, path: Path) -> str | None:
    """What an OLE file holds, by its streams; None for other OLE files (XLS, PPT) and non-OLE files."""
    if not head.startswith(MAGIC):
        return None
    try:
        with olefile.OleFileIO(str(path)) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, KeyError) as exc:  # olefile raises OSError for broken files
        return _by_suffix(path, exc)
    if "EncryptedPackage" in names:
        return ENCRYPTED
    if "WordDocument" in names:
        return DOC
    if any(name.startswith("__substg1.0_") for name in names):
        return MSG
    return None


def _by_suffix(path: Path, _exc: Exception) -> str | None:
    """A broken OLE file goes to the parser its name suggests, which then reports it as corrupt."""
    return {".doc": DOC, ".dot": DOC, ".msg": MSG}.get(path.suffix.lower())
