"""Plotly figures built server-side (plotly.py writes the HTML); the page loads the project's own plotly.js.

Figures are plain dicts written with `validate=False`: plotly.py's validation of every list would cost more
than the rest of the page at national scale (tests validate each figure with `go.Figure` instead). Every
point and cell that leads somewhere carries its drill-down query in `customdata`; the page's script
merges it into the URL on click.
"""

import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import plotly.io as pio
from django.conf import settings
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

CONFIG = {"displaylogo": False, "responsive": True}
FONT = {"family": "Marianne, Arial, sans-serif"}
MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}  # every axis has automargin: labels push these out
# Legends under the plot, where the modebar (top right) cannot cover them.
LEGEND_BELOW = {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12, "yanchor": "top"}
# Above the plot for charts whose x labels turn on a phone (below, the legend would cover them).
LEGEND_ABOVE = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
# The level scale of the map and the heatmap: light = low, dark = high (DSFR blue France).
LEVEL_SCALE = [[0, "#e3e3fd"], [1, "#000091"]]
HIDDEN_COLOUR = "#bbbbbb"  # fewer than the minimum group size: grey everywhere, never a level
NOT_EVALUATED_COLOUR = "#ffffff"  # nobody evaluated: white, framed by the heatmap's grey gaps
TOO_SMALL = HIDDEN_COLOUR
COVERAGE_COLOURS = {
    "covered": "#18753c",
    "circonscription": "#6fbf8d",
    "pending": "#e4794a",
    "uncovered": "#ce0500",
}
# Below the map, across it: beside it, on a phone, it took half the width from the map.
MAP_COLORBAR = {"orientation": "h", "y": -0.02, "yanchor": "top", "thickness": 12, "len": 0.7}
OVERSEAS = ("971", "972", "973", "974", "976")


def to_html(figure: dict, *, div_id: str | None = None) -> str:
    """An empty element carrying the figure as JSON; static/competencies/js/figures.js draws it.

    No inline script: the Content-Security-Policy allows none without the request's nonce, and this HTML
    outlives the request (a nonce must not)."""
    spec = pio.json.to_json_plotly({**figure, "config": CONFIG})
    return format_html('<div id="{}" class="relais-figure" data-figure="{}"></div>', div_id or "", spec)


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def level_top(values) -> float:
    """The top of the level colour scale: the highest mean shown (at least 1), as the map's."""
    return max([v for v in values if isinstance(v, int | float)] or [1.0])


