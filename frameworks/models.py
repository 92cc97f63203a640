"""Competency frameworks (CRCN, CRCN Édu): domains, competencies, levels."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .alignment import framework_iri


class Framework(models.Model):
    # The shipped frameworks' slugs (data/*.json): the code names them through these only.
    CRCN = "crcn"
    CRCN_EDU = "crcn-edu"  # Pix+ Édu's scale: the ambassadors' policies are written on it

    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    short_name = models.CharField(_("nom court"), max_length=40)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        db_table = "competencies_framework"
        ordering = ["slug"]
        verbose_name = _("référentiel")
        verbose_name_plural = _("référentiels")

    def __str__(self):
        return self.short_name

    @cached_property
    def max_level(self) -> int:
        """The highest level of the framework (8 for the CRCN, 5 for the CRCN Édu), from its levels."""
        return max((level.number for level in self.levels.all()), default=0)

    @property
    def iri(self) -> str:
        return framework_iri(self.slug)


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("nom"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)

    class Meta:
        db_table = "competencies_domain"
        ordering = ["framework", "code"]
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="domain_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("nom"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    lsu_code = models.CharField(_("code LSU"), max_length=20, blank=True)
    pix_label = models.CharField(_("libellé Pix"), max_length=200, blank=True)
    # The IRI statements carry in context.contextActivities.other.
    iri = models.CharField(_("IRI"), max_length=300, unique=True)

    class Meta:
        db_table = "competencies_competency"
        ordering = ["framework", "code"]
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="competency_unique_code")]

    def __str__(self):
        return f"{self.framework.short_name} {self.code} — {self.name}"

    @property
    def key(self) -> str:
        """`<framework slug>/<code>`, the value stored in course blocks."""
        return f"{self.framework.slug}/{self.code}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("niveau"))
    label = models.CharField(_("libellé"), max_length=100)
    label_en = models.CharField(_("libellé (anglais)"), max_length=100, blank=True)
    group = models.CharField(_("groupe"), max_length=100, blank=True)
    group_en = models.CharField(_("groupe (anglais)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)

    class Meta:
        db_table = "competencies_level"
        ordering = ["framework", "number"]
        verbose_name = _("niveau")
        verbose_name_plural = _("niveaux")
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="level_unique_number")]

    def __str__(self):
        return f"{self.framework.short_name} {self.number} — {self.label}"
