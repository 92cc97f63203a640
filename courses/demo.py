"""A demo territory: the académie de Versailles, with the Val-d'Oise (a TNE) and the Yvelines.

The schools are fictional but shaped like the Annuaire de l'éducation (valid UAI check letters,
real communes, INSEE codes and coordinates; the shipped extract covers the Val-de-Marne only).
18 months of learning follow the school year (`demo_history`): every event goes through the same
services as the site, dated in the past, so statements, evidence, levels and their history are
exactly what real use would have given. Running it twice creates nothing new.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation
from wagtail.models import Page, Site

from ambassadors.models import AmbassadorBadge, AmbassadorConsent, AmbassadorProposal
from ambassadors.services import ambassadors_propose, consent_set, proposal_decide
from evidence.models import LevelChange
from evidence.services import levels_refresh
from frameworks.models import Competency
from frameworks.services import frameworks_load_shipped
from lms.models import UAI_LETTERS, Departement, Membership, School
from lms.territories import territories_load
from questionnaires.models import FollowUpInvitation, Kind, QuestionnaireResponse
from xapi.models import Statement

from . import demo_history, demo_questionnaires
from .codesign import codesign_workflow_setup, local_adaptation_create, trainer_group_for
from .demo_codesign import PARTNERS, every_block_course, partners_load
from .models import CatalogPage, CourseCompetency, CoursePage, Enrollment, ModulePage, SessionRegistration
from .questionnaire_blocks import follow_up_default, reaction_default
from .signature import CertificateSettings

DEMO_PASSWORD = "relais-demo-2026"  # noqa: S105 (printed for the demo)
DEMO_DOMAIN = "demo.relais.fr"

# Real communes (INSEE code, coordinates) grouped into circonscriptions (écoles) and bassins (2nd degré).
# (commune, INSEE code, latitude, longitude, circonscription / bassin)
COMMUNES = {
    "95": [
        ("Cergy", "95127", 49.0364, 2.0761, "Cergy"),
        ("Pontoise", "95500", 49.0508, 2.1008, "Cergy"),
        ("Argenteuil", "95018", 48.9472, 2.2467, "Argenteuil"),
        ("Bezons", "95063", 48.9261, 2.2178, "Argenteuil"),
        ("Sarcelles", "95585", 48.9973, 2.3797, "Sarcelles"),
        ("Garges-lès-Gonesse", "95268", 48.9727, 2.4009, "Sarcelles"),
        ("Villiers-le-Bel", "95680", 49.0087, 2.3906, "Sarcelles"),
        ("Goussainville", "95280", 49.0325, 2.4653, "Sarcelles"),
        ("Ermont", "95219", 48.9901, 2.2584, "Ermont"),
        ("Franconville", "95252", 48.9889, 2.2303, "Ermont"),
    ],
    "78": [
        ("Versailles", "78646", 48.8049, 2.1204, "Versailles"),
        ("Saint-Germain-en-Laye", "78551", 48.8989, 2.0938, "Saint-Germain-en-Laye"),
        ("Poissy", "78498", 48.9290, 2.0458, "Saint-Germain-en-Laye"),
        ("Sartrouville", "78586", 48.9372, 2.1644, "Saint-Germain-en-Laye"),
        ("Mantes-la-Jolie", "78361", 48.9908, 1.7172, "Mantes-la-Jolie"),
        ("Les Mureaux", "78440", 48.9917, 1.9097, "Mantes-la-Jolie"),
        ("Trappes", "78621", 48.7775, 2.0025, "Versailles"),
        ("Plaisir", "78490", 48.8232, 1.9472, "Versailles"),
    ],
}
PEOPLE = [
    "Jules Ferry", "Paul Langevin", "Louise Michel", "Jean Jaurès", "Victor Hugo", "Marie Curie",
    "Jacques Prévert", "Simone Veil", "Pablo Picasso", "Jean Moulin", "Gérard Philipe", "Camille Claudel",
    "Georges Brassens", "Aimé Césaire", "Germaine Tillion", "Olympe de Gouges", "Lucie Aubrac", "Jean Zay",
    "Condorcet", "Joséphine Baker", "Romain Rolland", "Anatole France", "Marcel Pagnol", "Albert Camus",
]  # fmt: skip
ECOLE_KINDS = ["École élémentaire", "École primaire", "École maternelle"]
FIRST_NAMES = [
    "Camille", "Léa", "Nicolas", "Sophie", "Thomas", "Julie", "Mehdi", "Claire", "Antoine", "Nadia",
    "Julien", "Aurélie", "Karim", "Émilie", "Pierre", "Fatou", "Hugo", "Marion", "Yann", "Inès",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux",
    "Diallo", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Benali", "Mercier",
]  # fmt: skip


def uai_for(departement: str, number: int) -> str:
    """A well-formed UAI of the département (0DD…) with its check letter (the schools are fictional)."""
    digits = f"0{departement}{number:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


@dataclass(frozen=True)
class DemoSize:
    """How big the demo is: schools per kind and teachers per school, per département."""

    ecoles: dict[str, int]
    colleges: dict[str, int]
    lycees: dict[str, int]
    teachers_per_ecole: int
    teachers_per_college: int
    teachers_per_lycee: int

    def schools(self, code: str) -> int:
        return self.ecoles[code] + self.colleges[code] + self.lycees[code]

    def teachers(self, code: str) -> int:
        return (
            self.ecoles[code] * self.teachers_per_ecole
            + self.colleges[code] * self.teachers_per_college
            + self.lycees[code] * self.teachers_per_lycee
        )


SIZES = {
    "full": DemoSize(
        ecoles={"95": 12, "78": 8},
        colleges={"95": 4, "78": 3},
        lycees={"95": 2, "78": 1},
        teachers_per_ecole=8,
        teachers_per_college=12,
        teachers_per_lycee=14,
    ),
    # The same shape, small enough for the tests.
    "small": DemoSize(
        ecoles={"95": 2, "78": 1},
        colleges={"95": 1, "78": 1},
        lycees={"95": 0, "78": 0},
        teachers_per_ecole=5,
        teachers_per_college=6,
        teachers_per_lycee=6,
    ),
}


@dataclass
class DemoReport:
    counts: dict[str, int] = field(default_factory=dict)
    statements_before: int = 0
    statements_after: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _quiz(title, questions, competencies, level, pass_mark=70):
    return {
        "type": "quiz",
        "value": {
            "title": title,
            "pass_mark": pass_mark,
            "alignment": {"framework": "crcn-edu", "competencies": competencies, "level": level},
            "questions": [
                {
                    "prompt": prompt,
                    "choices": [
                        {"text": text, "correct": correct, "feedback": feedback} for text, correct, feedback in choices
                    ],
                }
                for prompt, choices in questions
            ],
        },
    }


def _content(title, html, competencies, level):
    return {
        "type": "content_step",
        "value": {
            "title": title,
            "body": html,
            "alignment": {"framework": "crcn-edu", "competencies": competencies, "level": level},
        },
    }


COURSES = [
    {
        "slug": "enseigner-en-hybride",
        "title": "Enseigner en hybride : premiers pas",
        "summary": "Concevoir et animer une séquence qui articule temps en présence et temps à distance.",
        "objectives": (
            "Concevoir une séance qui articule temps en présence et temps à distance\n"
            "Choisir les outils de l'ENT adaptés à chaque temps\n"
            "Suivre le travail des élèves à distance"
        ),
        "prerequisites": "Savoir se connecter à l'ENT de son établissement.",
        "format": "hybride",
        "audience": "all",
        "hours": 6,
        "modules": [
            {
                "slug": "concevoir-une-seance-hybride",
                "title": "Concevoir une séance hybride",
                "activities": [
                    _content(
                        "Ce que l'hybridation change",
                        "<p>Une séance hybride répartit les activités entre présence et distance selon ce que "
                        "chaque temps fait le mieux : l'explication et l'échange en classe, l'entraînement et "
                        "la production à distance.</p>",
                        ["crcn-edu/3.1", "crcn-edu/2.1", "crcn-edu/1.3"],
                        3,
                    ),
                    _quiz(
                        "Vérifier ses acquis",
                        [
                            (
                                "Quel temps convient le mieux à l'entraînement individuel ?",
                                [
                                    ("Le temps à distance", True, "Oui : chacun avance à son rythme."),
                                    ("Le temps en présence uniquement", False, "La présence sert surtout l'échange."),
                                ],
                            ),
                            (
                                "Que faut-il prévoir pour le temps à distance ?",
                                [
                                    ("Des consignes claires et un retour", True, ""),
                                    ("Rien : les élèves s'organisent seuls", False, ""),
                                ],
                            ),
                        ],
                        ["crcn-edu/3.1", "crcn-edu/2.1", "crcn-edu/1.3"],
                        3,
                    ),
                ],
            },
            {
                "slug": "animer-une-classe-virtuelle",
                "title": "Animer une classe virtuelle",
                "activities": [
                    _content(
                        "Préparer la classe virtuelle",
                        "<p>Testez le lien, préparez un déroulé court et des moments d'interaction toutes les "
                        "dix minutes.</p>",
                        ["crcn-edu/3.2", "crcn-edu/1.1", "crcn-edu/1.2"],
                        3,
                    ),
                    _quiz(
                        "Les bons réflexes",
                        [
                            (
                                "Toutes les combien de minutes prévoir une interaction ?",
                                [("Environ dix", True, ""), ("Une fois par heure", False, "")],
                            )
                        ],
                        ["crcn-edu/3.2", "crcn-edu/1.1", "crcn-edu/1.2"],
                        4,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "evaluer-avec-le-numerique",
        "title": "Évaluer avec le numérique",
        "summary": "Construire des évaluations formatives avec des outils numériques et en exploiter les résultats.",
        "objectives": (
            "Construire une évaluation formative avec un outil numérique\n"
            "Exploiter ses résultats pour ajuster l'enseignement"
        ),
        "format": "distanciel",
        "audience": "2d",
        "hours": 3,
        "modules": [
            {
                "slug": "quiz-et-retroaction",
                "title": "Quiz et rétroaction",
                "activities": [
                    _content(
                        "L'évaluation formative outillée",
                        "<p>Un quiz n'évalue bien que s'il donne un retour immédiat et exploitable.</p>",
                        ["crcn-edu/3.3", "crcn-edu/5.2", "crcn-edu/4.1"],
                        3,
                    ),
                    _quiz(
                        "Quiz final",
                        [
                            (
                                "Qu'apporte un retour immédiat ?",
                                [("Il aide l'élève à corriger", True, ""), ("Rien de plus", False, "")],
                            ),
                            (
                                "Quelles données exploiter ?",
                                [("Les erreurs fréquentes", True, ""), ("La vitesse de connexion", False, "")],
                            ),
                        ],
                        ["crcn-edu/3.3", "crcn-edu/5.2", "crcn-edu/4.1"],
                        4,
                    ),
                ],
            }
        ],
    },
    {
        "slug": "concevoir-des-ressources",
        "title": "Concevoir et partager des ressources numériques",
        "summary": "Créer des ressources accessibles, les publier dans le respect du droit d'auteur et les "
        "partager avec ses collègues.",
        "format": "distanciel",
        "audience": "all",
        "hours": 4,
        "modules": [
            {
                "slug": "creer-une-ressource",
                "title": "Créer une ressource accessible",
                "activities": [
                    _content(
                        "Une ressource pour tous",
                        "<p>Titres structurés, textes alternatifs, contrastes suffisants : une ressource "
                        "accessible profite à toute la classe.</p>",
                        ["crcn-edu/2.2", "crcn-edu/4.2"],
                        4,
                    ),
                    _quiz(
                        "Accessibilité",
                        [
                            (
                                "Que faut-il ajouter à une image porteuse de sens ?",
                                [("Un texte alternatif", True, ""), ("Un filigrane", False, "")],
                            ),
                            (
                                "Différencier une ressource, c'est…",
                                [
                                    ("Proposer plusieurs chemins vers l'objectif", True, ""),
                                    ("Baisser l'objectif", False, ""),
                                ],
                            ),
                        ],
                        ["crcn-edu/2.2", "crcn-edu/4.2"],
                        4,
                    ),
                ],
            },
            {
                "slug": "partager-et-proteger",
                "title": "Partager et protéger",
                "activities": [
                    _content(
                        "Licences et données",
                        "<p>Une licence Creative Commons dit ce que les collègues peuvent faire de votre "
                        "ressource ; les données des élèves ne sortent pas des services de l'institution.</p>",
                        ["crcn-edu/2.3", "crcn-edu/1.4"],
                        4,
                    ),
                    _quiz(
                        "Partager en sécurité",
                        [
                            (
                                "Où déposer des travaux d'élèves ?",
                                [("Dans un service de l'institution", True, ""), ("Sur un réseau social", False, "")],
                            ),
                            (
                                "Une licence CC BY permet…",
                                [("De réutiliser en citant l'auteur", True, ""), ("Rien sans autorisation", False, "")],
                            ),
                        ],
                        ["crcn-edu/2.3", "crcn-edu/1.4"],
                        4,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "competences-numeriques-des-eleves",
        "title": "Développer les compétences numériques des élèves",
        "summary": "Engager les élèves dans des activités numériques, développer leurs compétences du CRCN et "
        "les préparer à Pix.",
        "format": "hybride",
        "audience": "all",
        "hours": 6,
        "modules": [
            {
                "slug": "engager-les-eleves",
                "title": "Engager les élèves",
                "activities": [
                    _content(
                        "Des élèves acteurs",
                        "<p>Projets collaboratifs, productions publiées, défis : le numérique engage quand "
                        "les élèves produisent.</p>",
                        ["crcn-edu/4.3", "crcn-edu/1.3"],
                        4,
                    ),
                    _quiz(
                        "Engagement",
                        [
                            (
                                "Qu'est-ce qui engage le plus les élèves ?",
                                [("Produire pour un vrai public", True, ""), ("Regarder une vidéo", False, "")],
                            ),
                            (
                                "Se former en continu, c'est…",
                                [("Suivre une veille et échanger", True, ""), ("Attendre une formation", False, "")],
                            ),
                        ],
                        ["crcn-edu/4.3", "crcn-edu/1.3"],
                        4,
                    ),
                ],
            },
            {
                "slug": "preparer-a-pix",
                "title": "Préparer les élèves à Pix",
                "activities": [
                    _content(
                        "Le CRCN des élèves",
                        "<p>Pix évalue les 16 compétences du CRCN ; les campagnes Pix Orga suivent la progression "
                        "de la classe.</p>",
                        ["crcn-edu/5.1", "crcn-edu/1.5"],
                        4,
                    ),
                    _quiz(
                        "Pix en classe",
                        [
                            (
                                "Combien de compétences compte le CRCN ?",
                                [("Seize", True, ""), ("Huit", False, "")],
                            ),
                            (
                                "Analyser sa pratique, c'est…",
                                [("Une posture réflexive", True, ""), ("Une perte de temps", False, "")],
                            ),
                        ],
                        ["crcn-edu/5.1", "crcn-edu/1.5"],
                        4,
                    ),
                ],
            },
        ],
    },
]

WORKSHOP_COURSE = {
    "slug": "ateliers-hybrides",
    "title": "Ateliers hybrides de l'Atelier Canopé 95",
    "summary": "Des ateliers en présentiel et une classe virtuelle pour mettre en pratique l'enseignement hybride.",
    "format": "presentiel",
    "audience": "all",
    "hours": 5,
    "module": {"slug": "ateliers-de-la-campagne", "title": "Les ateliers de la campagne"},
}


def _catalogue(*, code: str, slug: str, title: str, intro: str, default_site: bool) -> CatalogPage:
    departement = Departement.objects.get(code=code)
    catalogue = CatalogPage.objects.filter(slug=slug).first()
    if catalogue:
        return catalogue
    root = Page.get_first_root_node()
    catalogue = CatalogPage(title=title, slug=slug, intro=intro, territory=departement)
    root.add_child(instance=catalogue)
    if not default_site:
        # No Site of its own: with a second Site, Wagtail gives page URLs with each site's configured host,
        # and the demo served on 127.0.0.1:8000 would redirect to http://localhost/. The Yvelines' trainer
        # works in the admin; a territory's own site is configured as in production (README, multisite).
        return catalogue
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=catalogue, is_default_site=True)
    else:
        old_root = site.root_page
        site.root_page = catalogue
        site.site_name = f"Relais {departement.name}"
        site.save()
        # Wagtail's placeholder "Welcome" page has no template of ours: drop it.
        if old_root.pk != catalogue.pk and old_root.content_type.model == "page" and not old_root.get_children():
            old_root.delete()
    return catalogue


def _targets(data: dict) -> list[tuple[str, int]]:
    """A course targets what its quizzes assess, at the highest level they assess it (the evaluation's
    effect panel follows these competencies)."""
    levels: dict[str, int] = {}
    for module in data["modules"]:
        for activity in module["activities"]:
            if activity["type"] == "quiz":
                alignment = activity["value"]["alignment"]
                for key in alignment["competencies"]:
                    levels[key] = max(levels.get(key, 0), alignment["level"])
    return sorted(levels.items())


def _courses(catalogue: CatalogPage, published_at, partners) -> list[CoursePage]:
    """The Val-d'Oise's courses, each co-designed by two of the partners; every module ends with the reaction
    questionnaire and every course has the follow-up one, six weeks on (the French default question sets)."""
    with translation.override("fr"):
        reaction, follow_up = reaction_default(), follow_up_default()
    courses = []
    for number, data in enumerate(COURSES):
        course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
        if course is None:
            course = CoursePage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                format=data["format"],
                audience=data["audience"],
                duration_hours=data["hours"],
                objectives=data.get("objectives", ""),
                prerequisites=data.get("prerequisites", ""),
                follow_up=[{"type": "questionnaire", "value": follow_up}],
                follow_up_delay_weeks=demo_questionnaires.FOLLOW_UP_DELAY_WEEKS,
            )
            course.co_designers = [p for i, p in enumerate(partners) if (number + i) % 3 != 2]
            for key, level in _targets(data):
                competency = Competency.objects.get(framework__slug="crcn-edu", code=key.split("/", 1)[1])
                course.target_competencies.add(CourseCompetency(competency=competency, target_level=level))
            catalogue.add_child(instance=course)
            course.save_revision().publish()
        for module_data in data["modules"]:
            if ModulePage.objects.child_of(course).filter(slug=module_data["slug"]).exists():
                continue
            module = ModulePage(
                title=module_data["title"],
                slug=module_data["slug"],
                activities=[*module_data["activities"], {"type": "questionnaire", "value": reaction}],
            )
            course.add_child(instance=module)
            module.save_revision().publish()
        courses.append(course)
    # Published before the history begins.
    Page.objects.filter(pk__in=[c.pk for c in courses]).update(first_published_at=published_at)
    return courses


def _workshop_course(catalogue: CatalogPage, days: dict[str, date]) -> ModulePage:
    """The workshops of the current campaign: one held already (attendance taken), two to come."""
    data = WORKSHOP_COURSE
    course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
    if course is None:
        course = CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            format=data["format"],
            audience=data["audience"],
            duration_hours=data["hours"],
        )
        catalogue.add_child(instance=course)
        course.save_revision().publish()
    module = ModulePage.objects.child_of(course).filter(slug=data["module"]["slug"]).first()
    if module is None:
        alignment = {"framework": "crcn-edu", "competencies": ["crcn-edu/3.2", "crcn-edu/1.2"], "level": 3}
        module = ModulePage(
            title=data["module"]["title"],
            slug=data["module"]["slug"],
            intro="<p>Trois rendez-vous : deux ateliers à l'Atelier Canopé 95 et une classe virtuelle.</p>",
            activities=[
                {
                    "type": "in_person_session",
                    "value": {
                        "title": "Atelier : construire une séance hybride",
                        "date": days["past"].isoformat(),
                        "start_time": time(14, 0).isoformat(),
                        "end_time": time(17, 0).isoformat(),
                        "capacity": 16,
                        "place": "Atelier Canopé 95, Cergy",
                        "description": "<p>En petits groupes, chacun construit une séance et la présente.</p>",
                        "alignment": alignment,
                    },
                },
                {
                    "type": "virtual_class",
                    "value": {
                        "title": "Classe virtuelle : retours d'expérience",
                        "date": days["next"].isoformat(),
                        "start_time": time(17, 0).isoformat(),
                        "end_time": time(18, 0).isoformat(),
                        "capacity": 30,
                        "link": "https://visio-agents.education.fr/relais-demo-ateliers",
                        "description": "<p>Chacun raconte ce qu'il a essayé en classe.</p>",
                        "alignment": alignment,
                    },
                },
                {
                    "type": "in_person_session",
                    "value": {
                        "title": "Atelier : évaluer une séance hybride",
                        "date": days["later"].isoformat(),
                        "start_time": time(14, 0).isoformat(),
                        "end_time": time(17, 0).isoformat(),
                        "capacity": 16,
                        "place": "Atelier Canopé 95, Cergy",
                        "description": "<p>Analyser les traces d'une séance et l'améliorer.</p>",
                        "alignment": alignment,
                    },
                },
            ],
        )
        course.add_child(instance=module)
        module.save_revision().publish()
    return module


def _schools(size: DemoSize) -> list[School]:
    schools = []
    for code in ("95", "78"):
        departement = Departement.objects.get(code=code)
        communes = COMMUNES[code]
        areas = list(dict.fromkeys(area for *_x, area in communes))
        kinds = (
            [("ecole", n) for n in range(size.ecoles[code])]
            + [("college", n) for n in range(size.colleges[code])]
            + [("lycee", n) for n in range(size.lycees[code])]
        )
        for index, (kind, n) in enumerate(kinds):
            # Écoles spread over the communes; collèges and lycées one per commune in turn.
            commune, insee, lat, lon, area = communes[n % len(communes)]
            person = PEOPLE[(index * 5 + (0 if code == "95" else 3)) % len(PEOPLE)]
            name = {
                "ecole": f"{ECOLE_KINDS[n % len(ECOLE_KINDS)]} {person} ({commune})",
                "college": f"Collège {person} ({commune})",
                "lycee": f"Lycée {person} ({commune})",
            }[kind]
            area_number = areas.index(area) + 1
            school, _ = School.objects.update_or_create(
                uai=uai_for(code, 1000 + index * 7),
                defaults={
                    "name": name,
                    "kind": kind,
                    "sector": School.Sector.PUBLIC,
                    "departement": departement,
                    "commune_code": insee,
                    "commune": commune,
                    "latitude": round(lat + ((index % 3) - 1) * 0.004, 6),
                    "longitude": round(lon + ((index % 4) - 1.5) * 0.004, 6),
                    "circonscription": f"Circonscription de {area}" if kind == "ecole" else "",
                    "circonscription_code": f"0{code}C{area_number:03d}" if kind == "ecole" else "",
                    "bassin": f"Bassin de {area}" if kind != "ecole" else "",
                    "bassin_code": f"0{code}BF{area_number:02d}" if kind != "ecole" else "",
                },
            )
            schools.append(school)
    return schools


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo account shares one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, **fields):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, password=_demo_password_hash(), **fields)
        user.save()
    return user


def _teachers(schools: list[School], size: DemoSize) -> list[demo_history.Teacher]:
    """The schools' teachers; each school has its own pace (some train much more than others)."""
    per_kind = {
        "ecole": size.teachers_per_ecole,
        "college": size.teachers_per_college,
        "lycee": size.teachers_per_lycee,
    }
    teachers = []
    number = 0
    for index, school in enumerate(schools):
        # Most schools train a lot; one in six hardly (no ambassador there, unless the circonscription's).
        dice = random.Random(f"relais-demo/{school.uai}")
        pace = 0.08 if index % 6 == 4 else dice.uniform(0.85, 1.0)
        for _ in range(per_kind[school.kind]):
            number += 1
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            user = _user(f"enseignant{number:03d}@{DEMO_DOMAIN}", first_name=first, last_name=last)
            Membership.objects.get_or_create(user=user, school=school)
            dice = random.Random(f"relais-demo/skill/{user.email}")
            teachers.append(
                demo_history.Teacher(
                    user=user, skill=dice.uniform(0.55, 0.95), engagement=pace * dice.uniform(0.9, 1.15)
                )
            )
    return teachers