def heatmap_figure(
    *,
    rows: list[list],
    competencies: list[tuple[str, str]],
    labels: list[str],
    min_size: int,
    evaluated: list[list[int]] | None = None,
    teachers: list[int | None] | None = None,
    drill: list[str] | None = None,
) -> dict:
    """Mean levels, rows × competencies, on the map's light (low) → dark (high) scale.

    A cell is a mean (a number), None when hidden ("moins de N": grey, as on the map) or text when
    nobody is evaluated (white): both drawn apart from any level, and explained by the page. The
    competency axis is categorical, labelled with the code and a short name. Rows whose cells are all
    hidden are left out (the caller says how many): a blank row would read as missing data.
    """
    kept = [i for i, row in enumerate(rows) if any(v is not None for v in row)]
    codes = [code for code, _name in competencies]
    y = [labels[i] for i in kept]
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    hidden_label = _("moins de %(n)s") % {"n": min_size}
    not_evaluated = _("non évalué")
    # Abbreviation of "non évalué" inside a heatmap cell.
    not_evaluated_short = _("n.é.")
    evaluated_word = _("%(e)s enseignants évalués sur %(n)s")
    z, text, hover = [], [], []
    hidden_z, not_z = [], []
    for i in kept:
        z_row, text_row, hover_row, hidden_row, not_row = [], [], [], [], []
        for j, value in enumerate(rows[i]):
            number = isinstance(value, int | float)
            z_row.append(value if number else None)
            hidden_row.append(1 if value is None else None)
            not_row.append(1 if isinstance(value, str) else None)
            if value is None:
                text_row.append(f"<{min_size}")
                hover_row.append(hidden_label)
            elif number:
                text_row.append(f"{value:.1f}".replace(".", decimal))
                detail = ""
                if evaluated is not None and teachers is not None and teachers[i]:
                    detail = "<br>" + evaluated_word % {"e": evaluated[i][j], "n": teachers[i]}
                hover_row.append(f"{value:.2f}".replace(".", decimal) + detail)
            else:
                text_row.append(not_evaluated_short)
                hover_row.append(not_evaluated)
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
        hidden_z.append(hidden_row)
        not_z.append(not_row)
    top = level_top(v for row in z for v in row)
    common = {
        "x": codes,
        "y": y,
        "xgap": 1,
        "ygap": 1,
        "hoverongaps": False,
        # customdata: [drill query, hover detail] per cell; the page's click handler reads the query.
        "customdata": [
            [[(drill[i] if drill else ""), h] for h in hover_row] for i, hover_row in zip(kept, hover, strict=True)
        ],
        "hovertemplate": "%{y}<br>%{x}<br>%{customdata[1]}<extra></extra>",
    }
    names = dict(competencies)
    main = {
        **common,
        "type": "heatmap",
        "name": _("niveau moyen"),
        "z": z,
        "text": text,
        "texttemplate": "%{text}",
        "zmin": 0,
        "zmax": top,
        "colorscale": LEVEL_SCALE,
        "colorbar": {
            "title": {"text": _("niveau moyen des évalués"), "side": "top"},
            "orientation": "h",
            "y": -0.02,
            "yanchor": "top",
            "thickness": 12,
            "len": 0.6,
        },
    }
    special = []
    for name, cells, colour, texts in (
        ("hidden", hidden_z, HIDDEN_COLOUR, f"<{min_size}"),
        ("not", not_z, NOT_EVALUATED_COLOUR, not_evaluated_short),
    ):
        if not any(v is not None for row in cells for v in row):
            continue
        special.append(
            {
                **common,
                "type": "heatmap",
                "name": name,
                "z": cells,
                "text": [[texts if v is not None else "" for v in row] for row in cells],
                "texttemplate": "%{text}",
                "textfont": {"color": "#161616"},
                "colorscale": [[0, colour], [1, colour]],
                "showscale": False,
            }
        )
    # The two colours apart from the scale are explained beside the figure (pilotage.html's legend).
    data = [main, *special]
    return {
        "data": data,
        "layout": {
            "margin": MARGIN,
            "height": max(320, 28 * len(y) + 230),
            "plot_bgcolor": "#929292",
            "yaxis": {"type": "category", "autorange": "reversed", "automargin": True, "showgrid": False},
            "xaxis": {
                "type": "category",
                "side": "top",
                "automargin": True,
                "tickangle": -45,
                "tickmode": "array",
                "tickvals": codes,
                "ticktext": [f"{code} {_short(names[code])}" for code in codes],
                "showgrid": False,
            },
            "font": FONT,
        },
    }


def distribution_figure(table) -> dict:
    """Stacked bars: teachers per level for each competency (hidden small counts drawn as 0)."""
    competencies = [row[0].split(" ", 1)[0] for row in table.rows]
    data = [
        {"type": "bar", "name": header, "x": competencies, "y": [row[index] or 0 for row in table.rows]}
        for index, header in enumerate(table.headers[1:], start=1)
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "margin": MARGIN,
            "height": 400,
            "legend": LEGEND_ABOVE,
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": _("enseignants")}, "automargin": True},
            "font": FONT,
            "colorway": ["#e5e5e5", "#cacafb", "#a1a1f8", "#6a6af4", "#313178", "#000091", "#1b1b35", "#272747"],
        },
    }


def progress_figure(table, *, max_level: int) -> dict:
    """One line per domain: mean level at the end of each month (gaps where the group is too small)."""
    months = [row[0] for row in table.rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": header,
            "x": months,
            "y": [row[index] for row in table.rows],
            "hovertemplate": "%{x} : %{y:.2f}<extra>" + header.split(".", 1)[0] + "</extra>",
        }
        for index, header in enumerate(table.headers[1:], start=1)
    ]
    return {
        "data": data,
        "layout": {
            "margin": MARGIN,
            "height": 380,
            "legend": LEGEND_ABOVE,
            "yaxis": {"title": {"text": _("niveau moyen")}, "rangemode": "tozero", "automargin": True},
            "xaxis": {"type": "category", "automargin": True},
            "font": FONT,
            "colorway": ["#000091", "#e4794a", "#18753c", "#a558a0", "#0078f3"],
        },
    }


