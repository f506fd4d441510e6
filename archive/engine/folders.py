"""Index folders of every engine: a version marker with a build id, and the swap of a rebuilt folder."""

import shutil
import uuid
from pathlib import Path

VERSION_FILE = "ANTRAGSARCHIV_VERSION"


def read_version(path: Path) -> tuple[int | None, str | None]:
    """The schema version and build id written by ``mark``; ``(None, None)`` if there are none."""
    try:
        version, build_id = (Path(path) / VERSION_FILE).read_text().split()
        return int(version), build_id
    except (OSError, ValueError):
        return None, None


def mark(path: Path, version: int) -> None:
    """A new build id: readers see that the folder was built anew."""
    (Path(path) / VERSION_FILE).write_text(f"{version} {uuid.uuid4().hex}\n")


def swap(fresh: Path, live: Path) -> None:
    """Put the folder ``fresh`` in the place of ``live``."""
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)