def _session_days(today: date) -> dict[str, date]:
    """A workshop held in the current campaign, and the next two (school days, holidays skipped)."""
    past = demo_history.campaign_days(today - timedelta(days=120), today - timedelta(days=7))
    future = demo_history.campaign_days(today + timedelta(days=7), today + timedelta(days=200))
    return {
        "past": past[-1],
        "next": future[0],
        "later": next(d for d in future if d >= future[0] + timedelta(days=14)),
    }


def _adaptation(*, origin: CoursePage, catalogue: CatalogPage, trainer, upstream_author) -> CoursePage:
    """The Yvelines adapt the Val-d'Oise's course; the Val-d'Oise then changes it: a change waits upstream."""
    existing = CoursePage.objects.child_of(catalogue).filter(origin=origin).first()
    if existing:
        return existing
    copy = local_adaptation_create(course=origin, catalogue=catalogue, user=trainer)
    copy.title = f"{origin.title} (Yvelines)"
    copy.summary = (
        "Adaptation locale : des évaluations formatives avec les outils de l'ENT des Yvelines, "
        "et un exemple en lycée professionnel."
    )
    copy.save_revision(user=trainer).publish()
    for module in ModulePage.objects.child_of(copy):
        module.save_revision(user=trainer).publish()
    origin = CoursePage.objects.get(pk=origin.pk)
    origin.summary = (
        "Construire des évaluations formatives avec des outils numériques, en exploiter les résultats "
        "et en rendre compte aux élèves et aux familles."
    )
    origin.save_revision(user=upstream_author).publish()
    return CoursePage.objects.get(pk=copy.pk)