def activity_figure(table) -> dict:
    """Grouped bars per month: modules completed and session attendances (hidden months left empty)."""
    months = [row[0] for row in table.rows]
    data = [
        {"type": "bar", "name": table.headers[index], "x": months, "y": [row[index] for row in table.rows]}
        for index in (1, 2)
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "group",
            "margin": MARGIN,
            "height": 360,
            "legend": LEGEND_ABOVE,
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"title": {"text": _("nombre")}, "automargin": True, "rangemode": "tozero"},
            "font": FONT,
            "colorway": ["#000091", "#e4794a"],
        },
    }


def coverage_figure(totals: dict, labels: dict) -> dict:
    """A ring: schools covered, covered through their circonscription, with a proposal pending, or not."""
    statuses = [s for s in COVERAGE_COLOURS if totals.get(s)]
    return {
        "data": [
            {
                "type": "pie",
                "hole": 0.55,
                "labels": [labels[s] for s in statuses],
                "values": [totals[s] for s in statuses],
                "marker": {"colors": [COVERAGE_COLOURS[s] for s in statuses]},
                "sort": False,
                "textinfo": "value+percent",
                "hovertemplate": "%{label} : %{value} " + _("établissements") + "<extra></extra>",
            }
        ],
        "layout": {"margin": MARGIN, "height": 340, "legend": LEGEND_BELOW, "font": FONT},
    }


# --- the map -----------------------------------------------------------------------------------


def _rings(feature) -> list[list]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [polygon[0] for polygon in polygons]


def _bbox(points) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), max(xs), min(ys), max(ys)


class Projection:
    """Equirectangular, corrected for the latitude: shapes look right in Lille as in Pointe-à-Pitre.

    Overseas départements shown with metropolitan ones (or several of them) are drawn in insets, a
    column of boxes left of the mainland, each scaled to fit its box, as INSEE's maps do.
    """

    def __init__(self, features: list[dict]):
        self.transforms = {}
        self.insets = []  # (x0, y0, x1, y1, name)
        metro = [f for f in features if f["properties"]["code"] not in OVERSEAS]
        overseas = sorted(
            (f for f in features if f["properties"]["code"] in OVERSEAS), key=lambda f: f["properties"]["code"]
        )
        if metro:
            _x0, _x1, y0, y1 = _bbox([p for f in metro for ring in _rings(f) for p in ring])
            k = math.cos(math.radians((y0 + y1) / 2))
            for f in metro:
                self.transforms[f["properties"]["code"]] = lambda lon, lat, k=k: (lon * k, lat)
            mx0, _mx1, my0, my1 = _bbox([(lon * k, lat) for f in metro for ring in _rings(f) for lon, lat in ring])
        elif len(overseas) == 1:
            code = overseas[0]["properties"]["code"]
            _x0, _x1, y0, y1 = _bbox([p for ring in _rings(overseas[0]) for p in ring])
            k = math.cos(math.radians((y0 + y1) / 2))
            self.transforms[code] = lambda lon, lat, k=k: (lon * k, lat)
            return
        else:
            mx0, my0, my1 = 0.0, 0.0, 10.0
        if not overseas:
            return
        height = (my1 - my0) / max(len(overseas), 4.5)
        size = height * 0.82
        x_right = mx0 - height * 0.35
        for index, feature in enumerate(overseas):
            points = [p for ring in _rings(feature) for p in ring]
            _bx0, _bx1, by0, by1 = _bbox(points)
            k = math.cos(math.radians((by0 + by1) / 2))
            px0, px1, py0, py1 = _bbox([(lon * k, lat) for lon, lat in points])
            scale = size / max(px1 - px0, py1 - py0, 1e-6)
            top = my1 - index * height
            box = (x_right - size, top - size, x_right, top)
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            pcx, pcy = (px0 + px1) / 2, (py0 + py1) / 2
            self.transforms[feature["properties"]["code"]] = (
                lambda lon, lat, k=k, s=scale * 0.9, cx=cx, cy=cy, pcx=pcx, pcy=pcy: (
                    cx + (lon * k - pcx) * s,
                    cy + (lat - pcy) * s,
                )
            )
            self.insets.append((*box, feature["properties"]["nom"]))

    def __call__(self, code: str, lon: float, lat: float) -> tuple[float, float]:
        transform = self.transforms.get(code)
        if transform is None:
            return lon, lat
        return transform(lon, lat)


