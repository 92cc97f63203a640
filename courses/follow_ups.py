"""The follow-up questionnaire by e-mail: some weeks after a course's completion, one e-mail per teacher
with a signed link, bound to that teacher, to the questionnaire page."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from questionnaires.models import FollowUpInvitation

from .models import Certificate, CoursePage
from .questionnaire import follow_up_block

logger = logging.getLogger(__name__)

SALT = "relais.courses.follow-up"


class FollowUpLinkError(Exception):
    """A follow-up link that cannot be used; `status` is the HTTP status, the message is for the teacher."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def follow_up_token(invitation: FollowUpInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "u": invitation.user_id, "n": str(invitation.nonce)}, salt=SALT)


def follow_up_url(invitation: FollowUpInvitation) -> str:
    return settings.RELAIS_BASE_URL + reverse("courses:follow_up", args=[follow_up_token(invitation)])


def follow_up_invitation(*, token: str, user) -> FollowUpInvitation:
    """The invitation of a link, for the signed-in `user` only. Raises FollowUpLinkError: altered (400),
    expired (410), someone else's (403), unknown (404). Whether it was answered is for the caller."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.RELAIS_FOLLOW_UP_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise FollowUpLinkError(
            _("Ce lien a expiré (il était valable %(days)s jours). Merci de votre intérêt !")
            % {"days": settings.RELAIS_FOLLOW_UP_LINK_DAYS},
            410,
        ) from error
    except signing.BadSignature as error:
        raise FollowUpLinkError(
            _("Ce lien est incomplet ou a été modifié : copiez-le en entier depuis le courriel reçu."), 400
        ) from error
    if not isinstance(payload, dict) or payload.get("u") != user.pk:
        raise FollowUpLinkError(
            _("Ce lien a été envoyé à une autre personne : connectez-vous avec le compte qui l'a reçu."), 403
        )
    invitation = (
        FollowUpInvitation.objects.filter(pk=payload.get("i"), user=user, nonce=payload.get("n"))
        .select_related("response")
        .first()
    )
    if invitation is None:
        raise FollowUpLinkError(_("Ce questionnaire n'existe plus."), 404)
    return invitation


def _send(invitation: FollowUpInvitation, course: CoursePage) -> None:
    block = follow_up_block(course)
    user = invitation.user
    greeting = _("Bonjour %(name)s,") % {"name": user.first_name} if user.first_name else _("Bonjour,")
    body = "\n".join(
        [
            greeting,
            "",
            _("Vous avez terminé le parcours « %(title)s » il y a quelques semaines.") % {"title": course.title},
            _(
                "Qu'en faites-vous aujourd'hui dans votre classe ? Vos réponses (quelques minutes) aident les "
                "formateurs à améliorer la formation ; elles ne sont montrées que regroupées."
            ),
            "",
            block.value["title"] if block else "",
            follow_up_url(invitation),
            "",
            _("Ce lien vous est personnel et vaut %(days)s jours.") % {"days": settings.RELAIS_FOLLOW_UP_LINK_DAYS},
        ]
    )
    EmailMessage(
        _("Formation « %(title)s » : et maintenant, dans votre classe ?") % {"title": course.title},
        body,
        to=[user.email],
    ).send()


def follow_ups_send(*, now=None) -> int:
    """Send the follow-up questionnaire once per course completion older than the course's delay (and not
    older than delay + window). Safe to run twice or from two workers at once: an invitation is claimed
    (sent_at set) before its e-mail goes, and released if it could not go. Returns the number sent."""
    now = now or timezone.now()
    window = timedelta(weeks=settings.RELAIS_FOLLOW_UP_WINDOW_WEEKS)
    sent = 0
    for course in CoursePage.objects.live().filter(follow_up_delay_weeks__gt=0):
        if follow_up_block(course) is None:
            continue
        due = now - timedelta(weeks=course.follow_up_delay_weeks)
        asked = FollowUpInvitation.objects.filter(course_id=course.pk, sent_at__isnull=False).values("user_id")
        completions = (
            Certificate.objects.filter(course=course, completed_at__lte=due, completed_at__gt=due - window)
            .exclude(user_id__in=asked)
            .select_related("user")
        )
        for certificate in completions:
            if not certificate.user.is_active:
                continue
            try:
                invitation, _created = FollowUpInvitation.objects.get_or_create(
                    user=certificate.user, course_id=course.pk, defaults={"completed_at": certificate.completed_at}
                )
            except IntegrityError:  # created by a concurrent run between its get and create
                invitation = FollowUpInvitation.objects.get(user=certificate.user, course_id=course.pk)
            claimed = FollowUpInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now)
            if not claimed:
                continue  # another run sent it
            try:
                # In the language the teacher reads the site in; the site's (French) if none is known.
                with translation.override(certificate.user.language or settings.LANGUAGE_CODE):
                    _send(invitation, course)
            except OSError:
                FollowUpInvitation.objects.filter(pk=invitation.pk).update(sent_at=None)
                logger.warning("Follow-up questionnaire %s not sent", invitation.pk, exc_info=True)
                continue
            sent += 1
    return sent