def demo_plan(size_name: str = "full") -> dict[str, int]:
    """What the demo creates whatever the dice: the README's table is checked against it."""
    size = SIZES[size_name]
    return {
        "academies": 1,
        "departements": 2,
        "schools_95": size.schools("95"),
        "schools_78": size.schools("78"),
        # With the demo teacher (enseignante@), whose history is yours to make.
        "teachers": size.teachers("95") + size.teachers("78") + 1,
        "catalogues": 2,
        # Val-d'Oise: COURSES, the co-designed course, the workshops; Yvelines: the adaptation.
        "courses": len(COURSES) + 3,
        "managers": 3,
    }


def demo_load(
    *, size: str = "full", with_history: bool = True, today: date | None = None, teachers_per_school: int | None = None
) -> DemoReport:
    """Load (or complete) the demo territory. Idempotent: a second run adds nothing.

    `teachers_per_school` (tests) puts that many teachers in every school of the chosen size."""
    dimensions = SIZES[size]
    if teachers_per_school is not None:
        dimensions = replace(
            dimensions,
            teachers_per_ecole=teachers_per_school,
            teachers_per_college=teachers_per_school,
            teachers_per_lycee=teachers_per_school,
        )
    today = today or timezone.localdate()
    report = DemoReport(statements_before=Statement.objects.count())
    territories_load()
    frameworks_load_shipped()
    User = get_user_model()
    start = today - timedelta(days=demo_history.HISTORY_DAYS)
    with transaction.atomic():
        catalogue = _catalogue(
            code="95",
            slug="catalogue-val-d-oise",
            title="Formations au numérique éducatif — Val-d'Oise",
            intro="<p>Parcours hybrides co-construits par Réseau Canopé, la DRANE de Versailles et le "
            "Département du Val-d'Oise.</p>",
            default_site=True,
        )
        catalogue_78 = _catalogue(
            code="78",
            slug="catalogue-yvelines",
            title="Formations au numérique éducatif — Yvelines",
            intro="<p>Parcours de la DRANE de Versailles adaptés pour les Yvelines.</p>",
            default_site=False,
        )
        partners = partners_load()
        courses = _courses(
            catalogue, published_at=timezone.make_aware(datetime.combine(start, time(8, 0))), partners=partners
        )
        workshop = _workshop_course(catalogue, _session_days(today))
        every_block_course(catalogue, partners)
        codesign_workflow_setup(catalogue=catalogue, partners=partners[:2])
        schools = _schools(dimensions)
        _territory_settings(catalogue)
        trainer = _user(
            f"formatrice@{DEMO_DOMAIN}", first_name="Hélène", last_name="Garnier", role=User.Role.TRAINER, is_staff=True
        )
        _trainer_permissions(trainer, catalogue)
        trainer_78 = _user(
            f"formateur-yvelines@{DEMO_DOMAIN}",
            first_name="Rachid",
            last_name="Benoît",
            role=User.Role.TRAINER,
            is_staff=True,
        )
        _trainer_permissions(trainer_78, catalogue_78)
        adapted = _adaptation(
            origin=next(c for c in courses if c.slug == "evaluer-avec-le-numerique"),
            catalogue=catalogue_78,
            trainer=trainer_78,
            upstream_author=trainer,
        )
        for name, _kind, _url, reviewer_login in PARTNERS:
            if reviewer_login:
                reviewer = _user(
                    f"{reviewer_login}@{DEMO_DOMAIN}", first_name="Relecteur", last_name=name, role=User.Role.TRAINER
                )
                partner = next(p for p in partners if p.name == name)
                reviewer.groups.add(partner.reviewer_group)
        managers = _managers()
        if not User.objects.filter(email=f"admin@{DEMO_DOMAIN}").exists():
            User.objects.create_superuser(email=f"admin@{DEMO_DOMAIN}", password=DEMO_PASSWORD, first_name="Admin")
        teachers = _teachers(schools, dimensions)
        demo_teacher = _user(f"enseignante@{DEMO_DOMAIN}", first_name="Camille", last_name="Durand")
        Membership.objects.get_or_create(user=demo_teacher, school=schools[0])
    fresh = not Enrollment.objects.filter(user__in=[t.user for t in teachers]).exists()
    if with_history and fresh:
        _history(
            teachers=teachers,
            courses=courses,
            adapted=adapted,
            start=start,
            today=today,
            workshop=workshop,
            trainer=trainer,
            demo_teacher=demo_teacher,
        )
        _ambassadors(schools=schools, teachers=teachers, manager=managers["rectorat"])
        levels_refresh()  # the daily job: levels as of today, as evidence ages
    report.counts = demo_counts(schools=schools, catalogues=[catalogue, catalogue_78])
    report.statements_after = Statement.objects.count()
    report.logins = [
        (str(User.Role.TEACHER.label), f"enseignante@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.TRAINER.label), f"formatrice@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.TRAINER.label) + " 78", f"formateur-yvelines@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.MANAGER.label) + " 95", f"gestionnaire@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.MANAGER.label) + " 78", f"gestionnaire-yvelines@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.MANAGER.label) + " académie", f"rectorat@{DEMO_DOMAIN}", DEMO_PASSWORD),
        (str(User.Role.ADMIN.label), f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD),
        ("Relecteur Canopé", f"partenaire-canope@{DEMO_DOMAIN}", DEMO_PASSWORD),
        ("Relecteur DRANE", f"partenaire-drane@{DEMO_DOMAIN}", DEMO_PASSWORD),
    ]
    return report