@cache
def departements_geojson() -> dict:
    """The shipped outlines (lms/data/departements.geojson; credit line in lms/data/SOURCES.md)."""
    path = Path(settings.BASE_DIR) / "lms" / "data" / "departements.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Geometry:
    projection: Projection
    outlines: dict[str, tuple[list, list]]  # code → projected x and y, rings separated by None
    centres: dict[str, tuple[float, float]]


@lru_cache(maxsize=256)
def geometry(codes: frozenset[str]) -> Geometry:
    """The projected outlines of these départements, computed once per set of départements."""
    features = [f for f in departements_geojson()["features"] if f["properties"]["code"] in codes]
    projection = Projection(features)
    outlines = {}
    for feature in features:
        code = feature["properties"]["code"]
        xs, ys = [], []
        for ring in _rings(feature):
            for lon, lat in ring:
                x, y = projection(code, lon, lat)
                xs.append(round(x, 4))
                ys.append(round(y, 4))
            xs.append(None)
            ys.append(None)
        outlines[code] = (xs, ys)
    centres = {}
    for code, (xs, ys) in outlines.items():
        x0, x1, y0, y1 = _bbox([(x, y) for x, y in zip(xs, ys, strict=True) if x is not None])
        centres[code] = (round((x0 + x1) / 2, 4), round((y0 + y1) / 2, 4))
    return Geometry(projection, outlines, centres)


def _frames(projection: Projection) -> list[dict]:
    return [
        {
            "type": "scatter",
            "x": [x0, x1, x1, x0, x0],
            "y": [y0, y0, y1, y1, y0],
            "mode": "lines",
            "line": {"color": "#cecece", "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
        }
        for x0, y0, x1, y1, _name in projection.insets
    ]


def _outline_traces(geo: Geometry) -> list[dict]:
    xs, ys = [], []
    for code in sorted(geo.outlines):
        xs += geo.outlines[code][0]
        ys += geo.outlines[code][1]
    outline = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "line": {"color": "#929292", "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    return [outline, *_frames(geo.projection)]


def _map_layout(projection: Projection) -> dict:
    return {
        "margin": MARGIN,
        "height": 560,
        "xaxis": {"visible": False},
        "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1},
        "plot_bgcolor": "rgba(0,0,0,0)",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": FONT,
        "legend": LEGEND_BELOW,
        "annotations": [
            {"x": (x0 + x1) / 2, "y": y0, "yanchor": "top", "text": name, "showarrow": False, "font": {"size": 10}}
            for x0, y0, x1, _y1, name in projection.insets
        ],
    }


def _blend(value: float | None, top: float) -> str:
    """The fill for a mean level on the light-blue → navy scale; grey when hidden."""
    if value is None:
        return TOO_SMALL
    t = max(0.0, min(1.0, value / top if top else 0.0))
    start, end = (0xE3, 0xE3, 0xFD), (0x00, 0x00, 0x91)
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(start, end, strict=True))


def schools_map_figure(*, points: list[dict], codes: set[str], colour: str) -> dict:
    """Département outlines and schools as points coloured by mean level or ambassador coverage.

    Drawn on plain axes so that no map tiles or topojson are fetched: the site works offline. A click on
    a school drills down to it.
    """
    geo = geometry(frozenset(codes))
    projection = geo.projection
    data = _outline_traces(geo)
    located = [(p, projection(p["departement__code"], p["longitude"], p["latitude"])) for p in points]

    # Translated once: a gettext lookup per point would cost more than the rest of the figure.
    mean_label, too_small = _("niveau moyen"), _("effectif trop petit")

    def hover(p):
        mean = f"{mean_label} : {p['mean']:.2f}" if p["mean"] is not None else too_small
        return f"<b>{p['name']}</b><br>{p['commune']}<br>{mean}<br>{p['coverage_label']}"

    if colour == "couverture":
        for status, colour_value in COVERAGE_COLOURS.items():
            chosen = [(p, xy) for p, xy in located if p["coverage"] == status]
            if not chosen:
                continue
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": chosen[0][0]["coverage_label"],
                    "x": [round(xy[0], 4) for _p, xy in chosen],
                    "y": [round(xy[1], 4) for _p, xy in chosen],
                    "marker": {"size": 9, "color": colour_value, "line": {"width": 1, "color": "#161616"}},
                    "text": [hover(p) for p, _xy in chosen],
                    "customdata": [f"ecole={p['uai']}" for p, _xy in chosen],
                    "hovertemplate": "%{text}<extra></extra>",
                }
            )
    else:
        means = [p["mean"] for p, _xy in located if p["mean"] is not None]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [round(xy[0], 4) for _p, xy in located],
                "y": [round(xy[1], 4) for _p, xy in located],
                "marker": {
                    "size": 9 if len(located) > 300 else 11,
                    "color": [p["mean"] if p["mean"] is not None else -1 for p, _xy in located],
                    "colorscale": [[0, HIDDEN_COLOUR], [0.001, LEVEL_SCALE[0][1]], [1, LEVEL_SCALE[1][1]]],
                    "cmin": -0.01,
                    "cmax": level_top(means),
                    "line": {"width": 1, "color": "#161616"},
                    "colorbar": MAP_COLORBAR | {"title": {"text": _("niveau moyen des évalués"), "side": "top"}},
                },
                "text": [hover(p) for p, _xy in located],
                "customdata": [f"ecole={p['uai']}" for p, _xy in located],
                "hovertemplate": "%{text}<extra></extra>",
                "showlegend": False,
            }
        )
    return {"data": data, "layout": _map_layout(projection)}


