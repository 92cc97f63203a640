"""The evaluation's plotly figures, as plain dicts drawn by the maps' static script (no inline script).

Each figure sits beside the table that holds its numbers; hidden values (small groups) are left out
of the figure, never drawn as zero.
"""

import textwrap

from django.utils.translation import gettext as _

from maps.figures import CONFIG, FONT, LEGEND_ABOVE, LEGEND_BELOW, MARGIN, to_html

BLUE, LIGHT_BLUE, GREEN, ORANGE, GREY = "#000091", "#8585f6", "#18753c", "#e4794a", "#666666"

__all__ = ["CONFIG", "effect_figure", "funnel_figure", "items_figure", "likert_figure", "to_html"]


# Long category labels (questions, modules, départements) are wrapped, never cut: this many characters a
# line here; the static script wraps them again, narrower, on a phone (`layout.meta.wrap` names the axis).
LABEL_WIDTH = 38
LINE_HEIGHT = 15  # px a wrapped label's line adds to its row


def _layout(**extra) -> dict:
    # 24 px on the right: half the last tick label ("100") stands beyond the plot, which automargin leaves.
    return {"font": FONT, "margin": {**MARGIN, "r": 24}, "legend": LEGEND_BELOW, "height": 360, **extra}


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """`text` whole, in lines of at most `width` characters (longer words kept whole), joined by <br>."""
    return "<br>".join(textwrap.wrap(" ".join(str(text).split()), width, break_long_words=False)) or str(text)


def _rows_height(labels: list[str], *, per_row: int, extra: int, minimum: int = 220) -> int:
    """A figure's height from its rows: each row its bar's room plus a line per wrapped label line."""
    lines = sum(label.count("<br>") for label in labels)
    return max(minimum, per_row * len(labels) + LINE_HEIGHT * lines + extra)


def funnel_figure(rows: list[dict]) -> dict:
    """Enrolled, started, completed per module (the course first), as grouped horizontal bars."""
    labels = [wrap_label(row["label"]) for row in rows][::-1]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": labels,
            "x": [row[key] for row in rows][::-1],
            "marker": {"color": colour},
        }
        for key, name, colour in (
            ("enrolled", _("Inscrits"), LIGHT_BLUE),
            ("started", _("Ont commencé"), BLUE),
            ("completed", _("Ont terminé"), GREEN),
        )
    ]
    return {
        "data": data,
        "layout": _layout(
            barmode="group",
            xaxis={"title": {"text": _("enseignants")}, "automargin": True},
            yaxis={"automargin": True},
            legend=LEGEND_ABOVE,
            height=_rows_height(labels, per_row=90, extra=120, minimum=260),
            meta={"wrap": "y"},
        ),
    }


def dropoff_figure(table) -> dict:
    """Learners who started and finished each activity, in the module's order."""
    labels = [wrap_label(f"{i + 1}. {row[0]}", 20) for i, row in enumerate(table.rows)]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Ont commencé"),
                "x": labels,
                "y": [row[2] for row in table.rows],
                "line": {"color": BLUE},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Ont terminé"),
                "x": labels,
                "y": [row[3] for row in table.rows],
                "line": {"color": GREEN, "dash": "dash"},
            },
        ],
        "layout": _layout(
            xaxis={"automargin": True},
            yaxis={"title": {"text": _("enseignants")}, "rangemode": "tozero", "automargin": True},
            # Above: the activities' names turn on a phone, and a legend below would cover them.
            legend=LEGEND_ABOVE,
        ),
    }


