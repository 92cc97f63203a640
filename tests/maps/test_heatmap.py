"""The heatmap "Établissements × compétences", checked from the figure's data: a categorical competency
axis labelled with codes and short names, the map's light (low) → dark (high) scale, hidden and
non-evaluated cells drawn apart from any level, no blank rows; means over the teachers evaluated."""

import plotly.graph_objects as go
import pytest
from django.utils import timezone, translation

from evidence.models import CompetencyState
from frameworks.models import Competency
from lms.models import Academie, Membership
from maps.figures import heatmap_figure
from maps.stats import stats_refresh
from tests.conftest import make_school, make_user
from tests.factories import build_territory

pytestmark = pytest.mark.django_db
URL = "/competences/pilotage/"


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.fixture
def page(client, frameworks):
    schools = build_territory()
    # One school where six teachers are evaluated in 3.1 (a mean is shown) and nobody in 1.1.
    strong = make_school(schools[0].departement, "0951100A", "Collège des Six", kind="college")
    c31 = Competency.objects.get(framework__slug="crcn-edu", code="3.1")
    for i, level in enumerate([2, 3, 3, 4, 4, 5]):
        teacher = make_user(f"six{i}@example.fr")
        Membership.objects.create(user=teacher, school=strong)
        CompetencyState.objects.create(user=teacher, competency=c31, level=level, updated_at=timezone.now())
    Membership.objects.create(user=make_user("non-evalue@example.fr"), school=strong)
    stats_refresh(None)
    manager = make_user("academie@example.fr", role="manager", scope_academie=Academie.objects.get(code="25"))
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    return response, strong


def test_axis_is_categorical_with_codes_and_short_names(page):
    response, _strong = page
    spec = response.context["figure_specs"]["figure-etablissements-competences"]
    go.Figure(spec)  # valid for plotly
    xaxis = spec["layout"]["xaxis"]
    codes = [c.code for c in Competency.objects.filter(framework__slug="crcn-edu").order_by("code")]
    assert xaxis["type"] == "category" and xaxis["tickvals"] == codes
    names = dict(Competency.objects.filter(framework__slug="crcn-edu").values_list("code", "name"))
    for code, label in zip(codes, xaxis["ticktext"], strict=True):
        name = label.split(" ", 1)[1]
        assert label.startswith(f"{code} ") and len(name) <= 22
        assert names[code].startswith(name.rstrip("…"))
    assert spec["data"][0]["x"] == codes


def test_colour_scale_runs_light_to_dark_like_the_map(page):
    response, _strong = page
    specs = response.context["figure_specs"]
    heatmap = specs["figure-etablissements-competences"]["data"][0]
    low, high = heatmap["colorscale"][0][1], heatmap["colorscale"][-1][1]
    assert luminance(low) > luminance(high) and heatmap["zmin"] == 0 and not heatmap.get("reversescale")
    points = specs["carte-etablissements"]["data"][-1]["marker"]
    assert [points["colorscale"][1][1], points["colorscale"][-1][1]] == [low, high]  # the map's scale


def test_hidden_and_not_evaluated_cells_are_drawn_apart(page):
    response, strong = page
    table = response.context["matrix_table"]
    spec = response.context["figure_specs"]["figure-etablissements-competences"]
    main, *special = [t for t in spec["data"] if t["type"] == "heatmap"]
    traces = {t["name"]: t for t in special}
    hidden_colour = traces["hidden"]["colorscale"][0][1]
    not_colour = traces["not"]["colorscale"][0][1]
    scale = [main["colorscale"][0][1], main["colorscale"][-1][1]]
    assert len({hidden_colour, not_colour, *scale}) == 4  # neither is a level's colour
    drawn = [row for row in table.rows if any(v is not None for v in row[4:])]
    assert main["y"] == [row[1] for row in drawn]  # rows wholly hidden are left out, the page says so
    left_out = len(table.rows) - len(drawn)
    assert response.context["heatmap_left_out"] == left_out
    if left_out:
        assert "ne sont pas dessinées" in response.content.decode() or "n'est pas dessinée" in response.content.decode()
    seen = set()
    for i, row in enumerate(drawn):
        for j, value in enumerate(row[4:]):
            if value is None:
                seen.add("hidden")
                assert main["z"][i][j] is None and traces["hidden"]["z"][i][j] == 1
            elif isinstance(value, str):
                seen.add("not")
                assert main["z"][i][j] is None and traces["not"]["z"][i][j] == 1
            else:
                seen.add("mean")
                assert main["z"][i][j] == value and traces["hidden"]["z"][i][j] is None
    assert seen == {"hidden", "not", "mean"}
    # Means over the teachers evaluated: (2 + 3 + 3 + 4 + 4 + 5) / 6, the seventh teacher not counted.
    row = next(r for r in table.rows if r[0] == strong.uai)
    assert row[table.headers.index("3.1 Concevoir")] == round(21 / 6, 2)
    assert row[table.headers.index("1.1 Communiquer")] == "non évalué"
    assert row[3] == round(100 * 6 / (7 * 16))  # the share evaluated, beside the means
    html = response.content.decode()
    assert 'id="legende-heatmap"' in html and "non évalué" in html


def test_the_not_evaluated_cells_are_abbreviated_in_the_reader_s_language():
    def cell_texts(language):
        with translation.override(language):
            figure = heatmap_figure(
                rows=[[2.5, "—"]], competencies=[("1.1", "Informer"), ("1.2", "Communiquer")], labels=["A"], min_size=5
            )
        return [t for trace in figure["data"] for row in trace.get("text") or [] for t in row]

    assert "n.é." in cell_texts("fr") and "n.e." not in cell_texts("fr")
    assert "n.e." in cell_texts("en") and "n.é." not in cell_texts("en")
