"""``/statistik``: charts of the whole result of a search (the parameters of ``/``), and their numbers as CSV at
``/statistik/<chart>.csv`` with the same parameters (``sep=,`` for a comma CSV without BOM, as the exports).

The counts come from ``Archive.statistics`` (``archive.stats``: facet columns, no document read); the charts are
SVG drawn here (``web.charts``, ``web.statmap``), each with a title, a description, a table and a CSV link."""

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import Markup

from archive import BadRequest, NotFound, SearchRequest, stats
from archive.exports import SEPARATORS
from web import charts, pages, params, statmap
from web.context import get_archive

bp = Blueprint("stats", __name__)

TOP = 15  # Kommunen and parties drawn as bars (the CSV lists all)
IGNORED = ("page", "per_page", "facet_limit")  # parameters of a result page that do not change the counts


@dataclass(frozen=True)
class ChartView:
    name: str  # the CSV's name
    heading: str
    svg: Markup | None  # None: nothing to draw
    table: stats.Table
    rows: tuple  # the table's rows shown on the page (all of them, or the charted ones)
    note: str = ""


@bp.get("/statistik")
def page():
    try:
        req = params.search_request(request.args)
    except BadRequest as exc:
        return render_template("stats.html", error=exc.for_user(), req=None, result=None, charts=[]), 400
    result = get_archive().statistics(req)
    query = _query(req)
    return render_template("stats.html", error=None, req=req, result=result, charts=chart_views(result),
                           filters=[chip.label for chip in pages.chips(req)], query=query,
                           search_url=url_for("pages.search") + (f"?{query}" if query else ""))


@bp.get("/statistik/<name>.csv")
def csv_file(name: str):
    req = params.search_request(request.args)
    sep = request.args.get("sep") or ";"
    if sep not in SEPARATORS:
        raise BadRequest(f"sep muss ; oder , sein, nicht {sep!r}")
    table = stats.tables(get_archive().statistics(req)).get(name)
    if table is None:
        raise NotFound(f"no chart {name!r}")
    response = Response(stats.write_csv(table, sep), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=statistik-{name}.csv"
    return response


def _query(req: SearchRequest) -> str:
    return urlencode([(k, v) for k, v in params.to_pairs(req) if k not in IGNORED])


@bp.app_template_global("stats_url")
def stats_url(req: SearchRequest, name: str | None = None) -> str:
    """The statistics of the search ``req`` (``name``: one chart's CSV)."""
    query = _query(req)
    path = url_for("stats.csv_file", name=name) if name else url_for("stats.page")
    return path + (f"?{query}" if query else "")


def chart_views(result: stats.Statistics) -> list[ChartView]:
    tables = stats.tables(result)
    return [_years(result, tables["jahre"]), _topics(result, tables["themen"]),
            _bars(result.municipalities, tables["kommunen"], "Kommunen", "Kommune"),
            _bars(result.parties, tables["parteien"], "Parteien", "Partei",
                  "Ein Dokument mehrerer Parteien zählt bei jeder."),
            _map(result, tables["karte"])]


def _span(result: stats.Statistics) -> str:
    return f"{result.years[0]} bis {result.years[-1]}" if len(result.years) > 1 else "".join(result.years)


def _years(result: stats.Statistics, table: stats.Table) -> ChartView:
    heading = "Dokumente pro Jahr und Typ"
    note = f"{charts.number(result.undated)} Dokumente ohne Datum sind in keiner Säule." if result.undated else ""
    if not result.years:
        return ChartView(table.name, heading, None, table, table.rows, note)
    series = [charts.Series(t.label, tuple(row[i] for row in result.per_year_type)) for i, t in enumerate(result.types)]
    desc = (f"Säulendiagramm: Dokumente pro Jahr von {_span(result)}, gestapelt nach Typ "
            f"({', '.join(f'{t.label} {charts.number(t.count)}' for t in result.types)}).")
    svg = charts.stacked_columns("chart-jahre", heading, desc, result.years, series)
    return ChartView(table.name, heading, svg, table, table.rows, note)


def _topics(result: stats.Statistics, table: stats.Table) -> ChartView:
    heading = f"Die {len(result.topics)} häufigsten Themen im Zeitverlauf" if result.topics else "Themen im Zeitverlauf"
    note = "Ein Dokument mit mehreren Themen zählt bei jedem."
    if not result.years or not result.topics:
        return ChartView(table.name, heading, None, table, table.rows, note)
    series = [charts.Series(t.label, tuple(row[i] for row in result.per_year_topic))
              for i, t in enumerate(result.topics)]
    desc = (f"Liniendiagramm: Dokumente pro Jahr von {_span(result)} für die häufigsten Themen "
            f"({', '.join(f'{t.label} {charts.number(t.count)}' for t in result.topics)}).")
    svg = charts.lines("chart-themen", heading, desc, result.years, series)
    return ChartView(table.name, heading, svg, table, table.rows, note)


def _bars(counts: tuple[stats.Count, ...], table: stats.Table, plural: str, singular: str,
          note: str = "") -> ChartView:
    top = counts[:TOP]
    heading = f"{plural} mit den meisten Dokumenten"
    if len(counts) > TOP:
        note = f"Gezeigt sind die {TOP} von {charts.number(len(counts))} {plural} mit den meisten Dokumenten; " \
               f"die CSV-Datei enthält alle. {note}".strip()
    if not top:
        return ChartView(table.name, heading, None, table, (), note)
    desc = (f"Balkendiagramm: Dokumente je {singular}, absteigend; am meisten: {top[0].label} "
            f"({charts.number(top[0].count)}).")
    svg = charts.bars(f"chart-{table.name}", heading, desc, [(c.label, c.count) for c in top])
    return ChartView(table.name, heading, svg, table, table.rows[:TOP], note)


def _map(result: stats.Statistics, table: stats.Table) -> ChartView:
    heading = "Karte: Dokumente pro Kommune"
    note = ("Punkte am Mittelpunkt jeder Kommune (Gemeindeverzeichnis GV-ISys), ihre Fläche entspricht der Zahl "
            "der Dokumente. Die graue Fläche ist aus den Gemeindemittelpunkten angenähert, keine amtliche Grenze.")
    if result.without_place:
        note += f" {charts.number(result.without_place)} Dokumente ohne Kommune sind nicht auf der Karte."
    places = result.places
    if len(places) > TOP:
        note += f" Die Tabelle zeigt die {TOP} Kommunen mit den meisten Dokumenten, die CSV-Datei alle."
    desc = (f"Karte Deutschlands mit einem Punkt je Kommune ({charts.number(len(places))} Kommunen), "
            "die Fläche des Punkts entspricht der Zahl der Dokumente"
            + (f"; am meisten: {places[0].name} ({charts.number(places[0].count)})." if places else "."))
    svg = statmap.map_svg("chart-karte", heading, desc, places)
    return ChartView(table.name, heading, svg, table, table.rows[:TOP], note)