def departements_map_figure(*, areas: list[dict], codes: set[str], colour: str) -> dict:
    """The départements filled by their mean level or share of covered schools, with a clickable marker
    at the centre of each (hover details; a click drills into the département)."""
    geo = geometry(frozenset(codes))
    projection = geo.projection
    by_code = {a["code"]: a for a in areas}
    data = []
    top = max([a["mean"] for a in areas if a["mean"] is not None] or [1])
    centres = []
    for code, (xs, ys) in sorted(geo.outlines.items()):
        area = by_code.get(code)
        if area is None:
            fill = "rgba(0,0,0,0)"
        elif colour == "couverture":
            fill = _blend(area["covered_share"], 1.0)
        else:
            fill = _blend(area["mean"], top)
        data.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": fill,
                "line": {"color": "#ffffff", "width": 0.6},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        if area is not None:
            centres.append((area, geo.centres[code]))
    data += _frames(projection)

    mean_label, too_small = _("niveau moyen"), _("effectif trop petit")
    share_label, teachers_label = _("établissements couverts"), _("%(n)s enseignants")

    def hover(a):
        mean = f"{mean_label} : {a['mean']:.2f}" if a["mean"] is not None else too_small
        share = f"{share_label} : {round(100 * a['covered_share'])} %" if a["covered_share"] is not None else ""
        return f"<b>{a['label']}</b><br>{mean}<br>{share}<br>" + teachers_label % {"n": a["teachers"]}

    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [round(xy[0], 4) for _a, xy in centres],
            "y": [round(xy[1], 4) for _a, xy in centres],
            "marker": {
                "size": 10,
                "color": [
                    (a["covered_share"] if colour == "couverture" else a["mean"]) if a["mean"] is not None else -1
                    for a, _xy in centres
                ],
                "colorscale": [[0, HIDDEN_COLOUR], [0.001, LEVEL_SCALE[0][1]], [1, LEVEL_SCALE[1][1]]],
                "cmin": -0.01,
                "cmax": 1.0 if colour == "couverture" else top,
                "line": {"width": 1, "color": "#161616"},
                "colorbar": MAP_COLORBAR
                | {
                    "title": {
                        "text": _("part couverte") if colour == "couverture" else _("niveau moyen des évalués"),
                        "side": "top",
                    }
                },
            },
            "text": [hover(a) for a, _xy in centres],
            "customdata": [a["drill"] for a, _xy in centres],
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": False,
        }
    )
    return {"data": data, "layout": _map_layout(projection)}
