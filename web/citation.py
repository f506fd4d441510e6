"""The "Zitieren" box of a document page: a plain citation and a BibTeX entry, both for the permalink
``/dokument/<id>`` (the id never changes, whatever staff correct in the title or the metadata).

    >>> bibtex_escape("50 % & {mehr}")
    '50 \\\\% \\\\& \\\\{mehr\\\\}'
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import Blueprint, url_for

from archive import vocab

bp = Blueprint("citation", __name__)

BERLIN = ZoneInfo("Europe/Berlin")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")  # BibTeX's macros
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class Citation:
    plain: str
    bibtex: str


def bibtex_escape(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, line breaks and runs of spaces made one."""
    return "".join(_SPECIAL.get(ch, ch) for ch in " ".join(text.split()))


def author(doc: dict) -> str:
    """Who wrote it: the faction, else the parties, else nothing."""
    return doc.get("faction") or ", ".join(doc.get("parties") or ([doc["party"]] if doc.get("party") else []))


def _place(doc: dict) -> str:
    return doc.get("municipality") or doc.get("district") or doc.get("state") or ""


def _german(day: str) -> str:
    year, month, date = day.split("-")
    return f"{date}.{month}.{year}"


def plain(doc: dict, url: str, today: datetime.date) -> str:
    """``Fraktion: „Titel“. Antrag, Bochum, 13.03.2023. URL (abgerufen am 07.12.2026).``"""
    who = author(doc)
    details = [vocab.DOC_TYPES.get(doc.get("doc_type") or "", doc.get("doc_type") or ""), _place(doc),
               _german(doc["date"]) if doc.get("date") else "o. D."]
    title = " ".join((doc.get("title") or "Ohne Titel").split())
    where = ", ".join(d for d in details if d).removesuffix(".")
    return (f"{who}: " if who else "") + f"„{title}“. {where}. {url} (abgerufen am {_german(today.isoformat())})."


def bibtex(doc: dict, url: str, today: datetime.date) -> str:
    """``@misc{antragsarchiv-<id>, …}`` with title, author (the faction, braced as one name), the URL, type and
    Kommune as note, year and month of the document's date and the access date."""
    fields = [("title", "{" + bibtex_escape(doc.get("title") or "Ohne Titel") + "}")]
    if author(doc):
        fields.append(("author", "{" + bibtex_escape(author(doc)) + "}"))
    fields.append(("howpublished", r"\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}"))
    note = [vocab.DOC_TYPES.get(doc.get("doc_type") or "", doc.get("doc_type") or ""), _place(doc)]
    fields.append(("note", bibtex_escape(", ".join(n for n in note if n))))
    lines = [f"  {name} = {{{value}}}" for name, value in fields]
    if doc.get("date"):
        year, month, _day = doc["date"].split("-")
        lines += [f"  year = {{{year}}}", f"  month = {MONTHS[int(month) - 1]}"]
    lines.append(f"  urldate = {{{today.isoformat()}}}")
    return f"@misc{{antragsarchiv-{doc['id']},\n" + ",\n".join(lines) + "\n}"


def today() -> datetime.date:
    return datetime.datetime.now(BERLIN).date()


@bp.app_template_global("citation")
def citation(doc: dict) -> Citation:
    """The document's citations, for its permalink and today's date (Berlin)."""
    url = url_for("pages.document", doc_id=doc["id"], _external=True)
    day = today()
    return Citation(plain(doc, url, day), bibtex(doc, url, day))
