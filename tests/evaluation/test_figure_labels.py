"""The evaluation's figures wrap their long labels (questions, modules, départements) and let plotly push the
margins out for them: no label cut, at 1280 px or, wrapped narrower by the static script, at 375 px."""

import plotly.graph_objects as go

from evaluation import figures
from maps.pilotage import Table

LONG = "Dans quelle mesure les outils présentés vous semblent-ils utilisables dans votre classe dès la rentrée ?"


def _lines(label: str) -> list[str]:
    return label.split("<br>")


def test_a_long_label_is_wrapped_whole_never_cut():
    label = figures.wrap_label(LONG)
    assert " ".join(_lines(label)) == LONG  # every word kept, "…" nowhere
    assert len(_lines(label)) > 1 and all(len(line) <= figures.LABEL_WIDTH for line in _lines(label))
    assert figures.wrap_label("Anticonstitutionnellement", 10) == "Anticonstitutionnellement"  # a word stays whole


def test_questionnaire_figure_keeps_whole_questions_and_grows_with_them():
    rows = [
        {"question": LONG, "labels": ["Peu", "Beaucoup"], "counts": [2, 3]},
        {"question": "Court ?", "labels": ["Peu", "Beaucoup"], "counts": [1, 4]},
    ]
    spec = figures.likert_figure(rows)
    go.Figure(spec)
    y = spec["data"][0]["y"]
    assert y[0].replace("<br>", " ") == LONG and y[1] == "Court ?"
    layout = spec["layout"]
    assert layout["yaxis"]["automargin"] and layout["xaxis"]["automargin"]
    assert layout["yaxis"]["autorange"] == "reversed"  # the first question on top, as in the table
    assert layout["meta"] == {"wrap": "y"}  # the static script wraps it narrower on a phone
    short = figures.likert_figure([{**row, "question": "Court ?"} for row in rows])
    assert layout["height"] > short["layout"]["height"]  # a wrapped question's lines get their room


def test_funnel_figure_wraps_module_titles():
    title = "Module 2 : construire une séquence hybride avec l'ENT et les outils de classe virtuelle"
    rows = [
        {"label": "Parcours entier", "enrolled": 5, "started": 4, "completed": 2},
        {"label": title, "enrolled": 4, "started": 3, "completed": 1},
    ]
    spec = figures.funnel_figure(rows)
    go.Figure(spec)
    labels = spec["data"][0]["y"]
    assert labels[-1] == "Parcours entier"  # the course on top
    assert labels[0].replace("<br>", " ") == title and "<br>" in labels[0]
    assert spec["layout"]["yaxis"]["automargin"] and spec["layout"]["meta"] == {"wrap": "y"}


def _territories(names: list[str]) -> Table:
    table = Table("territoires", "Indicateurs par département", [str(i) for i in range(10)])
    table.rows = [[name, "oui", 10, 8, 4, 50.0, None, None, None, None] for name in names]
    return table


def test_territories_figure_is_horizontal_with_room_for_its_names_and_axis():
    names = ["Val-d'Oise (95)", "Territoires numériques éducatifs (ensemble des départements TNE)"]
    spec = figures.territories_figure(_territories(names))
    go.Figure(spec)
    bar = spec["data"][0]
    assert bar["orientation"] == "h" and bar["x"] == [50.0, 50.0]
    assert [label.replace("<br>", " ") for label in bar["y"]] == names and "<br>" in bar["y"][1]
    layout = spec["layout"]
    # The axis titles and tick labels push the margins out: the 10 px margins cut them before.
    assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]
    assert layout["xaxis"]["range"] == [0, 100]
    assert layout["yaxis"]["autorange"] == "reversed"  # the table's order, top to bottom
    many = figures.territories_figure(_territories([f"Département {n} ({n})" for n in range(20)]))
    assert many["layout"]["height"] > layout["height"] >= 220  # the height follows the number of rows


def test_every_axis_pushes_the_margins_out_for_its_labels_and_title():
    """The figures' margins are 10 px: an axis without automargin had its tick labels and title cut."""
    table = Table("abandons", "Décrochage", ["activité", "type", "commencé", "terminé"])
    table.rows = [["Lire : la classe hybride, définitions et exemples", "texte", 5, 4], ["Quiz final", "quiz", 4, 2]]
    items = Table("questions", "Questions", [str(i) for i in range(5)])
    items.rows = [["Q1", "", 4, 75.0, 40.0]]
    effect = [{"competency": "CRCN Édu 3.1", "group": "ont terminé", "moment": "avant", "mean": 2.5}]
    specs = {
        "dropoff": figures.dropoff_figure(table),
        "items": figures.items_figure(items),
        "effect": figures.effect_figure(effect),
        "territories": figures.territories_figure(_territories(["Aisne (02)"])),
    }
    for name, spec in specs.items():
        go.Figure(spec)
        for axis in ("xaxis", "yaxis"):
            assert spec["layout"][axis]["automargin"] is True, (name, axis)
    assert specs["dropoff"]["data"][0]["x"][0] == "1. Lire : la classe<br>hybride, définitions<br>et exemples"


def test_effect_legend_entries_are_wrapped_and_given_room():
    rows = [
        {"competency": f"CRCN Édu 3.{n}", "group": group, "moment": moment, "mean": 2.0}
        for n in range(1, 5)
        for group in ("collègues des mêmes établissements, sans le parcours", "ont terminé le parcours")
        for moment in ("avant", "3 mois après")
    ]
    spec = figures.effect_figure(rows)
    go.Figure(spec)
    names = [trace["name"] for trace in spec["data"]]
    assert "CRCN Édu 3.1 — collègues des mêmes établissements, sans le parcours" in [
        name.replace("<br>", " ") for name in names
    ]
    assert all(len(line) <= figures.LABEL_WIDTH for name in names for line in name.split("<br>"))
    assert spec["layout"]["height"] > 360  # 8 entries below the plot, each of one or two lines
