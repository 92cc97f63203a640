"""The activities a module is made of. Each one is aligned to competencies and a level."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from frameworks.models import Competency
from frameworks.selectors import max_levels

from .questionnaire_blocks import QuestionnaireBlock


def competency_choices():
    """The competencies grouped by framework (the editor shows only the chosen framework's group)."""

    try:
        groups: dict[str, list] = {}
        for c in Competency.objects.select_related("framework").order_by("framework__slug", "code"):
            groups.setdefault(c.framework.short_name, []).append((c.key, f"{c.code} — {c.name}"))
        return list(groups.items())
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
        max_level = max_levels().get(framework) or 0
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
        label = _("Texte")
        template = "courses/blocks/content_step.html"
        description = _("Un contenu à lire ou à regarder, que l'enseignant marque comme terminé.")


class ChoiceAnswerBlock(blocks.StructBlock):
    # Not required at this level: a true/false or short-answer question ignores its choices, so an empty
    # one left there is harmless; choice questions check their choices in QuestionBlock.clean.
    text = blocks.CharBlock(required=False, label=_("Réponse"))
    correct = blocks.BooleanBlock(required=False, label=_("Bonne réponse"))
    feedback = blocks.CharBlock(required=False, label=_("Retour affiché"))

    class Meta:
        icon = "radio-full"


class QuestionKind:
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    CHOICES = [
        (SINGLE, _("Choix unique")),
        (MULTIPLE, _("Choix multiples")),
        (TRUE_FALSE, _("Vrai / faux")),
        (SHORT_ANSWER, _("Réponse courte")),
    ]


class QuestionValue(blocks.StructValue):
    @property
    def question_kind(self) -> str:
        return self.get("kind") or QuestionKind.SINGLE

    @property
    def multiple(self) -> bool:
        """Boxes to tick rather than one radio button: a multiple-choice question (or, in modules written
        before question kinds existed, one with more than one right answer)."""
        if self.question_kind == QuestionKind.MULTIPLE:
            return True
        return self.question_kind == QuestionKind.SINGLE and sum(1 for c in self["choices"] if c["correct"]) > 1

    @property
    def is_choice(self) -> bool:
        return self.question_kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def accepted(self) -> list[str]:
        return [line.strip() for line in (self.get("accepted_answers") or "").splitlines() if line.strip()]


class QuestionBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=QuestionKind.CHOICES, default=QuestionKind.SINGLE, label=_("Type de question"))
    prompt = blocks.CharBlock(label=_("Question"))
    choices = blocks.ListBlock(
        ChoiceAnswerBlock(),
        min_num=0,
        label=_("Réponses proposées"),
        help_text=_("Pour un choix unique ou multiple : au moins deux réponses."),
    )
    true_is_correct = blocks.BooleanBlock(
        required=False, label=_("L'affirmation est vraie"), help_text=_("Pour une question vrai / faux.")
    )
    accepted_answers = blocks.TextBlock(
        required=False,
        label=_("Réponses acceptées"),
        help_text=_("Pour une réponse courte : une réponse acceptée par ligne (casse et accents ignorés)."),
    )
    feedback_correct = blocks.CharBlock(
        required=False, label=_("Retour si juste"), help_text=_("Vrai / faux et réponse courte.")
    )
    feedback_wrong = blocks.CharBlock(
        required=False, label=_("Retour si faux"), help_text=_("Vrai / faux et réponse courte.")
    )

    class Meta:
        icon = "help"
        label = _("Question")
        value_class = QuestionValue

    def clean(self, value):
        value = super().clean(value)
        kind = value.get("kind") or QuestionKind.SINGLE
        errors = {}
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = value["choices"]
            correct = sum(1 for choice in choices if choice["correct"])
            if any(not (choice["text"] or "").strip() for choice in choices):
                errors["choices"] = ValidationError(_("Donnez un texte à chaque réponse, ou supprimez-la."))
            elif len(choices) < 2:
                errors["choices"] = ValidationError(_("Proposez au moins deux réponses."))
            elif not correct:
                errors["choices"] = ValidationError(_("Indiquez au moins une bonne réponse."))
            elif kind == QuestionKind.SINGLE and correct > 1:
                errors["choices"] = ValidationError(
                    _("Un choix unique n'a qu'une bonne réponse : choisissez « Choix multiples ».")
                )
        if kind == QuestionKind.SHORT_ANSWER and not (value.get("accepted_answers") or "").strip():
            errors["accepted_answers"] = ValidationError(_("Indiquez au moins une réponse acceptée."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class QuizBlock(blocks.StructBlock):
    """A scored quiz; passing it evidences the aligned competencies at the given level."""

    title = blocks.CharBlock(label=_("Titre"))
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("Questions"))
    pass_mark = blocks.IntegerBlock(
        min_value=0, max_value=100, default=70, label=_("Seuil de réussite (%)"), help_text=_("Score minimal, en %.")
    )
    max_attempts = blocks.IntegerBlock(
        required=False,
        min_value=0,
        max_value=20,
        default=0,
        label=_("Nombre de tentatives"),
        help_text=_("0 ou vide : illimité."),
    )
    alignment = AlignmentBlock()

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"
        description = _(
            "Un quiz noté (choix unique ou multiple, vrai / faux, réponse courte) avec un seuil de réussite."
        )


class VideoBlock(blocks.StructBlock):
    """A video, uploaded or embedded, always with its transcript."""

    title = blocks.CharBlock(label=_("Titre"))
    video_file = DocumentChooserBlock(
        required=False, label=_("Vidéo déposée"), help_text=_("Un fichier MP4 ou WebM déposé dans les documents.")
    )
    embed_url = blocks.URLBlock(
        required=False, label=_("Vidéo intégrée (adresse)"), help_text=_("ex. une vidéo de Canopé ou de PeerTube.")
    )
    transcript = blocks.RichTextBlock(label=_("Transcription"))
    alignment = AlignmentBlock()

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "courses/blocks/video.html"
        description = _("Une vidéo déposée ou intégrée, avec sa transcription.")

    VIDEO_EXTENSIONS = ("mp4", "webm", "ogv")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video_file")) == bool(value.get("embed_url")):
            raise StructBlockValidationError(
                block_errors={
                    "embed_url": ValidationError(_("Déposez une vidéo ou donnez son adresse (l'un des deux)."))
                }
            )
        document = value.get("video_file")
        if document and document.file_extension.lower() not in self.VIDEO_EXTENSIONS:
            raise StructBlockValidationError(
                block_errors={
                    "video_file": ValidationError(
                        _("Ce document n'est pas une vidéo lisible dans le navigateur (mp4, webm ou ogv).")
                    )
                }
            )
        return value


class ResourceBlock(blocks.StructBlock):
    """A document or a link to consult."""

    title = blocks.CharBlock(label=_("Titre"))
    description = blocks.RichTextBlock(required=False, label=_("Présentation"))
    document = DocumentChooserBlock(required=False, label=_("Document"))
    url = blocks.URLBlock(required=False, label=_("Lien"))
    alignment = AlignmentBlock()

    class Meta:
        icon = "doc-full-inverse"
        label = _("Ressource")
        template = "courses/blocks/resource.html"
        description = _("Un document ou un lien à consulter.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("document") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"document": ValidationError(_("Choisissez un document ou indiquez un lien."))}
            )
        return value


class RubricCriterionBlock(blocks.StructBlock):
    criterion = blocks.CharBlock(label=_("Critère"))
    description = blocks.CharBlock(required=False, label=_("Ce qui est attendu"))

    class Meta:
        icon = "list-ul"


class PracticalTaskBlock(blocks.StructBlock):
    """A task done in class; the teacher uploads evidence that a trainer reviews against a rubric."""

    title = blocks.CharBlock(label=_("Titre"))
    instructions = blocks.RichTextBlock(label=_("Consignes"))
    rubric = blocks.ListBlock(RubricCriterionBlock(), min_num=1, label=_("Grille d'évaluation"))
    alignment = AlignmentBlock()

    class Meta:
        icon = "upload"
        label = _("Mise en pratique")
        template = "courses/blocks/practical_task.html"
        description = _("Une production déposée par l'enseignant, validée par un formateur selon une grille.")


class JournalBlock(blocks.StructBlock):
    """A reflective journal entry."""

    title = blocks.CharBlock(label=_("Titre"))
    prompt = blocks.RichTextBlock(label=_("Question de réflexion"))
    min_length = blocks.IntegerBlock(min_value=0, default=100, label=_("Longueur minimale (caractères)"))
    alignment = AlignmentBlock()

    class Meta:
        icon = "edit"
        label = _("Journal réflexif")
        template = "courses/blocks/journal.html"
        description = _("Un temps d'écriture réflexive sur sa pratique.")


class SessionBlock(blocks.StructBlock):
    """A scheduled session with a capacity; the trainer takes attendance."""

    title = blocks.CharBlock(label=_("Titre"))
    date = blocks.DateBlock(label=_("Date"))
    start_time = blocks.TimeBlock(label=_("Début"))
    end_time = blocks.TimeBlock(label=_("Fin"))
    capacity = blocks.IntegerBlock(min_value=1, default=20, label=_("Places"))
    description = blocks.RichTextBlock(required=False, label=_("Programme"))
    alignment = AlignmentBlock()

    def clean(self, value):
        value = super().clean(value)
        if value.get("start_time") and value.get("end_time") and value["end_time"] <= value["start_time"]:
            raise StructBlockValidationError(
                block_errors={"end_time": ValidationError(_("La fin doit suivre le début."))}
            )
        return value


class InPersonSessionBlock(SessionBlock):
    place = blocks.CharBlock(label=_("Lieu"), help_text=_("ex. Atelier Canopé de Cergy, 2 rue …"))

    class Meta:
        icon = "group"
        label = _("Session en présentiel")
        template = "courses/blocks/session.html"
        description = _("Une session en présence : date, lieu, places, inscription, présence.")


class VirtualClassBlock(SessionBlock):
    link = blocks.URLBlock(label=_("Lien de la classe virtuelle"))

    class Meta:
        icon = "globe"
        label = _("Classe virtuelle")
        template = "courses/blocks/session.html"
        description = _("Une classe virtuelle : date, lien, places, inscription, présence.")


class ExternalXapiBlock(blocks.StructBlock):
    """External xAPI content launched cmi5-style: it reports to Relais's own LRS."""

    title = blocks.CharBlock(label=_("Titre"))
    launch_url = blocks.CharBlock(
        max_length=2000,
        label=_("Adresse de lancement"),
        help_text=_("L'adresse du contenu (AU cmi5), en https:// ou relative au site (/static/…)."),
    )
    activity_id = blocks.URLBlock(
        label=_("Identifiant de l'activité (IRI)"),
        help_text=_(
            "L'identifiant que l'éditeur donne au contenu (l'« id » de l'AU cmi5). Relais le place dans le "
            "regroupement de chaque déclaration et lance le contenu sous un identifiant qui lui est propre."
        ),
    )
    move_on = blocks.ChoiceBlock(
        choices=[
            ("Completed", _("Terminé")),
            ("Passed", _("Réussi")),
            ("CompletedAndPassed", _("Terminé et réussi")),
            ("CompletedOrPassed", _("Terminé ou réussi")),
            ("NotApplicable", _("Sans condition (validé dès l'ouverture)")),
        ],
        default="CompletedOrPassed",
        label=_("Condition de validation"),
        help_text=_("Le « moveOn » de cmi5 : ce que le contenu doit déclarer pour que l'étape compte comme faite."),
    )
    mastery_score = blocks.FloatBlock(
        required=False,
        min_value=0,
        max_value=1,
        label=_("Score de maîtrise (0 à 1)"),
        help_text=_(
            "Le « masteryScore » de cmi5, transmis au contenu : un score normalisé (0,8 pour 80 %) à partir "
            "duquel il déclare « réussi ». Vide : le contenu en décide."
        ),
    )
    alignment = AlignmentBlock()

    class Meta:
        icon = "link-external"
        label = _("Contenu xAPI externe (cmi5)")
        template = "courses/blocks/external_xapi.html"
        description = _("Un contenu tiers lancé à la manière de cmi5, qui envoie ses déclarations au LRS de Relais.")

    def clean(self, value):
        value = super().clean(value)
        url = value.get("launch_url") or ""
        if not (url.startswith(("https://", "http://")) or (url.startswith("/") and not url.startswith("//"))):
            raise StructBlockValidationError(
                block_errors={"launch_url": ValidationError(_("Donnez une adresse en https:// ou commençant par /."))}
            )
        return value


class ActivityStreamBlock(blocks.StreamBlock):
    content_step = ContentStepBlock()
    video = VideoBlock()
    resource = ResourceBlock()
    quiz = QuizBlock()
    practical_task = PracticalTaskBlock()
    journal = JournalBlock()
    in_person_session = InPersonSessionBlock()
    virtual_class = VirtualClassBlock()
    external_xapi = ExternalXapiBlock()
    questionnaire = QuestionnaireBlock()

    class Meta:
        block_counts = {}
