"""Reads for "Mes formations": what a teacher is taking (and where to resume), what they finished (their
certificates), their next sessions; and a session as an iCalendar event."""

from dataclasses import dataclass
from datetime import UTC

from django.utils import timezone

from .models import ActivityProgress, Certificate, Enrollment, ModuleCompletion, SessionRegistration
from .selectors import SESSION_TYPES, session_end, session_start


@dataclass
class CourseInProgress:
    course: object
    done: int
    total: int
    percent: int
    resume_url: str
    resume_title: str


def _resume(course, user, completed_ids: set[int]) -> tuple[str, str]:
    """The first module not completed, at its first activity not done (where the player resumes)."""
    for module in course.modules():
        if module.pk in completed_ids:
            continue
        done = set(
            ActivityProgress.objects.filter(user=user, module=module, status__in=ActivityProgress.DONE).values_list(
                "block_id", flat=True
            )
        )
        block = next((b for b in module.activities if b.id not in done), None)
        return (f"{module.url}#activite-{block.id}" if block else module.url), module.title
    return course.url, course.title


def my_learning(*, user) -> dict:
    certified = dict(Certificate.objects.filter(user=user).values_list("course_id", "pk"))
    completed_ids = set(ModuleCompletion.objects.filter(user=user).values_list("module_id", flat=True))
    in_progress = []
    for enrollment in Enrollment.objects.filter(user=user).select_related("course").order_by("-enrolled_at"):
        course = enrollment.course.specific
        if not course.live or course.pk in certified:
            continue
        modules = list(course.modules())
        done = sum(1 for m in modules if m.pk in completed_ids)
        url, title = _resume(course, user, completed_ids)
        percent = round(100 * done / len(modules)) if modules else 0
        in_progress.append(CourseInProgress(course, done, len(modules), percent, url, title))
    return {
        "in_progress": in_progress,
        "certificates": list(Certificate.objects.filter(user=user).select_related("course").order_by("-completed_at")),
        "next_sessions": next_sessions(user=user),
    }


def next_sessions(*, user) -> list[dict]:
    """The sessions the teacher holds a place in that have not ended, soonest first."""
    now = timezone.now()
    rows = []
    for registration in SessionRegistration.objects.filter(user=user).select_related("module"):
        module = registration.module.specific
        block = module.activity(registration.block_id)
        if block is None or block.block_type not in SESSION_TYPES or not module.live:
            continue
        if session_end(block) < now:
            continue
        rows.append(
            {
                "module": module,
                "block": block,
                "start": session_start(block),
                "end": session_end(block),
                "waitlisted": registration.waitlisted,
            }
        )
    return sorted(rows, key=lambda row: row["start"])


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_ics(*, module, block, base_url: str) -> str:
    """One session as an RFC 5545 calendar with one event (times in UTC, so any calendar places them)."""
    value = block.value
    where = value.get("place") or value.get("link") or ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Relais//Formations//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{block.id}@{base_url.split('//', 1)[-1].split('/', 1)[0]}",
        f"DTSTAMP:{_ics_time(timezone.now())}",
        f"DTSTART:{_ics_time(session_start(block))}",
        f"DTEND:{_ics_time(session_end(block))}",
        f"SUMMARY:{_ics_text(value['title'])}",
        f"DESCRIPTION:{_ics_text(module.title + ' — ' + base_url.rstrip('/') + module.url)}",
        f"LOCATION:{_ics_text(where)}",
        f"URL:{base_url.rstrip('/')}{module.url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
