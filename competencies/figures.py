"""Plotly figures built server-side; the page loads the project's own plotly.js."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from .selectors import SchoolDomainMatrix


def school_domain_heatmap(matrix: SchoolDomainMatrix, *, max_level: int) -> str:
    """An HTML fragment (a div and its script) with the schools × domains heatmap."""
    x = [f"{d.code}. {d.name}" for d in matrix.domains]
    y = [s.name for s in matrix.schools]
    text = [[_("effectif trop petit") if v is None else f"{v:.2f}" for v in row] for row in matrix.values]
    figure = go.Figure(
        go.Heatmap(
            z=matrix.values,
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
        height=max(320, 36 * len(y) + 160),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top", "automargin": True},
        font={"family": "Marianne, Arial, sans-serif"},
    )
    return figure.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})
