"""Running headers and footers of paginated text (pages separated by form feeds).

A line at the top or bottom of a page that recurs there on at least half the
pages (and on two or more) is page furniture: it is kept where it first
appears (a letterhead names the faction) and dropped from every later page.
Digits are ignored when comparing short lines, so "Seite 2 von 5" matches "Seite 3 von 5".
"""

import re
from collections import Counter

ZONE = 3  # lines at the top and at the bottom of a page
SHORT = 60


def drop_running_lines(raw: str) -> str:
    pages = raw.split("\x0c")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    if len(pages) < 2:
        return raw
    zones = [_zone(page) for page in pages]
    counts = Counter(key for zone in zones for key in zone)
    needed = max(2, (len(pages) + 1) // 2)
    running = {key for key, count in counts.items() if count >= needed}
    if not running:
        return raw
    seen: set[str] = set()
    kept = []
    for page, zone in zip(pages, zones, strict=True):
        kept.append(_strip_page(page, zone & running, seen))
    return "\x0c".join(kept) + "\x0c"


def _key(line: str) -> str:
    """Digits count as equal in short lines only (page numbers, dates): long lines must match exactly."""
    line = " ".join(line.split()).casefold()
    return re.sub(r"\d+", "#", line) if len(line) <= SHORT else line


def _zone(page: str) -> set[str]:
    lines = [line for line in page.split("\n") if line.strip()]
    return {_key(line) for line in lines[:ZONE] + lines[-ZONE:]}


def _strip_page(page: str, running: set[str], seen: set[str]) -> str:
    lines = page.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edge = set(filled[:ZONE] + filled[-ZONE:])
    out = []
    for i, line in enumerate(lines):
        key = _key(line)
        if i in edge and key in running:
            if key in seen:
                continue
            seen.add(key)
        out.append(line)
    return "\n".join(out)