def _managers() -> dict:
    User = get_user_model()
    val_d_oise = Departement.objects.get(code="95")
    return {
        "95": _user(
            f"gestionnaire@{DEMO_DOMAIN}",
            first_name="Marc",
            last_name="Petit",
            role=User.Role.MANAGER,
            scope_departement=val_d_oise,
        ),
        "78": _user(
            f"gestionnaire-yvelines@{DEMO_DOMAIN}",
            first_name="Sarah",
            last_name="Lemaire",
            role=User.Role.MANAGER,
            scope_departement=Departement.objects.get(code="78"),
        ),
        # The ambassador rules are the académie's: only a manager of the whole académie sets them.
        "rectorat": _user(
            f"rectorat@{DEMO_DOMAIN}",
            first_name="Claire",
            last_name="Moreau",
            role=User.Role.MANAGER,
            scope_academie=val_d_oise.academie,
        ),
    }


def _history(*, teachers, courses, adapted, start, today, workshop, trainer, demo_teacher) -> None:
    """18 months of campaigns through the site's services, then the current workshops."""
    days = demo_history.campaign_days(start, today - timedelta(days=1))
    modules_of = {c.pk: list(ModulePage.objects.child_of(c).live().order_by("path")) for c in [*courses, adapted]}
    # The Yvelines take their adaptation instead of the Val-d'Oise's original.
    original = adapted.origin_id
    events = []
    for teacher in teachers:
        in_78 = Membership.objects.filter(user=teacher.user, school__departement__code="78").exists()
        offered = [adapted if (in_78 and c.pk == original) else c for c in courses]
        events += demo_history.teacher_plan(teacher, offered, days, modules_of)
    demo_history.history_play(events)
    demo_questionnaires.follow_ups_play(skills={t.user.pk: t.skill for t in teachers}, days=days, today=today)
    # About 60 % opt in to being proposed as ambassadors (a teacher's own later choice is kept).
    for teacher in teachers:
        user = teacher.user
        chose = AmbassadorConsent.objects.filter(user=user).exists()
        if not chose and random.Random(f"consent/{user.email}").random() < 0.6:
            consent_set(user=user, consented=True)
    session_blocks = [b.id for b in workshop.activities]
    val_d_oise = [t.user for t in teachers if t.user.memberships.filter(school__departement__code="95").exists()]
    demo_history.sessions_play(
        trainer=trainer,
        module=workshop,
        past_block_id=session_blocks[0],
        future_block_ids=session_blocks[1:],
        teachers=[demo_teacher, *val_d_oise],
        today=today,
    )


