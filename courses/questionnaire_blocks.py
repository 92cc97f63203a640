"""Questionnaire blocks: a reaction questionnaire at the end of a module, a follow-up one per course.

Neither is scored nor aligned to competencies: they ask the teacher's opinion and practice. Each question
has a stable key (the column of the evaluators' export) and one of four kinds: a 5-point Likert scale, a
single choice, multiple choices, free text."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

LIKERT_POINTS = 5


class QuestionnaireKind:
    LIKERT = "likert"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    CHOICES = [
        (LIKERT, _("Échelle d'accord (5 points)")),
        (SINGLE, _("Choix unique")),
        (MULTIPLE, _("Choix multiples")),
        (TEXT, _("Texte libre")),
    ]
    # The xAPI interaction type of each kind (xAPI-Data 2.4.4.1).
    INTERACTION = {LIKERT: "likert", SINGLE: "choice", MULTIPLE: "choice", TEXT: "long-fill-in"}


def likert_default_labels() -> list[str]:
    return [
        gettext("Pas du tout d'accord"),
        gettext("Plutôt pas d'accord"),
        gettext("Ni d'accord ni pas d'accord"),
        gettext("Plutôt d'accord"),
        gettext("Tout à fait d'accord"),
    ]


class SurveyQuestionValue(blocks.StructValue):
    @property
    def question_kind(self) -> str:
        return self.get("kind") or QuestionnaireKind.LIKERT

    @property
    def interaction_type(self) -> str:
        return QuestionnaireKind.INTERACTION[self.question_kind]

    @property
    def is_choice(self) -> bool:
        return self.question_kind in (QuestionnaireKind.SINGLE, QuestionnaireKind.MULTIPLE)

    @property
    def multiple(self) -> bool:
        return self.question_kind == QuestionnaireKind.MULTIPLE

    @property
    def scale_labels(self) -> list[str]:
        """The 5 labels of a Likert scale, from "disagree" (1) to "agree" (5)."""
        labels = [label for label in self.get("scale") or [] if (label or "").strip()]
        return labels if len(labels) == LIKERT_POINTS else likert_default_labels()

    @property
    def options(self) -> list[str]:
        return [choice for choice in self.get("choices") or [] if (choice or "").strip()]


class SurveyQuestionBlock(blocks.StructBlock):
    key = blocks.RegexBlock(
        regex=r"^[a-z0-9_]{1,50}$",
        error_messages={"invalid": _("Lettres minuscules sans accent, chiffres et _ seulement.")},
        label=_("Clé"),
        help_text=_("Un nom court et stable, propre à la question (ex. utile) : la colonne de l'export."),
    )
    kind = blocks.ChoiceBlock(
        choices=QuestionnaireKind.CHOICES, default=QuestionnaireKind.LIKERT, label=_("Type de question")
    )
    prompt = blocks.CharBlock(max_length=500, label=_("Question ou affirmation"))
    choices = blocks.ListBlock(
        blocks.CharBlock(required=False, max_length=200, label=_("Réponse proposée")),
        min_num=0,
        label=_("Réponses proposées"),
        help_text=_("Pour un choix unique ou multiple : au moins deux réponses."),
    )
    scale = blocks.ListBlock(
        blocks.CharBlock(required=False, max_length=100, label=_("Libellé")),
        min_num=0,
        label=_("Libellés de l'échelle"),
        help_text=_("Pour une échelle : cinq libellés, du désaccord à l'accord ; vide : les libellés usuels."),
    )
    required = blocks.BooleanBlock(required=False, default=True, label=_("Réponse obligatoire"))

    class Meta:
        icon = "help"
        label = _("Question")
        value_class = SurveyQuestionValue

    def clean(self, value):
        value = super().clean(value)
        kind = value.get("kind")
        errors = {}
        filled = [c for c in value.get("choices") or [] if (c or "").strip()]
        if kind in (QuestionnaireKind.SINGLE, QuestionnaireKind.MULTIPLE) and len(filled) < 2:
            errors["choices"] = ValidationError(_("Proposez au moins deux réponses."))
        labels = [label for label in value.get("scale") or [] if (label or "").strip()]
        if kind == QuestionnaireKind.LIKERT and labels and len(labels) != LIKERT_POINTS:
            errors["scale"] = ValidationError(_("Donnez cinq libellés, ou aucun pour les libellés usuels."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


def _question(key, kind, prompt, choices=(), required=True) -> dict:
    return {"key": key, "kind": kind, "prompt": prompt, "choices": list(choices), "scale": [], "required": required}


def reaction_default() -> dict:
    """The reaction questionnaire a trainer gets when inserting the block (in the editor's language)."""
    L, S, T = QuestionnaireKind.LIKERT, QuestionnaireKind.SINGLE, QuestionnaireKind.TEXT
    return {
        "title": gettext("Votre avis sur ce module"),
        "intro": gettext("Quelques questions pour améliorer la formation. Vos réponses sont anonymisées."),
        "questions": [
            _question("utile", L, gettext("Ce module m'a été utile pour mon métier.")),
            _question("applicable", L, gettext("Je pourrai appliquer ce que j'ai appris dans ma classe.")),
            _question("clair", L, gettext("Les contenus et les consignes étaient clairs.")),
            _question(
                "duree",
                S,
                gettext("La durée du module était…"),
                [gettext("Trop courte"), gettext("Adaptée"), gettext("Trop longue")],
            ),
            _question(
                "remarque", T, gettext("Une remarque, une suggestion pour améliorer ce module ?"), required=False
            ),
        ],
    }


def follow_up_default() -> dict:
    """The follow-up questionnaire (transfer to the classroom), sent some weeks after the course."""
    L, S, M, T = (
        QuestionnaireKind.LIKERT,
        QuestionnaireKind.SINGLE,
        QuestionnaireKind.MULTIPLE,
        QuestionnaireKind.TEXT,
    )
    return {
        "title": gettext("Et maintenant, dans votre classe ?"),
        "intro": gettext("Quelques semaines après la formation : qu'en avez-vous fait avec vos élèves ?"),
        "questions": [
            _question(
                "mise_en_oeuvre",
                S,
                gettext("Depuis la formation, avez-vous mis en œuvre en classe ce que vous y avez appris ?"),
                [
                    gettext("Oui, régulièrement"),
                    gettext("Oui, une ou deux fois"),
                    gettext("Pas encore, mais c'est prévu"),
                    gettext("Non"),
                ],
            ),
            _question(
                "pratiques",
                M,
                gettext("Qu'avez-vous fait avec vos élèves ?"),
                [
                    gettext("Utilisé un outil ou une ressource présentés en formation"),
                    gettext("Conçu une séance intégrant le numérique"),
                    gettext("Différencié avec le numérique"),
                    gettext("Fait produire les élèves avec le numérique"),
                    gettext("Partagé ces pratiques avec des collègues"),
                ],
                required=False,
            ),
            _question("effet_eleves", L, gettext("Ces pratiques ont aidé mes élèves à apprendre.")),
            _question(
                "freins",
                M,
                gettext("Qu'est-ce qui vous a freiné ?"),
                [
                    gettext("Le manque de temps"),
                    gettext("L'équipement ou le réseau"),
                    gettext("Le besoin d'être accompagné"),
                    gettext("Rien de particulier"),
                ],
                required=False,
            ),
            _question(
                "exemple",
                T,
                gettext("Racontez en quelques lignes une séance où vous avez réinvesti la formation."),
                required=False,
            ),
        ],
    }


class QuestionnaireBlock(blocks.StructBlock):
    """A reaction questionnaire at the end of a module: answering it completes the step."""

    title = blocks.CharBlock(label=_("Titre"))
    intro = blocks.TextBlock(required=False, label=_("Introduction"))
    questions = blocks.ListBlock(SurveyQuestionBlock(), min_num=1, label=_("Questions"))

    class Meta:
        icon = "form"
        label = _("Questionnaire de fin de module")
        template = "courses/blocks/questionnaire.html"
        description = _("Un questionnaire « à chaud » : utilité, applicabilité, remarques. Non noté.")
        default = staticmethod(reaction_default)  # a plain function on the Meta class would be bound

    def clean(self, value):
        value = super().clean(value)
        keys = [question["key"] for question in value["questions"]]
        doubles = sorted({key for key in keys if keys.count(key) > 1})
        if doubles:
            raise StructBlockValidationError(
                block_errors={
                    "questions": ValidationError(
                        _("Chaque question a sa propre clé ; en double : %(keys)s."),
                        params={"keys": ", ".join(doubles)},
                    )
                }
            )
        return value


class FollowUpQuestionnaireBlock(QuestionnaireBlock):
    """The follow-up questionnaire of a course, sent by e-mail some weeks after its completion."""

    class Meta:
        icon = "mail"
        label = _("Questionnaire de suivi")
        template = None
        description = _("Envoyé par courriel quelques semaines après la fin du parcours : le transfert en classe.")
        default = staticmethod(follow_up_default)
