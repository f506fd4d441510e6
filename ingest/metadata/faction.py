"""The faction as printed in the letterhead, e.g. "SPD-Fraktion im Gemeinderat Kämpfelbach"."""

import re

from ingest.metadata.text import head_lines

FACTION = re.compile(r"[\w./+-]*[Ff]raktion\b[^,;:\n]{0,80}|Fraktion\s+[^,;:\n]{1,80}")
MAX_LEN = 120


def extract_faction(text: str) -> str | None:
    """The first letterhead phrase naming a faction ("...fraktion ..."), or None."""
    for line in head_lines(text, 10):
        m = FACTION.search(line)
        if m:
            return m.group(0).strip(" -–")[:MAX_LEN] or None
    return None
