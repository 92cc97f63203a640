"""Every evaluation figure is a valid plotly figure; the admin leads trainers to a course's evaluation."""

from datetime import date

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from courses.codesign import trainer_group_for
from courses.models import CatalogPage
from evaluation import figures
from evaluation.models import Course
from evaluation.refresh import evaluation_refresh
from evaluation.selectors import course_report, territories_table
from tests.conftest import make_user
from tests.evaluation.history import History


@pytest.fixture
def history(module, departement, settings):
    settings.RELAIS_MIN_GROUP_SIZE = 2
    h = History(module).build()
    evaluation_refresh(today=date(2026, 7, 15))
    return h


def test_every_figure_validates(history):
    report = course_report(course=Course.objects.get(), departement_ids=None)
    specs = [
        figures.funnel_figure(report.funnel),
        figures.dropoff_figure(report.tables["abandons"]),
        figures.items_figure(report.tables["questions"]),
        figures.likert_figure(report.responses),
        figures.effect_figure(report.effect),
        figures.territories_figure(territories_table(departement_ids=None)),
    ]
    for spec in specs:
        go.Figure(spec)  # raises on any invalid property
    assert [trace["name"] for trace in specs[3]["data"]] == ["Pas du tout", "Peu", "Assez", "Très"]
    assert specs[3]["data"][1]["x"] == [50.0] and specs[3]["data"][2]["x"] == [50.0]
    # Hidden means are left out of the effect figure, never drawn as 0.
    assert all(y is not None for trace in specs[4]["data"] for y in trace["y"])


def test_trainer_finds_the_evaluation_in_the_admin(client, history):
    trainer = make_user("formatrice@example.fr", role="trainer", is_staff=True)
    trainer.groups.add(trainer_group_for(CatalogPage.objects.get(pk=history.course.get_parent().pk)))
    client.force_login(trainer)
    url = reverse("evaluation:course", args=[history.course.pk])
    assert reverse("evaluation:home") in client.get(reverse("wagtailadmin_home")).content.decode()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[history.course.pk])).content.decode()
    assert url in edit
    teacher = history.users["u1"]
    client.force_login(teacher)
    assert client.get(url).status_code == 403
