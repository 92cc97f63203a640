"""The demo's questionnaires: the reaction one ending every module, the follow-up one six weeks after a course.

Answers are drawn from dice seeded by the teacher and the module, and go through the site's own services
(`courses.questionnaire`) with `at=`, like the rest of the history. They lean on the teacher: those who
pass their quizzes easily (and so finish their courses) find the modules more useful and clearer, and later
say more often that they use what they learnt in class; each module has its own mood too, so that the
evaluation pages have modules to tell apart."""

import random
from datetime import date, datetime, time, timedelta

from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from questionnaires.models import FollowUpInvitation
from xapi.services import statements_announced_together

from .follow_ups import follow_ups_send
from .models import CoursePage
from .questionnaire import QuestionnaireError, follow_up_block, follow_up_submit
from .questionnaire_blocks import LIKERT_POINTS, QuestionnaireKind

FOLLOW_UP_DELAY_WEEKS = 6

REMARKS = [
    "Très concret, j'ai pu réutiliser les exemples dès la semaine suivante.",
    "Un peu dense : un temps d'échange en présence aurait aidé.",
    "Les vidéos étaient trop longues pour un mercredi après-midi.",
    "Il manque un exemple en maternelle.",
    "Merci pour les ressources téléchargeables.",
    "Le quiz final m'a fait revoir des points que je croyais acquis.",
    "Difficile de trouver le temps pendant la période des conseils de classe.",
    "J'aurais aimé un exemple en lycée professionnel.",
]

EXAMPLES = [
    "Une séance de révision en classe inversée : les élèves ont préparé des capsules et les ont présentées.",
    "Un quiz interactif en début d'heure, puis des groupes de besoin selon les résultats.",
    "Un mur collaboratif pour préparer l'oral du brevet.",
    "Des exercices différenciés sur l'ENT, que les élèves ont faits à la maison.",
]


def _likert(rng: random.Random, mean: float) -> int:
    return max(1, min(LIKERT_POINTS, round(rng.gauss(mean, 0.8))))


def reaction_data(*, block, rng: random.Random, skill: float, module_key: str) -> MultiValueDict:
    """A teacher's answers to a reaction questionnaire, as the form would post them."""
    mood = random.Random(f"relais-demo/mood/{module_key}").uniform(-0.6, 0.5)
    mean = 1.4 + 3.2 * skill + mood  # skill 0.55..0.95: about 3.2 to 4.5 out of 5
    data = MultiValueDict()
    for index, question in enumerate(block.value["questions"]):
        kind = question.question_kind
        if kind == QuestionnaireKind.LIKERT:
            data.setlist(f"q{index}", [str(_likert(rng, mean))])
        elif kind == QuestionnaireKind.SINGLE:
            # "La durée était…": mostly right; too long for those who struggled.
            roll = rng.random()
            choice = 2 if roll < 0.45 - 0.35 * skill else (0 if roll > 0.95 else 1)
            data.setlist(f"q{index}", [str(min(choice, len(question.options) - 1))])
        elif kind == QuestionnaireKind.MULTIPLE:
            chosen = [str(n) for n in range(len(question.options)) if rng.random() < 0.35]
            data.setlist(f"q{index}", chosen or ["0"])
        elif kind == QuestionnaireKind.TEXT and rng.random() < 0.22:
            data.setlist(f"q{index}", [rng.choice(REMARKS)])
    return data


def follow_up_data(*, block, rng: random.Random, skill: float) -> MultiValueDict:
    """A teacher's answers, some weeks after the course: what they now do in class."""
    data = MultiValueDict()
    for index, question in enumerate(block.value["questions"]):
        kind = question.question_kind
        key = question["key"]
        if key == "mise_en_oeuvre":
            roll = rng.random() - (skill - 0.75)
            choice = 0 if roll < 0.35 else 1 if roll < 0.7 else 2 if roll < 0.9 else 3
            data.setlist(f"q{index}", [str(choice)])
        elif kind == QuestionnaireKind.LIKERT:
            data.setlist(f"q{index}", [str(_likert(rng, 1.2 + 3.3 * skill))])
        elif kind == QuestionnaireKind.MULTIPLE:
            chosen = [str(n) for n in range(len(question.options)) if rng.random() < 0.3 + 0.2 * skill]
            if chosen or question["required"]:
                data.setlist(f"q{index}", chosen or ["0"])
        elif kind == QuestionnaireKind.SINGLE:
            data.setlist(f"q{index}", [str(rng.randrange(len(question.options)))])
        elif kind == QuestionnaireKind.TEXT and rng.random() < 0.3:
            data.setlist(f"q{index}", [rng.choice(EXAMPLES)])
    return data


def follow_ups_play(*, skills: dict[int, float], days: list[date], today: date) -> tuple[int, int]:
    """The weekly follow-up job over the history, then the answers of those who took the time.

    The e-mails go to Django's locmem outbox during the replay (thousands of them, none to print), then
    the outbox is emptied. About 55 % answer, on one of the school `days` (campaign days) of the next two
    weeks (not during the holidays); fewer among those who struggled. Returns (invitations sent, answered)."""
    if not days:
        return 0, 0
    sent = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        week = days[0] - timedelta(days=days[0].weekday())  # Mondays
        while week <= today:
            sent += follow_ups_send(now=timezone.make_aware(datetime.combine(week, time(7, 0))))
            mail.outbox = []
            week += timedelta(days=7)
    answered = 0
    invitations = FollowUpInvitation.objects.filter(
        user_id__in=list(skills), sent_at__isnull=False, response__isnull=True
    ).select_related("user")
    horizon = timezone.make_aware(datetime.combine(today, time(0, 0)))
    blocks: dict[int, object] = {}
    for invitation in invitations.order_by("sent_at", "pk"):
        skill = skills[invitation.user_id]
        rng = random.Random(f"relais-demo/follow-up/{invitation.user.email}/{invitation.course_id}")
        if rng.random() > 0.25 + 0.45 * skill:
            continue
        sent_on = timezone.localdate(invitation.sent_at)
        open_days = [d for d in days if sent_on <= d <= sent_on + timedelta(days=13)]
        if not open_days:
            continue  # sent during the holidays: not answered
        when = timezone.make_aware(datetime.combine(rng.choice(open_days), time(12, 30)))
        when += timedelta(minutes=rng.randint(0, 360))
        if when >= horizon:
            continue
        if invitation.course_id not in blocks:
            blocks[invitation.course_id] = follow_up_block(CoursePage.objects.get(pk=invitation.course_id))
        block = blocks[invitation.course_id]
        if block is None:
            continue
        try:
            with statements_announced_together(at=when):
                follow_up_submit(invitation=invitation, data=follow_up_data(block=block, rng=rng, skill=skill), at=when)
        except QuestionnaireError:
            continue
        answered += 1
    return sent, answered
