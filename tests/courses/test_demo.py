"""The demo territory: its shape (two départements, 18 months following the school year, proposals in
every state, a badge, a local adaptation with an upstream change, past and future sessions), produced
by the site's services, and the README's table checked against what load_demo creates."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ambassadors.models import AmbassadorBadge, AmbassadorProposal
from courses.codesign import upstream_changes
from courses.demo import DEMO_DOMAIN, SIZES, demo_load, demo_plan
from courses.demo_history import campaign_days
from courses.models import CoursePage, Enrollment, SessionRegistration
from evaluation.models import EffectStat, Funnel, ItemStat, ResponseStat
from evaluation.refresh import evaluation_refresh
from evidence.models import LevelChange
from lms.models import Departement, Membership, School
from questionnaires.models import FollowUpInvitation, Kind, QuestionnaireAnswer, QuestionnaireResponse
from tests.conftest import wagtail_root
from xapi.models import Statement

README = Path(__file__).resolve().parents[2] / "README.md"


def test_campaign_days_skip_holidays_and_weekends():
    days = campaign_days(date(2025, 6, 1), date(2026, 12, 6))
    assert days and all(d.weekday() < 5 for d in days)
    assert not [d for d in days if d.month in (7, 8)]  # summer
    assert not [d for d in days if (d.month, d.day) >= (12, 18) or (d.month == 1 and d.day < 6)]  # Christmas
    assert not [d for d in days if (d.month == 10 and d.day > 16) or (d.month == 11 and d.day < 3)]  # Toussaint
    assert {d.month for d in days} == {1, 2, 3, 4, 5, 6, 9, 10, 11, 12}


@pytest.mark.django_db(transaction=True)  # the history's statements are processed after each commit
def test_small_demo_has_the_whole_shape():
    wagtail_root()
    today = timezone.localdate()
    report = demo_load(size="small")
    plan = demo_plan("small")
    counts = report.counts
    assert counts["schools_95"] == plan["schools_95"] and counts["schools_78"] == plan["schools_78"]
    assert counts["teachers"] == plan["teachers"]
    assert counts["courses"] == plan["courses"]
    versailles = Departement.objects.get(code="95").academie
    assert Departement.objects.get(code="78").academie == versailles
    assert School.objects.filter(departement__code="78").exclude(circonscription="").exists()

    # 18 months of history, in the past, on school days of the campaigns only.
    stamps = list(Statement.objects.values_list("timestamp", flat=True))
    assert min(stamps).date() >= today - timedelta(days=549) and max(stamps) <= timezone.now()
    months = {(s.year, s.month) for s in stamps}
    assert len(months) >= 12
    local = [timezone.localtime(s) for s in stamps]
    assert not [s for s in local if s.month in (7, 8)]
    assert not [s for s in local if s.weekday() >= 5]
    # Levels changed as the history went (not all on the day the demo was loaded).
    assert LevelChange.objects.dates("changed_at", "month").count() >= 10
    assert Enrollment.objects.filter(enrolled_at__lt=timezone.now() - timedelta(days=300)).exists()

    # Ambassadors: proposals waiting, confirmed (with a badge) and declined.
    proposals = AmbassadorProposal.objects.all()
    assert counts["proposals_pending"] == proposals.filter(status="proposed").count() > 0
    assert proposals.filter(status="confirmed").count() == counts["proposals_confirmed"] > 0
    assert proposals.filter(status="declined").count() == counts["proposals_declined"] == 1
    assert AmbassadorBadge.objects.count() == counts["badges"] >= 1

    # The Yvelines adapted the Val-d'Oise's course; a change waits upstream.
    adaptation = CoursePage.objects.get(slug="evaluer-avec-le-numerique", depth=3, origin__isnull=False)
    assert adaptation.get_parent().specific.territory.code == "78" and adaptation.live
    assert upstream_changes(adaptation=adaptation)["fields"]

    # Sessions: one held (attendance taken), the next ones in the future, the demo teacher registered.
    held = SessionRegistration.objects.filter(attended__isnull=False)
    assert held.filter(attended=True).exists() and held.filter(attended=False).exists()
    teacher = SessionRegistration.objects.filter(user__email=f"enseignante@{DEMO_DOMAIN}", attended__isnull=True)
    assert teacher.count() == 2
    # "Mes formations" shows the demo teacher's next sessions.
    client = Client()
    client.force_login(get_user_model().objects.get(email=f"enseignante@{DEMO_DOMAIN}"))
    page = client.get("/formations/mes-formations/").content.decode()
    assert "Classe virtuelle : retours d&#x27;expérience" in page or "Classe virtuelle : retours d'expérience" in page
    # The demo teacher belongs to a school of the demo.
    assert Membership.objects.filter(user__email=f"enseignante@{DEMO_DOMAIN}", school__departement__code="95")

    # Questionnaires: reactions at the end of modules, follow-ups six weeks after courses, answered in the past.
    reactions = QuestionnaireResponse.objects.filter(kind=Kind.REACTION)
    follow_ups = QuestionnaireResponse.objects.filter(kind=Kind.FOLLOW_UP)
    assert reactions.count() >= 10 and follow_ups.count() >= 3
    assert max(reactions.values_list("submitted_at", flat=True)) < timezone.now() - timedelta(days=1)
    scores = set(
        QuestionnaireAnswer.objects.filter(response__in=reactions, score__isnull=False).values_list("score", flat=True)
    )
    assert len(scores) >= 3  # varied answers, not one value for everybody
    invited = FollowUpInvitation.objects.filter(sent_at__isnull=False)
    assert invited.count() > follow_ups.count() == invited.filter(response__isnull=False).count()
    assert (counts["questionnaire_reactions"], counts["follow_ups_sent"], counts["follow_ups_answered"]) == (
        reactions.count(),
        invited.count(),
        follow_ups.count(),
    )
    assert Statement.objects.filter(verb_id__endswith="/responded").exists()
    # Every evaluation panel has something to show.
    evaluation_refresh()
    assert Funnel.objects.filter(completed__gt=0).exists()
    assert ItemStat.objects.filter(attempts__gt=0).exists()
    assert ResponseStat.objects.filter(respondents__gt=0).exists()
    assert EffectStat.objects.filter(group=EffectStat.Group.COMPLETERS, n__gt=0).exists()
    assert EffectStat.objects.filter(group=EffectStat.Group.COMPARISON, n__gt=0).exists()

    # A second run adds nothing.
    before = Statement.objects.count()
    again = demo_load(size="small")
    assert Statement.objects.count() == before and again.counts == counts | {"statements": before}


def test_readme_table_matches_what_load_demo_creates():
    """The README's table of the demo's contents (rows `| what | n |`) equals the plan of the full demo."""
    text = README.read_text()
    table = text.split("<!-- demo-counts -->", 2)[1]
    found = {key: int(n) for key, n in re.findall(r"^\| [^|]*`(\w+)`[^|]* \| (\d+) \|$", table, re.M)}
    assert found == demo_plan("full")
    assert SIZES["full"].teachers("95") + SIZES["full"].teachers("78") + 1 == found["teachers"]
