"""Who signs the certificates of a site: the signatory's name and title, and an optional signature image.

A site setting (admin: Paramètres → Signature des attestations). Each certificate keeps the signatory's
name and title of the day it was issued; the image is shown only while the same person still signs."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="edit")
class CertificateSettings(BaseSiteSetting):
    signatory_name = models.CharField(
        _("nom du signataire"), max_length=120, blank=True, help_text=_("ex. « Claire Martin »")
    )
    signatory_title = models.CharField(
        _("qualité du signataire"),
        max_length=200,
        blank=True,
        help_text=_("ex. « La directrice académique du numérique »"),
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image de la signature"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Facultative : une signature scannée, sur fond blanc ou transparent."),
    )

    panels = [FieldPanel("signatory_name"), FieldPanel("signatory_title"), FieldPanel("signature_image")]

    class Meta:
        verbose_name = _("signature des attestations")
        verbose_name_plural = _("signature des attestations")


@dataclass
class Signatory:
    name: str
    title: str
    image: object | None  # a Wagtail image, or None


def signatory_current(site) -> tuple[str, str]:
    """The name and title a certificate issued now on `site` records (blank when none is set)."""
    if site is None:
        return "", ""
    setting = CertificateSettings.for_site(site)
    return setting.signatory_name.strip(), setting.signatory_title.strip()


def certificate_signatory(certificate) -> Signatory | None:
    """Who signed `certificate` (recorded when it was issued), with the image if that person still signs."""
    if not certificate.signatory_name:
        return None
    image = None
    course = certificate.course
    site = course.get_site() if course is not None else None
    if site is not None:
        setting = CertificateSettings.for_site(site)
        if setting.signature_image_id and setting.signatory_name.strip() == certificate.signatory_name:
            image = setting.signature_image
    return Signatory(certificate.signatory_name, certificate.signatory_title, image)
