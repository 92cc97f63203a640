"""Plotly figures built server-side; the page loads the project's own plotly.js."""

import math

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from .selectors import SchoolDomainMatrix

CONFIG = {"displaylogo": False, "responsive": True}


def mean_level_heatmap(*, z: list[list], x: list[str], y: list[str], max_level: int) -> str:
    """An HTML fragment (a div and its script): mean levels, rows × columns; None cells read "too small"."""
    text = [[_("effectif trop petit") if v is None else f"{v:.2f}" for v in row] for row in z]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            zmin=0,
            zmax=max_level,
            colorscale="Blues",
            hoverongaps=False,
            hovertemplate="%{y}<br>%{x}<br>" + _("niveau moyen") + " : %{text}<extra></extra>",
            colorbar={"title": {"text": _("niveau moyen")}},
        )
    )
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=max(300, 30 * len(y) + 150),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top", "automargin": True},
        font={"family": "Marianne, Arial, sans-serif"},
    )
    return figure.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


def school_domain_heatmap(matrix: SchoolDomainMatrix, *, max_level: int) -> str:
    """The schools × domains heatmap of the dashboard."""
    return mean_level_heatmap(
        z=matrix.values,
        x=[f"{d.code}. {d.name}" for d in matrix.domains],
        y=[s.name for s in matrix.schools],
        max_level=max_level,
    )


def table_heatmap(table, *, first_value_column: int, max_level: int, label_column: int = 1) -> str:
    """A heatmap of a Table's numeric block (rows × value columns), columns labelled by their codes."""
    return mean_level_heatmap(
        z=[row[first_value_column:] for row in table.rows],
        x=[h.split(" ", 1)[0] for h in table.headers[first_value_column:]],
        y=[row[label_column] for row in table.rows],
        max_level=max_level,
    )


def distribution_bars(table, *, max_level: int) -> str:
    """Stacked bars: teachers per level for each competency (hidden small counts drawn as 0)."""
    competencies = [row[0].split(" ", 1)[0] for row in table.rows]
    figure = go.Figure()
    for index, header in enumerate(table.headers[1:], start=1):
        figure.add_bar(name=header, x=competencies, y=[row[index] or 0 for row in table.rows])
    figure.update_layout(
        barmode="stack",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=360,
        legend={"orientation": "h"},
        font={"family": "Marianne, Arial, sans-serif"},
        colorway=["#e5e5e5", "#cacafb", "#a1a1f8", "#6a6af4", "#313178", "#000091", "#1b1b35", "#272747", "#161616"],
    )
    return figure.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


def _latitude_ratio(schools) -> float:
    latitudes = [s.latitude for s in schools] or [46.5]
    return round(1 / math.cos(math.radians(sum(latitudes) / len(latitudes))), 3)


def schools_map(*, schools, means: dict, coverage: dict, departements_geojson: dict, drill_params: dict) -> str:
    """Département outlines and schools as points (colour: mean level), drawn on plain axes so that no map
    tiles or topojson are fetched: the site works offline. A click on a school drills down to it."""
    figure = go.Figure()
    for feature in departements_geojson["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            ring = polygon[0]
            figure.add_scatter(
                x=[p[0] for p in ring],
                y=[p[1] for p in ring],
                mode="lines",
                line={"color": "#929292", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
    located = [s for s in schools if s.latitude is not None and s.longitude is not None]
    figure.add_scatter(
        x=[s.longitude for s in located],
        y=[s.latitude for s in located],
        mode="markers",
        marker={
            "size": 11,
            "color": [means.get(s.pk) if means.get(s.pk) is not None else -1 for s in located],
            "colorscale": [[0, "#bbbbbb"], [0.001, "#e3e3fd"], [1, "#000091"]],
            "cmin": -0.01,
            "cmax": max([v for v in means.values() if v is not None] or [1]),
            "line": {"width": 1, "color": "#161616"},
            "colorbar": {"title": {"text": _("niveau moyen")}},
        },
        text=[
            f"{s.name}<br>{s.commune}<br>"
            + (_("niveau moyen") + f" : {means[s.pk]:.2f}" if means.get(s.pk) is not None else _("effectif trop petit"))
            + f"<br>{coverage.get(s.pk, '')}"
            for s in located
        ],
        customdata=[s.uai for s in located],
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
    )
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=520,
        xaxis={"visible": False},
        # Equirectangular, corrected for the latitude: shapes look right in Lille as in Pointe-à-Pitre.
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": _latitude_ratio(located)},
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "Marianne, Arial, sans-serif"},
    )
    return figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id="carte-etablissements",
        config=CONFIG,
    )
