"""E-mails about sessions: a reminder before each session (once), and the news that a place freed up.

Each session's .ics event is attached so that the teacher's calendar holds it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import SessionRegistration
from .my_learning import session_ics
from .selectors import SESSION_TYPES, session_start

logger = logging.getLogger(__name__)

REMINDER_AHEAD = timedelta(hours=48)


def _send(registration: SessionRegistration, subject: str, intro: str) -> None:
    module = registration.module.specific
    block = module.activity(registration.block_id)
    start = timezone.localtime(session_start(block))
    value = block.value
    where = value.get("place") or value.get("link") or ""
    body = "\n".join(
        [
            intro,
            "",
            f"{value['title']} — {module.title}",
            _("Le %(date)s à %(time)s") % {"date": start.strftime("%d/%m/%Y"), "time": start.strftime("%H:%M")},
            where,
            "",
            settings.RELAIS_BASE_URL + module.url,
        ]
    )
    message = EmailMessage(subject, body, to=[registration.user.email])
    message.attach(
        "session.ics", session_ics(module=module, block=block, base_url=settings.RELAIS_BASE_URL), "text/calendar"
    )
    message.send()


def promotion_notify(*, registration_id: int) -> None:
    registration = SessionRegistration.objects.filter(pk=registration_id).select_related("user", "module").first()
    if registration is None or registration.waitlisted:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            registration,
            _("Une place s'est libérée : vous êtes inscrit à la session"),
            _("Bonne nouvelle : une place s'est libérée et vous êtes désormais inscrit à cette session."),
        )


def session_reminders_send(*, now=None) -> int:
    """Remind each teacher holding a place of a session starting within 48 hours, once. Safe to run
    again or from two workers at once: a reminder is claimed (reminded_at set) before it is sent.
    Returns the number sent."""
    now = now or timezone.now()
    sent = 0
    pending = SessionRegistration.objects.filter(
        waitlisted=False, reminded_at__isnull=True, attended__isnull=True
    ).select_related("user", "module")
    for registration in pending:
        module = registration.module.specific
        block = module.activity(registration.block_id)
        if block is None or block.block_type not in SESSION_TYPES or not module.live:
            continue
        start = session_start(block)
        if not (now <= start <= now + REMINDER_AHEAD):
            continue
        claimed = SessionRegistration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            continue  # another run sent it
        try:
            with translation.override(settings.LANGUAGE_CODE):
                _send(
                    registration,
                    _("Rappel : votre session « %(title)s »") % {"title": block.value["title"]},
                    _("Votre session de formation approche."),
                )
        except OSError:
            # Not sent: release the claim so the next run tries again.
            SessionRegistration.objects.filter(pk=registration.pk).update(reminded_at=None)
            logger.warning("Session reminder %s not sent", registration.pk, exc_info=True)
            continue
        sent += 1
    return sent
