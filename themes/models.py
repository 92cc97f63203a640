"""Per-site branding: each Wagtail site is one territory with its own name, operator and look."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from courses.branding import SiteIssuer
from courses.models import Partner


class AccentColour(models.TextChoices):
    """The DSFR illustrative colours a territory may take as its accent."""

    GREEN_TILLEUL_VERVEINE = "green-tilleul-verveine", _("Tilleul verveine")
    GREEN_BOURGEON = "green-bourgeon", _("Bourgeon")
    GREEN_EMERAUDE = "green-emeraude", _("Émeraude")
    GREEN_MENTHE = "green-menthe", _("Menthe")
    GREEN_ARCHIPEL = "green-archipel", _("Archipel")
    BLUE_ECUME = "blue-ecume", _("Écume")
    BLUE_CUMULUS = "blue-cumulus", _("Cumulus")
    PURPLE_GLYCINE = "purple-glycine", _("Glycine")
    PINK_MACARON = "pink-macaron", _("Macaron")
    PINK_TUILE = "pink-tuile", _("Tuile")
    YELLOW_TOURNESOL = "yellow-tournesol", _("Tournesol")
    YELLOW_MOUTARDE = "yellow-moutarde", _("Moutarde")
    ORANGE_TERRE_BATTUE = "orange-terre-battue", _("Terre battue")
    BROWN_CAFE_CREME = "brown-cafe-creme", _("Café crème")
    BROWN_CARAMEL = "brown-caramel", _("Caramel")
    BROWN_OPERA = "brown-opera", _("Opéra")
    BEIGE_GRIS_GALET = "beige-gris-galet", _("Gris galet")


class AccessibilityCompliance(models.TextChoices):
    """The RGAA compliance levels a site must state in its footer."""

    NONE = "non", _("non conforme")
    PARTIAL = "partiel", _("partiellement conforme")
    FULL = "total", _("totalement conforme")


@register_setting(icon="site")
class TerritorySettings(ClusterableModel, BaseSiteSetting):
    """Name, operator and look of the territory a site serves."""

    territory_name = models.CharField(
        _("nom du territoire"),
        max_length=120,
        blank=True,
        help_text=_("Titre du service dans l'en-tête, ex. « Val-d'Oise — Territoire numérique éducatif »."),
    )
    tagline = models.CharField(_("devise"), max_length=180, blank=True, help_text=_("Courte phrase sous le titre."))
    operator_name = models.CharField(
        _("nom de l'opérateur"), max_length=120, blank=True, help_text=_("ex. « Académie de Versailles »")
    )
    operator_logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo de l'opérateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("adresse de contact"), blank=True)
    is_state_site = models.BooleanField(
        _("site de l'État"),
        default=True,
        help_text=_(
            "Coché pour un site d'académie, qui porte le bloc-marque de la République française ; "
            "décoché pour le site d'une collectivité."
        ),
    )
    accent_colour = models.CharField(
        _("couleur d'accentuation"), max_length=30, choices=AccentColour.choices, blank=True
    )
    accessibility_compliance = models.CharField(
        _("conformité RGAA"),
        max_length=10,
        choices=AccessibilityCompliance.choices,
        default=AccessibilityCompliance.NONE,
        help_text=_("Affichée dans le pied de page, comme le RGAA l'impose."),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page de déclaration d'accessibilité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page des mentions légales"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page des données personnelles"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("territory_name"), FieldPanel("tagline"), FieldPanel("contact_email")],
            heading=_("Territoire"),
        ),
        MultiFieldPanel(
            [FieldPanel("is_state_site"), FieldPanel("operator_name"), FieldPanel("operator_logo")],
            heading=_("Opérateur"),
        ),
        FieldPanel("accent_colour"),
        InlinePanel("footer_partners", heading=_("Partenaires du pied de page"), label=_("partenaire")),
        MultiFieldPanel(
            [
                FieldPanel("accessibility_compliance"),
                FieldPanel("accessibility_page"),
                FieldPanel("legal_notice_page"),
                FieldPanel("privacy_page"),
            ],
            heading=_("Pages obligatoires"),
        ),
    ]

    class Meta:
        verbose_name = _("réglages du territoire")
        verbose_name_plural = _("réglages du territoire")

    def __str__(self):
        return self.territory_name or str(self.site)


def territory_issuer(site) -> SiteIssuer | None:
    """The operator a site's certificates name, with its logo (registered with courses in themes.apps)."""
    territory = TerritorySettings.for_site(site)
    if not territory.operator_logo_id:
        return None
    return SiteIssuer(name=territory.operator_name or territory.territory_name, logo=territory.operator_logo)


class TerritoryPartner(Orderable):
    """A partner whose logo the territory shows in its footer, in the order chosen."""

    territory = ParentalKey(TerritorySettings, on_delete=models.CASCADE, related_name="footer_partners")
    partner = models.ForeignKey(Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("partner")]

    class Meta(Orderable.Meta):
        verbose_name = _("partenaire du pied de page")
        verbose_name_plural = _("partenaires du pied de page")
