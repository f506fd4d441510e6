"""Outlook ``.msg`` files, read with olefile from their MAPI property streams.

Subject ``0037``, body ``1000``, HTML body ``1013``, sender name ``0C1A``, sent
time ``0039`` (in the property stream); each ``__attach_version1.0_#…``
storage holds a file name (``3707``/``3704``) and the bytes (``3701``).
"""

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import olefile

from ingest.errors import CorruptFile
from ingest.formats import Parser, ole, register
from ingest.formats.mail import mail_text
from ingest.records import Attachment, ExtractedText

_SENT_TIME = 0x00390040  # PR_CLIENT_SUBMIT_TIME, PT_SYSTIME
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def sniff(head: bytes, path: Path) -> bool:
    return ole.kind(head, path) == ole.MSG


def parse(path: Path) -> ExtractedText:
    try:
        with olefile.OleFileIO(str(path)) as msg:
            attachments = [_attachment(msg, storage) for storage in _attachment_storages(msg)]
            return mail_text(_string(msg, "", "0037"), _string(msg, "", "0C1A"), _sent(msg),
                             _string(msg, "", "1000"), _binary(msg, "", "10130102") or _string(msg, "", "1013"),
                             [a for a in attachments if a is not None])
    except (OSError, ValueError, IndexError, KeyError, struct.error) as exc:
        raise CorruptFile(f"corrupt MSG: {exc!r}") from exc


def _attachment_storages(msg: olefile.OleFileIO) -> list[str]:
    names = {entry[0] for entry in msg.listdir(streams=True, storages=True)}
    return sorted(name for name in names if name.startswith("__attach_version1.0_#"))


def _attachment(msg: olefile.OleFileIO, storage: str) -> Attachment | None:
    data = _binary(msg, storage, "37010102")
    if data is None:
        return None  # an embedded Outlook item (a storage, not bytes) or a link: nothing to parse
    name = _string(msg, storage, "3707") or _string(msg, storage, "3704") or storage.rsplit("#", 1)[-1]
    return Attachment(name, data)


def _binary(msg: olefile.OleFileIO, storage: str, tag: str) -> bytes | None:
    path = f"{storage}/__substg1.0_{tag}" if storage else f"__substg1.0_{tag}"
    return msg.openstream(path).read() if msg.exists(path) and msg.get_type(path) == olefile.STGTY_STREAM else None


def _string(msg: olefile.OleFileIO, storage: str, prop: str) -> str | None:
    unicode = _binary(msg, storage, prop + "001F")
    if unicode is not None:
        return unicode.decode("utf-16-le", errors="replace").rstrip("\x00")
    ansi = _binary(msg, storage, prop + "001E")
    return ansi.decode("cp1252", errors="replace").rstrip("\x00") if ansi is not None else None


def _sent(msg: olefile.OleFileIO) -> datetime | None:
    """PR_CLIENT_SUBMIT_TIME from the top-level property stream (32-byte header, 16-byte entries)."""
    name = "__properties_version1.0"
    data = msg.openstream(name).read() if msg.exists(name) else b""
    for offset in range(32, len(data) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIQ", data, offset)
        if tag == _SENT_TIME and value:
            return _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    return None


register(Parser("msg", sniff, parse))
