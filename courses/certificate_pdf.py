"""The certificate as a PDF: issuer, territory's and partners' logos, what was completed, the competencies
evidenced, and a QR code to its public verification page. An embedded font carries French accents,
typographic apostrophes and guillemets."""

import io
import logging
from pathlib import Path

import segno
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from .branding import site_issuer
from .certificates import certificate_competencies
from .models import Certificate, CoursePage

FONTS = Path(__file__).resolve().parent / "fonts"
logger = logging.getLogger(__name__)


def certificate_logos(certificate: Certificate) -> list:
    """The Wagtail images to show: the territory's operator first, then the course's partners."""
    images = []
    course = certificate.course
    site = course.get_site() if course is not None else None
    issuer = site_issuer(site) if site is not None else None
    if issuer is not None and issuer.logo is not None:
        images.append((issuer.name, issuer.logo))
    if course is not None:
        images += [(p.name, p.logo) for p in course.co_designers.select_related("logo") if p.logo_id]
    return images


def _png(image) -> io.BytesIO | None:
    """A logo as PNG bytes; a missing or unreadable file leaves the logo out rather than the certificate."""
    try:
        rendition = image.get_rendition("max-400x160|format-png")
        with rendition.file.open("rb") as handle:
            return io.BytesIO(handle.read())
    except Exception:  # any storage or image error: log it, print the rest
        logger.warning("Certificate logo %s could not be rendered", image.pk, exc_info=True)
        return None


def _course_format(certificate: Certificate) -> str:
    return str(dict(CoursePage.Format.choices).get(certificate.format, certificate.format)).lower()


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(_("Attestation de formation — %(course)s") % {"course": certificate.course_title})
    pdf.set_author(certificate.issuer_name)
    pdf.set_lang("fr-FR")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()

    x = 20
    for name, image in certificate_logos(certificate)[:5]:
        data = _png(image)
        if data is None:
            continue
        info = pdf.image(data, x=x, y=15, h=16, alt_text=name)
        x += info.rendered_width + 8
    pdf.set_y(38 if x > 20 else 20)

    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 12, _("Attestation de formation"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 12)
    user = certificate.user
    when = formats.date_format(timezone.localtime(certificate.completed_at), "j F Y")
    pdf.multi_cell(
        0,
        7,
        _("%(name)s a suivi et terminé le parcours « %(course)s » (%(hours)s h, %(format)s), le %(date)s.")
        % {
            "name": user.get_full_name() or user.email,
            "course": certificate.course_title,
            "hours": certificate.duration_hours,
            "format": _course_format(certificate),
            "date": when,
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 8, _("Modules terminés"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    for module in certificate.modules:
        pdf.multi_cell(0, 6, f"• {module['title']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 8, _("Compétences mises en œuvre"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    rows = certificate_competencies(certificate)
    if not rows:
        pdf.multi_cell(0, 7, _("Aucune compétence n'a encore été attestée."), new_x="LMARGIN", new_y="NEXT")
    for row in rows:
        competency = row.competency
        pdf.multi_cell(
            0,
            6,
            f"• {competency.framework.short_name} {competency.code} — {competency.name} : "
            + _("niveau %(level)s (%(label)s)") % {"level": row.level, "label": row.level_label}
            + f" — {', '.join(row.kinds)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if certificate.partner_names:
        pdf.ln(3)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(
            0,
            6,
            _("Parcours co-conçu par : %(partners)s.") % {"partners": ", ".join(certificate.partner_names)},
            new_x="LMARGIN",
            new_y="NEXT",
        )

    pdf.ln(6)
    top = pdf.get_y()
    if top > pdf.h - 70:
        pdf.add_page()
        top = pdf.get_y()
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=20, y=top, w=34, alt_text=_("Code QR de vérification"))
    pdf.set_xy(60, top + 2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, _("Délivrée par %(issuer)s") % {"issuer": certificate.issuer_name}, new_x="LMARGIN")
    pdf.set_x(60)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        0,
        5,
        _("Code de vérification : %(code)s") % {"code": certificate.code_display}
        + "\n"
        + _("Vérifiable par tous à l'adresse :")
        + f"\n{verify_url}",
        new_x="LMARGIN",
    )
    pdf.set_y(top + 40)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0,
        5,
        _("Attestation établie à partir des traces d'apprentissage (xAPI) de la formation."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
