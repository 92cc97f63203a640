"""The evaluation pages: who reads what, the exports, and the evaluators' re-keyed dataset."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.codesign import trainer_group_for
from courses.models import CatalogPage
from evaluation.export import dataset_build, rekey
from evaluation.models import Participation
from evaluation.refresh import evaluation_refresh
from tests.conftest import make_user
from tests.evaluation.history import History

TODAY = date(2026, 7, 15)


@pytest.fixture
def history(module, departement, settings):
    settings.RELAIS_MIN_GROUP_SIZE = 2
    h = History(module).build()
    evaluation_refresh(today=TODAY)
    return h


@pytest.fixture
def trainer(history):
    user = make_user("formatrice@example.fr", role="trainer")
    user.groups.add(trainer_group_for(CatalogPage.objects.get(pk=history.course.get_parent().pk)))
    return user


def test_trainer_reads_her_course_with_figures_and_tables(client, history, trainer):
    client.force_login(trainer)
    home = client.get(reverse("evaluation:home"))
    assert home.status_code == 200
    url = reverse("evaluation:course", args=[history.course.pk])
    assert url in home.content.decode()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    for key in ("entonnoir", "abandons", "presences", "questions", "questionnaires", "effet"):
        assert f'data-table="{key}"' in html
    assert 'id="figure-entonnoir"' in html and 'id="figure-effet"' in html
    assert "pas la preuve" in html
    assert "<script>" not in html  # figures drawn by the static script only (CSP)


def test_teacher_is_refused(client, history):
    client.force_login(history.users["u1"])
    assert client.get(reverse("evaluation:course", args=[history.course.pk])).status_code == 403
    assert client.get(reverse("evaluation:home")).status_code == 403
    assert client.get(reverse("evaluation:territories")).status_code == 403
    assert client.get(reverse("evaluation:export") + "?format=csv").status_code == 403


def test_manager_reads_only_the_teachers_of_her_scope(client, history, manager):
    client.force_login(manager)  # the Val-d'Oise
    csv_text = client.get(
        reverse("evaluation:course", args=[history.course.pk]) + "?export=csv&tableau=entonnoir"
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert rows[1][:4] == ["Parcours entier", "4", "4", "2"]  # u5 teaches in the Aisne
    bad = client.get(reverse("evaluation:course", args=[history.course.pk]) + "?export=pdf&tableau=entonnoir")
    assert bad.status_code == 400


def test_manager_compares_two_departements(client, history):
    national = make_user("national@example.fr", role="admin")
    client.force_login(national)
    page = client.get(reverse("evaluation:territories") + "?comparer=95&comparer=02")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-table="comparaison"' in html and 'data-table="bonnes-pratiques"' in html
    # In the order chosen (first, second), in the title as in the table and its export.
    assert "Val-d&#x27;Oise et Aisne côte à côte" in html
    xlsx = client.get(reverse("evaluation:territories") + "?comparer=95&comparer=02&export=xlsx&tableau=comparaison")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Val-d'Oise (95)", "Aisne (02)"]
    swapped = client.get(reverse("evaluation:territories") + "?comparer=02&comparer=95").content.decode()
    assert "Aisne et Val-d&#x27;Oise côte à côte" in swapped
    assert swapped.index("Aisne (02)</") < swapped.index("Val-d&#x27;Oise (95)</")
    english = client.get(reverse("evaluation:territories") + "?comparer=95&comparer=02", HTTP_ACCEPT_LANGUAGE="en")
    assert "Val-d&#x27;Oise and Aisne side by side" in english.content.decode()


def test_manager_cannot_compare_outside_her_scope(client, history, manager):
    client.force_login(manager)
    assert client.get(reverse("evaluation:territories") + "?comparer=95&comparer=02").status_code == 403


def test_participations_levels_before_and_after(history):
    u1 = Participation.objects.get(user=history.users["u1"])
    # Started 3 Jan: the day before, level 2 (certified 1 Dec); completed 10 Jan: 3 months after, 4.
    assert (u1.started_on, u1.completed_on) == (date(2026, 1, 3), date(2026, 1, 10))
    assert u1.levels_before == {"crcn-edu/3.1": 2} and u1.levels_after == {"crcn-edu/3.1": 4}
    assert u1.seconds == 600
    assert list(u1.answers.values()) == ["2"]
    u3 = Participation.objects.get(user=history.users["u3"])
    assert u3.levels_after == {} and u3.completed_on is None


def test_export_rekeys_per_export_so_two_cannot_be_joined(history):
    first = dataset_build(departement_ids=None, key=b"a" * 32)
    second = dataset_build(departement_ids=None, key=b"b" * 32)
    assert len(first.rows) == 4  # u1–u4 started the module
    ids_first = {row[0] for row in first.rows}
    ids_second = {row[0] for row in second.rows}
    assert len(ids_first) == 4 and not ids_first & ids_second
    u1 = history.users["u1"]
    assert rekey(str(u1.xapi_uuid), b"a" * 32) in ids_first
    flat = repr(first.rows)
    assert str(u1.xapi_uuid) not in flat and "u1@example.fr" not in flat and "0951001X" not in flat
    header = first.headers
    row = next(r for r in first.rows if r[0] == rekey(str(u1.xapi_uuid), b"a" * 32))
    assert row[header.index("niveau_avant_crcn-edu/3.1")] == 2
    assert row[header.index("niveau_apres_crcn-edu/3.1")] == 4
    assert row[header.index("departement")] == "95" and row[header.index("tne")] == 1
    assert row[header.index("reponse_1")] == "2"
    assert {column for column, _type, _meaning in first.dictionary} == set(header)


def test_export_downloads(client, history, manager):
    client.force_login(manager)
    url = reverse("evaluation:export")
    assert client.get(url).status_code == 200
    one, two = (b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig") for _ in "12")
    ids = [{r[0] for r in list(csv.reader(io.StringIO(t), delimiter=";"))[1:]} for t in (one, two)]
    assert len(ids[0]) == 4 and not ids[0] & ids[1]  # a fresh key each time
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    assert book.sheetnames == ["donnees", "dictionnaire"]
    data, dictionary = book.worksheets
    assert data.max_row == 1 + 4 and data.freeze_panes == "B2"  # the header, then one row per participation
    assert data["A1"].value == "personne" and data["A1"].font.bold and not data["A2"].font.bold
    assert dictionary["A1"].font.bold and dictionary.column_dimensions["C"].width == 100
    assert dictionary.max_row - 1 == data.max_column  # one entry per column
    markdown = client.get(url + "?format=dictionnaire-md").content.decode()
    assert "| `personne` |" in markdown
    assert client.get(url + "?format=pdf").status_code == 400
    assert client.get(url + "?format=csv&parcours=x").status_code == 400


def test_pages_in_english(client, history, trainer):
    client.force_login(trainer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("evaluation:course", args=[history.course.pk])).content.decode()
    assert "Evaluation of the course" in html
    assert "This is a comparison, not a proof of an effect." in html
    assert "Quiz item analysis (first attempt)" in html


def test_refresh_on_demand_for_national_administrators_only(client, history, manager, settings):
    from evaluation.models import Refresh

    url = reverse("evaluation:refresh")
    client.force_login(manager)
    assert client.post(url).status_code == 403
    national = make_user("national@example.fr", role="admin")
    client.force_login(national)
    assert client.get(url).status_code == 405
    before = Refresh.objects.get().finished_at
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert Refresh.objects.get().finished_at > before
