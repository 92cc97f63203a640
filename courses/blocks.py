"""The activities a module is made of. Each one is aligned to competencies and a level."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


def competency_choices():
    from competencies.models import Competency

    try:
        return [
            (c.key, f"{c.framework.short_name} {c.code} — {c.name}")
            for c in Competency.objects.select_related("framework").order_by("framework__slug", "code")
        ]
    except Exception:  # the table may not exist yet (first migrate)
        return []


def framework_choices():
    return [("crcn-edu", "CRCN Édu"), ("crcn", "CRCN")]


class AlignmentBlock(blocks.StructBlock):
    """The competencies an activity develops and the level it evidences."""

    framework = blocks.ChoiceBlock(choices=framework_choices, default="crcn-edu", label=_("Référentiel"))
    competencies = blocks.MultipleChoiceBlock(choices=competency_choices, label=_("Compétences"))
    level = blocks.IntegerBlock(
        min_value=1, max_value=8, label=_("Niveau visé"), help_text=_("CRCN Édu : 1 à 5 ; CRCN : 1 à 8.")
    )

    class Meta:
        icon = "tag"
        label = _("Alignement sur les compétences")

    def clean(self, value):
        value = super().clean(value)
        framework = value.get("framework")
        wrong = [key for key in value.get("competencies") or [] if not key.startswith(f"{framework}/")]
        errors = {}
        if wrong:
            errors["competencies"] = ValidationError(
                _("Ces compétences n'appartiennent pas au référentiel choisi : %(keys)s"),
                params={"keys": ", ".join(wrong)},
            )
        max_level = 5 if framework == "crcn-edu" else 8
        if value.get("level") and value["level"] > max_level:
            errors["level"] = ValidationError(
                _("Le niveau doit être compris entre 1 et %(max)s pour ce référentiel."), params={"max": max_level}
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ContentStepBlock(blocks.StructBlock):
    """A step of reading or watching, completed by the teacher."""

    title = blocks.CharBlock(label=_("Titre"))
    body = blocks.RichTextBlock(label=_("Contenu"))
    alignment = AlignmentBlock()

    class Meta:
        icon = "doc-full"
        label = _("Étape de contenu")
        template = "courses/blocks/content_step.html"
        description = _("Un contenu à lire ou à regarder, que l'enseignant marque comme terminé.")


class ChoiceAnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Réponse"))
    correct = blocks.BooleanBlock(required=False, label=_("Bonne réponse"))
    feedback = blocks.CharBlock(required=False, label=_("Retour affiché"))

    class Meta:
        icon = "radio-full"


class QuestionValue(blocks.StructValue):
    @property
    def multiple(self) -> bool:
        """More than one right answer: the teacher ticks boxes rather than one radio button."""
        return sum(1 for choice in self["choices"] if choice["correct"]) > 1


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("Question"))
    choices = blocks.ListBlock(ChoiceAnswerBlock(), min_num=2, label=_("Réponses proposées"))

    class Meta:
        icon = "help"
        label = _("Question")
        value_class = QuestionValue

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError(_("Indiquez au moins une bonne réponse."))}
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A scored quiz; passing it evidences the aligned competencies at the given level."""

    title = blocks.CharBlock(label=_("Titre"))
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("Questions"))
    pass_mark = blocks.IntegerBlock(
        min_value=0, max_value=100, default=70, label=_("Seuil de réussite (%)"), help_text=_("Score minimal, en %.")
    )
    alignment = AlignmentBlock()

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"
        description = _("Un quiz noté à choix multiples, avec un seuil de réussite.")


class ActivityStreamBlock(blocks.StreamBlock):
    content_step = ContentStepBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts = {}
