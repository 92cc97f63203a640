"""The completion certificate: a PDF listing the competencies evidenced, in an embedded font (French
accents, typographic apostrophes and guillemets)."""

from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from competencies.issuer import issuer_name

from .models import CoursePage, ModuleCompletion
from .selectors import certificate_competencies, course_progress

FONTS = Path(__file__).resolve().parent / "fonts"


class CertificateError(Exception):
    """No certificate for this teacher and course; the message says why."""


def certificate_data(*, course: CoursePage, user) -> dict:
    progress = course_progress(course=course, user=user)
    if not progress.is_complete:
        raise CertificateError(
            _("L'attestation est disponible quand tous les modules du parcours sont terminés (%(done)s / %(all)s).")
            % {"done": progress.completed, "all": progress.modules}
        )
    last = ModuleCompletion.objects.filter(user=user, module__in=course.modules()).order_by("-completed_at").first()
    partners = list(course.co_designers.all())
    return {
        "course": course,
        "user": user,
        "completed_at": last.completed_at if last else timezone.now(),
        "competencies": certificate_competencies(course=course, user=user),
        "partners": partners,
        "issuer": issuer_name(),
    }


def certificate_pdf(*, course: CoursePage, user) -> bytes:
    data = certificate_data(course=course, user=user)
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(_("Attestation de formation — %(course)s") % {"course": course.title})
    pdf.set_author(issuer_name())
    pdf.set_lang("fr-FR")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 12, _("Attestation de formation"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 12)
    name = user.get_full_name() or user.email
    when = formats.date_format(timezone.localtime(data["completed_at"]), "j F Y")
    pdf.multi_cell(
        0,
        7,
        _("%(name)s a suivi et terminé le parcours « %(course)s » (%(hours)s h, %(format)s), le %(date)s.")
        % {
            "name": name,
            "course": course.title,
            "hours": course.duration_hours,
            "format": course.get_format_display().lower(),
            "date": when,
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 9, _("Compétences mises en œuvre"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    if not data["competencies"]:
        pdf.multi_cell(0, 7, _("Aucune compétence n'a encore été attestée."), new_x="LMARGIN", new_y="NEXT")
    for competency, level, kinds in data["competencies"]:
        pdf.multi_cell(
            0,
            7,
            f"• {competency.framework.short_name} {competency.code} — {competency.name} : "
            + _("niveau %(level)s") % {"level": level}
            + f" ({', '.join(kinds)})",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if data["partners"]:
        pdf.ln(4)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(
            0,
            6,
            _("Parcours co-conçu par : %(partners)s.") % {"partners": ", ".join(p.name for p in data["partners"])},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("Attestation établie par %(issuer)s à partir des traces d'apprentissage (xAPI) de la formation.")
        % {"issuer": issuer_name()},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
