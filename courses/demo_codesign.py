"""The demo's co-designed course: partners, and one module holding every activity kind."""

from datetime import date, time, timedelta

from django.conf import settings

from frameworks.models import Competency

from .models import CatalogPage, CourseCompetency, CoursePage, ModulePage, Partner


def _alignment(competencies, level):
    return {"framework": "crcn-edu", "competencies": competencies, "level": level}


def every_block_activities(*, session_day: date) -> list[dict]:
    """One activity of each kind: what a co-designed hybrid module can hold."""
    return [
        {
            "type": "content_step",
            "value": {
                "title": "Pourquoi différencier avec le numérique",
                "body": "<p>Le numérique permet d'ajuster le rythme, le support et l'aide à chaque élève.</p>",
                "alignment": _alignment(["crcn-edu/4.1"], 3),
            },
        },
        {
            "type": "video",
            "value": {
                "title": "Une classe qui différencie",
                "video_file": None,
                "embed_url": "https://tube-numerique-educatif.apps.education.fr/w/relais-demo-differenciation",
                "transcript": "<p>Transcription : la professeure présente trois parcours d'exercices et explique "
                "comment chaque élève choisit le sien.</p>",
                "alignment": _alignment(["crcn-edu/4.1"], 3),
            },
        },
        {
            "type": "resource",
            "value": {
                "title": "Fiche repère : différencier",
                "description": "<p>Une fiche de synthèse à garder sous la main.</p>",
                "document": None,
                "url": "https://eduscol.education.fr/",
                "alignment": _alignment(["crcn-edu/2.1"], 3),
            },
        },
        {
            "type": "quiz",
            "value": {
                "title": "Quiz : différencier",
                "pass_mark": 75,
                "max_attempts": 3,
                "alignment": _alignment(["crcn-edu/4.1"], 3),
                "questions": [
                    {
                        "kind": "single",
                        "prompt": "Différencier, c'est…",
                        "choices": [
                            {
                                "text": "Proposer des chemins variés vers un même objectif",
                                "correct": True,
                                "feedback": "Oui : l'objectif reste commun.",
                            },
                            {
                                "text": "Donner des objectifs différents à chaque élève",
                                "correct": False,
                                "feedback": "Non : l'objectif reste le même pour tous.",
                            },
                        ],
                    },
                    {
                        "kind": "multiple",
                        "prompt": "Quels leviers le numérique offre-t-il ?",
                        "choices": [
                            {"text": "Le rythme", "correct": True, "feedback": ""},
                            {"text": "Le support", "correct": True, "feedback": ""},
                            {"text": "La note finale", "correct": False, "feedback": ""},
                        ],
                    },
                    {
                        "kind": "true_false",
                        "prompt": "Un exerciseur peut adapter la difficulté aux réponses de l'élève.",
                        "choices": [],
                        "true_is_correct": True,
                        "feedback_correct": "Exact.",
                        "feedback_wrong": "Si : c'est le principe d'un exerciseur adaptatif.",
                    },
                    {
                        "kind": "short_answer",
                        "prompt": "Quel service national permet d'évaluer les compétences numériques ?",
                        "choices": [],
                        "accepted_answers": "Pix\nPix+ Édu",
                        "feedback_correct": "Oui, Pix.",
                        "feedback_wrong": "Il s'agit de Pix.",
                    },
                ],
            },
        },
        {
            "type": "practical_task",
            "value": {
                "title": "Mise en pratique : une séance différenciée",
                "instructions": "<p>Menez une séance avec deux parcours d'exercices et déposez sa fiche de "
                "préparation.</p>",
                "rubric": [
                    {
                        "criterion": "Objectif commun explicite",
                        "description": "Un seul objectif pour toute la classe.",
                    },
                    {"criterion": "Au moins deux parcours", "description": "Des supports ou des rythmes différents."},
                ],
                "alignment": _alignment(["crcn-edu/4.1", "crcn-edu/3.1"], 4),
            },
        },
        {
            "type": "journal",
            "value": {
                "title": "Journal : ce que je retiens",
                "prompt": "<p>Qu'allez-vous changer dans votre prochaine séance ?</p>",
                "min_length": 40,
                "alignment": _alignment(["crcn-edu/1.2"], 3),
            },
        },
        {
            "type": "in_person_session",
            "value": {
                "title": "Atelier en présentiel à l'Atelier Canopé",
                "date": session_day.isoformat(),
                "start_time": time(14, 0).isoformat(),
                "end_time": time(17, 0).isoformat(),
                "capacity": 12,
                "place": "Atelier Canopé 95, Cergy",
                "description": "<p>Construire ensemble une séance différenciée.</p>",
                "alignment": _alignment(["crcn-edu/4.1"], 3),
            },
        },
        {
            "type": "virtual_class",
            "value": {
                "title": "Classe virtuelle de retour d'expérience",
                "date": (session_day + timedelta(days=14)).isoformat(),
                "start_time": time(17, 0).isoformat(),
                "end_time": time(18, 0).isoformat(),
                "capacity": 30,
                "link": "https://visio-agents.education.fr/relais-demo",
                "description": "<p>Chacun présente ce qu'il a essayé.</p>",
                "alignment": _alignment(["crcn-edu/1.2"], 3),
            },
        },
        {
            "type": "external_xapi",
            "value": {
                "title": "Contenu interactif (cmi5)",
                "launch_url": "/static/courses/cmi5/au.html",
                "activity_id": f"{settings.RELAIS_BASE_URL}/activites/externes/differencier-avec-le-numerique",
                "move_on": "Completed",
                "alignment": _alignment(["crcn-edu/2.1"], 3),
            },
        },
    ]


