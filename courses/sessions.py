"""In-person sessions and virtual classes: registration within capacity, attendance taken by a trainer."""

from datetime import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from xapi.services import statement_store

from . import statements as st
from .models import ActivityProgress, ModulePage, SessionRegistration
from .reminders import promotion_notify
from .selectors import SESSION_TYPES, is_module_trainer, session_end, session_places_left, session_start
from .services import LearningError, enrollment_for, module_context, step_block, step_done


def _confirm(registration: SessionRegistration, module: ModulePage, block, at: datetime | None = None) -> None:
    """The teacher holds a place: progress and the `registered` statement."""
    user = registration.user
    ActivityProgress.objects.get_or_create(
        user=user, module=module, block_id=block.id, defaults={"status": ActivityProgress.Status.REGISTERED}
    )
    statement_store(
        data=st.build_statement(
            user=user,
            verb="registered",
            obj=st.step_activity(module, block),
            at=at,
            **module_context(module=module, enrollment=enrollment_for(user=user, module=module)),
        )
    )


@transaction.atomic
def session_register(
    *, user, module: ModulePage, block_id: str, waitlist: bool = False, at: datetime | None = None
) -> tuple[SessionRegistration, bool]:
    """Take a place in a session (idempotent). A full session says so; with `waitlist`, the teacher joins
    its waiting list instead. A session that is over takes no registration. `at`: when the teacher registers
    (default now), for a replay of past events or a test recording an earlier registration."""
    block = step_block(module, block_id, SESSION_TYPES)
    enrollment_for(user=user, module=module)
    existing = SessionRegistration.objects.filter(user=user, module=module, block_id=block_id).first()
    if existing:
        return existing, False
    end = session_end(block)
    if (at or timezone.now()) >= end:
        local = timezone.localtime(end)
        raise LearningError(
            _("Cette session est passée (elle s'est terminée le %(date)s à %(time)s) : on ne peut plus s'y inscrire.")
            % {"date": formats.date_format(local, "j F Y"), "time": formats.time_format(local, "H:i")}
        )
    # Lock the module row so that two teachers cannot take the last place at once.
    ModulePage.objects.select_for_update().filter(pk=module.pk).first()
    full = session_places_left(module=module, block=block) <= 0
    if full and not waitlist:
        raise LearningError(
            _("Cette session est complète : il n'y a plus de place. Vous pouvez rejoindre la liste d'attente.")
        )
    registration = SessionRegistration.objects.create(user=user, module=module, block_id=block_id, waitlisted=full)
    if at is not None:
        SessionRegistration.objects.filter(pk=registration.pk).update(registered_at=at)
        registration.registered_at = at
    if not full:
        _confirm(registration, module, block, at)
    return registration, True


@transaction.atomic
def session_unregister(*, user, module: ModulePage, block_id: str) -> SessionRegistration | None:
    """Give up a place (or leave the waiting list). A freed place goes to the first teacher waiting, who
    is told by e-mail. Returns the promoted registration, if any."""
    block = step_block(module, block_id, SESSION_TYPES)
    ModulePage.objects.select_for_update().filter(pk=module.pk).first()
    registration = SessionRegistration.objects.filter(user=user, module=module, block_id=block_id).first()
    if registration is None:
        return None
    if registration.attended is not None:
        raise LearningError(_("La présence a déjà été relevée : l'inscription ne peut plus être annulée."))
    held_a_place = not registration.waitlisted
    registration.delete()
    ActivityProgress.objects.filter(
        user=user, module=module, block_id=block_id, status=ActivityProgress.Status.REGISTERED
    ).delete()
    if not held_a_place or session_places_left(module=module, block=block) <= 0:
        return None
    waiting = (
        SessionRegistration.objects.filter(module=module, block_id=block_id, waitlisted=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if waiting is None:
        return None
    waiting.waitlisted = False
    waiting.save(update_fields=["waitlisted"])
    _confirm(waiting, module, block)
    transaction.on_commit(lambda: promotion_notify(registration_id=waiting.pk))
    return waiting


def attendance_opens(block, at: datetime | None = None) -> datetime | None:
    """None when attendance may be taken now (or at `at`); else when it may."""
    start = session_start(block)
    return start if (at or timezone.now()) < start else None


@transaction.atomic
def attendance_record(
    *,
    trainer,
    module: ModulePage,
    block_id: str,
    present_user_ids: set[int],
    excused_user_ids: set[int] = frozenset(),
    at: datetime | None = None,
) -> int:
    """Record who came, who was absent and whose absence is excused, once the session has begun.

    Each newly present teacher gets an `attended` statement naming the trainer as instructor, with the
    session's length as its duration (the time spent, for the evaluation); absent
    and excused teachers get none, so the certificate and the levels count only attendance. Returns
    the number of new attendances. `at`: when it was taken (default now), for a replay of past events."""
    if not is_module_trainer(user=trainer, module=module):
        raise LearningError(_("Seuls les formateurs de ce parcours peuvent relever la présence."))
    block = step_block(module, block_id, SESSION_TYPES)
    opens = attendance_opens(block, at)
    if opens is not None:
        raise LearningError(
            _("La présence se relève à partir du début de la session, le %(date)s à %(time)s.")
            % {
                "date": formats.date_format(timezone.localtime(opens), "j F Y"),
                "time": formats.time_format(timezone.localtime(opens), "H:i"),
            }
        )
    if set(present_user_ids) & set(excused_user_ids):
        raise LearningError(_("Une même personne ne peut être à la fois présente et excusée."))
    registrations = list(
        SessionRegistration.objects.select_for_update()
        .filter(module=module, block_id=block_id, waitlisted=False)
        .select_related("user")
    )
    unknown = (set(present_user_ids) | set(excused_user_ids)) - {r.user_id for r in registrations}
    if unknown:
        raise LearningError(_("Certaines personnes cochées ne sont pas inscrites à cette session."))
    now = at or timezone.now()
    length = datetime.combine(block.value["date"], block.value["end_time"]) - datetime.combine(
        block.value["date"], block.value["start_time"]
    )
    duration = f"PT{int(length.total_seconds())}S" if length.total_seconds() > 0 else None
    new = 0
    for registration in registrations:
        present = registration.user_id in present_user_ids
        if registration.attended is True and not present:
            # An attendance already recorded is evidence; it is not withdrawn by unticking.
            continue
        was_present = registration.attended is True
        registration.attended = present
        registration.excused = not present and registration.user_id in excused_user_ids
        registration.attendance_taken_by = trainer
        registration.attendance_taken_at = now
        registration.save()
        if present and not was_present:
            new += step_done(
                user=registration.user,
                module=module,
                block=block,
                status=ActivityProgress.Status.ATTENDED,
                verb="attended",
                instructor=trainer,
                duration=duration,
                at=at,
            )
    return new