def _ambassadors(*, schools, teachers, manager) -> None:
    """Proposals from the académie's rules; the manager confirmed some (a badge each), declined one."""
    ambassadors_propose(schools=School.objects.filter(pk__in=[s.pk for s in schools]))
    pending = list(
        AmbassadorProposal.objects.filter(status=AmbassadorProposal.Status.PROPOSED, school__in=schools).order_by(
            "school__uai", "pk"
        )
    )
    # A third confirmed, one declined, the rest waits for a decision.
    for number, proposal in enumerate(pending[: max(2, len(pending) * 2 // 3)]):
        if number % 2 == 0:
            proposal_decide(
                proposal=proposal, manager=manager, decision=AmbassadorProposal.Status.CONFIRMED, comment=""
            )
        elif number == 1:
            proposal_decide(
                proposal=proposal,
                manager=manager,
                decision=AmbassadorProposal.Status.DECLINED,
                comment="Déjà référente numérique d'une autre circonscription.",
            )


def demo_counts(*, schools, catalogues) -> dict[str, int]:
    """What is in the database for the demo territory: printed by load_demo."""
    school_ids = [s.pk for s in schools]
    teachers = Membership.objects.filter(school_id__in=school_ids, role=Membership.Role.TEACHER)
    proposals = AmbassadorProposal.objects.filter(school_id__in=school_ids)
    registrations = SessionRegistration.objects.filter(user__memberships__school_id__in=school_ids)
    teacher_ids = teachers.values("user_id")
    answers = QuestionnaireResponse.objects.filter(user__in=teacher_ids)
    return {
        "schools_95": sum(1 for s in schools if s.departement.code == "95"),
        "schools_78": sum(1 for s in schools if s.departement.code == "78"),
        "teachers": teachers.count(),
        "courses": sum(CoursePage.objects.child_of(c).count() for c in catalogues),
        "enrolments": Enrollment.objects.filter(user__memberships__school_id__in=school_ids).count(),
        "statements": Statement.objects.count(),
        "level_changes": LevelChange.objects.count(),
        "months_with_level_changes": LevelChange.objects.dates("changed_at", "month").count(),
        "proposals_pending": proposals.filter(status=AmbassadorProposal.Status.PROPOSED).count(),
        "proposals_confirmed": proposals.filter(status=AmbassadorProposal.Status.CONFIRMED).count(),
        "proposals_declined": proposals.filter(status=AmbassadorProposal.Status.DECLINED).count(),
        "badges": AmbassadorBadge.objects.count(),
        "session_places_past": registrations.filter(attended__isnull=False).count(),
        "session_places_future": registrations.filter(attended__isnull=True).count(),
        "questionnaire_reactions": answers.filter(kind=Kind.REACTION).count(),
        "follow_ups_sent": FollowUpInvitation.objects.filter(user__in=teacher_ids, sent_at__isnull=False).count(),
        "follow_ups_answered": answers.filter(kind=Kind.FOLLOW_UP).count(),
    }


def _territory_settings(catalogue: CatalogPage) -> None:
    # Looked up by name: themes sits above courses and is not imported from here.
    try:
        TerritorySettings = apps.get_model("themes", "TerritorySettings")
    except LookupError:
        return
    site = Site.objects.get(root_page=catalogue)
    settings_row = TerritorySettings.for_site(site)
    if not settings_row.territory_name:
        settings_row.territory_name = "Val-d'Oise — Territoire numérique éducatif"
        settings_row.save()
    signing = CertificateSettings.for_site(site)
    if not signing.signatory_name:
        signing.signatory_name = "Claire Martin"
        signing.signatory_title = "La directrice académique du numérique"
        signing.save()


def _trainer_permissions(trainer, catalogue: CatalogPage) -> None:
    """The demo trainer edits their territory's catalogue only, and publishes through the partners' workflow."""
    trainer.groups.add(trainer_group_for(catalogue))
    editors = Group.objects.filter(name="Editors").first()  # Wagtail's, too broad for a territory's trainer
    if editors:
        trainer.groups.remove(editors)