def items_figure(table) -> dict:
    """Facility against discrimination, one point per question (hidden ones left out)."""
    shown = [row for row in table.rows if row[3] is not None and row[4] is not None]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [row[3] for row in shown],
                "y": [row[4] for row in shown],
                "text": [str(i + 1) for i in range(len(shown))],
                "textposition": "top center",
                "hovertext": [row[0] for row in shown],
                "marker": {"color": BLUE, "size": 11},
                "name": _("questions"),
            }
        ],
        "layout": _layout(
            showlegend=False,
            xaxis={"title": {"text": _("facilité (%)")}, "range": [0, 105], "automargin": True},
            yaxis={"title": {"text": _("discrimination (%)")}, "range": [-100, 100], "automargin": True},
            shapes=[{"type": "line", "x0": 0, "x1": 100, "y0": 30, "y1": 30, "line": {"color": GREY, "dash": "dot"}}],
        ),
    }


def likert_figure(rows: list[dict]) -> dict:
    """The share of each answer per question, stacked (100 %)."""
    labels = []
    for row in rows:
        for label in row["labels"]:
            if label not in labels:
                labels.append(label)
    palette = ["#ce0500", "#e4794a", "#b7a73f", "#6fbf8d", "#18753c", "#000091", "#8585f6"]
    questions = [wrap_label(row["question"]) for row in rows]
    data = []
    for index, label in enumerate(labels):
        x = []
        for row in rows:
            total = sum(row["counts"]) or 1
            count = row["counts"][row["labels"].index(label)] if label in row["labels"] else 0
            x.append(round(100 * count / total, 1))
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": wrap_label(label, 30),  # a long answer would run out of a phone's legend
                "y": questions,
                "x": x,
                "marker": {"color": palette[index % len(palette)]},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            barmode="stack",
            xaxis={"title": {"text": _("part des répondants (%)")}, "range": [0, 100], "automargin": True},
            # The first question on top, as in the table beside.
            yaxis={"automargin": True, "autorange": "reversed"},
            legend={**LEGEND_ABOVE, "traceorder": "normal"},
            height=_rows_height(questions, per_row=60, extra=140, minimum=260),
            meta={"wrap": "y"},
        ),
    }


def effect_figure(rows: list[dict]) -> dict:
    """Mean level per moment, one line per competency and group (dashed: the colleagues)."""
    series: dict[tuple[str, str], dict] = {}
    for row in rows:
        if row["mean"] is None:
            continue
        key = (row["competency"], row["group"])
        series.setdefault(key, {"x": [], "y": []})
        series[key]["x"].append(row["moment"])
        series[key]["y"].append(row["mean"])
    data = []
    for index, ((competency, group), points) in enumerate(sorted(series.items())):
        comparison = index % 2 == 0  # sorted: "collègues…" before "ont terminé…"
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": wrap_label(f"{competency} — {group}"),  # whole on a phone's legend too
                "x": points["x"],
                "y": points["y"],
                "line": {"color": GREY if comparison else BLUE, "dash": "dash" if comparison else "solid"},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            xaxis={"automargin": True},
            yaxis={"title": {"text": _("niveau moyen")}, "rangemode": "tozero", "automargin": True},
            # The legend below pushes the plot up: room for it, one entry a line at worst (a phone).
            height=max(360, 260 + 2 * LINE_HEIGHT * sum(1 + trace["name"].count("<br>") for trace in data)),
        ),
    }


def territories_figure(table) -> dict:
    """Completion rate per département (hidden rates left out), a horizontal bar each in the table's order:
    the names, wrapped, on the axis where they have the room (phones included)."""
    rows = [row for row in table.rows if row[5] is not None]
    labels = [wrap_label(row[0]) for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [row[5] for row in rows],
                "marker": {"color": [BLUE if row[1] == _("oui") else ORANGE for row in rows]},
                "name": _("Taux d'achèvement (%)"),
            }
        ],
        "layout": _layout(
            showlegend=False,
            xaxis={"title": {"text": _("taux d'achèvement (%)")}, "range": [0, 100], "automargin": True},
            yaxis={"automargin": True, "autorange": "reversed"},
            height=_rows_height(labels, per_row=34, extra=110),
            meta={"wrap": "y"},
        ),
    }