EVERY_BLOCK_COURSE = {
    "slug": "differencier-avec-le-numerique",
    "title": "Différencier avec le numérique",
    "summary": "Un parcours hybride co-conçu : vidéo, ressource, quiz, mise en pratique, journal, atelier en "
    "présentiel, classe virtuelle et contenu interactif.",
    "format": "hybride",
    "audience": "1d",
    "hours": 9,
    "prerequisites": "Avoir mené au moins une séance avec des tablettes ou un exerciseur.",
    "targets": [("4.1", 4), ("3.1", 3)],
    "module": {"slug": "differencier-module-complet", "title": "Différencier : le module complet"},
}

PARTNERS = [
    ("Réseau Canopé", "canope", "https://www.reseau-canope.fr/", "partenaire-canope"),
    ("DRANE de Versailles", "dane", "https://www.dane.ac-versailles.fr/", "partenaire-drane"),
    ("Département du Val-d'Oise", "collectivite", "https://www.valdoise.fr/", None),
]


def partners_load() -> list:
    """Réseau Canopé, the DRANE and the Département as partner snippets (idempotent)."""
    partners = []
    for name, kind, url, _reviewer in PARTNERS:
        partner, _ = Partner.objects.get_or_create(name=name, defaults={"kind": kind, "url": url})
        if partner.kind != kind:
            partner.kind = kind
            partner.save(update_fields=["kind"])
        partners.append(partner)
    return partners


def every_block_course(catalogue: CatalogPage, partners) -> CoursePage:
    """The published demo course whose module holds every activity kind (idempotent)."""
    data = EVERY_BLOCK_COURSE
    course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
    if course is None:
        course = CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            format=data["format"],
            audience=data["audience"],
            duration_hours=data["hours"],
            prerequisites=data["prerequisites"],
        )
        for code, level in data["targets"]:
            competency = Competency.objects.get(framework__slug="crcn-edu", code=code)
            course.target_competencies.add(CourseCompetency(competency=competency, target_level=level))
        course.co_designers = partners
        catalogue.add_child(instance=course)
        course.save_revision().publish()
    module_data = data["module"]
    if not ModulePage.objects.child_of(course).filter(slug=module_data["slug"]).exists():
        module = ModulePage(
            title=module_data["title"],
            slug=module_data["slug"],
            intro="<p>Un module hybride : en ligne, en atelier et en classe virtuelle.</p>",
            # Sessions already held, so that a trainer can take attendance in the demo.
            activities=every_block_activities(session_day=date.today() - timedelta(days=20)),
        )
        course.add_child(instance=module)
        module.save_revision().publish()
    return course
