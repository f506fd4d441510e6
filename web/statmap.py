"""The map of ``/statistik``: one dot per Kommune at the gazetteer's centre, its area proportional to the count.

Projection: equirectangular around 51° N (x = longitude × cos 51°, y = latitude, both linear), which keeps
Germany's shape within a few per cent; no tile server, no library. There are no official state borders on this
machine or in the repository, so none are drawn. The grey land behind the dots is approximated from the
gazetteer itself: every cell of a 4-unit grid (about 6 km) within two cells of a municipality's centre takes the
state of the nearest such centre, and the states are shaded in four tints so that neighbours differ. Its edges
follow the municipalities' centres, not the coast or the borders.
"""

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from markupsafe import Markup

from archive.stats import Place, gazetteer_points
from web.charts import INK, MUTED, PALETTE, number, svg, tag

LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 47.15, 55.15, 5.75, 15.15
SHRINK = math.cos(math.radians(51.0))
SCALE = 75.0  # SVG units per degree of latitude
WIDTH = round((LON_MAX - LON_MIN) * SHRINK * SCALE)
HEIGHT = round((LAT_MAX - LAT_MIN) * SCALE)
LEGEND = 56  # units below the map for the size key
CELL = 4.0  # grid of the land shading
REACH = 2  # cells around a municipality's centre that count as land
MAX_RADIUS, MIN_RADIUS = 18.0, 2.0

# four tints, neighbouring states differ (a four-colouring of the states' borders)
TINTS = ("#d4dce5", "#eaeef2", "#c5d0db", "#e3ddd0")
TINT_OF = {"Niedersachsen": 0, "Berlin": 0, "Sachsen": 0, "Rheinland-Pfalz": 0, "Schleswig-Holstein": 1,
           "Bremen": 1, "Brandenburg": 1, "Thüringen": 1, "Nordrhein-Westfalen": 1, "Saarland": 1,
           "Baden-Württemberg": 1, "Hamburg": 2, "Mecklenburg-Vorpommern": 2, "Sachsen-Anhalt": 2, "Hessen": 2,
           "Bayern": 3}


def project(lat: float, lon: float) -> tuple[float, float]:
    """Degrees to SVG units (x to the east, y to the south)."""
    return (lon - LON_MIN) * SHRINK * SCALE, (LAT_MAX - lat) * SCALE


def radius(count: int, most: int) -> float:
    """A dot's radius: its area proportional to ``count``, the largest ``MAX_RADIUS``."""
    return max(MIN_RADIUS, MAX_RADIUS * math.sqrt(count / max(most, 1)))


def map_svg(chart_id: str, title: str, desc: str, places: Sequence[Place]) -> Markup:
    most = max((p.count for p in places), default=1)
    dots = []
    for place in sorted(places, key=lambda p: -p.count):  # small dots over large ones
        x, y = project(place.lat, place.lon)
        tip = tag("title", f"{place.name} ({place.state}): {number(place.count)} "
                           f"{'Dokument' if place.count == 1 else 'Dokumente'}")
        dots.append(tag("circle", tip, class_="place", data_ars=place.ars, cx=x, cy=y, r=radius(place.count, most)))
    # the dots' colours once for all of them: thousands of Kommunen stay a few bytes each
    marks = [land(), tag("g", Markup("").join(dots), fill=PALETTE[0], fill_opacity="0.6", stroke="#ffffff",
                         stroke_width="0.8"), *_size_key(most)]
    return svg(chart_id, HEIGHT + LEGEND, title, desc, marks, width=WIDTH)


def _size_key(most: int) -> list[Markup]:
    values = sorted({most, max(1, round(most / 4)), 1}, reverse=True)
    marks = [tag("text", "Dokumente:", x=4.0, y=HEIGHT + 30.0, fill=INK)]
    x = 80.0
    for value in values:
        r = radius(value, most)
        marks.append(tag("circle", cx=x + r, cy=HEIGHT + 26.0, r=r, fill=PALETTE[0], fill_opacity="0.6"))
        marks.append(tag("text", number(value), x=x + 2 * r + 5, y=HEIGHT + 30.0, fill=MUTED))
        x += 2 * r + 14 + len(number(value)) * 7
    return marks


@cache
def land() -> Markup:
    """The shaded land (see the module's doc), one path per tint; computed once per process."""
    where, states = gazetteer_points()
    ars = [a for a in where if a in states]
    x, y = np.array([project(*where[a]) for a in ars]).T
    tint = np.array([TINT_OF.get(states[a], 0) for a in ars])
    cols, rows = int(WIDTH // CELL) + 1, int(HEIGHT // CELL) + 1
    col, row = (x // CELL).astype(int), (y // CELL).astype(int)
    cells, dists, tints = [], [], []
    for dr in range(-REACH, REACH + 1):
        for dc in range(-REACH, REACH + 1):
            r, c = row + dr, col + dc
            ok = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
            cells.append((r * cols + c)[ok])
            dists.append(np.hypot((c + 0.5) * CELL - x, (r + 0.5) * CELL - y)[ok])
            tints.append(tint[ok])
    cell, dist, shade = np.concatenate(cells), np.concatenate(dists), np.concatenate(tints)
    order = np.lexsort((dist, cell))
    first = np.unique(cell[order], return_index=True)[1]
    grid = np.full(rows * cols, -1)
    grid[cell[order][first]] = shade[order][first]
    paths = [tag("path", d=_runs(grid.reshape(rows, cols) == t), fill=colour) for t, colour in enumerate(TINTS)]
    return Markup("").join(paths)


def _runs(cells: np.ndarray) -> str:
    """An SVG path of the true cells, one rectangle per run of them in a row."""
    parts = []
    for r, line in enumerate(cells):
        padded = np.concatenate(([False], line, [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(padded))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            width = (stop - start) * CELL
            parts.append(f"M{start * CELL:g} {r * CELL:g}h{width:g}v{CELL:g}h-{width:g}z")
    return "".join(parts)
