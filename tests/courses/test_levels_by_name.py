"""Levels chosen and shown by name: the alignment block's and the course's level choosers in the admin,
the catalogue's level filter, the course page's targets."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError

from courses.blocks import AlignmentBlock, level_choices
from courses.models import CourseCompetency, CoursePage, ModulePage
from frameworks.models import Competency
from tests.conftest import PASSWORD
from tests.courses.conftest import trainer  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_alignment_level_is_chosen_by_name_and_stored_as_a_number(frameworks):
    groups = dict(level_choices())
    assert list(groups) == ["CRCN Édu", "CRCN"]
    assert groups["CRCN Édu"][2] == (3, "Niveau 3 — Confirmé (formation continue)")
    assert groups["CRCN"][4] == (5, "Niveau 5 — Avancé")
    with translation.override("en"):
        assert dict(level_choices())["CRCN Édu"][2] == (3, "Level 3 — Proficient (continuing training)")
    block = AlignmentBlock()
    value = block.clean(block.to_python({"framework": "crcn-edu", "competencies": ["crcn-edu/3.1"], "level": "4"}))
    assert value["level"] == 4  # an int, as modules written before stored it
    assert block.get_prep_value(value)["level"] == 4
    assert block.to_python({"framework": "crcn", "competencies": [], "level": 7})["level"] == 7
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"framework": "crcn-edu", "competencies": ["crcn-edu/3.1"], "level": 9}))
    assert set(refused.value.block_errors) == {"level"}


def test_the_course_target_level_is_chosen_by_name_in_the_admin(client, module, trainer):  # noqa: F811
    course = CoursePage.objects.get(pk=module.course.pk)
    assert client.login(email=trainer.email, password=PASSWORD)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert '<optgroup label="CRCN Édu">' in page
    assert re.search(r'<option value="3"( selected)?>Niveau 3 — Confirmé \(formation continue\)</option>', page)
    assert '<option value="8">Niveau 8 — Expert</option>' in page
    # A level the competency's framework does not have is refused with a message, not stored.
    target = CourseCompetency(
        course=course, competency=Competency.objects.get(framework__slug="crcn-edu", code="3.1"), target_level=7
    )
    with pytest.raises(Exception, match="n'existe pas dans le référentiel CRCN Édu"):
        target.full_clean()


def test_catalogue_level_filter_and_course_targets_by_name(client, module):
    course = CoursePage.objects.get(pk=module.course.pk)
    CourseCompetency.objects.create(
        course=course, competency=Competency.objects.get(framework__slug="crcn-edu", code="3.1"), target_level=3
    )
    course.objectives = "Différencier avec le numérique\n- Choisir un outil adapté à ses élèves\n\n"
    course.prerequisites = "Aucun"
    course.format = CoursePage.Format.IN_PERSON
    course.duration_hours = 6
    course.save_revision().publish()
    catalogue = client.get("/").content.decode()
    assert '<option value="crcn-edu:3">Niveau 3 — Confirmé (formation continue)</option>' in catalogue
    assert '<option value="crcn:3">Niveau 3 — Indépendant</option>' in catalogue
    assert 'data-count="1"' in client.get("/?niveau=crcn-edu:3").content.decode()
    assert 'data-count="0"' in client.get("/?niveau=crcn:3").content.decode()  # same number, other framework
    assert 'data-count="1"' in client.get("/?niveau=3").content.decode()  # older links: a bare number
    assert "Niveau inconnu" in client.get("/?niveau=crcn-edu:7").content.decode()
    page = client.get(course.url).content.decode()
    assert "<strong>Niveau 3 — Confirmé (formation continue)</strong>" in page
    assert ModulePage.objects.child_of(course).exists()
    # What the course aims at, before enrolling: objectives as a list, format, duration, prerequisites.
    assert (
        "<ul data-objectives><li>Différencier avec le numérique</li><li>Choisir un outil adapté à ses élèves</li></ul>"
        in page
    )
    assert "<dt>Format</dt><dd>En présentiel</dd>" in page and "<dd>6 heures</dd>" in page
    assert "<p data-prerequisites>Aucun</p>" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(course.url).content.decode()
    assert 'lang="en"' in english
    assert "<strong>Level 3 — Proficient (continuing training)</strong>" in english
    assert "Organisational communication" not in english and "Designing" in english  # CRCN Édu 3.1 in English
    assert "<dt>Format</dt><dd>In person</dd>" in english
