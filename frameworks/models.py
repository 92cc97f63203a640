"""Competency frameworks (CRCN, CRCN Édu): domains, competencies, levels."""

import re

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from .alignment import framework_iri


def in_language(obj, field: str) -> str:
    """`field` in the active language: its `<field>_en` twin in English when filled, else the French."""
    if (get_language() or "fr").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


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

    def title_display(self) -> str:
        return in_language(self, "title")

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

    def name_display(self) -> str:
        return in_language(self, "name")

    def description_display(self) -> str:
        return in_language(self, "description")


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

    def name_display(self) -> str:
        return in_language(self, "name")

    def description_display(self) -> str:
        return in_language(self, "description")

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

    def label_display(self) -> str:
        return in_language(self, "label")

    def group_display(self) -> str:
        return in_language(self, "group")

    def description_display(self) -> str:
        return in_language(self, "description")

    def name_display(self) -> str:
        """« Niveau 3 — Indépendant », « Niveau 2 — Confirmé (Formation initiale) »: the number and its name."""
        return level_name(self.number, self.label_display(), self.group_display())

    def title_display(self) -> str:
        """The level's name alone, in the active language: « Indépendant » (the number shown beside it)."""
        return level_title(self.label_display(), self.group_display())


def level_title(label: str, group: str = "") -> str:
    """A level's name without its number. A label that only repeats the number (the CRCN's « Novice –
    niveau 1 ») gives way to its group; a label two levels share (CRCN Édu's « Confirmé ») is told apart
    by its group."""
    if re.search(r"(niveau|level)\s*\d", label, re.IGNORECASE) and group:
        return group
    if group and label != group and "(" not in label:
        return f"{label} ({group.lower()})"
    return label


def level_name(number: int, label: str, group: str = "") -> str:
    """A level by its number and name: « Niveau 3 — Indépendant »."""
    name = level_title(label, group)
    if not name:
        return gettext_now("Niveau %(number)s") % {"number": number}
    return gettext_now("Niveau %(number)s — %(name)s") % {"number": number, "name": name}
