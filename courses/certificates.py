"""Course certificates: earned once and kept, verifiable by anyone from their code.

A certificate is issued when a teacher completes every module a course has at that moment. It keeps
its own copy of what was completed; modules published later are offered to the teacher, never
required retroactively. The competencies it lists are the evidence from those modules that existed
when the course was completed, so later activity neither adds to nor takes from it.
"""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ambassadors.issuer import issuer_name
from evidence.models import Evidence
from frameworks.models import Level

from .models import Certificate, CoursePage, ModuleCompletion
from .selectors import course_progress
from .statements import module_iri

# No 0/O, 1/I/L, U: a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12


class CertificateError(Exception):
    """No certificate for this teacher and course; the message says why."""


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalised(text: str) -> str:
    """What a person typed (any case, with dashes or spaces) as a stored code."""
    return "".join(c for c in (text or "").upper() if c.isalnum())


def certificate_issue(*, course: CoursePage, user) -> Certificate:
    """The teacher's certificate for the course: the one already earned, else a new one if every module
    the course has now is completed. Raises CertificateError (with what is left) otherwise."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    progress = course_progress(course=course, user=user)
    if not progress.is_complete:
        raise CertificateError(
            _("L'attestation est disponible quand tous les modules du parcours sont terminés (%(done)s / %(all)s).")
            % {"done": progress.completed, "all": progress.modules}
        )
    completions = list(
        ModuleCompletion.objects.filter(user=user, module__in=course.modules())
        .select_related("module")
        .order_by("completed_at")
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    user=user,
                    course=course,
                    code=_new_code(),
                    completed_at=completions[-1].completed_at,
                    course_title=course.title,
                    duration_hours=course.duration_hours,
                    format=course.format,
                    modules=[
                        {
                            "iri": module_iri(c.module),
                            "title": c.module.title,
                            "completed_at": c.completed_at.isoformat(),
                        }
                        for c in completions
                    ],
                    issuer_name=issuer_name(),
                    partner_names=[p.name for p in course.co_designers.all()],
                )
        except IntegrityError:
            # Either the same teacher's other request issued it first, or (very rarely) the code is taken.
            existing = Certificate.objects.filter(user=user, course=course).first()
            if existing:
                return existing
    raise CertificateError(_("L'attestation n'a pas pu être établie ; réessayez dans un instant."))


def certificate_by_code(code: str) -> Certificate | None:
    code = code_normalised(code)
    if len(code) != CODE_LENGTH:
        return None
    return Certificate.objects.filter(code=code).select_related("course", "user").first()


@dataclass
class CertifiedCompetency:
    competency: object
    level: int
    level_label: str
    kinds: list[str]


def certificate_competencies(certificate: Certificate) -> list[CertifiedCompetency]:
    """The competencies evidenced in the certificate's modules up to the course's completion: the best
    level each reached, and how (graded assessment, attendance, validated task…)."""

    prefixes = [m["iri"] for m in certificate.modules]
    best: dict[int, list] = {}
    evidence = Evidence.objects.filter(user=certificate.user_id, occurred_at__lte=certificate.completed_at)
    for item in evidence.select_related("competency__framework"):
        if not any(item.activity_id == p or item.activity_id.startswith(p + "/") for p in prefixes):
            continue
        row = best.setdefault(item.competency_id, [item.competency, item.level, set()])
        row[1] = max(row[1], item.level)
        row[2].add(item.get_kind_display())
    labels = {(lv.framework_id, lv.number): lv.label for lv in Level.objects.all()}
    return sorted(
        (
            CertifiedCompetency(c, level, labels.get((c.framework_id, level), str(level)), sorted(kinds))
            for c, level, kinds in best.values()
        ),
        key=lambda row: (row.competency.framework.slug, row.competency.code),
    )


def certificate_holder(certificate: Certificate) -> str:
    """The holder as the teacher chose to be shown to whoever verifies the certificate."""
    user = certificate.user
    if certificate.holder_display == Certificate.Holder.FULL_NAME:
        return user.get_full_name() or _("Titulaire sans nom renseigné")
    if certificate.holder_display == Certificate.Holder.INITIALS:
        initials = [part[0].upper() + "." for part in (user.first_name, user.last_name) if part]
        if initials:
            return " ".join(initials)
    return _("Non communiqué par le ou la titulaire")


def certificate_holder_set(*, certificate: Certificate, user, choice: str) -> Certificate:
    if certificate.user_id != user.pk:
        raise CertificateError(_("Seul le ou la titulaire choisit comment son nom apparaît."))
    if choice not in Certificate.Holder.values:
        raise CertificateError(_("Choix inconnu ; rechargez la page."))
    certificate.holder_display = choice
    certificate.save(update_fields=["holder_display"])
    return certificate


def certificate_new_modules(certificate: Certificate) -> list:
    """Modules the course gained after the certificate was earned: offered, not required."""
    if certificate.course is None:
        return []
    earned = {m["iri"] for m in certificate.modules}
    return [m for m in certificate.course.modules() if module_iri(m) not in earned]
